-- Rule engine, part 5: real-time checking of a user's table.
--
-- cleangov.watch(t) puts statement-level AFTER triggers on t (INSERT and
-- UPDATE, each REFERENCING NEW TABLE AS cleangov_new) that call PL/pgSQL
-- functions generated for t in schema cleangov_bound.  A generated function
-- holds the rules as static SQL, so PL/pgSQL prepares its plans once per
-- session, and evaluates all of t's row rules in ONE pass over the statement's
-- transition table: a COPY of a million rows is one set-based query, not a
-- million.  Rows are read through the binding's select list, so the rules see
-- the canonical shape.  A cheap pre-check (the conditions alone) decides
-- whether that query runs at all, so that a single-row INSERT breaching no
-- rule does not pay the large query's executor start-up.  The functions are
-- generated again whenever a rule, a binding or a quarantine changes
-- (cleangov.rewatch()).
--
-- Rights: a rule runs with its author's rights (cleangov.rule_definition.
-- owner), never with the writer's.  So there is one trigger and one
-- SECURITY DEFINER function per (table, rule owner), owned by that owner:
-- the writer of the table needs nothing of cleangov, and the owner's rules
-- of the table still run in one pass.  The definer reads the transition
-- table, that is the writer's new rows; a rule whose owner may not read the
-- table (or may not raise alerts) is left out of the function, with a
-- WARNING and a row in cleangov.watch_skip, and is never quarantined for it.
--
-- Failure handling: the one-pass query runs in a subtransaction.  If it
-- fails, the rules are run one by one, each in its own subtransaction, and a
-- rule that fails is recorded, quarantined and reported by a WARNING; the
-- other rules' alerts are raised and the user's statement goes on.  A hit
-- with a NaN or infinite number is no failure: raise_rule_hits() sets it
-- apart (cleangov.rejected_hit) and raises the others.

CREATE TABLE @extschema@.watched (
  source     regclass PRIMARY KEY,
  function   text NOT NULL,
  watched_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
  watched_by name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.watched IS
  'Tables checked in real time by cleangov.watch(); function is the prefix of the generated trigger functions in schema cleangov_bound (one per rule owner: <function>_<owner oid>).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.watched', '');

CREATE TABLE @extschema@.watch_skip (
  source    regclass NOT NULL,
  rule_code text NOT NULL,
  owner     name NOT NULL,
  reason    text NOT NULL,
  noted_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  PRIMARY KEY (source, rule_code)
);
COMMENT ON TABLE @extschema@.watch_skip IS
  'Rules that the watch triggers of a table leave out, and why: the rule''s owner lacks a right the rule needs there (to read the table, to raise alerts), or a column the rule needs is absent in a binding (absent is not false); kept up to date by cleangov.rewatch(). Grant the right or bind the column, and the rule is watched again.';
GRANT SELECT ON @extschema@.watch_skip TO cleangov_admin;

-- The rows of a binding's shape that a statement on table t reaches, as a
-- subquery over the statement's transition table cleangov_new: the new rows
-- themselves when t is the source; the source rows joined to them when t is
-- a lookup; the view's rows whose reach columns equal theirs when t is a
-- base table of a bound view.  Either way through the binding's own select
-- list, so the rules see exactly the rows of cleangov_bound.<shape> that
-- the statement can have changed.
-- stable because it reads cleangov.binding
CREATE FUNCTION @extschema@.binding_rows_sql(b @extschema@.binding, t regclass)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  alias text;
  r jsonb;
