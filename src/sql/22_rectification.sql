-- Rectification closes an alert by trigger, in the inserting transaction; the
-- same trigger can be attached to a user's own rectification table; a closed
-- alert can be reopened.  See doc/alerts.md.

CREATE TABLE @extschema@.rectification (
  rectification_id bigserial PRIMARY KEY,
  alert_id         bigint NOT NULL REFERENCES @extschema@.alert (alert_id),
  rectified_at     timestamptz NOT NULL DEFAULT now(),
  rectified_by     name NOT NULL DEFAULT @extschema@.actor(),
  measures         text NOT NULL,
  evidence         jsonb,
  note             text
);
CREATE INDEX rectification_alert_idx ON @extschema@.rectification (alert_id);
COMMENT ON TABLE @extschema@.rectification IS
  'Rectifications (整改): inserting a row for an open alert closes it in the same transaction (反馈销号). Refused for a closed or dismissed alert (55000) or one that does not exist (23503).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rectification', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rectification_rectification_id_seq', '');

CREATE FUNCTION @extschema@.close_alert_on_rectification() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  col text := coalesce(TG_ARGV[0], 'alert_id');
  own boolean := TG_TABLE_SCHEMA = '@extschema@' AND TG_TABLE_NAME = 'rectification';
  aid bigint;
  a @extschema@.alert;
  rid bigint;
BEGIN
  aid := (to_jsonb(NEW) ->> col)::bigint;
  IF aid IS NULL THEN
    RAISE EXCEPTION 'rectification names no alert (column %.%.% is NULL)', TG_TABLE_SCHEMA, TG_TABLE_NAME, col
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF own THEN
    rid := NEW.rectification_id;
  END IF;
  -- The row lock orders this against a concurrent escalation or review.
  -- An alert the acting role may not handle does not exist for it: the same
  -- answer as for a missing one, before anything else about it is told.
  SELECT * INTO a FROM @extschema@.alert WHERE alert_id = aid FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(a.unit_code) THEN
    RAISE EXCEPTION 'alert % does not exist', aid
      USING ERRCODE = 'foreign_key_violation',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  -- pg_restore replays rectification rows after the alerts they closed and
  -- after the event trail: a row whose "rectified" event exists was applied
  -- once already (the alert may have been reopened since, by reopen() or a
  -- failed evaluation): nothing to do.
  IF own AND ((a.status = 'closed' AND a.closed_by_rectification = rid)
              OR EXISTS (SELECT FROM @extschema@.alert_event e
                          WHERE e.alert_id = aid AND e.event = 'rectified'
                            AND e.detail ->> 'rectification_id' = rid::text)) THEN
    RETURN NEW;
  END IF;
  IF a.status <> 'open' THEN
    RAISE EXCEPTION 'alert % is % and cannot be rectified', aid, a.status
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = CASE WHEN a.status = 'closed'
                        THEN 'Reopen it first with cleangov.reopen() if the rectification failed.'
                        ELSE 'A dismissed alert (false positive) needs no rectification.' END;
  END IF;
  UPDATE @extschema@.alert
     SET status = 'closed', closed_at = now(), closed_by_rectification = rid
   WHERE alert_id = aid;
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, detail)
  VALUES (aid, 'rectified', 'open', 'closed', a.level, a.level,
          jsonb_strip_nulls(jsonb_build_object('table', format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME),
                                               'rectification_id', rid,
                                               'escalation_step', a.escalation_step)));
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.close_alert_on_rectification() IS
  'BEFORE INSERT trigger: the new row names an alert (column alert_id, or the trigger''s argument); the alert is closed and a "rectified" event written. Refuses with 22004 (no alert named), 23503 (no such alert, or one of a unit not assigned to the acting role: the same answer, so that nothing hidden is told), 55000 (closed or dismissed). Volatile because it is a trigger; parallel unsafe because it is a trigger; security definer so that inspectors close alerts without write access to them.';
CREATE TRIGGER rectification_closes_alert BEFORE INSERT ON @extschema@.rectification
  FOR EACH ROW EXECUTE FUNCTION @extschema@.close_alert_on_rectification();

