-- Integrity index, part 3: reports for people and BI tools (doc/index.md,
-- "Reports"): node scores in long form, the unit health report, the region
-- summary, the person profile, the heat map and the common problems.

CREATE VIEW @extschema@.index_node_score WITH (security_invoker = true) AS
SELECT s.framework_code, s.period, s.subject_kind, s.subject_key, s.unit_code,
       c.pos::int AS pos, c.indicator_code,
       coalesce(i.name_zh, CASE c.indicator_code WHEN '$own' THEN '本单位指标' WHEN '$persons' THEN '所属人员' END) AS name_zh,
       coalesce(i.name, CASE c.indicator_code WHEN '$own' THEN 'own indicators' WHEN '$persons' THEN 'its persons' END) AS name,
       c.depth, c.parent AS parent_pos, NOT (c.pos::int = ANY (r.parents)) AS is_leaf,
       c.score, c.points, s.composite, s.level
  FROM @extschema@.index_score s
  JOIN @extschema@.index_run r USING (framework_code, period, subject_kind)
 CROSS JOIN LATERAL unnest(r.node_codes, r.depths, r.parents, s.scores, s.contributions)
       WITH ORDINALITY c(indicator_code, depth, parent, score, points, pos)
  LEFT JOIN @extschema@.indicator i ON i.framework_code = s.framework_code AND i.indicator_code = c.indicator_code;
COMMENT ON VIEW @extschema@.index_node_score IS
  'Every node score of every computed subject in long form: indicator, depth (1 = first level; 0 = a unit''s $own and $persons parts), leaf or not, score 0-100 and the points it took off the composite.';

CREATE VIEW @extschema@.unit_health_report WITH (security_invoker = true) AS
WITH s AS (
  SELECT s.*, lag(s.period) OVER w AS previous_period, lag(s.composite) OVER w AS previous_composite
    FROM @extschema@.index_score s
   WHERE s.subject_kind = 'unit'
  WINDOW w AS (PARTITION BY s.framework_code, s.subject_key ORDER BY s.period)
), p AS (
  SELECT framework_code, period, unit_code, count(*) AS persons,
         count(*) FILTER (WHERE level > 'green') AS persons_warned,
         count(*) FILTER (WHERE level = 'red') AS persons_red
    FROM @extschema@.index_score WHERE subject_kind = 'person'
   GROUP BY 1, 2, 3
), a AS (
  SELECT unit_code, count(*) AS open_alerts,
         count(*) FILTER (WHERE level = 'blue') AS open_blue,
         count(*) FILTER (WHERE level = 'yellow') AS open_yellow,
         count(*) FILTER (WHERE level = 'orange') AS open_orange,
         count(*) FILTER (WHERE level = 'red') AS open_red,
         count(*) FILTER (WHERE due_at < pg_catalog.now()) AS overdue
    FROM @extschema@.alert WHERE status = 'open'
   GROUP BY 1
)
SELECT s.framework_code, s.period, u.region_code, s.subject_key AS unit_code, u.name_zh AS unit_name_zh,
       round(s.composite::numeric, 2) AS composite, s.level, @extschema@.level_zh(s.level) AS level_zh,
       s.previous_period, round((s.composite - s.previous_composite)::numeric, 2) AS change,
       (SELECT jsonb_object_agg(n.name_zh, round(n.score::numeric, 1))
          FROM @extschema@.index_node_score n
         WHERE n.framework_code = s.framework_code AND n.period = s.period AND n.subject_kind = 'unit'
           AND n.subject_key = s.subject_key AND n.depth = 1 AND n.score IS NOT NULL) AS first_level,
       coalesce(p.persons, 0) AS persons, coalesce(p.persons_warned, 0) AS persons_warned,
       coalesce(p.persons_red, 0) AS persons_red,
       coalesce(a.open_alerts, 0) AS open_alerts, coalesce(a.open_blue, 0) AS open_blue,
       coalesce(a.open_yellow, 0) AS open_yellow, coalesce(a.open_orange, 0) AS open_orange,
       coalesce(a.open_red, 0) AS open_red, coalesce(a.overdue, 0) AS overdue_rectifications
  FROM s
  LEFT JOIN @extschema@.unit u ON u.unit_code = s.subject_key
  LEFT JOIN p ON p.framework_code = s.framework_code AND p.period = s.period AND p.unit_code = s.subject_key
  LEFT JOIN a ON a.unit_code = s.subject_key;
