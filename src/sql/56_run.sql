-- Rule engine, part 4: batch runs, the run log, failures and quarantine.
--
-- cleangov.run() evaluates rules set-based (one query per rule) and hands the
-- hits to cleangov.raise_alerts(), which keeps one open alert per rule,
-- subject and period: a second run raises nothing new.  A rule that fails is
-- recorded in cleangov.rule_failure and quarantined (skipped by later runs and
-- by the watch triggers) until cleangov.release_rule() or an explicit run of
-- that rule succeeds; the other rules go on.

CREATE TABLE @extschema@.run_log (
  run_id      bigint NOT NULL,
  rule_code   text NOT NULL,
  started_at  timestamptz NOT NULL,
  duration_ms float8,
  rows_read   bigint,
  hits        int,
  raised      int,
  refreshed   int,
  status      text NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
  message     text,
  run_by      name NOT NULL DEFAULT CURRENT_USER,
  PRIMARY KEY (run_id, rule_code)
);
CREATE SEQUENCE @extschema@.run_id_seq;
COMMENT ON TABLE @extschema@.run_log IS
  'One row per rule per batch run: rows read (rows of the shapes the rule reads), hits, alerts raised and refreshed, duration, status (ok, failed, skipped) and why.';
COMMENT ON SEQUENCE @extschema@.run_id_seq IS 'Numbers the batch runs of cleangov.run().';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.run_log', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.run_id_seq', '');

CREATE TABLE @extschema@.rule_failure (
  failure_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_code   text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  context     text NOT NULL CHECK (context IN ('run', 'watch')),
  source      text,
  sqlstate    text NOT NULL,
  message     text NOT NULL,
  failed_by   name NOT NULL DEFAULT SESSION_USER
);
COMMENT ON TABLE @extschema@.rule_failure IS
  'Every run-time failure of a rule: when, in a batch run or a watch trigger (and on which table), SQLSTATE and message. The rule is quarantined at the same time.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_failure', '');

CREATE VIEW @extschema@.rule_quarantine AS
SELECT d.rule_code, r.name_en, r.name_zh, d.quarantined_at,
       f.context AS last_context, f.source AS last_source, f.sqlstate AS last_sqlstate,
       f.message AS last_message,
       (SELECT count(*) FROM @extschema@.rule_failure x WHERE x.rule_code = d.rule_code) AS failures
  FROM @extschema@.rule_definition d
  JOIN @extschema@.rule r USING (rule_code)
  LEFT JOIN LATERAL (SELECT * FROM @extschema@.rule_failure x WHERE x.rule_code = d.rule_code
                      ORDER BY x.failed_at DESC, x.failure_id DESC LIMIT 1) f ON true
 WHERE d.quarantined_at IS NOT NULL;
COMMENT ON VIEW @extschema@.rule_quarantine IS
  'Rules quarantined after a run-time failure, with their last failure; release one with cleangov.release_rule(rule_code).';