BEGIN
  IF t = b.source THEN
    RETURN format('(SELECT %s FROM %s)', b.select_list, @extschema@.binding_from(b.source, b.lookups, 'src'));
  END IF;
  SELECT x.key INTO alias FROM jsonb_each(b.lookups) x WHERE (x.value ->> 'oid')::oid = t ORDER BY x.key LIMIT 1;
  IF alias IS NOT NULL THEN
    RETURN format('(SELECT %s FROM %s)', b.select_list, @extschema@.binding_from(b.source, b.lookups, alias));
  END IF;
  SELECT x.value INTO r FROM jsonb_each(b.reach) x WHERE (x.value ->> 'oid')::oid = t LIMIT 1;
  IF r IS NOT NULL THEN
    RETURN format('(SELECT %s FROM %s WHERE EXISTS (SELECT FROM cleangov_new n WHERE %s))', b.select_list, b.from_list,
                  (SELECT string_agg(format('n.%I = src.%I', o.value #>> '{}', o.key), ' AND ' ORDER BY o.key)
                     FROM jsonb_each(r -> 'on') o));
  END IF;
  RAISE EXCEPTION 'shape % is not bound through %', b.shape, t USING ERRCODE = 'object_not_in_prerequisite_state';
END
$$;
COMMENT ON FUNCTION @extschema@.binding_rows_sql(@extschema@.binding, regclass) IS
  'Internal to the watch triggers: the rows of a binding''s shape that a statement on table t reaches (t the source: its new rows; a lookup: the source rows joined to them; a base table of a bound view: the view rows its reach columns match), as a subquery over the transition table cleangov_new read through the binding''s select list. Stable because it reads the binding.';

-- volatile because it replaces the generated trigger functions
-- On a Citus coordinator the generated functions stay there (Citus would
-- propagate them to the workers, which never run them, and refuses to once
-- the transaction ran a parallel command on a distributed table: a drain of
-- an outbox that quarantines a rule): citus.enable_ddl_propagation is off
-- while rewatch() runs (a placeholder setting without Citus).
CREATE FUNCTION @extschema@.rewatch(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET citus.enable_ddl_propagation = off
AS $$
DECLARE
  fn text;
  b @extschema@.binding;
  d @extschema@.rule_definition;
  why text;
  owners name[] := '{}';
  skipped text[] := '{}';
  own name;
  own_oid oid;
  ofn text;
  target regclass := @extschema@.watch_target(rewatch.source);
  cond text;
  parts text[];
  onepass text[];
  prefilter text[];
  slow text[];
  cases text[];
  conds text[];
  exempts text[];
  src text;
  body text;
  scoped text[];
  grains text[];
  gsql text;
  sg record;
  decl text;
BEGIN
  SELECT w.function INTO fn FROM @extschema@.watched w WHERE w.source = rewatch.source;
  IF fn IS NULL THEN
    RETURN;
  END IF;
  -- The rules of the table that can run with their owner's rights, and the
  -- others, noted (a missing right is not a failure of the rule).
  DELETE FROM @extschema@.watch_skip s WHERE s.source = rewatch.source;
  FOR d IN SELECT DISTINCT x.* FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
             JOIN @extschema@.binding y ON rewatch.source::oid = ANY (y.tables) AND y.broken IS NULL
              AND ((x.kind = 'row' AND x.shape = y.shape) OR (x.kind = 'set' AND x.realtime AND y.shape = ANY (x.reads)))
            WHERE @extschema@.rule_runs(r.rule_code, r.enabled) AND x.quarantined_at IS NULL LOOP
    IF EXISTS (SELECT FROM unnest(d.reads) s WHERE NOT EXISTS (SELECT FROM @extschema@.binding y WHERE y.shape = s AND y.broken IS NULL)
                                                 AND NOT EXISTS (SELECT FROM @extschema@.shape z WHERE z.shape = s AND z.unbound_reads_empty)) THEN
      skipped := skipped || d.rule_code;   -- reads an unbound or broken shape (one that is not read as empty): nothing to check
      CONTINUE;
    END IF;
    -- a fact the rule needs is not recorded: it does not run (absent is not false)
    why := @extschema@.rule_cannot_run(d);
    IF why IS NOT NULL THEN
      skipped := skipped || d.rule_code;
      INSERT INTO @extschema@.watch_skip (source, rule_code, owner, reason) VALUES (source, d.rule_code, d.owner, why);
      CONTINUE;
    END IF;
    why := @extschema@.rule_owner_lacks(d, source, true);
    IF why IS NULL THEN
      owners := owners || d.owner;
    ELSE
      skipped := skipped || d.rule_code;
      INSERT INTO @extschema@.watch_skip (source, rule_code, owner, reason) VALUES (source, d.rule_code, d.owner, why);
      RAISE WARNING 'cleangov: rule % is not checked on writes to %: %', d.rule_code, source, why
        USING HINT = 'Grant the right to the rule''s owner (cleangov.rule_definition.owner); the rule is watched again at the next cleangov.rewatch().';
    END IF;
  END LOOP;
  owners := ARRAY(SELECT DISTINCT o FROM unnest(owners) o ORDER BY o);

  FOREACH own IN ARRAY owners LOOP
    own_oid := (SELECT r.oid FROM pg_roles r WHERE r.rolname = own);
    ofn := fn || '_' || own_oid;
    parts := '{}'; onepass := '{}'; prefilter := '{}'; slow := '{}'; scoped := '{}'; grains := '{}'; decl := '';
    -- Set rules with a grain (54_rule_definition.sql): evaluated for the
    -- subjects the statement's rows reach only (the keys of their grain in
    -- the new rows of every shape bound to this table), the rules that
    -- share their passes in one query (55_pass.sql).
    FOR sg IN SELECT k.grp, k.grain, array_agg(k.rule_code ORDER BY k.rule_code) AS codes
                FROM (SELECT x.rule_code, x.grain, coalesce(@extschema@.pass_group(x), x.rule_code) AS grp
                        FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
                       WHERE @extschema@.rule_runs(r.rule_code, r.enabled) AND x.quarantined_at IS NULL AND x.owner = own AND NOT x.rule_code = ANY (skipped)
                         AND x.kind = 'set' AND x.realtime AND x.grain IS NOT NULL
                         AND EXISTS (SELECT FROM @extschema@.binding y
                                      WHERE rewatch.source::oid = ANY (y.tables) AND y.broken IS NULL AND y.shape = ANY (x.reads))) k
               GROUP BY k.grp, k.grain ORDER BY k.grp LOOP
      IF NOT sg.grain = ANY (grains) THEN
        grains := grains || sg.grain;
        -- the keys of the grain in the statement's rows, per shape bound to this table
        gsql := (SELECT string_agg(format('SELECT (r.%I)::text AS k FROM %s r', x.key_column,
                                          @extschema@.binding_rows_sql(y, rewatch.source)), ' UNION ALL ' ORDER BY y.shape)
                   FROM @extschema@.binding y
                   CROSS JOIN LATERAL (SELECT min(p.grain_keys ->> y.shape) AS key_column FROM @extschema@.pass p
                                        WHERE p.grain = sg.grain AND p.grain_keys ? y.shape) x
                  WHERE rewatch.source::oid = ANY (y.tables) AND y.broken IS NULL AND x.key_column IS NOT NULL);
        decl := decl || format(E'  cleangov_subjects_%s text[];\n', sg.grain);
        scoped := scoped || format(E'    cleangov_subjects_%s := ARRAY(SELECT DISTINCT x.k FROM (%s) x WHERE x.k IS NOT NULL);',
                                   sg.grain, coalesce(gsql, 'SELECT NULL::text AS k'));
      END IF;
      SELECT * INTO d FROM @extschema@.rule_definition x WHERE x.rule_code = sg.codes[1];
      body := format(E'    IF cardinality(cleangov_subjects_%s) > 0 THEN\n', sg.grain);
      IF EXISTS (SELECT FROM @extschema@.rule_definition x WHERE x.rule_code = ANY (sg.codes) AND x.statistics IS NOT NULL) THEN
        body := body || format(
          E'      IF EXISTS (SELECT FROM unnest(%L::text[]) c WHERE NOT EXISTS (SELECT FROM cleangov.rule_statistic st WHERE st.rule_code = c)) THEN\n' ||
          E'        RAISE WARNING ''cleangov: rule(s) %% have no population statistics yet and are not checked on writes to %%'', %L, %L\n' ||
          E'          USING HINT = ''A run of the rules stores them: cleangov.run().'';\n      END IF;\n',
          ARRAY(SELECT x.rule_code FROM @extschema@.rule_definition x WHERE x.rule_code = ANY (sg.codes) AND x.statistics IS NOT NULL ORDER BY 1),
          array_to_string(ARRAY(SELECT x.rule_code FROM @extschema@.rule_definition x WHERE x.rule_code = ANY (sg.codes) AND x.statistics IS NOT NULL ORDER BY 1), ', '),
          source::text);
      END IF;
      IF cardinality(sg.codes) > 1 THEN
        body := body || format(E'      SELECT array_agg(z.h) INTO more FROM (WITH %s SELECT y.h FROM (%s) y) z;\n',
          array_to_string(@extschema@.pass_group_ctes(sg.codes, 'cleangov_subjects_' || sg.grain), ', '),
          (SELECT string_agg('(' || @extschema@.rule_scoped_sql(x, 'cleangov_subjects_' || sg.grain, false) || ')', ' UNION ALL ' ORDER BY x.rule_code)
             FROM @extschema@.rule_definition x WHERE x.rule_code = ANY (sg.codes)));
      ELSE
        body := body || format(E'      SELECT array_agg(z.h) INTO more FROM (%s) z;\n', @extschema@.rule_scoped_sql(d, 'cleangov_subjects_' || sg.grain));
      END IF;
      scoped := scoped || (body || E'      hits := hits || more;\n    END IF;');
    END LOOP;
    FOR b IN SELECT * FROM @extschema@.binding x WHERE rewatch.source::oid = ANY (x.tables) AND x.broken IS NULL ORDER BY x.shape LOOP
      src := @extschema@.binding_rows_sql(b, rewatch.source);
      cases := '{}'; conds := '{}'; exempts := '{}';
      FOR d IN SELECT x.* FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
                WHERE @extschema@.rule_runs(r.rule_code, r.enabled) AND x.quarantined_at IS NULL AND x.owner = own AND NOT x.rule_code = ANY (skipped)
                  AND ((x.kind = 'row' AND x.shape = b.shape) OR (x.kind = 'set' AND x.realtime AND b.shape = ANY (x.reads)))
                  AND (x.grain IS NULL OR x.kind = 'row' OR b.shape = (SELECT min(s) FROM unnest(x.reads) s
                                                                         WHERE s IN (SELECT y.shape FROM @extschema@.binding y
                                                                                      WHERE rewatch.source::oid = ANY (y.tables) AND y.broken IS NULL)))
                ORDER BY x.rule_code LOOP
        slow := slow || format(E'    BEGIN\n%s      SELECT array_agg(q.h) INTO hits FROM (%s) q;\n' ||
                               E'      IF hits IS NOT NULL THEN PERFORM cleangov.raise_rule_hits(hits, ''watch''); END IF;\n' ||
                               E'    EXCEPTION WHEN insufficient_privilege THEN\n' ||
                               E'      -- the owner lost a right since this was generated: not a failure of the rule\n' ||
                               E'      RAISE WARNING ''cleangov: rule %% was not checked on writes to %%: %%'', %L, %L, SQLERRM\n' ||
                               E'        USING DETAIL = ''Its owner lacks a right; the rule is not quarantined.'';\n' ||
                               E'    WHEN OTHERS THEN\n' ||
                               E'      PERFORM cleangov.record_rule_failure(%L, ''watch'', %L, SQLSTATE, SQLERRM);\n    END;',
                               CASE WHEN d.kind = 'set' AND d.grain IS NOT NULL
                                    THEN (SELECT string_agg(z, E'\n') FROM unnest(scoped) z WHERE z ~ ('^    cleangov_subjects_' || d.grain || ' :=')) || E'\n'
                                    ELSE '' END,
                               CASE WHEN d.kind = 'set' AND d.grain IS NOT NULL THEN @extschema@.rule_scoped_sql(d, 'cleangov_subjects_' || d.grain)
                                    ELSE @extschema@.rule_sql(d, CASE WHEN d.kind = 'row' THEN src END) END,
                               d.rule_code, rewatch.source::text, d.rule_code, rewatch.source::text);
        CONTINUE WHEN d.kind = 'set' AND d.grain IS NOT NULL;   -- evaluated above, for the subjects reached
        IF d.kind = 'row' AND d.streak_min IS NULL
           AND NOT EXISTS (SELECT FROM @extschema@.rule_standard z WHERE z.rule_code = d.rule_code AND z.thresholds <> '{}') THEN
          -- one-pass form: all row rules of the shape in one scan (a rule
          -- with tiered thresholds goes through rule_sql, one scan per tier)
          cond := '(' || @extschema@.rule_render(d.condition,
                    (SELECT r.thresholds FROM @extschema@.rule r WHERE r.rule_code = d.rule_code), d.rule_code) || ')';
          cases := cases || format('CASE WHEN %s THEN ROW(%s)::cleangov.hit END', cond,
                                   array_to_string(@extschema@.row_rule_fields(d), ', '));
          conds := conds || cond;
          -- the definition's own exemption, if any (the rows of
          -- cleangov.rule_exemption are checked once for all the rules)
          IF d.exemption IS NOT NULL THEN
            exempts := exempts || format('WHEN %L THEN %s', d.rule_code, @extschema@.rule_exemption_sql(d, false));
          END IF;
        ELSE
          parts := parts || @extschema@.rule_sql(d, CASE WHEN d.kind = 'row' THEN src END);
        END IF;
      END LOOP;
      -- The exemption rows of every rule's hits in one anti-join (NOT EXISTS
      -- ANDed at the top of the WHERE clause, matched on the hit's own
      -- rule_code), not a subquery per hit under a CASE: hash-joined for a
      -- large COPY, one index probe per hit for a single-row INSERT.
      IF cardinality(cases) > 0 THEN
        onepass := onepass || format(
          'SELECT h FROM %s r CROSS JOIN LATERAL unnest(ARRAY[%s]) h WHERE (%s) AND h.rule_code IS NOT NULL AND %s%s',
          src, array_to_string(cases, ', '), array_to_string(conds, ' OR '), @extschema@.exemption_rows_sql(NULL),
          CASE WHEN cardinality(exempts) > 0 THEN format(' AND CASE h.rule_code %s ELSE true END', array_to_string(exempts, ' ')) ELSE '' END);
        prefilter := prefilter || format('EXISTS (SELECT FROM %s r WHERE %s)', src, array_to_string(conds, ' OR '));
      END IF;
    END LOOP;

    -- The row rules' one-pass query is large (a hit row per rule, the
    -- exemption anti-join), and its executor start-up, not its scan, is what a
    -- single-row INSERT pays.  So it runs only when a cheap pre-check (the
    -- conditions alone, stopping at the first matching row) finds a row that
    -- breaches a rule; most statements breach none.  JIT is off: the planner's
    -- estimate for a large transition table passes jit_above_cost, and
    -- compiling the query costs more than a COPY of a million rows scanning it.
    -- The new rows are the writer's: an owner who may no longer read the
    -- table (a right revoked since this was generated) sees none of them.
    body := format(E'DECLARE\n  hits cleangov.hit[];\n  more cleangov.hit[];\n%sBEGIN\n' ||
                   E'  IF NOT has_table_privilege(%s::oid, ''SELECT'') THEN\n' ||
                   E'    RAISE WARNING ''cleangov: the rules owned by %% are not checked on writes to %%: it may not read the table'', current_user, %L;\n' ||
                   E'    RETURN NULL;\n  END IF;\n  BEGIN\n', decl, source::oid, source::text);
    IF cardinality(onepass) > 0 THEN
      body := body || format(E'    IF %s THEN\n      SELECT array_agg(q.h) INTO hits FROM (\n        %s\n      ) q;\n    END IF;\n',
                             array_to_string(prefilter, ' OR '), array_to_string(onepass, E'\n        UNION ALL\n        '));
    END IF;
    IF cardinality(parts) > 0 THEN
      body := body || format(E'    SELECT array_agg(q.h) INTO more FROM (\n      %s\n    ) q;\n    hits := hits || more;\n',
                             array_to_string(parts, E'\n      UNION ALL\n      '));
    END IF;
    IF cardinality(scoped) > 0 THEN
      body := body || array_to_string(scoped, E'\n') || E'\n';
    END IF;
    body := body || format(
      E'    IF hits IS NOT NULL THEN PERFORM cleangov.raise_rule_hits(hits, ''watch''); END IF;\n' ||
      E'  EXCEPTION WHEN OTHERS THEN\n    -- one rule at a time: find and quarantine the failing ones\n%s\n  END;\n' ||
      E'  RETURN NULL;\nEND', array_to_string(slow, E'\n'));
    -- Security definer, owned by the rules' owner: the rules run with their
    -- author's rights, whoever writes the table.
    EXECUTE format(E'CREATE OR REPLACE FUNCTION cleangov_bound.%I() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER\n' ||
                   E'SET search_path = pg_catalog, pg_temp SET jit = off AS %L', ofn, body);
    EXECUTE format('ALTER FUNCTION cleangov_bound.%I() OWNER TO %I', ofn, own);
    EXECUTE format('REVOKE ALL ON FUNCTION cleangov_bound.%I() FROM PUBLIC', ofn);
    EXECUTE format('COMMENT ON FUNCTION cleangov_bound.%I() IS %L', ofn,
                   format('cleangov watch trigger of %s for the rules owned by %s, generated by cleangov.rewatch(); do not edit', source, own));
    -- on the table itself, or on the staging table of its outbox (a Citus
    -- distributed table: cleangov.drain_outbox() inserts the rows there)
    IF NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = target AND g.tgname = format('cleangov_watch_%s_insert', own_oid)) THEN
      EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS cleangov_new'
                     ' FOR EACH STATEMENT EXECUTE FUNCTION cleangov_bound.%I()', format('cleangov_watch_%s_insert', own_oid), target, ofn);
      EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING NEW TABLE AS cleangov_new'
                     ' FOR EACH STATEMENT EXECUTE FUNCTION cleangov_bound.%I()', format('cleangov_watch_%s_update', own_oid), target, ofn);
    END IF;
  END LOOP;

  -- Owners that have no rule to check here any more: their functions go,
  -- and their triggers with them.  Except inside a trigger nested in another
  -- (pg_trigger_depth() > 1: a rule quarantined by a watch trigger, whose
  -- UPDATE of rule_definition fires rewatch_all): the function of that
  -- owner may be the one running, so it is kept with an empty body, and its
  -- triggers with it, until the next rewatch() outside a running trigger
  -- (any rule change, release_rule()).
  IF pg_trigger_depth() > 1 THEN
    FOR ofn IN SELECT p.proname::text FROM pg_proc p
                WHERE p.pronamespace = 'cleangov_bound'::regnamespace
                  AND p.proname ~ ('^' || fn || '_[0-9]+$')
                  AND NOT p.proname IN (SELECT fn || '_' || r.oid FROM pg_roles r WHERE r.rolname = ANY (owners)) LOOP
      EXECUTE format(E'CREATE OR REPLACE FUNCTION cleangov_bound.%I() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER\n' ||
                     E'SET search_path = pg_catalog, pg_temp SET jit = off AS %L', ofn,
                     E'BEGIN\n  -- no rule of this owner to check here; dropped at the next cleangov.rewatch()\n  RETURN NULL;\nEND');
      owners := owners || (SELECT r.rolname FROM pg_roles r WHERE fn || '_' || r.oid = ofn);
    END LOOP;
  END IF;
  PERFORM @extschema@.drop_watch_functions(fn, owners);
