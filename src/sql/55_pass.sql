-- Rule engine, part 3b: shared passes.
--
-- Several set rules read the same rows the same way: four bid rules compute
-- each tender's winning and second-lowest bids, two others each tender's
-- bid statistics.  A pass is that common part, written once: a named query
-- over the bound shapes that a rule reads as the relation
-- cleangov_pass.<name>.  The engine renders each pass a rule reads as a
-- MATERIALIZED CTE (cleangov_pass_<name>) before the rule's query, with the
-- rule's thresholds where the pass has placeholders (the pass's defaults
-- where the rule has none).  So a rule alone computes its passes itself,
-- and cleangov.run() evaluates the rules of one owner whose rendered passes
-- are identical in ONE query: each pass computed once, every rule reading
-- its tuplestore (doc/rules.md, "Shared passes").
--
-- A pass may be evaluated for some subjects only: {subjects} in its query
-- is the array of subject keys (of its grain) that the watch triggers and
-- incremental runs evaluate, NULL for all (doc/rules.md, "Subjects a
-- statement touched").

CREATE TABLE @extschema@.pass (
  pass        text PRIMARY KEY CHECK (pass ~ '^[a-z][a-z0-9_]*$'),
  query       text NOT NULL,
  defaults    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(defaults) = 'object'),
  grain       text NOT NULL CHECK (grain ~ '^[a-z][a-z0-9_]*$'),
  grain_keys  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(grain_keys) = 'object'),
  carries     text[] NOT NULL DEFAULT '{}',
  description text NOT NULL
);
COMMENT ON TABLE @extschema@.pass IS
  'Shared passes: a named query over the bound shapes that set rules read as cleangov_pass.<pass>; rendered with the reading rule''s thresholds (defaults: those the rule lacks), so that rules whose rendered passes are identical are evaluated by cleangov.run() in one query with each pass computed once. grain: the subject the pass has one row per (its column of that name is the key); grain_keys: for each shape it reads, the shape column that leads a row to its subject ({subjects} in the query: the keys evaluated, NULL for all).';
COMMENT ON COLUMN @extschema@.pass.carries IS
  'Optional shape columns (shape.column) the pass reads on behalf of some of its readers: a reader that uses one declares it (needs or degrades), a reader that does not need not (a column read for R030 is not a degradation of R028).';
COMMENT ON COLUMN @extschema@.pass.query IS
  'The pass''s SQL over cleangov_bound.<shape>; {name} placeholders are thresholds of the reading rule (or defaults), {subjects} the keys evaluated (NULL: all).';
GRANT SELECT ON @extschema@.pass TO cleangov_admin, cleangov_analyst;

-- A rule's query with its pass references written as the CTE names the
-- engine gives them (cleangov_pass.<name> -> cleangov_pass_<name>), before
-- thresholds are rendered, so no threshold's text is ever rewritten.
CREATE FUNCTION @extschema@.pass_refs(sql text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN regexp_replace(sql, '\mcleangov_pass\.([a-z][a-z0-9_]*)\M', 'cleangov_pass_\1', 'g');
COMMENT ON FUNCTION @extschema@.pass_refs(text) IS
  'Internal to rule_sql: a rule''s SQL with each reference cleangov_pass.<name> written as the CTE cleangov_pass_<name>.';

-- The passes a rule's SQL reads, by name.
CREATE FUNCTION @extschema@.passes_read(sql text)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT DISTINCT m[1] FROM regexp_matches(coalesce(sql, ''), '\mcleangov_pass\.([a-z][a-z0-9_]*)\M', 'g') m ORDER BY 1);
COMMENT ON FUNCTION @extschema@.passes_read(text) IS
  'Internal to rule_definition_check: the names of the passes a rule''s SQL reads (cleangov_pass.<name>), sorted.';

