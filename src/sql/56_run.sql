-- Rule engine, part 4: batch runs, the run log, failures and quarantine.
--
-- cleangov.run() evaluates rules set-based (one query per rule) and hands the
-- hits to cleangov.raise_rule_hits() and so to raise_alerts(), which keeps one open alert per rule,
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
  rejected    int,
  status      text NOT NULL CHECK (status IN ('ok', 'failed', 'skipped')),
  message     text,
  run_by      name NOT NULL DEFAULT CURRENT_USER,
  PRIMARY KEY (run_id, rule_code)
);
CREATE SEQUENCE @extschema@.run_id_seq;
COMMENT ON TABLE @extschema@.run_log IS
  'One row per rule per batch run: rows read (rows of the shapes the rule reads), hits, alerts raised and refreshed, hits rejected (a NaN or infinite value or threshold, kept in cleangov.rejected_hit), duration, status (ok, failed, skipped) and why.';
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

-- A hit whose value or threshold is NaN or infinite is bad data in one row
-- (or a degenerate computation), not a failure of the rule: on the engine's
-- paths (run(), the watch triggers) it is set apart here, before
-- raise_alerts() (which refuses it, 22003, when called directly), kept in
-- this table and reported by a WARNING, and the rule's other hits are raised.
-- Otherwise anybody who may write one NaN amount into a watched table would
-- quarantine the rule for everybody.
CREATE TABLE @extschema@.rejected_hit (
  rejected_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_code    text NOT NULL,
  subject_kind text,
  subject_key  text,
  unit_code    text,
  period       text,
  value        text,
  threshold    text,
  source_table text,
  source_key   text,
  sqlstate     text NOT NULL DEFAULT '22003',
  reason       text NOT NULL,
  context      text NOT NULL CHECK (context IN ('run', 'watch')),
  rejected_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
  rejected_by  name NOT NULL DEFAULT @extschema@.actor()
);
CREATE INDEX rejected_hit_rule_idx ON @extschema@.rejected_hit (rule_code, rejected_at);
COMMENT ON TABLE @extschema@.rejected_hit IS
  'Hits that the engine (cleangov.run(), the watch triggers) did not raise because their value or threshold is NaN or infinite (SQLSTATE 22003): one row per hit with its rule, subject, period, source row, the number as text, why, in a batch run or a watch trigger, when and by whom. The rule is not quarantined and its other hits are raised; correct the source row and the next run or write raises it.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rejected_hit', '');
GRANT SELECT ON @extschema@.rejected_hit TO cleangov_admin, cleangov_analyst;

-- The engine's entry point: set apart the non-finite hits (one filtering
-- expression over the array, so a COPY of a million rows stays one
-- statement), then raise_alerts() with the others.
-- volatile because it writes alerts and rejected hits
CREATE FUNCTION @extschema@.raise_rule_hits(hits @extschema@.hit[], context text)
RETURNS TABLE (alert_id bigint, action text)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  good @extschema@.hit[];
  rules text[];
  counts bigint[];
  total bigint := 0::bigint;
