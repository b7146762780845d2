-- Rule engine, part 5: real-time checking of a user's table.
--
-- cleangov.watch(t) puts two statement-level AFTER triggers on t (INSERT and
-- UPDATE, each REFERENCING NEW TABLE AS cleangov_new) that call a PL/pgSQL
-- function generated for t in schema cleangov_bound.  The generated function
-- holds the rules as static SQL, so PL/pgSQL prepares its plans once per
-- session, and evaluates all of t's row rules in ONE pass over the statement's
-- transition table: a COPY of a million rows is one set-based query, not a
-- million.  Rows are read through the binding's select list, so the rules see
-- the canonical shape.  A cheap pre-check (the conditions alone) decides
-- whether that query runs at all, so that a single-row INSERT breaching no
-- rule does not pay the large query's executor start-up.  The function is
-- generated again whenever a rule, a binding or a quarantine changes
-- (cleangov.rewatch()).
--
-- Failure handling: the one-pass query runs in a subtransaction.  If it
-- fails, the rules are run one by one, each in its own subtransaction, and a
-- rule that fails is recorded, quarantined and reported by a WARNING; the
-- other rules' alerts are raised and the user's statement goes on.

CREATE TABLE @extschema@.watched (
  source     regclass PRIMARY KEY,
  function   text NOT NULL,
  watched_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  watched_by name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.watched IS
  'Tables checked in real time by cleangov.watch(), with the generated trigger function in schema cleangov_bound.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.watched', '');

-- volatile because it replaces the generated trigger function
CREATE FUNCTION @extschema@.rewatch(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fn text;
  b record;
  d @extschema@.rule_definition;
  cond text;
  parts text[] := '{}';
  onepass text[] := '{}';
  prefilter text[] := '{}';
  slow text[] := '{}';
  cases text[];
  conds text[];
  exempts text[];
  src text;
  body text;
BEGIN
  SELECT w.function INTO fn FROM @extschema@.watched w WHERE w.source = rewatch.source;
  IF fn IS NULL THEN
    RETURN;
  END IF;
  FOR b IN SELECT * FROM @extschema@.binding x WHERE x.source = rewatch.source ORDER BY x.shape LOOP
    src := format('(SELECT %s FROM cleangov_new src)', b.select_list);
    cases := '{}'; conds := '{}'; exempts := '{}';
    FOR d IN SELECT x.* FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
              WHERE r.enabled AND x.quarantined_at IS NULL
                AND ((x.kind = 'row' AND x.shape = b.shape) OR (x.kind = 'set' AND x.realtime AND b.shape = ANY (x.reads)))
              ORDER BY x.rule_code LOOP
      slow := slow || format(E'    BEGIN\n      SELECT array_agg(q.h) INTO hits FROM (%s) q;\n' ||
                             E'      IF hits IS NOT NULL THEN PERFORM cleangov.raise_alerts(hits); END IF;\n' ||
                             E'    EXCEPTION WHEN OTHERS THEN\n' ||
                             E'      PERFORM cleangov.record_rule_failure(%L, ''watch'', %L, SQLSTATE, SQLERRM);\n    END;',
                             @extschema@.rule_sql(d, CASE WHEN d.kind = 'row' THEN src END), d.rule_code, rewatch.source::text);
      IF d.kind = 'row' AND d.streak_min IS NULL THEN
        -- one-pass form: all row rules of the shape in one scan
        cond := '(' || @extschema@.rule_render(d.condition,
                  (SELECT r.thresholds FROM @extschema@.rule r WHERE r.rule_code = d.rule_code), d.rule_code) || ')';
        cases := cases || format('CASE WHEN %s THEN ROW(%s)::cleangov.hit END', cond,
                                 array_to_string(@extschema@.row_rule_fields(d), ', '));
        conds := conds || cond;
        exempts := exempts || format('WHEN %L THEN %s', d.rule_code, @extschema@.rule_exemption_sql(d));
      ELSE
        parts := parts || @extschema@.rule_sql(d, CASE WHEN d.kind = 'row' THEN src END);
      END IF;
    END LOOP;
    IF cardinality(cases) > 0 THEN
      onepass := onepass || format(
        'SELECT h FROM %s r CROSS JOIN LATERAL unnest(ARRAY[%s]) h WHERE (%s) AND h.rule_code IS NOT NULL AND CASE h.rule_code %s END',
        src, array_to_string(cases, ', '), array_to_string(conds, ' OR '), array_to_string(exempts, ' '));
      prefilter := prefilter || format('EXISTS (SELECT FROM %s r WHERE %s)', src, array_to_string(conds, ' OR '));
    END IF;
  END LOOP;

  -- The row rules' one-pass query is large (a hit row per rule, exemption
  -- subqueries), and its executor start-up, not its scan, is what a
  -- single-row INSERT pays.  So it runs only when a cheap pre-check (the
  -- conditions alone, stopping at the first matching row) finds a row that
  -- breaches a rule; most statements breach none.  JIT is off: the planner's
  -- estimate for a large transition table passes jit_above_cost, and
  -- compiling the query costs more than a COPY of a million rows scanning it.
  IF cardinality(onepass) + cardinality(parts) = 0 THEN
    body := E'BEGIN\n  RETURN NULL;\nEND';
  ELSE
    body := E'DECLARE\n  hits cleangov.hit[];\n  more cleangov.hit[];\nBEGIN\n  BEGIN\n';
    IF cardinality(onepass) > 0 THEN
      body := body || format(E'    IF %s THEN\n      SELECT array_agg(q.h) INTO hits FROM (\n        %s\n      ) q;\n    END IF;\n',
                             array_to_string(prefilter, ' OR '), array_to_string(onepass, E'\n        UNION ALL\n        '));
    END IF;
    IF cardinality(parts) > 0 THEN
      body := body || format(E'    SELECT array_agg(q.h) INTO more FROM (\n      %s\n    ) q;\n    hits := hits || more;\n',
                             array_to_string(parts, E'\n      UNION ALL\n      '));
    END IF;
    body := body || format(
      E'    IF hits IS NOT NULL THEN PERFORM cleangov.raise_alerts(hits); END IF;\n' ||
      E'  EXCEPTION WHEN OTHERS THEN\n    -- one rule at a time: find and quarantine the failing ones\n%s\n  END;\n' ||
      E'  RETURN NULL;\nEND', array_to_string(slow, E'\n'));
  END IF;
  EXECUTE format(E'CREATE OR REPLACE FUNCTION cleangov_bound.%I() RETURNS trigger LANGUAGE plpgsql\n' ||
                 E'SET search_path = pg_catalog, pg_temp SET jit = off AS %L', fn, body);
  EXECUTE format('COMMENT ON FUNCTION cleangov_bound.%I() IS %L', fn,
                 format('cleangov watch trigger of %s, generated by cleangov.rewatch(); do not edit', source));