-- The CTEs of a rule's passes, rendered with its thresholds over the
-- pass's defaults; subjects is the SQL of the keys evaluated (NULL: all).
-- stable because it reads the passes and the rule
CREATE FUNCTION @extschema@.pass_ctes(passes text[], thresholds jsonb, rule_code text, subjects text DEFAULT NULL)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p @extschema@.pass;
  out_ctes text[] := '{}'::text[];
BEGIN
  FOR p IN SELECT * FROM @extschema@.pass x WHERE x.pass = ANY (passes) ORDER BY x.pass LOOP
    out_ctes := out_ctes || format('cleangov_pass_%s AS MATERIALIZED (%s)', p.pass,
      @extschema@.rule_render(p.query, p.defaults || coalesce(thresholds, '{}'), rule_code, subjects));
  END LOOP;
  IF cardinality(out_ctes) < cardinality(passes) THEN
    RAISE EXCEPTION 'rule %: unknown pass "%"', rule_code,
      (SELECT n FROM unnest(passes) n WHERE NOT EXISTS (SELECT FROM @extschema@.pass x WHERE x.pass = n) LIMIT 1)
      USING ERRCODE = 'undefined_object', HINT = 'The passes are listed in cleangov.pass.';
  END IF;
  RETURN out_ctes;
END
$$;
COMMENT ON FUNCTION @extschema@.pass_ctes(text[], jsonb, text, text) IS
  'Internal to rule_sql: the MATERIALIZED CTEs of the passes a rule reads, rendered with the rule''s thresholds over each pass''s defaults, {subjects} as the given SQL (NULL: every subject); 42704 for an unknown pass. Stable because it reads the passes.';

-- The shipped passes.

-- Each process's winning bid and the lowest valid bid of another tenderer,
-- as Cardinal's R024 and R058 read them (cleangov.cardinal_price_gaps,
-- 57_cardinal.sql): R024, R058, PROC_CLOSE_SECOND_BID and
-- PROC_DISCOUNTED_WINNER read it, in one pass under their default settings.
INSERT INTO @extschema@.pass (pass, query, defaults, grain, grain_keys, description) VALUES (
  'price_gaps',
  $$SELECT * FROM @extschema@.cardinal_price_gaps('cleangov_bound.tender', 'cleangov_bound.bid', 'cleangov_bound.award',
                                               {currency}::text, {exclude_procurement_method_details}::text[],
                                               {no_price_comparison_procurement_methods}::text[],
                                               {price_comparison_procurement_methods}::text[], {subjects})$$,
  '{"currency": null, "exclude_procurement_method_details": [], "no_price_comparison_procurement_methods": [], "price_comparison_procurement_methods": []}',
  'tender', '{"tender": "tender_id", "bid": "tender_id", "award": "tender_id"}',
  'Per contracting process with one final active award: the winner''s lowest valid bid, the lowest valid bid of another tenderer and their relative difference, in the main currency (cleangov.cardinal_price_gaps); thresholds currency and the three method-details lists as Cardinal''s R024.');