COMMENT ON VIEW @extschema@.unit_health_report IS
  'Unit health report (政治生态体检报告) per framework, period and unit: composite, level, change since the previous computed period, first-level scores, persons scored and warned, open alerts of the unit by level and overdue rectifications (alerts open past their due date, as of now).';

CREATE VIEW @extschema@.region_health_report WITH (security_invoker = true) AS
SELECT framework_code, period, region_code, count(*) AS units, round(avg(composite), 2) AS mean_composite,
       min(composite) AS worst_composite, max(level) AS worst_level,
       count(*) FILTER (WHERE level = 'green') AS green, count(*) FILTER (WHERE level = 'blue') AS blue,
       count(*) FILTER (WHERE level = 'yellow') AS yellow, count(*) FILTER (WHERE level = 'orange') AS orange,
       count(*) FILTER (WHERE level = 'red') AS red,
       sum(persons_warned) AS persons_warned, sum(open_alerts) AS open_alerts,
       sum(overdue_rectifications) AS overdue_rectifications
  FROM @extschema@.unit_health_report
 GROUP BY 1, 2, 3;
COMMENT ON VIEW @extschema@.region_health_report IS
  'The unit health report summed per region: units per level, mean and worst composite, persons warned, open alerts, overdue rectifications.';

-- The level of a node score under a framework's scheme.
CREATE VIEW @extschema@.index_heat_map WITH (security_invoker = true) AS
SELECT n.framework_code, n.period, n.subject_kind,
       CASE WHEN GROUPING(u.region_code) = 0 THEN 'region' ELSE 'unit' END AS axis,
       CASE WHEN GROUPING(u.region_code) = 0 THEN coalesce(u.region_code, '') ELSE n.unit_code END AS axis_key,
       n.indicator_code AS domain_code, n.name_zh AS domain_zh, n.name AS domain,
       count(*) AS subjects, round(avg(n.score)::numeric, 2) AS mean_score, round(min(n.score)::numeric, 2) AS worst_score,
       (b.levels)[@extschema@.band_position(min(n.score), b.cutoffs, b.high_is_bad)] AS worst_level,
       count(*) FILTER (WHERE @extschema@.band_position(n.score, b.cutoffs, b.high_is_bad) > 1) AS warned
  FROM @extschema@.index_node_score n
  JOIN @extschema@.index_framework f ON f.framework_code = n.framework_code
  JOIN @extschema@.band_scheme b ON b.scheme_code = f.scheme_code
  LEFT JOIN @extschema@.unit u ON u.unit_code = n.unit_code
 WHERE n.depth = 1 AND n.score IS NOT NULL
 GROUP BY GROUPING SETS ((n.framework_code, n.period, n.subject_kind, n.indicator_code, n.name_zh, n.name,
                          b.levels, b.cutoffs, b.high_is_bad, u.region_code),
                         (n.framework_code, n.period, n.subject_kind, n.indicator_code, n.name_zh, n.name,
                          b.levels, b.cutoffs, b.high_is_bad, n.unit_code));
COMMENT ON VIEW @extschema@.index_heat_map IS
  'Risk heat map (风险热力图) of the index in long form for BI tools: per framework, period, subject kind, first-level indicator (the domain) and region (axis = region) or unit (axis = unit): subjects, mean and worst score, the worst score''s level through the framework''s scheme, and how many subjects score blue or worse there. cleangov.risk_heat_map is the same picture for open alerts.';