END
$$;
COMMENT ON FUNCTION @extschema@.rewatch(regclass) IS
  'Generates again the watch trigger function of a watched table from the current rules, bindings and quarantines (called automatically when they change; does nothing for a table that is not watched). Security definer so that the generated functions keep one owner. Volatile because it creates a function; parallel unsafe because it does.';

-- volatile because it replaces generated functions
CREATE FUNCTION @extschema@.rewatch_all()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.rewatch_all() IS
  'Trigger: after rules, thresholds or definitions change, every watch trigger function is generated again (security definer: whoever may change a rule may have the watch functions follow). Volatile because it creates functions; parallel unsafe because it does.';

CREATE TRIGGER rewatch_all AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_definition
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rewatch_all();
CREATE TRIGGER rewatch_all AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rewatch_all();
CREATE TRIGGER rewatch_all AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_exemption
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rewatch_all();

-- volatile because it creates triggers on the user's table
CREATE FUNCTION @extschema@.watch(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fn text := 'watch_' || source::oid;
BEGIN
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', source
      USING ERRCODE = 'wrong_object_type',
            HINT = 'Only tables can be watched; shapes bound to views are checked by cleangov.run().';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.binding b WHERE b.source = watch.source) THEN
    RAISE EXCEPTION 'table % is not bound to any shape', source
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Bind it first: cleangov.bind(shape, table, mapping).';
  END IF;
  IF EXISTS (SELECT FROM @extschema@.watched w WHERE w.source = watch.source) THEN
    RAISE NOTICE 'table % is already watched', source;
    RETURN;
  END IF;
  INSERT INTO @extschema@.watched (source, function) VALUES (source, fn);
  PERFORM @extschema@.rewatch(source);
  EXECUTE format('CREATE TRIGGER cleangov_watch_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS cleangov_new'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION cleangov_bound.%I()', source, fn);
  EXECUTE format('CREATE TRIGGER cleangov_watch_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS cleangov_new'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION cleangov_bound.%I()', source, fn);
END
$$;
COMMENT ON FUNCTION @extschema@.watch(regclass) IS
  'Real-time checking of a bound table: statement-level triggers evaluate the rules of its shapes over each INSERT or UPDATE statement''s new rows in one pass and raise alerts in the writing transaction; a failing rule is quarantined with a WARNING and the write goes on. Volatile because it creates triggers; parallel unsafe because it does.';

-- volatile because it drops triggers on the user's table
CREATE FUNCTION @extschema@.unwatch(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fn text;
BEGIN
  DELETE FROM @extschema@.watched w WHERE w.source = unwatch.source RETURNING w.function INTO fn;
  IF fn IS NULL THEN
    RAISE EXCEPTION 'table % is not watched', source USING ERRCODE = 'undefined_object';
  END IF;
  EXECUTE format('DROP TRIGGER IF EXISTS cleangov_watch_insert ON %s', source);
  EXECUTE format('DROP TRIGGER IF EXISTS cleangov_watch_update ON %s', source);
  EXECUTE format('DROP FUNCTION IF EXISTS cleangov_bound.%I()', fn);
END
$$;
COMMENT ON FUNCTION @extschema@.unwatch(regclass) IS
  'Ends real-time checking of a table: drops its watch triggers and generated function. Volatile because it drops triggers; parallel unsafe because it does.';
