-- Integrity index, part 2: computing a period (doc/index.md, "Computation").

CREATE FUNCTION @extschema@.score_vector_accum(float8[], int, float8, int) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'score_vector_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.score_vector_accum(float8[], int, float8, int) IS
  'Transition of score_vector: puts a value at its position (NaN marks positions without one).';
CREATE FUNCTION @extschema@.score_vector_combine(float8[], float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'score_vector_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.score_vector_combine(float8[], float8[]) IS
  'Combine function of score_vector: merges two partial vectors of one group.';
CREATE FUNCTION @extschema@.score_vector_final(float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'score_vector_final'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.score_vector_final(float8[]) IS
  'Final function of score_vector: the vector with NULL where no value arrived.';
CREATE AGGREGATE @extschema@.score_vector(pos int, value float8, length int) (
  SFUNC = @extschema@.score_vector_accum,
  STYPE = float8[],
  COMBINEFUNC = @extschema@.score_vector_combine,
  FINALFUNC = @extschema@.score_vector_final,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.score_vector(int, float8, int) IS
  'The values of a group placed at their positions (1 .. length) in one float8[], NULL where none; two values for one position are refused (21000). Feeds index_tree.';

CREATE TYPE @extschema@.index_tree_result AS (
  composite     float8,
  scores        float8[],
  contributions float8[]
);
COMMENT ON TYPE @extschema@.index_tree_result IS
  'Result of index_tree: the composite 0-100, the score of every node, and the points every node took off the composite (NULL where the node has no score).';

CREATE FUNCTION @extschema@.index_tree(parents int[], weights float8[], leaf_scores float8[])
  RETURNS @extschema@.index_tree_result
  AS 'MODULE_PATHNAME', 'index_tree'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.index_tree(int[], float8[], float8[]) IS
  'Rolls leaf scores (0-100, NULL = missing) up a tree given in topological order by parents (0 = top level, else the 1-based position of the parent, which comes first) and positive weights: each node is the weighted mean of its children that have a score, the composite that of the top-level nodes; contributions are (100 - score) x effective weight.';

-- History: the tree each period was computed with, and every subject's result.
CREATE TABLE @extschema@.index_run (
  framework_code  text NOT NULL REFERENCES @extschema@.index_framework ON DELETE CASCADE,
  period          text NOT NULL,
  subject_kind    text NOT NULL,
  node_codes      text[] NOT NULL,
  parents         int[] NOT NULL,
  weights         float8[] NOT NULL,
  depths          int[] NOT NULL,
  computed_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (framework_code, period, subject_kind)
);
COMMENT ON TABLE @extschema@.index_run IS
  'One computed period of a framework per subject kind: the tree it was computed with (node codes in topological order, parent positions, weights, depths: 1 = first-level indicator). A unit''s tree starts with the nodes $own (its own indicators) and $persons (its persons, by the framework''s person rule), depth 0.';

CREATE TABLE @extschema@.index_score (
  framework_code  text NOT NULL,
  period          text NOT NULL,
  subject_kind    text NOT NULL,
  subject_key     text NOT NULL,
  unit_code       text,
  composite       float8,
  level           @extschema@.level,
  scores          float8[] NOT NULL,
  contributions   float8[] NOT NULL,
  PRIMARY KEY (framework_code, period, subject_kind, subject_key)
);
COMMENT ON TABLE @extschema@.index_score IS
  'Result of one subject in one computed period: composite 0-100, its level through the framework''s scheme, and per node of the period''s tree (index_run.node_codes) the score and the points taken off. Kept as history; recomputing a period replaces its rows.';

-- The scores of a deleted run go with it (a statement-level stand-in for a
-- foreign key, which would cost a check per stored score).
CREATE FUNCTION @extschema@.index_run_drop_scores() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  DELETE FROM @extschema@.index_score s USING old_rows o
   WHERE s.framework_code = o.framework_code AND s.period = o.period AND s.subject_kind = o.subject_kind;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.index_run_drop_scores() IS
  'Trigger: deletes the scores of deleted index runs. Volatile because it deletes rows; parallel unsafe because it is a trigger.';
CREATE TRIGGER index_run_drop_scores AFTER DELETE ON @extschema@.index_run
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.index_run_drop_scores();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.index_run', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.index_score', '');

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, scheme_code,
                              default_level, rectify_days, enabled, description)
VALUES ('IDX_UNIT_BAND', 'Unit integrity index below the green band', '单位政治生态综合指数预警',
        'integrity', 'unit health', 'unit', 'index3', 'blue', 30, true,
        'Raised by cleangov.index_compute for every unit whose composite falls in blue or worse; evidence: composite, first-level scores and the indicators that took most points off.'),
       ('IDX_PERSON_BAND', 'Person integrity index below the green band', '个人廉政综合指数预警',
        'integrity', 'person profile', 'person', 'index3', 'blue', 30, true,
        'Raised by cleangov.index_compute for every person whose composite falls in blue or worse; evidence as for IDX_UNIT_BAND.');

-- The nodes of a framework's tree for one subject kind, in depth-first order
-- (parents first), with the normalisation of each leaf.
CREATE FUNCTION @extschema@.index_nodes(framework text, subject_kind text)
  RETURNS TABLE (pos int, indicator_code text, parent_pos int, weight float8, depth int, is_leaf boolean,
                 method text, higher_is text, worst float8, best float8, target float8, finer boolean)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  fw @extschema@.index_framework;
  shift int := 0;
BEGIN
  SELECT * INTO fw FROM @extschema@.index_framework f WHERE f.framework_code = index_nodes.framework;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no index framework %', framework USING ERRCODE = '42704';
  END IF;
  IF index_nodes.subject_kind = 'unit' AND fw.person_rule <> 'none' THEN
    shift := 2;
    RETURN QUERY VALUES (1, '$own', 0, 1 - fw.person_share, 0, false, NULL::text, NULL::text,
                         NULL::float8, NULL::float8, NULL::float8, false),
                        (2, '$persons', 0, fw.person_share, 0, true, NULL, NULL, NULL, NULL, NULL, false);
  END IF;
  RETURN QUERY
  WITH RECURSIVE t AS (
    SELECT i.indicator_code, i.parent_code, 1 AS depth,
           ARRAY[format('%s:%s', lpad((i.sort_order::bigint + 2147483648)::text, 10, '0'), i.indicator_code)] AS path
      FROM @extschema@.indicator i
     WHERE i.framework_code = index_nodes.framework AND i.parent_code IS NULL
       AND index_nodes.subject_kind = ANY (i.subject_kinds)
    UNION ALL
    SELECT i.indicator_code, i.parent_code, t.depth + 1,
           t.path || format('%s:%s', lpad((i.sort_order::bigint + 2147483648)::text, 10, '0'), i.indicator_code)
      FROM t JOIN @extschema@.indicator i
        ON i.framework_code = index_nodes.framework AND i.parent_code = t.indicator_code
     WHERE index_nodes.subject_kind = ANY (i.subject_kinds)
  ), o AS (
    SELECT t.*, (row_number() OVER (ORDER BY t.path))::int + shift AS pos FROM t
  )
  SELECT o.pos, o.indicator_code,
         coalesce(p.pos, CASE WHEN shift > 0 THEN 1 ELSE 0 END),
         i.weight, o.depth,
         NOT EXISTS (SELECT FROM o c WHERE c.parent_code = o.indicator_code),
         i.method, i.higher_is, i.worst, i.best, i.target,
         @extschema@.period_rank(coalesce(i.period_kind, fw.period_kind)) < @extschema@.period_rank(fw.period_kind)
    FROM o
    JOIN @extschema@.indicator i ON i.framework_code = index_nodes.framework AND i.indicator_code = o.indicator_code
    LEFT JOIN o p ON p.indicator_code = o.parent_code
   ORDER BY o.pos;
END
$$;
COMMENT ON FUNCTION @extschema@.index_nodes(text, text) IS
  'The tree of a framework for one subject kind in the order index_tree needs (parents first, siblings by sort_order then code): position, parent position, weight, depth, leaf or not, and each leaf''s normalisation. Stable because it reads the indicator tables.';

-- The 0-100 score of a value under one leaf's normalisation (the fixed
-- methods; percentile and robust_z need the peers and are computed set-wise).
-- Inlined into the scoring query, so a SQL-standard body (parsed at creation:
-- the caller's search_path cannot change it) rather than SET search_path.
CREATE FUNCTION @extschema@.index_normalize(value float8, method text, higher_is text,
                                            worst float8, best float8, target float8)
  RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  -- NaN compares above every number in PostgreSQL, so least() would clamp
  -- a NaN to the best score: every number is refused unless finite (22003).
  -- No subquery and no format() (stable) here: either would keep the
  -- function from being inlined.
  RETURN CASE WHEN 'NaN' IN (value, worst, best, target) OR 'Infinity' IN (value, worst, best, target)
                   OR '-Infinity' IN (value, worst, best, target)
              THEN @extschema@.raise_error('22003', 'index_normalize: not every number is finite (value '
                     || coalesce(value::text, 'NULL') || ', worst ' || coalesce(worst::text, 'NULL')
                     || ', best ' || coalesce(best::text, 'NULL') || ', target ' || coalesce(target::text, 'NULL') || ')',
                     'NaN and infinities are refused wherever a number enters cleangov; correct the source value.', value)
              ELSE CASE method
    WHEN 'bounds' THEN greatest(0.0, least(100.0, 100.0 * (value - worst) / (best - worst)))
    WHEN 'target' THEN CASE WHEN higher_is = 'safer' THEN greatest(0.0, least(100.0, 100.0 * value / target))
                            WHEN value <= target THEN 100.0
                            ELSE 100.0 * target / value END
  END END;
COMMENT ON FUNCTION @extschema@.index_normalize(float8, text, text, float8, float8, float8) IS
  'Score 0-100 of a value: bounds = 100 (value - worst) / (best - worst) clamped to 0..100; target = 100 min(1, value / target) when higher is safer, 100 min(1, target / value) when higher is riskier. A NaN or infinite value or bound is refused (22003).';

-- The SQL of the raw values of a kind's leaves with the given methods:
-- (period, subject_key, pos = leaf number, value, method, higher_is, worst,
-- best, target); values measured per a finer period are averaged over the
-- computed period.  The leaves are inlined as VALUES so that the planner
-- knows how many there are; peers_only adds an indexable filter on their
-- codes (peer-relative indicators are read through indicator_value_indicator).
-- $1 framework, $2 periods, $3 subject kind.  NULL when there is no such leaf.
CREATE FUNCTION @extschema@.index_leaf_sql(framework text, subject_kind text, methods text[], peers_only boolean)
  RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $f$
  WITH l AS (
    SELECT l.*, row_number() OVER (ORDER BY l.pos) AS leaf_no
      FROM @extschema@.index_nodes(framework, subject_kind) l WHERE l.is_leaf
  ), m AS (
    SELECT l.finer,
           string_agg(format('(%L::text, %s::int, %L::text, %L::text, %L::float8, %L::float8, %L::float8)',
                             l.indicator_code, l.leaf_no, l.method, l.higher_is, l.worst, l.best, l.target), ', ') AS rows,
           format('%L::text[]', array_agg(l.indicator_code)) AS codes
      FROM l WHERE l.method = ANY (methods)
     GROUP BY l.finer
  )
  SELECT string_agg(
           CASE WHEN NOT m.finer THEN
             format('SELECT v.period, v.subject_key, n.pos, v.value, n.method, n.higher_is, n.worst, n.best, n.target
                       FROM @extschema@.indicator_value v
                       JOIN (VALUES %s) n(indicator_code, pos, method, higher_is, worst, best, target)
                         ON n.indicator_code = v.indicator_code
                      WHERE v.framework_code = $1 AND v.period = ANY ($2) AND v.subject_kind = $3 %s',
                    m.rows, CASE WHEN peers_only THEN 'AND v.indicator_code = ANY (' || m.codes || ')' ELSE '' END)
           ELSE
             format('SELECT p.period, v.subject_key, n.pos, avg(v.value) AS value, n.method, n.higher_is, n.worst, n.best, n.target
                       FROM @extschema@.indicator_value v
                       JOIN (VALUES %s) n(indicator_code, pos, method, higher_is, worst, best, target)
                         ON n.indicator_code = v.indicator_code
                       JOIN unnest($2) p(period)
                         ON @extschema@.period_range(v.period) <@ @extschema@.period_range(p.period)
                      WHERE v.framework_code = $1 AND v.subject_kind = $3 AND v.indicator_code = ANY (%s)
                      GROUP BY 1, 2, 3, 5, 6, 7, 8, 9', m.rows, m.codes)
           END, ' UNION ALL ' ORDER BY m.finer)
    FROM m
$f$;
COMMENT ON FUNCTION @extschema@.index_leaf_sql(text, text, text[], boolean) IS
  'Internal to index_compute: the SQL reading the raw values of the leaves of a framework and subject kind that use the given normalisation methods. Stable because it reads the indicator tables.';

CREATE FUNCTION @extschema@.index_compute(framework text, periods text[], warn boolean DEFAULT true)
  RETURNS TABLE (period text, subject_kind text, level @extschema@.level, subjects bigint)
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  fw @extschema@.index_framework;
  sc @extschema@.band_scheme;
  k text;
  q record;
  p text;
  leaf text;
  parts text[];
  sql text;
  n int;
  node_codes text[];
  parents int[];
  weights float8[];
  depths int[];
  persons_leaf int;
BEGIN
  SELECT * INTO fw FROM @extschema@.index_framework f WHERE f.framework_code = index_compute.framework;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no index framework %', framework USING ERRCODE = '42704';
  END IF;
  IF coalesce(cardinality(periods), 0) = 0 THEN
    RAISE EXCEPTION 'no period to compute' USING ERRCODE = '22023';
  END IF;
  SELECT x INTO p FROM unnest(periods) x WHERE @extschema@.period_kind(x) IS DISTINCT FROM fw.period_kind LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'period % is not a % (framework %)', coalesce(p, 'NULL'), fw.period_kind, framework
      USING ERRCODE = '22007', HINT = 'Periods are written 2024 (year), 2024-Q2 (quarter) or 2024-03 (month).';
  END IF;
  periods := ARRAY(SELECT DISTINCT x FROM unnest(periods) x);
  -- The level through the scheme, as band() gives it, without a lookup per subject.
  SELECT * INTO STRICT sc FROM @extschema@.band_scheme b WHERE b.scheme_code = fw.scheme_code;

  -- 1. The SQL-defined indicators: run each query per period, replacing what it gave before.
  --    Each query runs with its owner's rights, through the owner's generated
  --    function (refresh_source_runners), never with the caller's.
  FOR q IN SELECT i.indicator_code, i.owner FROM @extschema@.indicator i
            WHERE i.framework_code = index_compute.framework AND i.source_query IS NOT NULL
            ORDER BY i.indicator_code LOOP
    IF to_regprocedure(format('cleangov_bound.%I(text, text, text)',
                              'index_sources_' || (SELECT r.oid FROM pg_roles r WHERE r.rolname = q.owner))) IS NULL
       AND has_function_privilege('@extschema@.refresh_source_runners()', 'EXECUTE') THEN
      PERFORM @extschema@.refresh_source_runners();
    END IF;
    sql := format('INSERT INTO @extschema@.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value, source)
                   SELECT $2, $3, $1, r.subject_kind, r.subject_key, r.value, ''query'' FROM %s($1, $2, $3) r',
                  @extschema@.source_runner('index_sources',
                                            format('indicator %s of framework %s', q.indicator_code, framework), q.owner));
    DELETE FROM @extschema@.indicator_value v
     WHERE v.framework_code = index_compute.framework AND v.indicator_code = q.indicator_code
       AND v.period = ANY (periods) AND v.source = 'query';
    FOREACH p IN ARRAY periods LOOP
      EXECUTE sql USING p, framework, q.indicator_code;
    END LOOP;
  END LOOP;

  -- 2. Re-running a period replaces it.
  DELETE FROM @extschema@.index_score s WHERE s.framework_code = index_compute.framework AND s.period = ANY (periods);
  DELETE FROM @extschema@.index_run r WHERE r.framework_code = index_compute.framework AND r.period = ANY (periods);

  -- 3. Per subject kind, persons before units (a unit's score takes its persons').
  FOR k IN SELECT x FROM (SELECT DISTINCT unnest(i.subject_kinds) AS x FROM @extschema@.indicator i
                           WHERE i.framework_code = index_compute.framework
                          UNION SELECT 'unit' WHERE fw.person_rule <> 'none') s
            ORDER BY x <> 'person', x <> 'unit', x LOOP
    SELECT array_agg(l.indicator_code ORDER BY l.pos), array_agg(l.parent_pos ORDER BY l.pos),
           array_agg(l.weight ORDER BY l.pos), array_agg(l.depth ORDER BY l.pos),
           count(*) FILTER (WHERE l.is_leaf), max(l.leaf_no) FILTER (WHERE l.indicator_code = '$persons')
      INTO node_codes, parents, weights, depths, n, persons_leaf
      FROM (SELECT l.*, row_number() OVER (PARTITION BY l.is_leaf ORDER BY l.pos) AS leaf_no
              FROM @extschema@.index_nodes(framework, k) l) l;
    INSERT INTO @extschema@.index_run (framework_code, period, subject_kind, node_codes, parents, weights, depths)
    SELECT framework, x, k, node_codes, parents, weights, depths FROM unnest(periods) x;

    parts := '{}';
    leaf := @extschema@.index_leaf_sql(framework, k, '{bounds,target}', false);
    IF leaf IS NOT NULL THEN
      parts := parts || ('SELECT r.period, r.subject_key, r.pos,
                                 @extschema@.index_normalize(r.value, r.method, r.higher_is, r.worst, r.best, r.target) AS score
                            FROM (' || leaf || ') r');
    END IF;
    leaf := @extschema@.index_leaf_sql(framework, k, '{percentile}', true);
    IF leaf IS NOT NULL THEN
      -- 100 x (1 - (peers strictly safer) / (peers - 1)): the safest (and all
      -- tied with them) score 100, the riskiest 0; a lone subject scores 100.
      parts := parts || ('SELECT r.period, r.subject_key, r.pos,
                                 100.0 - 100.0 * percent_rank() OVER wr
                            FROM (' || leaf || ') r
                          WINDOW wr AS (PARTITION BY r.pos, r.period
                                        ORDER BY CASE WHEN r.higher_is = ''riskier'' THEN r.value ELSE -r.value END)');
    END IF;
    leaf := @extschema@.index_leaf_sql(framework, k, '{robust_z}', true);
    IF leaf IS NOT NULL THEN
      -- z = (value - median) / (1.4826 MAD) towards risk, 0 when MAD = 0;
      -- scored 100 at z = best and 0 at z = worst.
      parts := parts || ('WITH r AS (' || leaf || '),
                                  m AS (SELECT pos, period, percentile_cont(0.5) WITHIN GROUP (ORDER BY value) AS med
                                          FROM r GROUP BY 1, 2),
                                  d AS (SELECT r.pos, r.period, m.med,
                                               percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(r.value - m.med)) AS mad
                                          FROM r JOIN m USING (pos, period) GROUP BY 1, 2, 3)
                           SELECT r.period, r.subject_key, r.pos,
                                  greatest(0.0, least(100.0, 100.0 * (r.worst - z.z) / (r.worst - r.best)))
                             FROM r JOIN d USING (pos, period)
                            CROSS JOIN LATERAL (SELECT CASE WHEN d.mad = 0 THEN 0.0
                                                            ELSE (r.value - d.med) / (1.4826 * d.mad)
                                                                 * CASE WHEN r.higher_is = ''riskier'' THEN 1 ELSE -1 END
                                                       END AS z) z');
    END IF;
    IF k = 'unit' AND fw.person_rule <> 'none' THEN
      parts := parts || format('SELECT s.period, s.unit_code, %s, %s
                                  FROM @extschema@.index_score s
                                 WHERE s.framework_code = $1 AND s.period = ANY ($2) AND s.subject_kind = ''person''
                                   AND s.composite IS NOT NULL AND s.unit_code IS NOT NULL
                                 GROUP BY s.period, s.unit_code',
                               persons_leaf,
                               CASE fw.person_rule
                                 WHEN 'mean' THEN 'avg(s.composite)'
                                 WHEN 'worst' THEN 'min(s.composite)'
                                 ELSE format('100.0 * (1 - avg((s.level >= %L::@extschema@.level)::int))', fw.person_level)
                               END);
    END IF;

    sql := format('INSERT INTO @extschema@.index_score
                     (framework_code, period, subject_kind, subject_key, unit_code, composite, level, scores, contributions)
                   SELECT $1, g.period, $3, g.subject_key, %s, (g.t).composite,
                          ($8::@extschema@.level[])[@extschema@.band_position((g.t).composite, $4, $9)],
                          (g.t).scores, (g.t).contributions
                     FROM (SELECT s.period, s.subject_key,
                                  @extschema@.index_tree($5, $6, @extschema@.score_vector(s.pos, s.score, $7)) AS t
                             FROM (%s) s(period, subject_key, pos, score)
                            GROUP BY s.period, s.subject_key) g %s',
                  CASE k WHEN 'unit' THEN 'g.subject_key' WHEN 'person' THEN 'ip.unit_code' ELSE 'NULL' END,
                  '(' || array_to_string(parts, ') UNION ALL (') || ')',
                  CASE k WHEN 'person' THEN 'LEFT JOIN @extschema@.index_person ip ON ip.person_key = g.subject_key' ELSE '' END);
    IF cardinality(parts) > 0 THEN
      EXECUTE sql USING framework, periods, k, sc.cutoffs, parents, weights, n, sc.levels, sc.high_is_bad;
    END IF;
  END LOOP;

  -- 4. Warnings: blue or worse, routed to the unit, contributions as evidence.
  IF warn THEN
    PERFORM @extschema@.index_warn(framework, periods);
  END IF;

  RETURN QUERY
  SELECT s.period, s.subject_kind, s.level, count(*)
    FROM @extschema@.index_score s
   WHERE s.framework_code = index_compute.framework AND s.period = ANY (periods)
   GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
END
$$;
COMMENT ON FUNCTION @extschema@.index_compute(text, text[], boolean) IS
  'Computes the given periods of a framework set-based: runs the SQL-defined indicators (each with its owner''s rights; a right the owner lacks: 42501 naming the indicator), scores every leaf, rolls persons up their tree, persons into their units by the framework''s person rule, units up theirs, bands the composites, stores them (replacing those periods) and, if warn, raises IDX_PERSON_BAND / IDX_UNIT_BAND alerts. Returns the number of subjects per period, kind and level. Volatile because it writes the results; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.index_compute(framework text, period text, warn boolean DEFAULT true)
  RETURNS TABLE (period text, subject_kind text, level @extschema@.level, subjects bigint)
  LANGUAGE sql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$ SELECT * FROM @extschema@.index_compute(framework, ARRAY[period], warn) $$;
COMMENT ON FUNCTION @extschema@.index_compute(text, text, boolean) IS
  'Computes one period of a framework (see index_compute(text, text[], boolean)). Volatile because it writes the results; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.index_warn(framework text, periods text[])
  RETURNS TABLE (alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  hits @extschema@.hit[];
BEGIN
  SELECT array_agg(ROW(CASE s.subject_kind WHEN 'unit' THEN 'IDX_UNIT_BAND' ELSE 'IDX_PERSON_BAND' END,
                       s.subject_kind, s.subject_key, s.unit_code, s.period, @extschema@.round_sig(s.composite),
                       NULL::float8, s.level,
                       jsonb_build_object(
                         'framework', s.framework_code,
                         'composite', round(s.composite::numeric, 2),
                         'first_level', (SELECT jsonb_object_agg(c.code, round(c.score::numeric, 2))
                                           FROM unnest(r.node_codes, r.depths, s.scores) c(code, depth, score)
                                          WHERE c.depth = 1 AND c.score IS NOT NULL),
                         'took_off', (SELECT jsonb_agg(jsonb_build_object('indicator', c.code, 'name_zh', i.name_zh,
                                                                          'score', round(c.score::numeric, 2),
                                                                          'points', round(c.points::numeric, 2))
                                                       ORDER BY round(c.points::numeric, 2) DESC, c.code)
                                        FROM (SELECT * FROM unnest(r.node_codes, s.scores, s.contributions, r.parents)
                                                            WITH ORDINALITY c(code, score, points, parent, pos)
                                               WHERE c.points > 0
                                                 AND NOT c.pos::int = ANY (r.parents)
                                               -- by the points shown, so that float noise in
                                               -- the last digits cannot reorder two leaves
                                               ORDER BY round(c.points::numeric, 2) DESC, c.code LIMIT 5) c
                                        LEFT JOIN @extschema@.indicator i
                                          ON i.framework_code = s.framework_code AND i.indicator_code = c.code)),
                       'cleangov.index_score',
                       concat_ws('/', s.framework_code, s.period, s.subject_kind, s.subject_key))::@extschema@.hit)
    INTO hits
    FROM @extschema@.index_score s
    JOIN @extschema@.index_run r USING (framework_code, period, subject_kind)
   WHERE s.framework_code = index_warn.framework AND s.period = ANY (periods)
     AND s.subject_kind IN ('unit', 'person') AND s.level > 'green';
  IF hits IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT a.alert_id, a.action FROM @extschema@.raise_alerts(hits) a;
END
$$;
COMMENT ON FUNCTION @extschema@.index_warn(text, text[]) IS
  'Raises (or refreshes) an IDX_UNIT_BAND or IDX_PERSON_BAND alert through raise_alerts for every unit and person of the given periods whose level is blue or worse, routed to its unit; evidence: composite, first-level scores and the five leaves that took most points off. Volatile because it writes alerts; parallel unsafe because it writes.';