-- Every bid of every kept process with its tender's columns: the one read of
-- the bids that the other bid rules share (R025, R028, R030, R035, R036,
-- R038, PROC_SINGLE_BIDDER, PROC_BID_RIGGING_SCREEN, PROC_SHARED_CONTACTS).
-- A process is kept when its tender_id is set and it is not cancelled (every
-- reader skips cancelled processes); the method lists are the readers' own
-- filters, on method_details.  A bid status NULL reads as valid, a
-- tenderer_count NULL as one (the shapes' readings).  No thresholds: every
-- reader renders it the same way, so one query computes it once for all.
INSERT INTO @extschema@.pass (pass, query, grain, grain_keys, carries, description) VALUES (
  'tender_bids',
  $$SELECT t.tender_id, t.unit_code, t.method, t.method_details, t.buyer_id, t.procuring_entity_id, t.period_end,
           b.bid_id, b.bidder_id, b.amount, b.currency, coalesce(b.status, 'valid') AS status, b.submitted_at,
           coalesce(b.tenderer_count, 1) AS tenderer_count
      FROM cleangov_bound.tender t JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id
     WHERE t.tender_id IS NOT NULL AND t.status IS DISTINCT FROM 'cancelled'
       AND ({subjects} IS NULL OR (t.tender_id = ANY ({subjects}) AND b.tender_id = ANY ({subjects})))$$,
  'tender', '{"tender": "tender_id", "bid": "tender_id"}',
  '{tender.unit_code,tender.method_details,tender.procuring_entity_id,tender.period_end,bid.currency,bid.status,bid.submitted_at,bid.tenderer_count}',
  'Every bid of every process that is not cancelled, with its tender''s unit, method, method details, buyer, procuring entity and deadline; status NULL as valid, tenderer_count NULL as 1. No thresholds: one read of the bids for all the bid rules that read it.');

-- Every kept process with its awards summed up (cleangov.cardinal_processes
-- without the method lists, which the readers apply to method_details).
INSERT INTO @extschema@.pass (pass, query, grain, grain_keys, carries, description) VALUES (
  'processes',
  $$SELECT * FROM @extschema@.cardinal_processes('cleangov_bound.tender', 'cleangov_bound.award', '{}'::text[], NULL::text[], '{}'::text[], {subjects})$$,
  'tender', '{"tender": "tender_id", "award": "tender_id"}',
  '{tender.unit_code,tender.method_details,award.status,award.supplier_count}',
  'Every process that is not cancelled, with its awards summed up (cleangov.cardinal_processes: awards_final, active_awards, active_supplier); the method lists are left to the readers.');

-- Which rules share their passes: the rules of one owner that render the
-- passes taking thresholds the same way.  A pass without thresholds
-- (tender_bids, processes) renders the same for every reader, so every rule
-- of an owner that reads such passes only is in one group, whichever of
-- them it reads: the group's query computes the union of its rules' passes,
-- each once (pass_group_ctes).  NULL for a rule that reads no pass.
-- refresh_runners(), run() and the watch triggers group the rules by it.
-- stable because it reads the passes and the rule
CREATE FUNCTION @extschema@.pass_group(d @extschema@.rule_definition)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF d.kind <> 'set' OR cardinality(d.passes) = 0 THEN
    RETURN NULL;
  END IF;
  RETURN 'cleangov_pass:' || md5(d.owner || E'\n' || coalesce(array_to_string(
    @extschema@.pass_ctes(ARRAY(SELECT p.pass FROM @extschema@.pass p WHERE p.pass = ANY (d.passes) AND @extschema@.pass_takes_thresholds(p.query)),
                          (SELECT r.thresholds FROM @extschema@.rule r WHERE r.rule_code = d.rule_code), d.rule_code), E',\n'), ''));
END
$$;
COMMENT ON FUNCTION @extschema@.pass_group(@extschema@.rule_definition) IS
  'Internal to run(), refresh_runners() and the watch triggers: the key of the group of rules evaluated in one query (the same owner, the passes that take thresholds rendered the same way; passes without thresholds join any group), or NULL for a rule that reads no pass. Stable because it reads the passes and the rule.';

-- Whether a pass's query has placeholders other than {subjects}.
CREATE FUNCTION @extschema@.pass_takes_thresholds(query text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN EXISTS (SELECT FROM unnest(@extschema@.rule_sql_split(query)) WITH ORDINALITY u(part, i)
                WHERE u.i % 2 = 0 AND u.part <> 'subjects');
COMMENT ON FUNCTION @extschema@.pass_takes_thresholds(text) IS
  'Internal to pass_group: whether a pass''s SQL has placeholders other than {subjects} (then its rendering depends on the reading rule''s thresholds).';

-- The CTEs of a group of rules that share their passes (one pass_group):
-- the union of the passes they read, each rendered once, with the
-- thresholds of the first rule (by code) that reads it; subjects as for
-- pass_ctes.  The group's rules render each pass that takes thresholds the
-- same way (that is the group), and the others render the same for all.
-- stable because it reads the passes and the rules
CREATE FUNCTION @extschema@.pass_group_ctes(codes text[], subjects text DEFAULT NULL)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  x record;
  out_ctes text[] := '{}'::text[];
BEGIN
  FOR x IN SELECT DISTINCT ON (n) n, y.rule_code, r.thresholds
             FROM @extschema@.rule_definition y JOIN @extschema@.rule r USING (rule_code) CROSS JOIN LATERAL unnest(y.passes) n
            WHERE y.rule_code = ANY (codes)
            ORDER BY n, y.rule_code LOOP
    out_ctes := out_ctes || @extschema@.pass_ctes(ARRAY[x.n], x.thresholds, x.rule_code, subjects);
  END LOOP;
  RETURN out_ctes;
END
$$;
COMMENT ON FUNCTION @extschema@.pass_group_ctes(text[], text) IS
  'Internal to refresh_runners() and the watch triggers: the MATERIALIZED CTEs of the union of the passes the given rules read (one group of pass_group), each rendered once with the thresholds of the first rule that reads it; subjects: SQL of the keys evaluated (NULL: all). Stable because it reads the passes and the rules.';

-- A rule evaluated for some subjects only (subjects: the SQL of a text[] of
-- keys of its grain, a variable of a generated function): its passes read
-- only those subjects' rows, its statistics come from cleangov.rule_statistic,
-- and only its hits on those subjects count (a hit of another kind, such as
-- the tenderers R024 flags over all its processes, needs every subject:
-- whole evaluations raise it).
-- stable because it reads the rule tables
CREATE FUNCTION @extschema@.rule_scoped_sql(d @extschema@.rule_definition, subjects text, with_passes boolean DEFAULT true)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF d.grain IS NULL AND subjects IS NOT NULL THEN
    RAISE EXCEPTION 'rule % cannot be evaluated for some subjects: it reads shapes other than through passes that take {subjects}', d.rule_code
      USING ERRCODE = 'feature_not_supported';
  END IF;
  IF d.statistics IS NULL THEN
    RETURN CASE WHEN subjects IS NULL THEN @extschema@.rule_sql(d, NULL, with_passes)
                ELSE format('SELECT q.h FROM (%s) q WHERE (q.h).subject_kind = %L AND (q.h).subject_key = ANY (%s)',
                            @extschema@.rule_sql(d, NULL, with_passes, subjects, false), d.grain, subjects) END;
  END IF;
  -- the statistics stored, and their refresh named in the evidence (no
  -- statistics stored yet: no hits; the callers warn)
  RETURN format('SELECT ROW((q.h).rule_code, (q.h).subject_kind, (q.h).subject_key, (q.h).unit_code, (q.h).period, (q.h).value,'
                ' (q.h).threshold, (q.h).level, coalesce((q.h).evidence, ''{}'') || jsonb_build_object(''statistics_refresh'', cleangov_st.refresh_id),'
                ' (q.h).source_table, (q.h).source_key)::@extschema@.hit AS h'
                ' FROM (%s) q JOIN @extschema@.rule_statistic cleangov_st ON cleangov_st.rule_code = %L%s',
                @extschema@.rule_sql(d, NULL, with_passes, subjects, false, true), d.rule_code,
                CASE WHEN subjects IS NOT NULL
                     THEN format(' WHERE (q.h).subject_kind = %L AND (q.h).subject_key = ANY (%s)', d.grain, subjects) ELSE '' END);
END
$$;
COMMENT ON FUNCTION @extschema@.rule_scoped_sql(@extschema@.rule_definition, text, boolean) IS
  'Internal to the watch triggers and run(): the SQL of a rule''s hits on some subjects of its grain (subjects: SQL of their keys; NULL: every subject, with the statistics stored): passes read for them only (with_passes false: computed by the caller''s query), statistics read from cleangov.rule_statistic and their refresh named in the evidence (statistics_refresh), hits of other kinds or subjects left out; 0A000 for a rule without a grain. Stable because it reads the rule tables.';
