-- Rule engine, part 4b: incremental runs, which read only what changed.
--
-- cleangov.run(incremental => true) evaluates a rule with a grain (it reads
-- the shapes only through passes that take {subjects}) for the subjects
-- that rows written since its last evaluation reach, and every other rule
-- whole.  What was written since is told by the rows' xmin: each evaluation
-- records the oldest transaction still running when it started (the xmin
-- of its snapshot, cleangov.rule_evaluation.horizon); a row whose inserting
-- or updating transaction is that one or newer may be unseen by it, and is
-- read again (an inserted or updated row carries its writer's xid; the
-- newest version of an updated row shows its new values).  No trigger is
-- needed for that, so a COPY pays nothing.  What xmin cannot tell is a
-- deleted row, or the old values of an updated one (a bid moved to another
-- tender): cleangov.track(t) puts statement-level triggers on t that note
-- each UPDATE, DELETE and TRUNCATE (cleangov.source_change, one row per
-- statement), and a rule reading a shape of t is evaluated whole when t was
-- changed so since its last evaluation.  A table that is not tracked is
-- read whole (and says so), as are views, foreign tables, Citus tables
-- (xids are per node), lookups changed since, and horizons older than 2^31
-- transactions (xmin comparisons wrap).  doc/rules.md, "Incremental runs".

