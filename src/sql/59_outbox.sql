-- Rule engine, part 6: near-real time on Citus distributed tables (the outbox).
--
-- On a Citus hash-distributed table the watch triggers cannot evaluate the
-- rules where the rows are written: the shards live on the workers, and a
-- trigger there sees the worker's own stale copies of cleangov's tables.  So
-- cleangov.watch(t) splits the work in two:
--
--   capture, on the workers, in the writing transaction: statement-level
--   AFTER INSERT / UPDATE triggers on t's shards (transition table
--   cleangov_new) call cleangov.outbox_capture(), which copies the
--   statement's new rows, as jsonb, into the co-located shard of the outbox
--   cleangov_outbox.outbox_<oid of t> on the same worker.  Nothing is
--   evaluated there; a statement that rolls back leaves no outbox row.
--
--   evaluation, on the coordinator, with its rules: cleangov.drain_outbox()
--   deletes the outbox rows (DELETE ... RETURNING, one statement, so exactly
--   the rows it read), inserts them into the local staging table
--   cleangov_outbox.stage_<oid of t>, whose statement triggers are the very
--   watch functions that cleangov.rewatch() generates for t (one pass over
--   the row rules, each rule owner's rights, quarantine of failing rules),
--   and empties the stage; all in one transaction, which Citus commits on
--   the workers with two-phase commit.  Every captured row is evaluated
--   exactly once: a drain that fails changes nothing, a second drain finds
--   nothing.
--
-- The shard trigger writes the outbox shard directly (a distributed query
-- from inside a shard fails); Citus allows it to its internal backends, and
-- the function sets citus.enable_manual_changes_to_shards for the writes a
-- worker executes locally.

CREATE SCHEMA cleangov_outbox;
COMMENT ON SCHEMA cleangov_outbox IS
  'cleangov''s outboxes of watched Citus distributed tables: outbox_<oid> (distributed, co-located with the table: the rows written, captured by the shard triggers) and stage_<oid> (local to the coordinator, always empty between drains: the watch triggers evaluate the drained rows there). Made by cleangov.watch(), dropped by unwatch() and when the table is dropped; do not write them.';

CREATE TABLE @extschema@.watched_outbox (
  source     regclass PRIMARY KEY REFERENCES @extschema@.watched (source) ON DELETE CASCADE,
  outbox     regclass NOT NULL,
  stage      regclass NOT NULL,
  key_column name NOT NULL,
  source_name text NOT NULL
);
COMMENT ON TABLE @extschema@.watched_outbox IS
  'Watched Citus distributed tables and their outboxes: outbox (distributed by the table''s distribution column key_column, co-located with it, filled by the shard triggers), stage (local table of the coordinator that the watch triggers sit on, filled and emptied by cleangov.drain_outbox()); source_name: the table''s name when watched, for the messages once it is dropped.';

-- What Citus makes of table t: NULL for a table Citus does not know (or no
-- Citus at all), else 'hash' (distributed by a column), 'reference',
-- 'citus local', 'single shard', 'append' or 'range'.  Every Citus catalog
-- is reached through to_regclass and EXECUTE: a plain PostgreSQL never
-- needs Citus.
-- stable because it reads the Citus catalog
CREATE FUNCTION @extschema@.citus_table_kind(t regclass)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  method text;
  repmodel text;
  colocation int;
BEGIN
  IF to_regclass('pg_catalog.pg_dist_partition') IS NULL THEN
    RETURN NULL;
  END IF;
  EXECUTE 'SELECT p.partmethod::text, p.repmodel::text, p.colocationid FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1'
    INTO method, repmodel, colocation USING t;
  RETURN CASE WHEN method IS NULL THEN NULL
              WHEN method = 'h' THEN 'hash'
              WHEN method = 'a' THEN 'append'
              WHEN method = 'r' THEN 'range'
              WHEN repmodel = 't' THEN 'reference'
              WHEN colocation = 0 THEN 'citus local'
              ELSE 'single shard' END;
END
$$;
COMMENT ON FUNCTION @extschema@.citus_table_kind(regclass) IS
  'What Citus makes of a table: NULL when Citus does not know it (or is not installed), else hash (distributed by a column), reference, citus local, single shard, append or range; read from pg_dist_partition through dynamic SQL, so that a plain PostgreSQL needs no Citus. Stable because it reads the catalog.';

-- The staging table that the watch triggers of table t sit on, if t is
-- watched through an outbox; NULL otherwise (the triggers sit on t itself).
-- stable because it reads cleangov.watched_outbox
CREATE FUNCTION @extschema@.watch_target(t regclass)
RETURNS regclass
LANGUAGE sql STABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT coalesce((SELECT o.stage FROM @extschema@.watched_outbox o WHERE o.source = t), t);
END;
COMMENT ON FUNCTION @extschema@.watch_target(regclass) IS
  'Internal to rewatch(): the table the watch triggers of a watched table sit on: the table itself, or its outbox''s staging table (a Citus distributed table). Stable because it reads cleangov.watched_outbox.';

-- Refuses what the outbox cannot watch, with the reason: a Citus table that
-- is not hash-distributed (Citus gives reference tables no triggers, a
-- Citus local or single-shard table no co-located outbox), a node other
-- than the coordinator (whose rules are the ones that count), a table bound
-- as a lookup or as a base table of a bound view (its rules join its new
-- rows to other tables, which the drain cannot do from the staged rows).
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.outbox_check(t regclass, kind text)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  coordinator boolean;
  shape text;
BEGIN
  IF kind <> 'hash' THEN
    RAISE EXCEPTION 'cannot watch %: it is a Citus % table', t, kind
      USING ERRCODE = 'feature_not_supported',
            DETAIL = CASE kind WHEN 'reference' THEN 'Citus refuses triggers on reference tables.'
                               ELSE 'Only a hash-distributed table gets an outbox co-located with it.' END,
            HINT = 'cleangov.run() checks it as a whole; or distribute it by a column (create_distributed_table) and watch it.';
  END IF;
  EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO coordinator;
  IF NOT coordinator THEN
    RAISE EXCEPTION 'cannot watch % on a worker', t
      USING ERRCODE = 'feature_not_supported',
            DETAIL = 'The rules, thresholds, exemptions and quarantines that count are the coordinator''s.',
            HINT = 'Call cleangov.watch() on the coordinator.';
  END IF;
  SELECT b.shape INTO shape FROM @extschema@.binding b
   WHERE t::oid = ANY (b.tables) AND b.broken IS NULL AND (b.source <> t OR b.lookups <> '{}'::jsonb)
   ORDER BY b.shape LIMIT 1;
  IF shape IS NOT NULL THEN
    RAISE EXCEPTION 'cannot watch the Citus distributed table % through an outbox: shape % joins it to other tables', t, shape
      USING ERRCODE = 'feature_not_supported',
            DETAIL = 'The outbox holds the table''s new rows only; the drain evaluates a shape bound to the table as its source, without lookups.',
            HINT = 'cleangov.run() checks the shape as a whole; or bind the shape to the table alone.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.outbox_check(regclass, text) IS
  'Internal to watch(): refuses (0A000, with the reason) a Citus table that cannot be watched through an outbox: not hash-distributed (a reference table: Citus refuses triggers on it; a Citus local or single-shard table), watched from a worker, or bound other than as the source of a shape without lookups. Stable because it reads the catalog.';

-- The shard trigger: the statement's new rows into the co-located shard of
-- the outbox.  Arguments: the outbox (schema-qualified name, the same on
-- every node, unlike oids), the watched table's name, its distribution
-- column.
CREATE FUNCTION @extschema@.outbox_capture()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET citus.enable_manual_changes_to_shards = on
AS $$
DECLARE
  shard_id bigint := substring(TG_TABLE_NAME from '_([0-9]+)$')::bigint;
  target regclass;
BEGIN
  IF shard_id IS NOT NULL AND to_regclass('pg_catalog.pg_dist_shard') IS NOT NULL THEN
    EXECUTE 'SELECT pg_catalog.shard_name(o.logicalrelid, o.shardid)::regclass
               FROM pg_catalog.pg_dist_shard s JOIN pg_catalog.pg_dist_shard o ON o.shardminvalue = s.shardminvalue
              WHERE s.shardid = $1 AND s.logicalrelid = $2::regclass AND o.logicalrelid = $3::regclass'
      INTO target USING shard_id, to_regclass(TG_ARGV[1]), to_regclass(TG_ARGV[0]);
  END IF;
  IF target IS NULL THEN
    -- fired on the table itself, not on a shard (Citus local execution of
    -- the whole table, or a table no longer distributed): the outbox itself
    target := TG_ARGV[0]::regclass;
  END IF;
  EXECUTE format('INSERT INTO %s (cleangov_key, cleangov_op, cleangov_row) SELECT n.%I, %L, pg_catalog.to_jsonb(n) FROM cleangov_new n',
                 target, TG_ARGV[2], left(TG_OP, 1));
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.outbox_capture() IS
  'Trigger on the shards of a Citus distributed table watched through an outbox: copies the statement''s new rows (transition table cleangov_new, as jsonb) into the co-located shard of its outbox on the same worker, in the writing transaction; evaluates nothing. Security definer: the writer of the table needs no right in cleangov. Volatile because it writes; parallel unsafe because it does.';

-- Sets up the outbox of a hash-distributed table t: the outbox, the stage,
-- the shard triggers.  Called by watch() once the checks are done.
-- volatile because it creates tables and triggers
CREATE FUNCTION @extschema@.outbox_open(t regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  key_col name;
  key_type regtype;
  box regclass;
  stg regclass;
  unsafe text := current_setting('citus.enable_unsafe_triggers', true);
BEGIN
  EXECUTE 'SELECT pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = $1'
    INTO key_col USING t;
  SELECT a.atttypid::regtype INTO key_type
    FROM pg_attribute a WHERE a.attrelid = t AND a.attname = key_col AND NOT a.attisdropped;
  EXECUTE format('CREATE TABLE cleangov_outbox.%I (cleangov_key %s NOT NULL, cleangov_op "char" NOT NULL, cleangov_row jsonb NOT NULL,'
                 ' cleangov_xid xid8 NOT NULL DEFAULT pg_catalog.pg_current_xact_id(),'
                 ' cleangov_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp())', 'outbox_' || t::oid, key_type);
  box := format('cleangov_outbox.%I', 'outbox_' || t::oid)::regclass;
  EXECUTE format('COMMENT ON TABLE %s IS %L', box,
                 format('cleangov outbox of %s (distributed by %s, co-located): the rows written, captured by the shard triggers, until cleangov.drain_outbox() evaluates them; do not write it', t, key_col));
  EXECUTE 'SELECT pg_catalog.create_distributed_table($1, $2, colocate_with => $3)' USING box, 'cleangov_key', t::text;
  EXECUTE format('CREATE TABLE cleangov_outbox.%I (LIKE %s)', 'stage_' || t::oid, t);
  stg := format('cleangov_outbox.%I', 'stage_' || t::oid)::regclass;
  EXECUTE format('COMMENT ON TABLE %s IS %L', stg,
                 format('cleangov staging table of %s: cleangov.drain_outbox() inserts the drained rows here, for the watch triggers, and empties it in the same transaction; do not write it', t));
  INSERT INTO @extschema@.watched_outbox (source, outbox, stage, key_column, source_name) VALUES (t, box, stg, key_col, t::text);
  -- Citus creates the triggers on every shard; only for these commands
  PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
  EXECUTE format('CREATE TRIGGER cleangov_outbox_insert AFTER INSERT ON %s REFERENCING NEW TABLE AS cleangov_new'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.outbox_capture(%L, %L, %L)', t, box::text, t::text, key_col);
  EXECUTE format('CREATE TRIGGER cleangov_outbox_update AFTER UPDATE ON %s REFERENCING NEW TABLE AS cleangov_new'
                 ' FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.outbox_capture(%L, %L, %L)', t, box::text, t::text, key_col);
  PERFORM set_config('citus.enable_unsafe_triggers', coalesce(unsafe, 'off'), true);
END
$$;
COMMENT ON FUNCTION @extschema@.outbox_open(regclass) IS
  'Internal to watch(): sets up the outbox of a Citus hash-distributed table: cleangov_outbox.outbox_<oid> (distributed by the table''s distribution column, co-located), the local staging table cleangov_outbox.stage_<oid>, and the capture triggers on the shards (citus.enable_unsafe_triggers only for those commands). Security definer because it creates tables in cleangov_outbox and triggers calling cleangov.outbox_capture(). Volatile because it creates tables; parallel unsafe because it does.';

-- Drops the outbox of table t (oid: t may be gone), its stage and capture
-- triggers; warns when it held rows not drained.  Internal to forget_watch().
-- volatile because it drops tables
CREATE FUNCTION @extschema@.outbox_close(t oid)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o @extschema@.watched_outbox;
  left_over bigint;
  unsafe text := current_setting('citus.enable_unsafe_triggers', true);
BEGIN
  SELECT * INTO o FROM @extschema@.watched_outbox x WHERE x.source::oid = t;
  IF o.outbox IS NULL THEN
    RETURN;
  END IF;
  EXECUTE format('SELECT count(*) FROM %s', o.outbox) INTO left_over;
  IF left_over > 0 THEN
    RAISE WARNING 'cleangov: % row(s) written to % were never evaluated by the rules', left_over, o.source_name
      USING DETAIL = 'Its outbox is dropped with the watch, the rows in it are discarded.',
            HINT = 'cleangov.unwatch() drains the outbox first; cleangov.run() checks the table as a whole.';
  END IF;
  DELETE FROM @extschema@.watched_outbox x WHERE x.source::oid = t;
  IF EXISTS (SELECT FROM pg_class c WHERE c.oid = t) THEN
    PERFORM set_config('citus.enable_unsafe_triggers', 'on', true);
    EXECUTE format('DROP TRIGGER IF EXISTS cleangov_outbox_insert ON %s', t::regclass);
    EXECUTE format('DROP TRIGGER IF EXISTS cleangov_outbox_update ON %s', t::regclass);
    PERFORM set_config('citus.enable_unsafe_triggers', coalesce(unsafe, 'off'), true);
  END IF;
  EXECUTE format('DROP TABLE IF EXISTS %s', o.outbox);
  EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', o.stage);
END
$$;
COMMENT ON FUNCTION @extschema@.outbox_close(oid) IS
  'Internal to forget_watch(): drops the outbox of a watched Citus table, its staging table and its capture triggers, with a WARNING counting the rows never drained (unwatch() drains first; a dropped or renamed table''s rows are discarded). Security definer because it drops cleangov''s outbox tables. Volatile because it drops tables; parallel unsafe because it does.';

-- The drain: evaluates the rows captured in the outboxes with the
-- coordinator's rules, exactly once.
-- volatile because it deletes outbox rows and raises alerts
CREATE FUNCTION @extschema@.drain_outbox(source regclass DEFAULT NULL, max_rows int DEFAULT NULL)
RETURNS TABLE (source_table regclass, rows_drained bigint, alerts_raised bigint)
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
  o @extschema@.watched_outbox;
  last_alert bigint;
  n bigint;
BEGIN
  IF max_rows IS NOT NULL AND max_rows < 1 THEN
    RAISE EXCEPTION 'max_rows must be at least 1, not %', max_rows USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF drain_outbox.source IS NOT NULL AND NOT EXISTS (SELECT FROM @extschema@.watched_outbox x WHERE x.source = drain_outbox.source) THEN
    RAISE EXCEPTION 'table % is not watched through an outbox', drain_outbox.source
      USING ERRCODE = 'undefined_object',
            HINT = 'cleangov.watch() gives a Citus distributed table an outbox; other tables are checked in the writing transaction.';
  END IF;
  FOR o IN SELECT * FROM @extschema@.watched_outbox x
            WHERE drain_outbox.source IS NULL OR x.source = drain_outbox.source ORDER BY x.source::oid LOOP
    -- concurrent drains of one outbox take turns
    PERFORM pg_advisory_xact_lock(hashtext('cleangov.drain_outbox'), o.source::oid::int);
    last_alert := (SELECT coalesce(max(a.alert_id), 0) FROM @extschema@.alert a);
    -- One statement deletes and stages: the rows evaluated are exactly the
    -- rows deleted, and the stage's watch triggers evaluate them all in one
    -- pass.  Rows committed meanwhile wait for the next drain.
    IF max_rows IS NULL THEN
      EXECUTE format('WITH d AS (DELETE FROM %s RETURNING cleangov_row, cleangov_at, cleangov_xid)'
                     ' INSERT INTO %s SELECT (pg_catalog.jsonb_populate_record(NULL::%s, d.cleangov_row)).* FROM d',
                     o.outbox, o.stage, o.stage);
    ELSE
      EXECUTE format('WITH d AS (DELETE FROM %s b WHERE (b.cleangov_key, b.cleangov_xid, b.cleangov_at) IN'
                     ' (SELECT x.cleangov_key, x.cleangov_xid, x.cleangov_at FROM %s x ORDER BY x.cleangov_at LIMIT $1)'
                     ' RETURNING cleangov_row)'
                     ' INSERT INTO %s SELECT (pg_catalog.jsonb_populate_record(NULL::%s, d.cleangov_row)).* FROM d',
                     o.outbox, o.outbox, o.stage, o.stage) USING max_rows;
    END IF;
    GET DIAGNOSTICS n = ROW_COUNT;
    EXECUTE format('DELETE FROM %s', o.stage);
    source_table := o.source;
    rows_drained := n;
    alerts_raised := (SELECT count(*) FROM @extschema@.alert a WHERE a.alert_id > last_alert AND a.raised_at = pg_catalog.now());
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.drain_outbox(regclass, int) IS
  'On the Citus coordinator: evaluates the rows captured in the outbox of each watched distributed table (or of source only; at most max_rows, oldest first) with the coordinator''s rules, thresholds, exemptions and quarantines, through the same watch functions as a local table, and deletes them in the same transaction (two-phase commit on the workers): every row is evaluated exactly once; concurrent drains of one outbox take turns (advisory lock). Returns per table (source_table) the rows drained and the alerts newly raised. Security definer because it reads and deletes cleangov''s outboxes. Volatile because it writes; parallel unsafe because it does.';

-- A drain loop for pg_cron, whose jobs start at most once a minute
-- (pg_cron 1.4; second intervals come with 1.5): drains, commits, sleeps
-- pause, for duration, so that a job scheduled every minute drains about
-- once per pause.  A procedure with SET cannot COMMIT, so it pins
-- search_path itself in each of its transactions (as run_committing does).
CREATE PROCEDURE @extschema@.drain_outbox_loop(duration interval DEFAULT '55 seconds', pause interval DEFAULT '1 second',
                                               max_rows int DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
  until timestamptz := pg_catalog.clock_timestamp() OPERATOR(pg_catalog.+) duration;
BEGIN
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  IF duration IS NULL OR pause IS NULL OR pause <= '0'::interval THEN
    RAISE EXCEPTION 'duration and a positive pause are needed' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  LOOP
    PERFORM @extschema@.drain_outbox(NULL, max_rows);
    COMMIT;
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    EXIT WHEN clock_timestamp() + pause >= until;
    PERFORM pg_sleep(extract(epoch FROM pause));
  END LOOP;
END
$$;
COMMENT ON PROCEDURE @extschema@.drain_outbox_loop(interval, interval, int) IS
  'For pg_cron on the Citus coordinator: drains every outbox (cleangov.drain_outbox), commits, sleeps pause, again until duration has passed; scheduled every minute with a duration under a minute (cleangov.schedule_drain), the alerts of a write appear about pause after its commit. Each drain is its own transaction. Volatile because it writes; parallel unsafe because it commits.';

-- volatile because it schedules a pg_cron job
CREATE FUNCTION @extschema@.schedule_drain(pause interval DEFAULT '1 second', max_rows int DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  job bigint;
BEGIN
  IF to_regclass('cron.job') IS NULL THEN
    RAISE EXCEPTION 'pg_cron is not installed in this database'
      USING ERRCODE = 'feature_not_supported',
            HINT = 'Add pg_cron to shared_preload_libraries, set cron.database_name to this database, CREATE EXTENSION pg_cron; or call cleangov.drain_outbox() from your own scheduler.';
  END IF;
  IF pause IS NULL OR pause <= '0'::interval OR pause > '30 seconds'::interval THEN
    RAISE EXCEPTION 'pause must be between 0 and 30 seconds, not %', pause USING ERRCODE = 'invalid_parameter_value';
  END IF;
  EXECUTE 'SELECT cron.schedule($1, $2, $3)' INTO job
    USING 'cleangov_drain_outbox', '* * * * *',
          format('CALL cleangov.drain_outbox_loop(%L, %L, %s)', '55 seconds', pause::text, coalesce(max_rows::text, 'NULL'));
  RETURN job;
END
$$;
COMMENT ON FUNCTION @extschema@.schedule_drain(interval, int) IS
  'On the Citus coordinator, in the database pg_cron runs in (cron.database_name): schedules (or reschedules) the pg_cron job cleangov_drain_outbox, every minute, running cleangov.drain_outbox_loop for 55 seconds with the pause given: alerts of a write on a watched distributed table appear about pause after its commit. Returns the job id; cron.unschedule(''cleangov_drain_outbox'') stops it. The job runs as the caller. Volatile because it writes pg_cron''s table; parallel unsafe because it does.';