CREATE VIEW @extschema@.index_common_problems WITH (security_invoker = true) AS
SELECT n.framework_code, n.period, n.subject_kind, n.indicator_code, n.name_zh, n.name, n.depth, n.is_leaf,
       count(*) AS subjects,
       count(*) FILTER (WHERE @extschema@.band_position(n.score, b.cutoffs, b.high_is_bad) > 1) AS weak,
       round(avg((@extschema@.band_position(n.score, b.cutoffs, b.high_is_bad) > 1)::int)::numeric, 4) AS share_weak,
       round(avg(n.score)::numeric, 2) AS mean_score,
       round(sum(n.points)::numeric, 2) AS points_off,
       rank() OVER (PARTITION BY n.framework_code, n.period, n.subject_kind, n.depth
                    ORDER BY avg((@extschema@.band_position(n.score, b.cutoffs, b.high_is_bad) > 1)::int) DESC,
                             sum(n.points) DESC) AS rank_in_level
  FROM @extschema@.index_node_score n
  JOIN @extschema@.index_framework f ON f.framework_code = n.framework_code
  JOIN @extschema@.band_scheme b ON b.scheme_code = f.scheme_code
 WHERE n.score IS NOT NULL AND n.depth > 0
 GROUP BY n.framework_code, n.period, n.subject_kind, n.indicator_code, n.name_zh, n.name, n.depth, n.is_leaf;
COMMENT ON VIEW @extschema@.index_common_problems IS
  'Thematic analysis (共性问题): per framework, period, subject kind and indicator, how many subjects are weak on it (its score would be blue or worse under the framework''s scheme), the share, the mean score and the points it took off in total; rank_in_level 1 = the most common weakness among indicators of that depth.';

-- Extra sections of the person profile, from any table: reporting duties,
-- relations, ... given as a query with $1 = the person key.
CREATE TABLE @extschema@.profile_source (
  section      text PRIMARY KEY CONSTRAINT profile_source_section_form CHECK (section ~ '^[a-z][a-z_]*$'),
  name_zh      text,
  source_query text NOT NULL,
  sort_order   int NOT NULL DEFAULT 100,
  owner        name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.profile_source IS
  'Extra sections of person_profile (reporting duties, major decisions, relations, ...): a query with $1 = the person key returning columns item (text), period (text), value (float8) and detail (jsonb); owner: the role whose rights the query runs with (its author, or a role the author is a member of). Checked when defined, with the owner''s rights.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.profile_source', '');

CREATE FUNCTION @extschema@.profile_source_check() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  st text;
  msg text;
BEGIN
  NEW.owner := @extschema@.source_owner(format('profile section %s', NEW.section), NEW.owner,
                                        CASE WHEN TG_OP = 'UPDATE' THEN OLD.owner END,
                                        TG_OP = 'INSERT' OR NEW.source_query IS DISTINCT FROM OLD.source_query);
  IF TG_OP = 'UPDATE' AND NEW.source_query = OLD.source_query AND NEW.owner = OLD.owner THEN
    RETURN NEW;
  END IF;
  BEGIN
    PERFORM @extschema@.compile_as(NEW.owner,
      format('SELECT q.item::text, q.period::text, q.value::float8, q.detail::jsonb FROM (%s) q WHERE false', NEW.source_query),
      '');
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RAISE EXCEPTION 'query of profile section % is not valid: %', NEW.section, msg
      USING ERRCODE = st, HINT = 'The query gets the person key as $1 (text) and returns columns item, period, value and detail.';
  END;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.profile_source_check() IS
  'Trigger: records the owner of a profile section''s query (42501 for an owner the writer is not a member of), plans and runs it with the owner''s rights when it is defined and refuses it with the planner''s own SQLSTATE. Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER profile_source_check BEFORE INSERT OR UPDATE ON @extschema@.profile_source
  FOR EACH ROW EXECUTE FUNCTION @extschema@.profile_source_check();

-- The SQL of profile sources and SQL-defined indicators runs with its
-- owner's rights, never with those of whoever calls person_profile or
-- index_compute: one generated SECURITY DEFINER function per owner and kind,
-- owned by that owner, holds the owner's queries (as literals, run by
-- EXECUTE with the period or person key as $1) and returns their rows.  It
-- only reads: index_compute inserts what it returns.
--   cleangov_bound.index_sources_<owner oid>(period, framework, indicator)
--     -> (subject_kind, subject_key, value); EXECUTE to cleangov_admin
--   cleangov_bound.profile_sources_<owner oid>(person_key, section)
--     -> (item, period, value, detail); EXECUTE to the three cleangov roles
-- A right the owner lacks when it runs is 42501 naming the source.  The
-- functions are generated again whenever indicator or profile_source
-- changes (the source_runners_refresh triggers) and, after the extension's
-- own scripts (which drop them), by the first index_compute.
-- The argument types of the generated functions of a kind.
CREATE FUNCTION @extschema@.source_runner_argtypes(kind text)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
  SELECT CASE kind WHEN 'index_sources' THEN 'text, text, text' WHEN 'model_sources' THEN 'text' ELSE 'text, text' END;