CREATE TABLE @extschema@.rule_evaluation (
  rule_code          text PRIMARY KEY REFERENCES @extschema@.rule ON DELETE CASCADE ON UPDATE CASCADE,
  horizon            xid8 NOT NULL,
  statistics_refresh bigint,
  run_id             bigint NOT NULL,
  mode               text NOT NULL CHECK (mode IN ('whole', 'incremental')),
  evaluated_at       timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.rule_evaluation IS
  'The last evaluation of each rule by cleangov.run(): horizon, the xmin of its snapshot (rows written by that transaction or later are read again by the next incremental run); statistics_refresh, the refresh of the population statistics it compared with (statistics refreshed since make the next incremental run evaluate the rule whole); mode, whole or incremental.';
GRANT SELECT ON @extschema@.rule_evaluation TO cleangov_admin, cleangov_analyst;
-- run() records the evaluations it makes, with the rights of its caller
GRANT INSERT, UPDATE ON @extschema@.rule_evaluation TO cleangov_admin;

CREATE TABLE @extschema@.source_change (
  source     oid NOT NULL,
  changed_by xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),
  kind       text NOT NULL CHECK (kind IN ('UPDATE', 'DELETE', 'TRUNCATE')),
  noted_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE INDEX source_change_idx ON @extschema@.source_change (source, changed_by);
COMMENT ON TABLE @extschema@.source_change IS
  'UPDATE, DELETE and TRUNCATE statements on tables tracked by cleangov.track() (one row per statement, with its transaction): an incremental run evaluates whole the rules reading a table changed so since their last evaluation. Pruned by run() below the oldest horizon.';
GRANT SELECT ON @extschema@.source_change TO cleangov_admin;

-- Trigger on a tracked table: notes the statement.
CREATE FUNCTION @extschema@.note_source_change()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO @extschema@.source_change (source, kind) VALUES (TG_RELID, TG_OP);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.note_source_change() IS
  'Trigger of cleangov.track(): notes an UPDATE, DELETE or TRUNCATE statement on the table in cleangov.source_change. Security definer: the writer of the table needs no right in cleangov. Volatile because it writes; parallel unsafe because it writes.';

-- volatile because it creates triggers
CREATE FUNCTION @extschema@.track(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '% is not a table', source
      USING ERRCODE = 'wrong_object_type', HINT = 'Only tables carry the xmin incremental runs read; rules over views are evaluated whole.';
  END IF;
  IF @extschema@.citus_table_kind(source) IS NOT NULL THEN
    RAISE EXCEPTION '% is a Citus table: its rows'' transaction ids are per node', source
      USING ERRCODE = 'feature_not_supported', HINT = 'Rules over Citus tables are evaluated whole by incremental runs (doc/citus.md).';
  END IF;
  IF EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = source AND g.tgname = 'cleangov_track') THEN
    RETURN;
  END IF;
  EXECUTE format('CREATE TRIGGER cleangov_track AFTER UPDATE OR DELETE ON %s FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.note_source_change()', source);
  EXECUTE format('CREATE TRIGGER cleangov_track_truncate AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.note_source_change()', source);
END
$$;
COMMENT ON FUNCTION @extschema@.track(regclass) IS
  'Tracks a table for incremental runs: statement-level triggers note every UPDATE, DELETE and TRUNCATE (cleangov.source_change), which inserts alone do not need (xmin tells them); cleangov.watch() tracks the tables it watches. 42809 for a view, 0A000 for a Citus table. Volatile because it creates triggers; parallel unsafe because it does.';

-- volatile because it drops triggers
CREATE FUNCTION @extschema@.untrack(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t name;
BEGIN
  -- only the triggers that are there: a Citus table (never tracked) refuses any DROP TRIGGER
  FOR t IN SELECT g.tgname FROM pg_trigger g
            WHERE g.tgrelid = source AND g.tgname IN ('cleangov_track', 'cleangov_track_truncate')
  LOOP
    EXECUTE format('DROP TRIGGER %I ON %s', t, source);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.untrack(regclass) IS
  'Ends the tracking of a table by cleangov.track(); incremental runs then evaluate whole the rules that read it. Volatile because it drops triggers; parallel unsafe because it does.';

-- The keys of a rule's grain that rows written since horizon reach, read
-- with the caller's rights (the rule's runner, that is its owner); NULL and
-- the reason when they cannot be told and the rule is to be evaluated whole.
-- stable because it only reads; parallel restricted because it reads the
-- tables through dynamic SQL in a loop
CREATE FUNCTION @extschema@.touched_subjects(rule_code text, horizon xid8, OUT keys text[], OUT why text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d @extschema@.rule_definition;
  b @extschema@.binding;
  k text;
  h int;
  t regclass;
  found text[];
  changed boolean;
  base oid[];
  probe text;
BEGIN
  SELECT * INTO d FROM @extschema@.rule_definition x WHERE x.rule_code = touched_subjects.rule_code;
  IF d.grain IS NULL THEN
    why := 'it has no grain';
    RETURN;
  END IF;
  IF pg_current_xact_id()::text::bigint - horizon::text::bigint > 2000000000 THEN
    why := 'its last evaluation is more than 2,000,000,000 transactions old';
    RETURN;
  END IF;
  -- rows whose writer is the horizon's transaction or newer: age(xmin) at
  -- most the horizon's (age counts back from this transaction; frozen and
  -- bootstrap xids are the oldest)
  h := age(((horizon::text::bigint % 4294967296)::text)::xid);
  keys := '{}';
  FOR b IN SELECT * FROM @extschema@.binding y WHERE y.shape = ANY (d.reads) ORDER BY y.shape LOOP
    IF b.broken IS NOT NULL THEN
      why := format('the binding of %s is broken', b.shape);
    ELSIF (SELECT c.relkind FROM pg_class c WHERE c.oid = b.source) = 'v' AND b.reach = '{}' THEN
      why := format('%s is bound to the view %s without a reach (cleangov.bind(..., reach => ...))', b.shape, b.source::regclass);
    ELSIF (SELECT c.relkind FROM pg_class c WHERE c.oid = b.source) NOT IN ('r', 'p', 'v') THEN
      why := format('%s is bound to %s, which is neither a table nor a view', b.shape, b.source::regclass);
    ELSIF @extschema@.citus_table_kind(b.source) IS NOT NULL THEN
      why := format('%s is a Citus table', b.source::regclass);
    END IF;
    -- the tables it reads: the source (for a view, the tables under it) and its lookups
    base := ARRAY(
      WITH RECURSIVE dep(oid) AS (
        SELECT b.source::oid
        UNION
        SELECT d2.refobjid FROM dep
          JOIN pg_rewrite w ON w.ev_class = dep.oid
          JOIN pg_depend d2 ON d2.classid = 'pg_rewrite'::regclass AND d2.objid = w.oid AND d2.refclassid = 'pg_class'::regclass
         WHERE d2.refobjid <> dep.oid)
      SELECT dep.oid FROM dep JOIN pg_class c ON c.oid = dep.oid WHERE c.relkind IN ('r', 'p'));
    IF why IS NULL THEN
      SELECT format('%s is not tracked (cleangov.track): its deletes are not known', x::regclass) INTO why
        FROM unnest(base) x WHERE NOT EXISTS (SELECT FROM pg_trigger g WHERE g.tgrelid = x AND g.tgname = 'cleangov_track') LIMIT 1;
    END IF;
    IF why IS NULL THEN
      SELECT format('%s had updates or deletes since', x::regclass) INTO why
        FROM unnest(base) x WHERE EXISTS (SELECT FROM @extschema@.source_change c WHERE c.source = x AND c.changed_by >= horizon) LIMIT 1;
    END IF;
    IF why IS NULL THEN
      -- tables under a view that its reach does not map: any row written since changes rows we cannot tell
      FOR t IN SELECT x::regclass FROM unnest(base) x
                WHERE NOT x = b.source AND NOT EXISTS (SELECT FROM jsonb_each(b.reach) e WHERE (e.value ->> 'oid')::oid = x)
               UNION SELECT (l.value ->> 'oid')::oid::regclass FROM jsonb_each(b.lookups) l LOOP
        EXECUTE format('SELECT EXISTS (SELECT FROM %s x WHERE age(x.xmin) <= $1)', t) USING h INTO changed;
        IF changed THEN
          why := format('%s, which it reads through a lookup or a view, changed since', t);
          EXIT;
        END IF;
      END LOOP;
    END IF;
    k := (SELECT min(p.grain_keys ->> b.shape) FROM @extschema@.pass p WHERE p.grain = d.grain AND p.grain_keys ? b.shape);
    IF why IS NULL AND k IS NULL THEN
      why := format('shape %s has no key to its %s', b.shape, d.grain);
    END IF;
    IF why IS NOT NULL THEN
      keys := NULL;
      RETURN;
    END IF;
    IF b.reach = '{}' THEN
      probe := 'age(src.xmin) <= $1';
    ELSE
      -- a view: its rows whose reach columns match a row written since
      probe := (SELECT string_agg(format('EXISTS (SELECT FROM %s n WHERE age(n.xmin) <= $1 AND %s)', (e.value ->> 'oid')::oid::regclass,
                                         (SELECT string_agg(format('n.%I = src.%I', o.value #>> '{}', o.key), ' AND ' ORDER BY o.key)
                                            FROM jsonb_each(e.value -> 'on') o)), ' OR ' ORDER BY e.key)
                  FROM jsonb_each(b.reach) e);
    END IF;
    EXECUTE format('SELECT array_agg(DISTINCT x.%I::text) FROM (SELECT %s FROM %s WHERE %s) x WHERE x.%I IS NOT NULL',
                   k, b.select_list, b.from_list, probe, k)
      USING h INTO found;
    keys := keys || coalesce(found, '{}');
  END LOOP;
  keys := ARRAY(SELECT DISTINCT u FROM unnest(keys) u ORDER BY u);
END
$$;
COMMENT ON FUNCTION @extschema@.touched_subjects(text, xid8) IS
  'Internal to the runners of cleangov.run(incremental => true): the keys of a rule''s grain that rows written since horizon (their xmin that transaction or newer) reach, read with the caller''s rights; keys NULL and why when they cannot be told (a source that is not a tracked table, updates or deletes since, a changed lookup, a horizon too old, no grain): the rule is then evaluated whole. Stable because it only reads; parallel restricted because it reads tables through dynamic SQL.';

-- A changed rule, threshold, exemption or binding can change the verdict on
-- any subject: the next incremental run evaluates every rule whole.
CREATE FUNCTION @extschema@.forget_evaluations()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  DELETE FROM @extschema@.rule_evaluation;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.forget_evaluations() IS
  'Trigger: after rules, definitions, thresholds, exemptions or bindings change, the last evaluations are forgotten, so that the next incremental run evaluates every rule whole. Security definer: whoever may change a rule or a binding may have its evaluations forgotten. Volatile because it writes; parallel unsafe because it writes.';
CREATE TRIGGER forget_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_definition
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.forget_evaluations();
CREATE TRIGGER forget_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.forget_evaluations();
CREATE TRIGGER forget_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_exemption
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.forget_evaluations();
CREATE TRIGGER forget_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.binding
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.forget_evaluations();

-- The notes no evaluation needs any more: older than every horizon.
-- volatile because it deletes
CREATE FUNCTION @extschema@.prune_source_changes()
RETURNS bigint
LANGUAGE sql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  WITH gone AS (
    DELETE FROM @extschema@.source_change c
     WHERE c.changed_by < coalesce((SELECT min(e.horizon) FROM @extschema@.rule_evaluation e), pg_catalog.pg_current_xact_id())
    RETURNING 1)
  SELECT count(*) FROM gone;
END;
COMMENT ON FUNCTION @extschema@.prune_source_changes() IS
  'Internal to run(): deletes the notes of cleangov.source_change older than every rule''s last horizon (no incremental run needs them); returns how many. Security definer: the table has no delete grant. Volatile because it deletes; parallel unsafe because it writes.';
REVOKE EXECUTE ON FUNCTION @extschema@.prune_source_changes() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.prune_source_changes() TO cleangov_admin;