CREATE FUNCTION @extschema@.attach_rectification(tbl regclass, alert_column name DEFAULT 'alert_id')
  RETURNS void
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  typ regtype;
BEGIN
  SELECT a.atttypid::regtype INTO typ
    FROM pg_attribute a
   WHERE a.attrelid = tbl AND a.attname = alert_column AND a.attnum > 0 AND NOT a.attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of % does not exist', alert_column, tbl
      USING ERRCODE = 'undefined_column';
  END IF;
  IF typ NOT IN ('bigint'::regtype, 'integer'::regtype, 'smallint'::regtype, 'numeric'::regtype, 'text'::regtype) THEN
    RAISE EXCEPTION 'column "%" of % is of type %, not an alert id', alert_column, tbl, typ
      USING ERRCODE = 'datatype_mismatch',
            HINT = 'The column must hold cleangov.alert.alert_id (bigint).';
  END IF;
  -- On Citus a trigger on a distributed or reference table fires on the
  -- workers, which hold no alerts: a rectification recorded there would
  -- close nothing.  Refused, whatever citus.enable_unsafe_triggers says.
  IF @extschema@.citus_table_kind(tbl) IS NOT NULL THEN
    RAISE EXCEPTION '% is a Citus % table: rectifications must be recorded in a plain table of the coordinator', tbl,
                    @extschema@.citus_table_kind(tbl)
      USING ERRCODE = 'feature_not_supported',
            HINT = 'Keep the rectification table local on the coordinator (doc/citus.md), where cleangov''s alerts are.';
  END IF;
  IF EXISTS (SELECT FROM pg_trigger WHERE tgrelid = tbl AND tgname = 'cleangov_close_alert') THEN
    EXECUTE format('DROP TRIGGER cleangov_close_alert ON %s', tbl);
  END IF;
  EXECUTE format('CREATE TRIGGER cleangov_close_alert BEFORE INSERT ON %s FOR EACH ROW '
                 'EXECUTE FUNCTION @extschema@.close_alert_on_rectification(%L)', tbl, alert_column);
END
$$;
COMMENT ON FUNCTION @extschema@.attach_rectification(regclass, name) IS
  'Attaches the closing trigger (cleangov_close_alert) to a user''s own rectification table whose column alert_column names the alert; attaching again replaces it. Raises 42703 for a missing column, 42804 for a column that cannot hold an alert id, 0A000 for a Citus distributed or reference table (its triggers would fire on the workers, which hold no alerts). Volatile because it creates a trigger; parallel unsafe because it runs DDL.';

CREATE FUNCTION @extschema@.reopen(alert_id bigint, note text) RETURNS @extschema@.alert
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  a @extschema@.alert;
  days integer;
BEGIN
  IF note IS NULL THEN
    RAISE EXCEPTION 'reopening an alert needs a note' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  -- Hidden and missing alerts get the same answer, before the status is told.
  SELECT * INTO a FROM @extschema@.alert x WHERE x.alert_id = reopen.alert_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(a.unit_code) THEN
    RAISE EXCEPTION 'alert % does not exist', reopen.alert_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Alerts of units not assigned to you are not shown.';
  END IF;
  IF a.status <> 'closed' THEN
    RAISE EXCEPTION 'alert % is %; only a closed alert can be reopened', a.alert_id, a.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  SELECT r.rectify_days INTO days FROM @extschema@.rule r WHERE r.rule_code = a.rule_code;
  BEGIN
    UPDATE @extschema@.alert x
       SET status = 'open', closed_at = NULL, closed_by_rectification = NULL,
           due_at = now() + make_interval(days => days)
     WHERE x.alert_id = a.alert_id
    RETURNING * INTO a;
  EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'alert % cannot be reopened: another alert is open for the same rule, subject and period', a.alert_id
      USING ERRCODE = 'unique_violation';
  END;
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, note)
  VALUES (a.alert_id, 'reopened', 'closed', 'open', a.level, a.level, note);
  RETURN a;
END
$$;
COMMENT ON FUNCTION @extschema@.reopen(bigint, text) IS
  'Reopens a closed alert whose rectification failed the check (new deadline: the rule''s rectify_days from now). Raises 22004 without a note, 42704 for an unknown alert or one of a unit not assigned to the acting role (the same answer), 55000 unless closed, 23505 when another alert is open for the same key. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to alerts.';