BEGIN
  IF context IS NULL OR context NOT IN ('run', 'watch') THEN
    RAISE EXCEPTION 'context must be run or watch, not %', coalesce(context, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF hits IS NULL OR cardinality(hits) = 0 THEN
    RETURN;
  END IF;
  -- a hit without a rule stays in the array: raise_alerts refuses it (22004)
  WITH h AS MATERIALIZED (
    SELECT x AS hit,
           x.rule_code IS NOT NULL
           AND (coalesce(x.value IN ('NaN', 'Infinity', '-Infinity'), false)
                OR coalesce(x.threshold IN ('NaN', 'Infinity', '-Infinity'), false)) AS bad
      FROM unnest(hits) x
  ), rej AS (
    INSERT INTO @extschema@.rejected_hit AS r
           (rule_code, subject_kind, subject_key, unit_code, period, value, threshold,
            source_table, source_key, reason, context)
    SELECT (h.hit).rule_code, (h.hit).subject_kind, (h.hit).subject_key, (h.hit).unit_code,
           coalesce((h.hit).period, ''), (h.hit).value::text, (h.hit).threshold::text,
           (h.hit).source_table, (h.hit).source_key,
           CASE WHEN coalesce((h.hit).value IN ('NaN', 'Infinity', '-Infinity'), false)
                THEN 'non-finite value' ELSE 'non-finite threshold' END,
           raise_rule_hits.context
      FROM h WHERE h.bad
    RETURNING r.rule_code
  )
  SELECT (SELECT array_agg(h.hit) FROM h WHERE NOT h.bad), c.rules, c.counts
    INTO good, rules, counts
    FROM (SELECT array_agg(k.rule_code ORDER BY k.rule_code) AS rules, array_agg(k.n ORDER BY k.rule_code) AS counts
            FROM (SELECT rej.rule_code, count(*) AS n FROM rej GROUP BY rej.rule_code) k) c;
  -- one WARNING per rule, not per hit
  FOR i IN 1 .. coalesce(cardinality(rules), 0) LOOP
    total := total + counts[i];
    RAISE WARNING 'cleangov: rule %: % hit(s) with a NaN or infinite value or threshold not raised', rules[i], counts[i]
      USING DETAIL = format('In %s. They are in cleangov.rejected_hit; the rule''s other hits are raised and the rule is not quarantined.',
                            CASE context WHEN 'watch' THEN 'the watch trigger' ELSE 'a batch run' END),
            HINT = 'Correct the source rows (a NaN or infinite amount).';
  END LOOP;
  IF good IS NOT NULL THEN
    RETURN QUERY SELECT a.alert_id, a.action FROM @extschema@.raise_alerts(good) a;
  END IF;
  RETURN QUERY SELECT NULL::bigint, 'rejected'::text FROM generate_series(1, total);
END
$$;
COMMENT ON FUNCTION @extschema@.raise_rule_hits(@extschema@.hit[], text) IS
  'The engine''s way to raise a rule''s hits (cleangov.run() with context run, the watch triggers with context watch): hits whose value or threshold is NaN or infinite are set apart into cleangov.rejected_hit with one WARNING per rule, the others go to cleangov.raise_alerts(); returns raise_alerts'' rows and one row (NULL, rejected) per hit set apart. One bad row never fails or quarantines the rule. Security definer so that a rule''s owner can record rejected hits. Volatile because it writes; parallel unsafe because it writes.';
REVOKE EXECUTE ON FUNCTION @extschema@.raise_rule_hits(@extschema@.hit[], text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.raise_rule_hits(@extschema@.hit[], text) TO cleangov_admin;

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

-- Why a rule cannot run on the bindings as they are (NULL: it can): a shape
-- it reads is not bound, or its binding is broken, or a column the rule
-- needs (rule_definition.needs) is absent in the binding: the fact is not
-- recorded, and absent is never read as false.  The rule is skipped and
-- says why; it is not quarantined.
-- stable because it reads the bindings
CREATE FUNCTION @extschema@.rule_cannot_run(d @extschema@.rule_definition)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce(
    (SELECT format('shape %s is not bound', s) FROM unnest(d.reads) s
      WHERE NOT EXISTS (SELECT FROM @extschema@.binding b WHERE b.shape = s)
        AND NOT (coalesce((SELECT x.unbound_reads_empty FROM @extschema@.shape x WHERE x.shape = s), false)
                 AND to_regclass(format('cleangov_bound.%I', s)) IS NOT NULL)
      ORDER BY s LIMIT 1),
    (SELECT format('the binding of %s is broken: %s', b.shape, b.broken) FROM @extschema@.binding b
      WHERE b.shape = ANY (d.reads) AND b.broken IS NOT NULL ORDER BY b.shape LIMIT 1),
    (SELECT format('does not run: %s is not bound (the fact is not recorded, and absent is not false); map it, or set a constant {"%s": {"value": ...}}',
                   string_agg(a.column_name, ', ' ORDER BY a.column_name), min(split_part(a.column_name, '.', 2)))
       FROM @extschema@.rule_absent(d) a WHERE a.needed
     HAVING count(*) > 0));
END;
COMMENT ON FUNCTION @extschema@.rule_cannot_run(@extschema@.rule_definition) IS
  'Why a rule cannot run on the current bindings (a shape it reads is not bound, unless it reads as empty while unbound (shape.unbound_reads_empty), or its binding is broken, or a column it needs is absent: absent is not false), or NULL when it can; run() and the watch triggers skip such a rule with this reason and do not quarantine it. Stable because it reads the bindings.';

-- Why a rule cannot run with its owner's rights (NULL: it can).  The owner
-- needs to read every table the rule's shapes are bound to (and the source
-- a watch trigger reads), the shapes' views, the exemptions, and for a watch
-- trigger to raise alerts and record failures itself.  A rule that cannot is
-- skipped and says why; it is not quarantined: a missing right is not a
-- failure of the rule.
-- stable because it reads roles and privileges
CREATE FUNCTION @extschema@.rule_owner_lacks(d @extschema@.rule_definition, source regclass DEFAULT NULL,
                                             watching boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o oid := (SELECT r.oid FROM pg_roles r WHERE r.rolname = d.owner);
  t regclass;
  s text;
BEGIN
  IF o IS NULL THEN
    RETURN format('its owner %s is not a role', d.owner);
  END IF;
  FOR t IN SELECT source WHERE source IS NOT NULL
           UNION SELECT x::regclass FROM @extschema@.binding b CROSS JOIN LATERAL unnest(b.tables) x
                  WHERE b.shape = ANY (d.reads) AND b.broken IS NULL LOOP
    IF NOT has_table_privilege(o, t, 'SELECT') THEN
      RETURN format('its owner %s may not read %s', d.owner, t);
    END IF;
  END LOOP;
  IF NOT (has_schema_privilege(o, '@extschema@', 'USAGE') AND has_schema_privilege(o, 'cleangov_bound', 'USAGE')
          AND has_table_privilege(o, '@extschema@.rule_exemption', 'SELECT')) THEN
    RETURN format('its owner %s may not use the schemas cleangov and cleangov_bound or read cleangov.rule_exemption', d.owner);
  END IF;
  FOREACH s IN ARRAY d.reads LOOP
    IF to_regclass('cleangov_bound.' || quote_ident(s)) IS NOT NULL
       AND NOT has_table_privilege(o, 'cleangov_bound.' || quote_ident(s), 'SELECT') THEN
      RETURN format('its owner %s may not read cleangov_bound.%s', d.owner, s);
    END IF;
  END LOOP;
  IF watching AND d.statistics IS NOT NULL AND d.grain IS NOT NULL
     AND NOT has_table_privilege(o, '@extschema@.rule_statistic', 'SELECT') THEN
    RETURN format('its owner %s may not read cleangov.rule_statistic (the population statistics the rule compares with)', d.owner);
  END IF;
  IF watching AND NOT (has_function_privilege(o, '@extschema@.raise_rule_hits(@extschema@.hit[], text)', 'EXECUTE')
                       AND has_function_privilege(o, '@extschema@.record_rule_failure(text, text, text, text, text)', 'EXECUTE')) THEN
    RETURN format('its owner %s may not execute cleangov.raise_rule_hits and cleangov.record_rule_failure', d.owner);
  END IF;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_owner_lacks(@extschema@.rule_definition, regclass, boolean) IS
  'Why a rule cannot run with its owner''s rights (the right the owner lacks: reading a bound table or source, the schemas, the exemptions; for a watch trigger, raising alerts), or NULL when it can. Stable because it reads roles and privileges.';

-- Batch runs execute a rule's SQL with its owner's rights, never with those
-- of whoever calls run(): one generated SECURITY DEFINER function per rule
-- owner, cleangov_bound.rules_<owner oid>(rule_code, count_shapes, cleangov_codes, cleangov_since, cleangov_stored),
-- owned by that owner, holds the owner's rules as static SQL and returns a
-- rule's hits (and the row counts of the shapes asked for).  The owner's
-- rules that share their passes (55_pass.sql) have one more branch, keyed
-- by their pass_group(): one query that computes each pass once and
-- evaluates the rules in codes over it.  It only reads: the
-- hits go to raise_rule_hits() in run().  EXECUTE is granted to cleangov_admin,
-- who may read every alert the hits become.  The functions are generated
-- again when rules change (the rewatch_all triggers) and, after the
-- extension's own scripts (which drop them), by the first run().  They run
-- with jit off: the rules' queries are large, their row estimates through
-- the bound views high, and JIT compiled the query of the bid rules that
-- share their passes for 6.8 s of its 10.4 s at 20,000 demo tenders (636
-- functions, optimization and inlining on); without it the group took
-- 3.9 s in run(), and the price-gap group 0.6 s instead of 5.4 s.
-- volatile because it replaces the generated functions
CREATE FUNCTION @extschema@.refresh_runners()
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  own record;
  d @extschema@.rule_definition;
  branches text[];
  hit_sql text;
  f text;
  g record;
BEGIN
  -- in the extension's scripts the functions would become members of the
  -- extension: drop them there, run() makes them again
  IF @extschema@.creating_extension_script() THEN
    FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p
              WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.proname ~ '^rules_[0-9]+$' LOOP
      EXECUTE 'DROP FUNCTION ' || f;
    END LOOP;
    RETURN;
  END IF;
  FOR own IN SELECT DISTINCT r.rolname, r.oid FROM @extschema@.rule_definition x JOIN pg_roles r ON r.rolname = x.owner LOOP
    branches := '{}';
    FOR d IN SELECT * FROM @extschema@.rule_definition x WHERE x.owner = own.rolname ORDER BY x.rule_code LOOP
      BEGIN
        hit_sql := format('hits := (SELECT array_agg(q.h) FROM (%s) q);', @extschema@.rule_sql(d, NULL, true, NULL, true));
        -- the statistics stored (a run that keeps them), and some subjects
        -- only (incremental runs)
        IF d.statistics IS NOT NULL THEN
          hit_sql := format(E'IF cleangov_subjects IS NULL AND NOT cleangov_stored THEN\n        %s\n      ELSIF cleangov_subjects IS NULL THEN\n        hits := (SELECT array_agg(q.h) FROM (%s) q);\n      ELSE\n        %s\n      END IF;',
                            hit_sql, @extschema@.rule_scoped_sql(d, NULL),
                            CASE WHEN d.grain IS NOT NULL THEN format('hits := (SELECT array_agg(q.h) FROM (%s) q);', @extschema@.rule_scoped_sql(d, 'cleangov_subjects'))
                                 ELSE format('RAISE EXCEPTION ''rule %s cannot be evaluated for some subjects'' USING ERRCODE = ''feature_not_supported'';', d.rule_code) END);
        ELSIF d.grain IS NOT NULL THEN
          hit_sql := format(E'IF cleangov_subjects IS NULL THEN\n        %s\n      ELSE\n        hits := (SELECT array_agg(q.h) FROM (%s) q);\n      END IF;',
                            hit_sql, @extschema@.rule_scoped_sql(d, 'cleangov_subjects'));
        END IF;
        IF d.grain IS NOT NULL THEN
          -- an incremental run: the subjects reached by rows written since
          -- (read with the owner's rights), or the reason to read all
          hit_sql := format(E'IF cleangov_since IS NOT NULL THEN\n        SELECT t.keys, t.why INTO cleangov_subjects, cleangov_note FROM cleangov.touched_subjects(%L, cleangov_since) t;\n' ||
                            E'        cleangov_note := coalesce(''whole: '' || cleangov_note, format(''incremental: %%s subject(s) touched'', cardinality(cleangov_subjects)));\n      END IF;\n      %s',
                            d.rule_code, hit_sql);
        END IF;
      EXCEPTION WHEN OTHERS THEN
        -- a rule that no longer renders (a threshold removed) fails when run
        hit_sql := format('RAISE EXCEPTION USING ERRCODE = %L, MESSAGE = %L;', SQLSTATE, SQLERRM);
      END;
      branches := branches || format(E'    WHEN %L THEN\n      allowed := %L;\n      %s', d.rule_code, d.reads, hit_sql);
    END LOOP;
    -- The owner's rules that share their passes (pass_group): one query,
    -- each pass computed once, each rule's branch run only when run() asks
    -- for it (codes; a one-time filter, so a rule left out costs nothing).
    -- A rule whose shapes are not all there now (a view of
    -- cleangov_bound missing: not bound) is left out of the query, which
    -- could not be planned with it; the branch names the rules it holds
    -- (cleangov_note), and run() evaluates any other on its own.  bind()
    -- and unbind() generate the functions again.
    FOR g IN SELECT k.grp, array_agg(k.rule_code ORDER BY k.rule_code) FILTER (WHERE k.present) AS codes,
                    array_agg(k.rule_code) AS every_code
               FROM (SELECT x.rule_code, @extschema@.pass_group(x) AS grp,
                            NOT EXISTS (SELECT FROM unnest(x.reads) s WHERE to_regclass(format('cleangov_bound.%I', s)) IS NULL) AS present
                       FROM @extschema@.rule_definition x
                      WHERE x.owner = own.rolname AND cardinality(x.passes) > 0) k
              GROUP BY k.grp HAVING count(*) FILTER (WHERE k.present) > 1 ORDER BY k.grp LOOP
      BEGIN
        hit_sql := format(E'cleangov_note := %L;\n      hits := (SELECT array_agg(q.h) FROM (WITH %s\n        %s) q);',
          array_to_string(g.codes, ','),
          array_to_string(@extschema@.pass_group_ctes(g.codes), E',\n      '),
          (SELECT string_agg(format('SELECT x.h FROM (%s) x WHERE %L = ANY (cleangov_codes)', @extschema@.rule_sql(y, NULL, false, NULL, true), y.rule_code),
                             E'\n        UNION ALL ' ORDER BY y.rule_code)
             FROM @extschema@.rule_definition y WHERE y.rule_code = ANY (g.codes)));
      EXCEPTION WHEN OTHERS THEN
        hit_sql := format('RAISE EXCEPTION USING ERRCODE = %L, MESSAGE = %L;', SQLSTATE, SQLERRM);
      END;
      -- the shapes of every rule of the group (run() counts those its rules read)
      branches := branches || format(E'    WHEN %L THEN\n      allowed := %L;\n      %s', g.grp,
        (SELECT array_agg(DISTINCT s ORDER BY s) FROM @extschema@.rule_definition y, unnest(y.reads) s WHERE y.rule_code = ANY (g.every_code)),
        hit_sql);
    END LOOP;
    EXECUTE format(
      E'CREATE OR REPLACE FUNCTION cleangov_bound.%I(rule_code text, count_shapes text[], cleangov_codes text[], cleangov_since xid8, cleangov_stored boolean, OUT hits cleangov.hit[], OUT counts bigint[], OUT cleangov_note text)\n' ||
      E'LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS %L',
      'rules_' || own.oid,
      format(E'DECLARE\n  allowed text[];\n  s text;\n  c bigint;\n  cleangov_subjects text[];\nBEGIN\n  CASE rule_code\n%s\n' ||
             E'    ELSE RAISE EXCEPTION ''rule %% is not owned by %%'', rule_code, %L USING ERRCODE = ''undefined_object'';\n  END CASE;\n' ||
             E'  counts := ''{}'';\n  FOREACH s IN ARRAY coalesce(count_shapes, ''{}'') LOOP\n' ||
             E'    IF NOT s = ANY (allowed) THEN\n' ||
             E'      RAISE EXCEPTION ''rule %% does not read shape %%'', rule_code, s USING ERRCODE = ''invalid_parameter_value'';\n    END IF;\n' ||
             E'    EXECUTE format(''SELECT count(*) FROM cleangov_bound.%%I'', s) INTO c;\n    counts := counts || c;\n  END LOOP;\nEND',
             array_to_string(branches, E'\n'), own.rolname));
    EXECUTE format('ALTER FUNCTION cleangov_bound.%I(text, text[], text[], xid8, boolean) OWNER TO %I', 'rules_' || own.oid, own.rolname);
    EXECUTE format('REVOKE ALL ON FUNCTION cleangov_bound.%I(text, text[], text[], xid8, boolean) FROM PUBLIC', 'rules_' || own.oid);
    EXECUTE format('GRANT EXECUTE ON FUNCTION cleangov_bound.%I(text, text[], text[], xid8, boolean) TO cleangov_admin', 'rules_' || own.oid);
    EXECUTE format('COMMENT ON FUNCTION cleangov_bound.%I(text, text[], text[], xid8, boolean) IS %L', 'rules_' || own.oid,
                   format('cleangov: the rules owned by %s, run with its rights by cleangov.run() (rule_code: one rule; a cleangov_pass: key, the rules in codes that share their passes, in one query); generated by cleangov.refresh_runners(), do not edit', own.rolname));
  END LOOP;
  -- owners that own no rule any more
  FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p
            WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.proname ~ '^rules_[0-9]+$'
              AND NOT substr(p.proname, 7)::oid IN (SELECT r.oid FROM @extschema@.rule_definition x JOIN pg_roles r ON r.rolname = x.owner) LOOP
    EXECUTE 'DROP FUNCTION ' || f;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_runners() IS
  'Generates again the functions cleangov_bound.rules_<owner oid>(rule_code, count_shapes, cleangov_codes, cleangov_since, cleangov_stored) through which cleangov.run() evaluates each rule with its owner''s rights (one security definer function per rule owner, owned by it; the rules sharing their passes also in one query each). Called when rules change. Security definer because it creates functions owned by the rules'' owners. Volatile because it creates functions; parallel unsafe because it does.';
REVOKE EXECUTE ON FUNCTION @extschema@.refresh_runners() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.refresh_runners() TO cleangov_admin;

-- volatile because it raises alerts and writes the run log
CREATE FUNCTION @extschema@.run(rule_code text DEFAULT NULL, domain text DEFAULT NULL,
                                incremental boolean DEFAULT false, refresh_statistics boolean DEFAULT NULL)
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
  why text;
  runner text;
  todo text[];
  cnts bigint[];
  grp text;
  groups jsonb := '{}';
  gcodes text[];
  gdone text[] := '{}';
  gfailed text[] := '{}';
  ghits @extschema@.hit[] := '{}';
  gnew @extschema@.hit[];
  refresh bigint;
  horizon xid8 := pg_snapshot_xmin(pg_current_snapshot());
  -- the population statistics stored are kept (read, not computed) by
  -- incremental runs and by runs asked not to refresh them
  keep boolean := coalesce(NOT run.refresh_statistics, run.incremental);
  scoped text[] := '{}';
  since xid8;
  stored boolean;
  note text;
  ev @extschema@.rule_evaluation;
  st @extschema@.rule_statistic;
BEGIN
  IF run.rule_code IS NOT NULL AND NOT EXISTS (
       SELECT FROM @extschema@.rule_definition x WHERE x.rule_code = run.rule_code) THEN
    RAISE EXCEPTION 'rule "%" has no definition', run.rule_code
      USING ERRCODE = 'undefined_object', HINT = 'Definitions are in cleangov.rule_definition.';
  END IF;
  -- A quarantined rule is skipped, unless it is asked for by name (a retry).
  rules := ARRAY(
    SELECT x.rule_code FROM @extschema@.rule_definition x JOIN @extschema@.rule r USING (rule_code)
     WHERE @extschema@.rule_runs(r.rule_code, r.enabled)
       AND (run.rule_code IS NULL OR x.rule_code = run.rule_code)
       AND (run.domain IS NULL OR r.domain = run.domain)
       AND (x.quarantined_at IS NULL OR x.rule_code = run.rule_code)
     ORDER BY x.rule_code);
  -- Incremental: the rules evaluated for the subjects written since their
  -- last evaluation (56_incremental.sql): a grain, hits of that kind only
  -- (R024's tenderers are flagged over all their processes), evaluated
  -- before, and population statistics unchanged since (a refresh can move
  -- any subject across a fence: such a rule is evaluated whole).
  IF incremental AND keep THEN
    scoped := ARRAY(
      SELECT x.rule_code FROM @extschema@.rule_definition x JOIN @extschema@.rule_evaluation e USING (rule_code)
        LEFT JOIN @extschema@.rule_statistic s USING (rule_code)
       WHERE x.rule_code = ANY (rules) AND x.grain IS NOT NULL AND NOT 'subject_kind' = ANY (x.query_columns)
         AND (x.statistics IS NULL OR (s.refresh_id IS NOT NULL AND s.refresh_id = e.statistics_refresh)));
  END IF;
  -- The rules that can run and share their passes (55_pass.sql), evaluated
  -- whole with their statistics computed: each group is evaluated in one
  -- query, when the loop reaches its first rule.
  FOR d IN SELECT x.* FROM @extschema@.rule_definition x
            WHERE x.rule_code = ANY (rules) AND cardinality(x.passes) > 0 AND NOT keep LOOP
    CONTINUE WHEN @extschema@.rule_cannot_run(d) IS NOT NULL OR @extschema@.rule_owner_lacks(d) IS NOT NULL;
    BEGIN
      grp := @extschema@.pass_group(d);
    EXCEPTION WHEN OTHERS THEN
      grp := NULL;   -- it fails on its own, below
    END;
    IF grp IS NOT NULL THEN
      groups := jsonb_set(groups, ARRAY[grp], coalesce(groups -> grp, '[]') || to_jsonb(d.rule_code));
    END IF;
  END LOOP;
  FOREACH code IN ARRAY rules LOOP
    i := i + 1;
    SELECT * INTO d FROM @extschema@.rule_definition x WHERE x.rule_code = code;
    l := ROW(rid, code, clock_timestamp(), NULL, NULL, 0, NULL, NULL, NULL, 'ok', NULL, CURRENT_USER);
    hit_arr := NULL;
    sh := @extschema@.rule_cannot_run(d);
    IF sh IS NULL THEN
      why := @extschema@.rule_owner_lacks(d);
      runner := format('cleangov_bound.rules_%s(text, text[], text[], xid8, boolean)', (SELECT r.oid FROM pg_roles r WHERE r.rolname = d.owner));
      IF why IS NULL AND to_regprocedure(runner) IS NULL
         AND has_function_privilege('@extschema@.refresh_runners()', 'EXECUTE') THEN
        PERFORM @extschema@.refresh_runners();
      END IF;
      IF why IS NULL AND to_regprocedure(runner) IS NULL THEN
        why := format('the functions of the rules owned by %s are not generated; cleangov.refresh_runners() makes them', d.owner);
      ELSIF why IS NULL AND NOT has_function_privilege(runner, 'EXECUTE') THEN
        why := format('%s may not run the rules owned by %s', current_user, d.owner);
      END IF;
    END IF;
    IF sh IS NOT NULL THEN
      l.status := 'skipped';
      l.message := sh;
    ELSIF why IS NOT NULL THEN
      -- a missing right is not a failure of the rule: skipped, not quarantined
      l.status := 'skipped';
      l.message := 'not run: ' || why;
    ELSE
      BEGIN
        -- The rule's SQL runs with its owner's rights (refresh_runners).
        -- Rows read: the rows of the shapes the rule reads, counted once per run.
        grp := NULL;
        gcodes := '{}';
        stored := false;
        refresh := NULL;
        note := NULL;
        IF cardinality(d.passes) > 0 THEN
          SELECT g.key, ARRAY(SELECT jsonb_array_elements_text(g.value)) INTO grp, gcodes
            FROM jsonb_each(groups) g WHERE g.value ? code;
        END IF;
        IF cardinality(gcodes) > 1 AND NOT grp = ANY (gfailed) AND NOT code = ANY (gdone) THEN
          -- the first rule of its group: the group's one query, now
          BEGIN
            todo := ARRAY(SELECT DISTINCT s FROM @extschema@.rule_definition y, unnest(y.reads) s
                           WHERE y.rule_code = ANY (gcodes) AND NOT counted ? s ORDER BY s);
            EXECUTE format('SELECT r.hits, r.counts, r.cleangov_note FROM %s(%L, %L, %L, NULL, false) r', substr(runner, 1, strpos(runner, '(') - 1), grp, todo, gcodes)
              INTO gnew, cnts, note;
            ghits := ghits || coalesce(gnew, '{}');
            -- the rules the query held (one whose shapes were not all bound
            -- when it was generated is evaluated on its own)
            gcodes := ARRAY(SELECT c FROM unnest(gcodes) c WHERE c = ANY (string_to_array(note, ',')));
            groups := jsonb_set(groups, ARRAY[grp], to_jsonb(gcodes));
            gdone := gdone || gcodes;
            counted := counted || coalesce((SELECT jsonb_object_agg(s, n) FROM unnest(todo, cnts) u(s, n)), '{}');
          EXCEPTION WHEN OTHERS THEN
            -- each rule of the group on its own: the failing one is found
            gfailed := gfailed || grp;
          END;
        END IF;
        IF code = ANY (gdone) THEN
          hit_arr := ARRAY(SELECT u FROM unnest(ghits) u WHERE u.rule_code = code);
          l.message := format('evaluated in one query with %s, sharing passes %s (the duration of the query is the first rule''s)',
                              array_to_string(array_remove(gcodes, code), ', '), array_to_string(d.passes, ', '));
        ELSE
          -- incremental (the runner reads the subjects written since, or
          -- says why it read all), or whole; the statistics computed, or
          -- read as stored (refresh_statistics false; incremental rules)
          SELECT * INTO ev FROM @extschema@.rule_evaluation e WHERE e.rule_code = code;
          SELECT * INTO st FROM @extschema@.rule_statistic s WHERE s.rule_code = code;
          since := CASE WHEN code = ANY (scoped) THEN ev.horizon END;
          stored := d.statistics IS NOT NULL AND st.rule_code IS NOT NULL AND keep;
          todo := ARRAY(SELECT s FROM unnest(d.reads) s WHERE NOT counted ? s);
          EXECUTE format('SELECT r.hits, r.counts, r.cleangov_note FROM %s(%L, %L, NULL, %L, %L) r', substr(runner, 1, strpos(runner, '(') - 1), code, todo, since, stored)
            INTO hit_arr, cnts, note;
          counted := counted || coalesce((SELECT jsonb_object_agg(s, n) FROM unnest(todo, cnts) u(s, n)), '{}');
          IF incremental THEN
            l.message := coalesce(note, CASE
              WHEN d.grain IS NULL THEN 'whole: it reads its shapes other than through passes that take {subjects}'
              WHEN 'subject_kind' = ANY (d.query_columns) THEN format('whole: it flags subjects other than its %s', d.grain)
              WHEN ev.rule_code IS NULL THEN 'whole: its first evaluation'
              WHEN NOT keep THEN 'whole: statistics refreshed'
              WHEN d.statistics IS NOT NULL AND st.rule_code IS NULL THEN 'whole: no statistics stored yet'
              ELSE 'whole: its statistics changed since its last evaluation' END);
          END IF;
          IF stored THEN
            refresh := st.refresh_id;
          END IF;
        END IF;
        -- the population statistics it computed: stored, and named in its
        -- hits' evidence (55_statistics.sql)
        IF d.statistics IS NOT NULL AND (code = ANY (gdone) OR NOT stored) THEN
          refresh := @extschema@.store_rule_statistics(code,
                       (SELECT u.evidence FROM unnest(hit_arr) u WHERE u.subject_kind = 'cleangov:statistics' LIMIT 1), rid);
          hit_arr := @extschema@.hits_with_refresh(
                       ARRAY(SELECT u FROM unnest(hit_arr) u WHERE u.subject_kind IS DISTINCT FROM 'cleangov:statistics'), refresh);
        END IF;
        l.rows_read := coalesce((SELECT sum((counted ->> s)::bigint) FROM unnest(d.reads) s), 0);
        INSERT INTO @extschema@.rule_evaluation AS e (rule_code, horizon, statistics_refresh, run_id, mode)
        VALUES (code, horizon, CASE WHEN d.statistics IS NOT NULL THEN refresh END, rid,
                CASE WHEN l.message LIKE 'incremental:%' THEN 'incremental' ELSE 'whole' END)
        ON CONFLICT ON CONSTRAINT rule_evaluation_pkey DO UPDATE
           SET horizon = excluded.horizon, statistics_refresh = excluded.statistics_refresh, run_id = excluded.run_id,
               mode = excluded.mode, evaluated_at = pg_catalog.now();
        l.hits := coalesce(cardinality(hit_arr), 0);
        SELECT count(*) FILTER (WHERE a.action = 'raised'), count(*) FILTER (WHERE a.action = 'refreshed'),
               count(*) FILTER (WHERE a.action = 'rejected')
          INTO l.raised, l.refreshed, l.rejected
          FROM @extschema@.raise_rule_hits(coalesce(hit_arr, '{}'), 'run') a;
        IF l.rejected > 0 THEN
          l.message := concat_ws('; ', l.message, format('%s hit(s) with a NaN or infinite number not raised (cleangov.rejected_hit)', l.rejected));
        END IF;
        IF d.quarantined_at IS NOT NULL THEN
          UPDATE @extschema@.rule_definition x SET quarantined_at = NULL WHERE x.rule_code = code;
        END IF;
      EXCEPTION WHEN insufficient_privilege THEN
        -- the owner lacks a right the check above does not see (a function,
        -- a column): not a failure of the rule
        l.status := 'skipped';
        l.message := format('not run: %s (SQLSTATE %s)', SQLERRM, SQLSTATE);
        l.hits := 0; l.raised := NULL; l.refreshed := NULL; l.rejected := NULL;
      WHEN OTHERS THEN
        l.status := 'failed';
        l.message := format('%s (SQLSTATE %s)', SQLERRM, SQLSTATE);
        l.hits := 0; l.raised := NULL; l.refreshed := NULL; l.rejected := NULL;
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
  PERFORM @extschema@.prune_source_changes();
END
$$;
COMMENT ON FUNCTION @extschema@.run(text, text, boolean, boolean) IS
  'Batch evaluation of every enabled rule (or one rule, or one domain), set-based and idempotent: hits go to cleangov.raise_rule_hits() (hits with a NaN or infinite number are set apart into cleangov.rejected_hit, the rule is not failed for them); rules of one owner that share their passes (cleangov.pass) are evaluated in one query, each pass computed once (its duration is logged with the group''s first rule, the others say so in their message); each rule is logged in cleangov.run_log with rows read, hits, alerts raised, hits rejected and duration, and reported by a NOTICE; a failing rule is recorded and quarantined and the run goes on. Volatile because it raises alerts; parallel unsafe because it writes.';

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
     WHERE @extschema@.rule_runs(r.rule_code, r.enabled) AND x.quarantined_at IS NULL
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