END;
COMMENT ON FUNCTION @extschema@.source_runner_argtypes(text) IS
  'Internal to refresh_source_runners and source_runner: the argument types of the generated functions of a kind (index_sources, profile_sources, model_sources). Immutable: a constant per kind.';

-- volatile because it replaces the generated functions
CREATE FUNCTION @extschema@.refresh_source_runners()
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  g record;
  f text;
BEGIN
  IF NOT @extschema@.creating_extension_script() THEN
    FOR g IN
      WITH src AS (
        SELECT 'index_sources' AS kind, i.owner, i.framework_code || '/' || i.indicator_code AS key,
               format('indicator %s of framework %s', i.indicator_code, i.framework_code) AS what,
               format('SELECT q.subject_kind::text, q.subject_key::text, q.value::float8 FROM (%s) q WHERE q.value IS NOT NULL',
                      i.source_query) AS sql
          FROM @extschema@.indicator i WHERE i.source_query IS NOT NULL
        UNION ALL
        SELECT 'profile_sources', p.owner, p.section, format('profile section %s', p.section),
               format('SELECT q.item::text, q.period::text, q.value::float8, q.detail::jsonb FROM (%s) q', p.source_query)
          FROM @extschema@.profile_source p
        UNION ALL
        SELECT 'model_sources', m.owner, m.model_code, format('model %s', m.model_code), @extschema@.model_rows_sql(m)
          FROM @extschema@.model m
      )
      SELECT s.kind, r.rolname, s.kind || '_' || r.oid AS fname,
             CASE s.kind WHEN 'index_sources' THEN 'period text, framework text, indicator text'
                         WHEN 'model_sources' THEN 'model_code text'
                         ELSE 'person_key text, section text' END AS args,
             @extschema@.source_runner_argtypes(s.kind) AS argtypes,
             CASE s.kind WHEN 'index_sources' THEN 'TABLE (subject_kind text, subject_key text, value float8) LANGUAGE plpgsql VOLATILE'
                         WHEN 'model_sources' THEN 'TABLE (subject_key text, group_key text, label float8, x float8[]) LANGUAGE plpgsql STABLE'
                         ELSE 'TABLE (item text, period text, value float8, detail jsonb) LANGUAGE plpgsql STABLE' END AS returns,
             CASE s.kind WHEN 'profile_sources' THEN 'cleangov_admin, cleangov_analyst, cleangov_inspector'
                         ELSE 'cleangov_admin' END AS grantees,
             CASE s.kind WHEN 'index_sources' THEN 'framework || ''/'' || indicator' WHEN 'model_sources' THEN 'model_code'
                         ELSE 'section' END AS keyexpr,
             CASE s.kind WHEN 'index_sources' THEN 'the SQL-defined indicators owned by %s, run with its rights by cleangov.index_compute()'
                         WHEN 'model_sources' THEN 'the queries of the models owned by %s, run with its rights by cleangov.train_model() and score_model()'
                         ELSE 'the profile sources owned by %s, run with its rights by cleangov.person_profile()' END AS about,
             string_agg(format(E'    WHEN %L THEN\n      BEGIN\n        RETURN QUERY EXECUTE %L USING $1;\n' ||
                               E'      EXCEPTION WHEN insufficient_privilege THEN\n' ||
                               E'        RAISE EXCEPTION ''%%: its owner %% lacks a right: %%'', %L, %L, SQLERRM\n' ||
                               E'          USING ERRCODE = ''insufficient_privilege'',\n' ||
                               E'                HINT = ''The query runs with its owner''''s rights: grant the owner the right, or have a role that has it write the query.'';\n' ||
                               E'      END;', s.key, s.sql, s.what, s.owner), E'\n' ORDER BY s.key) AS branches
        FROM src s JOIN pg_roles r ON r.rolname = s.owner
       GROUP BY s.kind, r.rolname, r.oid
    LOOP
      EXECUTE format(E'CREATE OR REPLACE FUNCTION cleangov_bound.%I(%s) RETURNS %s SECURITY DEFINER\n' ||
                     E'SET search_path = pg_catalog, pg_temp AS %L',
                     g.fname, g.args, g.returns,
                     format(E'BEGIN\n  CASE %s\n%s\n    ELSE\n' ||
                            E'      RAISE EXCEPTION ''no source %% owned by %%'', %s, %L USING ERRCODE = ''undefined_object'';\n' ||
                            E'  END CASE;\nEND', g.keyexpr, g.branches, g.keyexpr, g.rolname));
      EXECUTE format('ALTER FUNCTION cleangov_bound.%I(%s) OWNER TO %I', g.fname, g.argtypes, g.rolname);
      EXECUTE format('REVOKE ALL ON FUNCTION cleangov_bound.%I(%s) FROM PUBLIC', g.fname, g.argtypes);
      EXECUTE format('GRANT EXECUTE ON FUNCTION cleangov_bound.%I(%s) TO %s', g.fname, g.argtypes, g.grantees);
      EXECUTE format('COMMENT ON FUNCTION cleangov_bound.%I(%s) IS %L', g.fname, g.argtypes,
                     'cleangov: ' || format(g.about, g.rolname) || '; generated by cleangov.refresh_source_runners(), do not edit');
    END LOOP;
  END IF;
  -- owners that own no source of that kind any more (in the extension's
  -- scripts: all, or they would become members of the extension)
  FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.proname ~ '^(index|profile|model)_sources_[0-9]+$'
              AND (@extschema@.creating_extension_script() OR NOT EXISTS (
                     SELECT FROM pg_roles r
                      WHERE r.oid = substring(p.proname FROM '[0-9]+$')::oid
                        AND CASE WHEN p.proname LIKE 'index%'
                                 THEN r.rolname IN (SELECT i.owner FROM @extschema@.indicator i WHERE i.source_query IS NOT NULL)
                                 WHEN p.proname LIKE 'model%'
                                 THEN r.rolname IN (SELECT x.owner FROM @extschema@.model x)
                                 ELSE r.rolname IN (SELECT x.owner FROM @extschema@.profile_source x) END)) LOOP
    EXECUTE 'DROP FUNCTION ' || f;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_source_runners() IS
  'Generates again the functions cleangov_bound.index_sources_<owner oid>(period, framework, indicator) and cleangov_bound.profile_sources_<owner oid>(person_key, section) through which index_compute and person_profile run the SQL of indicators and profile sources with their owner''s rights (one security definer function per owner and kind, owned by it). Called when indicators or profile sources change. Security definer because it creates functions owned by the sources'' owners. Volatile because it creates functions; parallel unsafe because it does.';

-- volatile because it replaces generated functions
CREATE FUNCTION @extschema@.source_runners_refresh()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM @extschema@.refresh_source_runners();
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.source_runners_refresh() IS
  'Trigger: after indicators or profile sources change, the functions that run their SQL with their owners'' rights are generated again (security definer: whoever may change a source may have the generated functions follow). Volatile because it creates functions; parallel unsafe because it does.';
CREATE TRIGGER source_runners_refresh AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.indicator
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.source_runners_refresh();
CREATE TRIGGER source_runners_refresh AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.profile_source
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.source_runners_refresh();

-- The generated function that runs a source with its owner's rights, as
-- text for EXECUTE, after checking that it exists and that the caller may
-- execute it.  kind: index_sources or profile_sources; what names the source.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.source_runner(kind text, what text, owner name)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  o oid := (SELECT r.oid FROM pg_roles r WHERE r.rolname = owner);
  f regprocedure;
BEGIN
  IF o IS NULL THEN
    RAISE EXCEPTION '%: its owner % is not a role', what, owner USING ERRCODE = 'undefined_object';
  END IF;
  f := to_regprocedure(format('cleangov_bound.%I(%s)', kind || '_' || o, @extschema@.source_runner_argtypes(kind)));
  IF f IS NULL THEN
    RAISE EXCEPTION '%: the function that runs it with the rights of % is not generated', what, owner
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'cleangov.refresh_source_runners() generates it (index_compute does when it is missing).';
  END IF;
  IF NOT has_function_privilege(f, 'EXECUTE') THEN
    RAISE EXCEPTION '%: % may not run the sources owned by %', what, current_user, owner
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN format('cleangov_bound.%I', kind || '_' || o);
END
$$;
COMMENT ON FUNCTION @extschema@.source_runner(text, text, name) IS
  'Internal to index_compute and person_profile: the name of the generated function that runs a source''s SQL with its owner''s rights (kind index_sources or profile_sources); 42704 if the owner is not a role, 55000 if the function is not generated, 42501 if the caller may not execute it. Stable because it reads the catalog.';

-- The index sections of a profile: score (the composite of every computed
-- period, with the first level) and contribution (the leaves that took
-- points off, latest period first).  Shared by person_profile and unit_profile.
CREATE FUNCTION @extschema@.index_profile_sections(subject_kind text, subject_key text)
  RETURNS TABLE (section text, item text, period text, value float8, level @extschema@.level, detail jsonb)
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT x.section, x.item, x.period, x.value, x.level, x.detail FROM (
    SELECT 1 AS part, 'score' AS section, s.framework_code AS item, s.period, s.composite AS value, s.level,
           (SELECT jsonb_object_agg(n.name_zh, round(n.score::numeric, 1)) FROM @extschema@.index_node_score n
             WHERE n.framework_code = s.framework_code AND n.period = s.period AND n.subject_kind = s.subject_kind
               AND n.subject_key = s.subject_key AND n.depth = 1 AND n.score IS NOT NULL) AS detail,
           s.framework_code AS k1, s.period AS k2, NULL::float8 AS k3
      FROM @extschema@.index_score s
     WHERE s.subject_kind = $1 AND s.subject_key = $2
    UNION ALL
    SELECT 2, 'contribution', n.indicator_code, n.period, n.points, NULL::@extschema@.level,
           jsonb_build_object('framework', n.framework_code, 'name_zh', n.name_zh, 'score', round(n.score::numeric, 2)),
           NULL, NULL, NULL
      FROM @extschema@.index_node_score n
     WHERE n.subject_kind = $1 AND n.subject_key = $2 AND n.is_leaf AND n.points > 0) x
   ORDER BY x.part, x.k1, x.k2, x.period DESC, x.value DESC, x.item
$$;
COMMENT ON FUNCTION @extschema@.index_profile_sections(text, text) IS
  'The index sections of a profile of a person or a unit: score (composite and first-level scores per framework and computed period) and contribution (the leaves that took points off, latest period first). Read by person_profile and unit_profile, with the caller''s rights. Stable because it reads tables.';

CREATE FUNCTION @extschema@.person_profile(person_key text)
  RETURNS TABLE (section text, item text, period text, value float8, level @extschema@.level, detail jsonb)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  src record;
BEGIN
  RETURN QUERY
  SELECT 'person', p.person_key, NULL::text, NULL::float8, NULL::@extschema@.level,
         jsonb_build_object('name', p.name, 'name_zh', p.name_zh, 'position', p.position,
                            'unit_code', p.unit_code, 'unit_zh', u.name_zh, 'region_code', u.region_code)
    FROM @extschema@.index_person p LEFT JOIN @extschema@.unit u ON u.unit_code = p.unit_code
   WHERE p.person_key = person_profile.person_key;
  -- scores and contributions (index_profile_sections)
  RETURN QUERY SELECT * FROM @extschema@.index_profile_sections('person', person_profile.person_key);
  -- alerts on the person, their review and rectifications
  RETURN QUERY
  SELECT 'alert', a.rule_code, a.period, a.value, a.level,
         jsonb_build_object('alert_id', a.alert_id, 'rule_zh', r.name_zh, 'status', a.status,
                            'raised_at', a.raised_at, 'due_at', a.due_at, 'evidence', a.evidence)
    FROM @extschema@.alert a LEFT JOIN @extschema@.rule r ON r.rule_code = a.rule_code
   WHERE a.subject_kind = 'person' AND a.subject_key = person_profile.person_key
   ORDER BY a.raised_at, a.alert_id;
  RETURN QUERY
  SELECT 'review', a.rule_code, a.period, NULL::float8, a.level,
         jsonb_build_object('alert_id', a.alert_id, 'verdict', a.review_verdict, 'reviewed_at', a.reviewed_at,
                            'reviewed_by', a.reviewed_by, 'note', a.review_note)
    FROM @extschema@.alert a
   WHERE a.subject_kind = 'person' AND a.subject_key = person_profile.person_key AND a.review_verdict IS NOT NULL
   ORDER BY a.reviewed_at, a.alert_id;
  RETURN QUERY
  SELECT 'rectification', a.rule_code, a.period, NULL::float8, a.level,
         jsonb_build_object('alert_id', a.alert_id, 'rectified_at', x.rectified_at, 'measures', x.measures,
                            'note', x.note)
    FROM @extschema@.rectification x JOIN @extschema@.alert a ON a.alert_id = x.alert_id
   WHERE a.subject_kind = 'person' AND a.subject_key = person_profile.person_key
   ORDER BY x.rectified_at, x.rectification_id;
  -- the learned models' portrait: predicted risk and risk points (77_model_views.sql)
  RETURN QUERY
  SELECT 'model', s.model_code, NULL::text, s.probability, NULL::@extschema@.level,
         jsonb_build_object('model_zh', s.model_zh, 'version', s.version, 'flagged', s.flagged,
                            'risk_rank', s.risk_rank, 'percentile', s.percentile, 'risk_points', s.risk_points)
    FROM @extschema@.model_portrait s
   WHERE s.grain = 'person' AND s.subject_key = person_profile.person_key
   ORDER BY s.model_code;
  -- registered sections: reporting duties, relations, ...
  -- (each with its owner's rights, through the owner's generated function)
  FOR src IN SELECT * FROM @extschema@.profile_source ORDER BY sort_order, section LOOP
    RETURN QUERY EXECUTE format('SELECT $2, r.item, r.period, r.value, NULL::@extschema@.level, r.detail FROM %s($1, $2) r',
                                @extschema@.source_runner('profile_sources', format('profile section %s', src.section), src.owner))
      USING person_profile.person_key, src.section;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.person_profile(text) IS
  'Integrity profile (廉政画像) of a person in one row set: section person (unit, position), score (composite and first level per computed period), contribution (leaves that took points off), alert, review, rectification, model (the predicted risk of each person model and its risk points, from model_portrait), then every section registered in profile_source (reporting duties, major decisions, relations), each query run with its owner''s rights (a right the owner lacks: 42501 naming the section). Stable because it reads tables; parallel restricted because it runs registered queries.';
ALTER FUNCTION @extschema@.person_profile(text) PARALLEL RESTRICTED;

-- Access: the admin defines frameworks and values, the analyst reads results.
GRANT SELECT ON @extschema@.index_framework, @extschema@.indicator, @extschema@.index_person,
                @extschema@.indicator_value, @extschema@.index_run, @extschema@.index_score,
                @extschema@.profile_source, @extschema@.index_node_score, @extschema@.unit_health_report,
                @extschema@.region_health_report, @extschema@.index_heat_map, @extschema@.index_common_problems
   TO cleangov_admin, cleangov_analyst;
GRANT INSERT, UPDATE, DELETE ON @extschema@.index_framework, @extschema@.indicator, @extschema@.index_person,
                @extschema@.indicator_value, @extschema@.index_run, @extschema@.index_score,
                @extschema@.profile_source
   TO cleangov_admin;
-- The generated functions that run profile sources and indicators with their
-- owners' rights live in cleangov_bound: the roles that call person_profile
-- and index_compute look them up there (EXECUTE is granted function by
-- function, by refresh_source_runners).
GRANT USAGE ON SCHEMA cleangov_bound TO cleangov_admin, cleangov_analyst, cleangov_inspector;