-- volatile because it writes the failure and quarantines the rule
CREATE FUNCTION @extschema@.record_rule_failure(rule_code text, context text, source text,
                                                sqlstate text, message text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO @extschema@.rule_failure (rule_code, context, source, sqlstate, message)
  VALUES (rule_code, context, source, sqlstate, message);
  UPDATE @extschema@.rule_definition d SET quarantined_at = pg_catalog.clock_timestamp()
   WHERE d.rule_code = record_rule_failure.rule_code AND d.quarantined_at IS NULL;
  RAISE WARNING 'cleangov: rule % failed and is quarantined: % (SQLSTATE %)', rule_code, message, sqlstate
    USING DETAIL = format('In %s%s. The failure is in cleangov.rule_failure; the rule is skipped until cleangov.release_rule(%L).',
                          CASE context WHEN 'watch' THEN 'the watch trigger' ELSE 'a batch run' END,
                          CASE WHEN source IS NULL THEN '' ELSE ' on ' || source END, rule_code);
END
$$;
COMMENT ON FUNCTION @extschema@.record_rule_failure(text, text, text, text, text) IS
  'Records a run-time failure of a rule, quarantines the rule and raises a WARNING (used by run() and the watch triggers; security definer so that any writer of a watched table can record it). Volatile because it writes; parallel unsafe because it writes.';

-- volatile because it writes cleangov.rule_definition
CREATE FUNCTION @extschema@.release_rule(rule_code text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  UPDATE @extschema@.rule_definition d SET quarantined_at = NULL WHERE d.rule_code = release_rule.rule_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rule "%" has no definition', rule_code USING ERRCODE = 'undefined_object';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.release_rule(text) IS
  'Ends the quarantine of a rule: batch runs and watch triggers evaluate it again. Volatile because it writes; parallel unsafe because it writes.';

-- volatile because it raises alerts and writes the run log
CREATE FUNCTION @extschema@.run(rule_code text DEFAULT NULL, domain text DEFAULT NULL)
RETURNS SETOF @extschema@.run_log
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  rid bigint := nextval('@extschema@.run_id_seq');
  d @extschema@.rule_definition;
  l @extschema@.run_log;
  rules text[];
  code text;
  i int := 0;
  hit_arr @extschema@.hit[];
  counted jsonb := '{}';
  sh text;
  c bigint;
BEGIN
  IF run.rule_code IS NOT NULL AND NOT EXISTS (
       SELECT FROM @extschema@.rule_definition x WHERE x.rule_code = run.rule_code) THEN
    RAISE EXCEPTION 'rule "%" has no definition', run.rule_code
      USING ERRCODE = 'undefined_object', HINT = 'Definitions are in cleangov.rule_definition.';
  END IF;
  -- A quarantined rule is skipped, unless it is asked for by name (a retry).
  rules := ARRAY(
    SELECT x.rule_code FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
     WHERE r.enabled
       AND (run.rule_code IS NULL OR x.rule_code = run.rule_code)
       AND (run.domain IS NULL OR r.domain = run.domain)
       AND (x.quarantined_at IS NULL OR x.rule_code = run.rule_code)
     ORDER BY x.rule_code);
  FOREACH code IN ARRAY rules LOOP
    i := i + 1;
    SELECT * INTO d FROM @extschema@.rule_definition x WHERE x.rule_code = code;
    l := ROW(rid, code, clock_timestamp(), NULL, NULL, 0, NULL, NULL, 'ok', NULL, CURRENT_USER);
    hit_arr := NULL;
    sh := (SELECT s FROM unnest(d.reads) s
            WHERE NOT EXISTS (SELECT FROM @extschema@.binding b WHERE b.shape = s) ORDER BY s LIMIT 1);
    IF sh IS NOT NULL THEN
      l.status := 'skipped';
      l.message := format('shape %s is not bound', sh);
    ELSE
      BEGIN
        -- Rows read: the rows of the shapes the rule reads, counted once per run.
        l.rows_read := 0;
        FOREACH sh IN ARRAY d.reads LOOP
          IF NOT counted ? sh THEN
            EXECUTE format('SELECT count(*) FROM cleangov_bound.%I', sh) INTO c;
            counted := counted || jsonb_build_object(sh, c);
          END IF;
          l.rows_read := l.rows_read + (counted ->> sh)::bigint;
        END LOOP;
        EXECUTE format('SELECT array_agg(q.h) FROM (%s) q', @extschema@.rule_sql(d)) INTO hit_arr;
        l.hits := coalesce(cardinality(hit_arr), 0);
        SELECT count(*) FILTER (WHERE a.action = 'raised'), count(*) FILTER (WHERE a.action = 'refreshed')
          INTO l.raised, l.refreshed
          FROM @extschema@.raise_alerts(coalesce(hit_arr, '{}')) a;
        IF d.quarantined_at IS NOT NULL THEN
          UPDATE @extschema@.rule_definition x SET quarantined_at = NULL WHERE x.rule_code = code;
        END IF;
      EXCEPTION WHEN OTHERS THEN
        l.status := 'failed';
        l.message := format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE);
        l.hits := 0; l.raised := NULL; l.refreshed := NULL;
        PERFORM @extschema@.record_rule_failure(code, 'run', NULL, SQLSTATE, SQLERRM);
      END;
    END IF;
    l.duration_ms := round((extract(epoch FROM clock_timestamp() - l.started_at) * 1000)::numeric, 3);
    INSERT INTO @extschema@.run_log SELECT l.*;
    RAISE NOTICE 'cleangov.run %: [%/%] % %: % rows read, % hits, % raised (% ms)%',
      rid, i, cardinality(rules), code, l.status, coalesce(l.rows_read::text, '-'), l.hits,
      coalesce(l.raised, 0), l.duration_ms, coalesce(' ' || l.message, '');
    RETURN NEXT l;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.run(text, text) IS
  'Batch evaluation of every enabled rule (or one rule, or one domain), set-based and idempotent: hits go to cleangov.raise_alerts(); each rule is logged in cleangov.run_log with rows read, hits, alerts raised and duration, and reported by a NOTICE; a failing rule is recorded and quarantined and the run goes on. Volatile because it raises alerts; parallel unsafe because it writes.';

-- A procedure, so that it can commit after each rule: on a long run the
-- run log fills while it runs and a BI tool can read the progress.  A
-- procedure with SET cannot COMMIT, so it pins search_path itself, for each
-- of its transactions (set_config(..., true) ends with the transaction),
-- before any statement that looks up a name.
CREATE PROCEDURE @extschema@.run_committing(rule_code text DEFAULT NULL, domain text DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
  code text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  FOR code IN
    SELECT x.rule_code FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
     WHERE r.enabled AND x.quarantined_at IS NULL
       AND (run_committing.rule_code IS NULL OR x.rule_code = run_committing.rule_code)
       AND (run_committing.domain IS NULL OR r.domain = run_committing.domain)
     ORDER BY x.rule_code
  LOOP
    PERFORM @extschema@.run(code);
    COMMIT;
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  END LOOP;
END
$$;
COMMENT ON PROCEDURE @extschema@.run_committing(text, text) IS
  'Like cleangov.run(), one rule per transaction (CALL it outside a transaction block): each rule''s run-log row is visible to other sessions as soon as the rule is done. Volatile because it raises alerts; parallel unsafe because it writes.';