END
$$;
COMMENT ON FUNCTION @extschema@.rewatch(regclass) IS
  'Generates again the watch triggers and trigger functions of a watched table from the current rules, bindings, quarantines and owners'' rights: one security definer function per rule owner, owned by that owner; rules whose owner lacks a right they need are left out and listed in cleangov.watch_skip, with a WARNING (called automatically when rules or bindings change; does nothing for a table that is not watched). Security definer because it creates triggers and functions owned by the rules'' owners. Volatile because it creates functions; parallel unsafe because it does.';

-- Drops the generated watch functions of prefix fn except those of owners keep.
-- volatile because it drops functions
CREATE FUNCTION @extschema@.drop_watch_functions(fn text, keep name[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  f text;
BEGIN
  FOR f IN SELECT p.proname::text FROM pg_proc p
            WHERE p.pronamespace = 'cleangov_bound'::regnamespace
              AND p.proname ~ ('^' || fn || '_[0-9]+$')
              AND NOT p.proname IN (SELECT fn || '_' || r.oid FROM pg_roles r WHERE r.rolname = ANY (keep)) LOOP
    EXECUTE format('DROP FUNCTION cleangov_bound.%I() CASCADE', f);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.drop_watch_functions(text, name[]) IS
  'Drops the generated watch trigger functions <fn>_<owner oid> (and their triggers) except those of the owners kept. Volatile because it drops functions; parallel unsafe because it does.';

REVOKE EXECUTE ON FUNCTION @extschema@.drop_watch_functions(text, name[]) FROM PUBLIC;

-- volatile because it replaces generated functions
CREATE FUNCTION @extschema@.rewatch_all()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
  PERFORM @extschema@.refresh_runners();
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.rewatch_all() IS
  'Trigger: after rules, thresholds or definitions change, every watch trigger function and the functions that run() evaluates rules through are generated again (security definer: whoever may change a rule may have the generated functions follow). Volatile because it creates functions; parallel unsafe because it does.';

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
  citus text := @extschema@.citus_table_kind(source);
  k record;
BEGIN
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', source
      USING ERRCODE = 'wrong_object_type',
            HINT = 'A view is watched through its base tables: bind it with reach => ''{"schema.table": {"view column": "table column"}}'' and watch each table.';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.binding b WHERE watch.source::oid = ANY (b.tables) AND b.broken IS NULL) THEN
    RAISE EXCEPTION 'table % is not bound to any shape', source
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Bind it first (as a source, a lookup, or a base table in a view binding''s reach): cleangov.bind(shape, table, mapping).';
  END IF;
  IF EXISTS (SELECT FROM @extschema@.watched w WHERE w.source = watch.source) THEN
    RAISE NOTICE 'table % is already watched', source;
    RETURN;
  END IF;
  -- A Citus table: only a hash-distributed one, through an outbox
  -- (59_outbox.sql); the others Citus gives no triggers, or we could not
  -- evaluate its rows on the coordinator.
  IF citus IS NOT NULL THEN
    PERFORM @extschema@.outbox_check(source, citus);
  END IF;
  INSERT INTO @extschema@.watched (source, function) VALUES (source, 'watch_' || source::oid);
  IF citus = 'hash' THEN
    PERFORM @extschema@.outbox_open(source);
  END IF;
  -- incremental runs learn its updates and deletes (56_incremental.sql)
  IF citus IS NULL THEN
    PERFORM @extschema@.track(source);
  END IF;
  PERFORM @extschema@.rewatch(source);
  -- The rules evaluated for the subjects a statement touched read every
  -- shape of their passes by the subject's key: without an index that
  -- serves it, each statement scans those tables whole (58_key_indexes.sql).
  FOR k IN SELECT x.* FROM @extschema@.key_indexes() x
            WHERE x.served IS NOT TRUE
              AND EXISTS (SELECT FROM @extschema@.rule_definition d JOIN @extschema@.rule r USING (rule_code)
                           WHERE d.kind = 'set' AND d.realtime AND d.grain IS NOT NULL AND r.enabled
                             AND x.shape = ANY (d.reads)
                             AND EXISTS (SELECT FROM @extschema@.binding y
                                          WHERE watch.source::oid = ANY (y.tables) AND y.broken IS NULL AND y.shape = ANY (d.reads))) LOOP
    RAISE NOTICE 'cleangov: writes to % are checked per subject, but shape % is read by its key % without an index: every statement scans %',
      source, k.shape, k.key_column, k.source
      USING HINT = coalesce(k.create_statement || ';', initcap(left(k.note, 1)) || substr(k.note, 2) || '.')
                   || ' cleangov.key_indexes() lists every key and the indexes that serve it.';
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.watch(regclass) IS
  'Real-time checking of a bound table: statement-level triggers evaluate the rules of its shapes over each INSERT or UPDATE statement''s new rows in one pass, with the rights of each rule''s owner, and raise alerts in the writing transaction; the writer needs no right in cleangov; a failing rule is quarantined with a WARNING and the write goes on. Volatile because it creates triggers; parallel unsafe because it does.';

-- Forgets the watch of table t: its row in cleangov.watched, its skipped
-- rules, its generated functions and triggers.  False if t was not watched.
-- remember: t is going (dropped, renamed away), so every binding that reads
-- it notes it, by the name the binding knows it by, among its watched tables,
-- to be watched again when the binding is restored (bind(), rebind()).
-- volatile because it drops functions and writes
CREATE FUNCTION @extschema@.forget_watch(t oid, remember boolean)
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  fn text;
BEGIN
  PERFORM @extschema@.outbox_close(t);
  DELETE FROM @extschema@.watched w WHERE w.source = t RETURNING w.function INTO fn;
  IF fn IS NULL THEN
    RETURN false;
  END IF;
  DELETE FROM @extschema@.watch_skip s WHERE s.source = t;
  PERFORM @extschema@.drop_watch_functions(fn);
  IF remember THEN
    UPDATE @extschema@.binding x
       SET watched_tables = x.watched_tables || y.name
      FROM (SELECT z.shape,
                   coalesce(CASE WHEN z.source::oid = t THEN z.source_name END,
                            (SELECT l.value ->> 'table' FROM jsonb_each(z.lookups) l WHERE (l.value ->> 'oid')::oid = t LIMIT 1),
                            (SELECT r.key FROM jsonb_each(z.reach) r WHERE (r.value ->> 'oid')::oid = t LIMIT 1)) AS name
              FROM @extschema@.binding z WHERE t = ANY (z.tables)) y
     WHERE x.shape = y.shape AND y.name IS NOT NULL AND NOT y.name = ANY (x.watched_tables);
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION @extschema@.forget_watch(oid, boolean) IS
  'Internal to unwatch() and the drop and rename event triggers: forgets the watch of a table (its cleangov.watched row, skipped rules, generated functions and triggers); with remember, every binding reading the table notes it by the name it was bound by (binding.watched_tables), to watch it again when the binding is restored. False if the table was not watched. Volatile because it drops functions; parallel unsafe because it writes.';

-- volatile because it drops triggers on the user's table
CREATE FUNCTION @extschema@.unwatch(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  -- the rows a Citus table's outbox still holds are evaluated first
  IF EXISTS (SELECT FROM @extschema@.watched_outbox o WHERE o.source = unwatch.source) THEN
    PERFORM @extschema@.drain_outbox(source);
  END IF;
  IF NOT @extschema@.forget_watch(source, false) THEN
    RAISE EXCEPTION 'table % is not watched', source USING ERRCODE = 'undefined_object';
  END IF;
  -- and its tracking for incremental runs, which watch() began
  PERFORM @extschema@.untrack(source);
END
$$;
COMMENT ON FUNCTION @extschema@.unwatch(regclass) IS
  'Ends real-time checking of a table: drops its watch triggers and generated functions, and the tracking triggers of cleangov.track() (incremental runs then evaluate whole the rules reading it). Volatile because it drops triggers; parallel unsafe because it does.';

-- A dropped table or view leaves no watch or function behind, and marks the
-- bindings that read it broken (the source, a lookup, a base table in a
-- reach, or the bound view itself, which a DROP COLUMN ... CASCADE takes
-- with it): the rules reading their shapes are then skipped with the reason,
-- never failed and quarantined, until cleangov.rebind() or bind() restores
-- them (and the watch of a source that was watched).
CREATE FUNCTION @extschema@.forget_dropped()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o record;
  gone text[] := '{}'::text[];
  cols text[] := '{}'::text[];
  b record;
BEGIN
  FOR o IN SELECT * FROM pg_event_trigger_dropped_objects() x WHERE x.object_type = 'table column' LOOP
    cols := cols || o.object_identity;
  END LOOP;
  -- the tables first, so that a binding whose source went says so, not
  -- that its view (dropped with it by CASCADE) went
  FOR o IN SELECT * FROM pg_event_trigger_dropped_objects() x
            WHERE x.object_type IN ('table', 'view', 'materialized view', 'foreign table')
            ORDER BY x.schema_name = 'cleangov_bound' LOOP
    -- its watch goes, remembered to be watched again when its bindings are restored
    PERFORM @extschema@.forget_watch(o.objid, true);
    FOR b IN UPDATE @extschema@.binding x
                SET broken = CASE
                      WHEN o.schema_name = 'cleangov_bound' AND x.shape = o.object_name AND NOT o.objid = ANY (x.tables) THEN
                        'the bound view cleangov_bound.' || x.shape || ' was dropped'
                        || coalesce(' (with ' || (SELECT string_agg('column ' || c, ', ') FROM unnest(cols) c) || ')', '')
                      WHEN o.objid = x.source THEN format('its source %s was dropped', o.object_identity)
                      WHEN EXISTS (SELECT FROM jsonb_each(x.lookups) l WHERE (l.value ->> 'oid')::oid = o.objid)
                        THEN format('its lookup table %s was dropped', o.object_identity)
                      ELSE format('%s, a base table of its view, was dropped', o.object_identity) END,
                    broken_at = pg_catalog.now()
              WHERE x.broken IS NULL
                AND (o.objid = ANY (x.tables) OR (o.schema_name = 'cleangov_bound' AND x.shape = o.object_name))
              RETURNING x.shape, x.broken LOOP
      gone := gone || format('%s (%s)', b.shape, b.broken);
      IF to_regclass('cleangov_bound.' || quote_ident(b.shape)) IS NOT NULL THEN
        EXECUTE format('DROP VIEW cleangov_bound.%I', b.shape);
      END IF;
    END LOOP;
  END LOOP;
  IF cardinality(gone) > 0 THEN
    PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
    RAISE WARNING 'cleangov: binding(s) broken: %', array_to_string(gone, '; ')
      USING DETAIL = 'Rules reading these shapes are skipped (status skipped in cleangov.run_log), not quarantined.',
            HINT = 'Load the table again and call cleangov.rebind(shape), or cleangov.unbind(shape).';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.forget_dropped() IS
  'Event trigger on sql_drop: forgets the watch of a dropped table and marks broken every binding that read it (source, lookup, base table of a bound view) or whose bound view went (a DROP COLUMN ... CASCADE), with the reason, so that rules reading them are skipped rather than quarantined until cleangov.rebind() restores them. Security definer because it writes cleangov''s tables for whoever drops a table. Volatile because it writes; parallel unsafe because it writes.';
CREATE EVENT TRIGGER cleangov_forget_dropped ON sql_drop
  WHEN TAG IN ('DROP TABLE', 'DROP VIEW', 'DROP MATERIALIZED VIEW', 'DROP FOREIGN TABLE', 'DROP SCHEMA', 'DROP OWNED', 'ALTER TABLE')
  EXECUTE FUNCTION @extschema@.forget_dropped();

-- A renamed source or lookup table breaks the bindings that read it, as a
-- dropped one does: the binding names its tables (rebind() looks them up by
-- name), and a DBA who renames a table away to load a new one under the old
-- name means the new one.  Reading on from the renamed table would give
-- answers about data nobody means any more, silently.  The bound view goes
-- (its drop finds the binding broken already), the watch of a renamed
-- watched table goes and is remembered by the old name, so that rebind()
-- binds and watches the table that now has the name.
CREATE FUNCTION @extschema@.notice_renamed()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b record;
  why text;
  t oid;
  renamed oid[];
BEGIN
  FOR b IN SELECT x.shape, x.source, x.source_name, x.lookups FROM @extschema@.binding x
            WHERE x.broken IS NULL ORDER BY x.shape LOOP
    -- the tables of the binding that no longer have the name it knows them by
    renamed := ARRAY(SELECT b.source::oid
                      WHERE (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                              WHERE c.oid = b.source) IS DISTINCT FROM b.source_name
                     UNION ALL
                     SELECT (l.value ->> 'oid')::oid FROM jsonb_each(b.lookups) l
                      WHERE ((l.value ->> 'oid')::oid::regclass)::text IS DISTINCT FROM l.value ->> 'table');
    CONTINUE WHEN cardinality(renamed) = 0;
    why := CASE WHEN b.source::oid = ANY (renamed)
                THEN format('its source %s was renamed to %s', b.source_name, b.source::regclass::text)
                ELSE (SELECT format('its lookup table %s was renamed to %s', l.value ->> 'table', ((l.value ->> 'oid')::oid::regclass)::text)
                        FROM jsonb_each(b.lookups) l WHERE (l.value ->> 'oid')::oid = renamed[1] LIMIT 1) END;
    UPDATE @extschema@.binding x SET broken = why, broken_at = pg_catalog.now() WHERE x.shape = b.shape;
    -- the watch of a renamed table goes, remembered by every binding that
    -- reads it under the name it knows the table by (rebind() watches the
    -- table that has the name then); the binding's other tables stay watched
    FOREACH t IN ARRAY renamed LOOP
      PERFORM @extschema@.forget_watch(t, true);
    END LOOP;
    IF to_regclass('cleangov_bound.' || quote_ident(b.shape)) IS NOT NULL THEN
      EXECUTE format('DROP VIEW cleangov_bound.%I', b.shape);
    END IF;
    PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
    RAISE WARNING 'cleangov: binding % broken: %', b.shape, why
      USING DETAIL = 'Rules reading the shape are skipped (status skipped in cleangov.run_log), not quarantined.',
            HINT = format('Give the table its name back, or load the table under that name, and call cleangov.rebind(%L).', b.shape);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.notice_renamed() IS
  'Event trigger at the end of ALTER TABLE, VIEW, MATERIALIZED VIEW, FOREIGN TABLE and SCHEMA: a binding whose source or lookup table no longer has the name it was bound by is marked broken (a renamed table is not the table the binding means), its view and the watch of the renamed table go (remembered by name), so that cleangov.rebind() binds and watches the table that now has the name. Security definer because it writes cleangov''s tables for whoever renames a table. Volatile because it writes; parallel unsafe because it writes.';
CREATE EVENT TRIGGER cleangov_notice_renamed ON ddl_command_end
  WHEN TAG IN ('ALTER TABLE', 'ALTER VIEW', 'ALTER MATERIALIZED VIEW', 'ALTER FOREIGN TABLE', 'ALTER SCHEMA')
  EXECUTE FUNCTION @extschema@.notice_renamed();
