-- Rule engine, part 3c: population statistics.
--
-- A rule that compares each subject with the population (a lower fence
-- Q1 - 1.5 IQR over every process, quartiles per method) declares that
-- comparison's statistics as a query of their own
-- (rule_definition.statistics) and reads them, in its query, as the
-- relation cleangov_statistics.  A whole evaluation (cleangov.run())
-- computes them, passes them to the rule through their jsonb form, and
-- stores that form here; an evaluation for some subjects only (the watch
-- triggers, incremental runs) reads them from here instead of computing
-- them over every subject.  So both read the same numbers the same way, and
-- each alert says in its evidence which refresh it used
-- ("statistics_refresh": the run that last changed them).

CREATE TABLE @extschema@.rule_statistic (
  rule_code    text PRIMARY KEY REFERENCES @extschema@.rule ON DELETE CASCADE ON UPDATE CASCADE,
  statistics   jsonb NOT NULL CHECK (jsonb_typeof(statistics) = 'array'),
  refresh_id   bigint NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  checked_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.rule_statistic IS
  'The population statistics of the rules that declare them (rule_definition.statistics), as their last whole evaluation computed them: statistics is the array of the statistics query''s rows; refresh_id the run (cleangov.run_log.run_id) that last changed them, named in each alert''s evidence as statistics_refresh; checked_at the last run that computed them (changed or not). Read by the watch triggers and incremental runs, which evaluate some subjects only. Written only by cleangov.run().';
GRANT SELECT ON @extschema@.rule_statistic TO cleangov_admin, cleangov_analyst;

-- Stores a rule's statistics as a whole evaluation computed them; the
-- refresh that last changed them (new ones: this run).
-- volatile because it writes the statistics
CREATE FUNCTION @extschema@.store_rule_statistics(rule_code text, statistics jsonb, run_id bigint)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  rid bigint;
BEGIN
  INSERT INTO @extschema@.rule_statistic AS s (rule_code, statistics, refresh_id)
  VALUES (rule_code, coalesce(statistics, '[]'), run_id)
  ON CONFLICT ON CONSTRAINT rule_statistic_pkey DO UPDATE
     SET refresh_id = CASE WHEN s.statistics = excluded.statistics THEN s.refresh_id ELSE excluded.refresh_id END,
         refreshed_at = CASE WHEN s.statistics = excluded.statistics THEN s.refreshed_at ELSE excluded.refreshed_at END,
         statistics = excluded.statistics, checked_at = pg_catalog.now()
  RETURNING s.refresh_id INTO rid;
  RETURN rid;
END
$$;
COMMENT ON FUNCTION @extschema@.store_rule_statistics(text, jsonb, bigint) IS
  'Internal to run(): stores the statistics a whole evaluation of a rule computed and returns the refresh they belong to (this run if they changed, else the run that last changed them). Security definer because the statistics table is written only through it (by run(), for cleangov_admin). Volatile because it writes; parallel unsafe because it writes.';
REVOKE EXECUTE ON FUNCTION @extschema@.store_rule_statistics(text, jsonb, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.store_rule_statistics(text, jsonb, bigint) TO cleangov_admin;

-- The hits of a rule with the refresh of the statistics they used named in
-- their evidence.
CREATE FUNCTION @extschema@.hits_with_refresh(hits @extschema@.hit[], refresh_id bigint)
RETURNS @extschema@.hit[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ARRAY(SELECT ROW(h.rule_code, h.subject_kind, h.subject_key, h.unit_code, h.period, h.value, h.threshold, h.level,
                        coalesce(h.evidence, '{}') || jsonb_build_object('statistics_refresh', refresh_id),
                        h.source_table, h.source_key)::@extschema@.hit
               FROM unnest(hits) h);
COMMENT ON FUNCTION @extschema@.hits_with_refresh(@extschema@.hit[], bigint) IS
  'Internal to run() and the watch triggers: the hits with statistics_refresh (the refresh of the population statistics they were compared with) added to their evidence.';

-- The CTEs through which a rule's query reads its statistics as
-- cleangov_statistics: computed from its statistics query (a whole
-- evaluation: subjects NULL) or read from cleangov.rule_statistic (an
-- evaluation of some subjects), either way through the same jsonb form.
-- stable because it reads the rule tables
CREATE FUNCTION @extschema@.statistics_ctes(d @extschema@.rule_definition, thresholds jsonb, stored boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF d.statistics IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN CASE WHEN NOT stored
    THEN format('cleangov_statistics_json AS MATERIALIZED (SELECT coalesce(jsonb_agg(to_jsonb(cleangov_st) ORDER BY to_jsonb(cleangov_st)::text), ''[]''::jsonb) AS j FROM (%s) cleangov_st)',
                @extschema@.rule_render(@extschema@.pass_refs(d.statistics), thresholds, d.rule_code))
    ELSE format('cleangov_statistics_json AS MATERIALIZED (SELECT cleangov_st.statistics AS j FROM @extschema@.rule_statistic cleangov_st WHERE cleangov_st.rule_code = %L)',
                d.rule_code) END
    || format(', cleangov_statistics AS (SELECT cleangov_x.* FROM cleangov_statistics_json cleangov_sj CROSS JOIN LATERAL jsonb_to_recordset(cleangov_sj.j) AS cleangov_x(%s))',
              coalesce(d.statistics_columns, 'cleangov_none text'));
END
$$;
COMMENT ON FUNCTION @extschema@.statistics_ctes(@extschema@.rule_definition, jsonb, boolean) IS
  'Internal to rule_sql: the CTEs cleangov_statistics_json and cleangov_statistics through which a rule reads its population statistics: computed by its statistics query or, stored, read from cleangov.rule_statistic (evaluations of some subjects, runs that keep the statistics), through the same jsonb form either way. Stable because it reads the rule tables.';
