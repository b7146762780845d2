-- Alerts and their append-only event trail; the one set-based entry point
-- raise_alerts() that every rule, trigger and batch run goes through.
-- See doc/alerts.md.

CREATE TABLE @extschema@.alert (
  alert_id        bigserial PRIMARY KEY,
  rule_code       text NOT NULL REFERENCES @extschema@.rule (rule_code) ON UPDATE CASCADE,
  subject_kind    text NOT NULL,
  subject_key     text NOT NULL,
  unit_code       text,
  period          text NOT NULL DEFAULT '',
  value           float8,
  threshold       float8,
  level           @extschema@.level NOT NULL,
  hit_level       @extschema@.level NOT NULL,
  previous_level  @extschema@.level,
  evidence        jsonb NOT NULL DEFAULT '{}',
  source_table    text,
  source_key      text,
  raised_at       timestamptz NOT NULL DEFAULT now(),
  refreshed_at    timestamptz,
  hit_count       integer NOT NULL DEFAULT 1,
  due_at          timestamptz NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'dismissed')),
  closed_at       timestamptz,
  closed_by_rectification bigint,
  recurrence_of   bigint REFERENCES @extschema@.alert (alert_id),
  escalation_step smallint NOT NULL DEFAULT 0 CHECK (escalation_step >= 0),
  escalated_at    timestamptz,
  review_verdict  text CHECK (review_verdict IN ('confirmed', 'false_positive')),
  reviewed_at     timestamptz,
  reviewed_by     name,
  review_note     text,
  CHECK ((status = 'open') = (closed_at IS NULL))
);
COMMENT ON TABLE @extschema@.alert IS
  'Alerts: rule, subject, unit, period, measured value, threshold, level (current) and hit_level (of the last hit), evidence, source, raised/due/closed times, status, recurrence, escalation step, review. At most one open alert per (rule, subject, period).';
COMMENT ON COLUMN @extschema@.alert.escalation_step IS 'The step of the handling ladder reached (cleangov.ladder_step): 0 none; under the shipped default ladder 1 talk with the unit head (约谈), 2 accountability (问责).';
COMMENT ON COLUMN @extschema@.alert.previous_level IS 'Level before the last change (refresh or escalation).';
-- Subject kind, key and period as one fixed-size index key (SHA-256 of the
-- length-prefixed parts, src/alert_key.c): a btree entry holds at most about
-- 2,700 bytes and a user's table may hold keys of any length, so the indexes
-- hold the hash and the row keeps the whole text.
CREATE FUNCTION @extschema@.alert_key(subject_kind text, subject_key text, period text) RETURNS bytea
  AS 'MODULE_PATHNAME', 'alert_key'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.alert_key(text, text, text) IS
  'SHA-256 of an alert''s subject kind, subject key and period, each prefixed by its length: the key of the index alert_one_open, so that keys of any length can be alerted on.';
CREATE FUNCTION @extschema@.alert_key(subject_kind text, subject_key text) RETURNS bytea
  AS 'MODULE_PATHNAME', 'alert_key'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.alert_key(text, text) IS
  'SHA-256 of an alert''s subject kind and subject key, each prefixed by its length: the key of the index alert_subject_idx (recurrence and settled-alert look-ups).';
-- The guarantee: one open alert per rule, subject and period.
CREATE UNIQUE INDEX alert_one_open ON @extschema@.alert (rule_code, @extschema@.alert_key(subject_kind, subject_key, period))
  WHERE status = 'open';
CREATE INDEX alert_subject_idx ON @extschema@.alert (rule_code, @extschema@.alert_key(subject_kind, subject_key), raised_at);
CREATE INDEX alert_unit_idx ON @extschema@.alert (unit_code);
CREATE INDEX alert_due_idx ON @extschema@.alert (due_at) WHERE status = 'open';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alert', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alert_alert_id_seq', '');

CREATE FUNCTION @extschema@.alert_status_guard() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status
     AND (OLD.status, NEW.status) NOT IN (('open', 'closed'), ('open', 'dismissed'),
                                          ('closed', 'dismissed'), ('closed', 'open')) THEN
    RAISE EXCEPTION 'illegal status change of alert %: % to %', OLD.alert_id, OLD.status, NEW.status
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Allowed: open to closed or dismissed, closed to dismissed or (reopened) open.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.alert_status_guard() IS
  'BEFORE UPDATE trigger on cleangov.alert: refuses an illegal status change with 55000 (a dismissed alert stays dismissed). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER alert_status_guard BEFORE UPDATE OF status ON @extschema@.alert
  FOR EACH ROW EXECUTE FUNCTION @extschema@.alert_status_guard();

CREATE TABLE @extschema@.alert_event (
  event_id    bigserial PRIMARY KEY,
  alert_id    bigint NOT NULL REFERENCES @extschema@.alert (alert_id),
  event       text NOT NULL CHECK (event IN ('raised', 'refreshed', 'level_changed', 'reviewed',
                                             'rectified', 'escalated', 'dismissed', 'reopened', 'evaluated',
                                             'clue_opened')),
  at          timestamptz NOT NULL DEFAULT now(),
  by_role     name NOT NULL DEFAULT @extschema@.actor(),
  from_status text,
  to_status   text,
  from_level  @extschema@.level,
  to_level    @extschema@.level,
  note        text,
  detail      jsonb
);
CREATE INDEX alert_event_alert_idx ON @extschema@.alert_event (alert_id, event_id);
COMMENT ON TABLE @extschema@.alert_event IS
  'Audit trail: every state change of every alert with time and the role that made it. Append-only: UPDATE, DELETE and TRUNCATE are refused (42501), also for the owner.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alert_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.alert_event_event_id_seq', '');

CREATE FUNCTION @extschema@.append_only() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The audit trail keeps every event; record a new event instead.';
END
$$;
COMMENT ON FUNCTION @extschema@.append_only() IS
  'Trigger refusing UPDATE, DELETE and TRUNCATE (42501) on the audit trail, whoever asks. Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER alert_event_append_only BEFORE UPDATE OR DELETE ON @extschema@.alert_event
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER alert_event_no_truncate BEFORE TRUNCATE ON @extschema@.alert_event
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE TYPE @extschema@.hit AS (
  rule_code    text,
  subject_kind text,
  subject_key  text,
  unit_code    text,
  period       text,
  value        float8,
  threshold    float8,
  level        @extschema@.level,
  evidence     jsonb,
  source_table text,
  source_key   text
);
COMMENT ON TYPE @extschema@.hit IS
  'One rule hit, the input of raise_alerts(): rule, subject, unit, period ('''' or NULL when none), value, threshold, level (NULL: banded by the rule''s scheme, else its default level), evidence, source table and key.';

-- Who may handle (review, rectify) alerts of a unit.  Runs with the caller's
-- rights: an inspector reads only its own rows of unit_assignment (row-level
-- security, src/sql/28_access.sql), and asking for another role's units is
-- refused, so that nobody learns the assignments of a role it is not.
CREATE FUNCTION @extschema@.visible_units(role_name name) RETURNS SETOF text
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF role_name <> current_user
     AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles r
                      WHERE r.rolname = visible_units.role_name
                        AND pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER'))
     AND NOT pg_catalog.pg_has_role(current_user, 'cleangov_admin', 'MEMBER')
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
    RAISE EXCEPTION 'permission denied to list the units of role %', role_name
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Ask for your own units: cleangov.visible_units(current_user).';
  END IF;
  RETURN QUERY
    WITH RECURSIVE t(code) AS (
      SELECT ua.unit_code FROM @extschema@.unit_assignment ua
       WHERE ua.role_name = visible_units.role_name
          OR ua.role_name IN (SELECT r.rolname FROM pg_catalog.pg_roles r
                               WHERE pg_catalog.pg_has_role(visible_units.role_name, r.oid, 'MEMBER'))
      UNION
      SELECT u.unit_code FROM @extschema@.unit u JOIN t ON u.parent_code = t.code)
    SELECT t.code FROM t;
END
$$;
COMMENT ON FUNCTION @extschema@.visible_units(name) IS
  'Units assigned to the role (directly or through a role it is a member of) and their subtrees: what an inspector sees under row-level security. Answers only for current_user, a role current_user is a member of, or to a member of cleangov_admin (42501 otherwise). Stable because it reads cleangov.unit_assignment and cleangov.unit; runs with the caller''s rights.';

CREATE FUNCTION @extschema@.may_handle(unit_code text) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = @extschema@.actor())
      OR pg_catalog.pg_has_role(@extschema@.actor(), 'cleangov_admin', 'MEMBER')
      OR may_handle.unit_code IN (SELECT @extschema@.visible_units(@extschema@.actor()));
COMMENT ON FUNCTION @extschema@.may_handle(text) IS
  'True when the acting role (actor()) may review or rectify alerts of the unit: a superuser, a member of cleangov_admin, or a role assigned to the unit or one above it. Stable because it reads roles and assignments; security definer so that it can read the assignments.';

-- The one entry point.  A batch is one validating read and then ONE statement
-- that prepares the hits (enabled rules only, level computed, green hits
-- dropped, duplicates of one (rule, subject, period) folded into the worst,
-- then the last, hit), looks up what exists (the open alert, an identical
-- settled alert, a recurrence candidate), writes alerts and events, and
-- sorts the remaining hits into 'unchanged'.  The statement is run with
-- EXECUTE so that it is planned with the array at hand: the planner then
-- knows how many hits there are (a cached generic plan assumes ten) and
-- chooses hash or merge joins and in-memory hashes for large batches.  See
-- doc/alerts.md, "Performance", and bench/alerts.sh.
CREATE FUNCTION @extschema@.raise_alerts(hits @extschema@.hit[])
  RETURNS TABLE (alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  bad record;
  who name := @extschema@.actor();
  ids bigint[];
  acts text[];
  same bigint[];
  m_rule text[];
  m_kind text[];
  m_key text[];
  m_period text[];
BEGIN
  IF hits IS NULL OR cardinality(hits) = 0 THEN
    RETURN;
  END IF;

  -- Misuse is refused before anything is written, naming the first bad hit.
  SELECT h.ord, h.rule_code, h.subject_kind, h.subject_key, h.level, r.rule_code AS known,
         r.scheme_code, s.levels, h.value, h.threshold
    INTO bad
    FROM unnest(hits) WITH ORDINALITY AS h(rule_code, subject_kind, subject_key, unit_code, period, value,
                                           threshold, level, evidence, source_table, source_key, ord)
    LEFT JOIN @extschema@.rule r ON r.rule_code = h.rule_code
    LEFT JOIN @extschema@.band_scheme s ON s.scheme_code = r.scheme_code
   WHERE h.rule_code IS NULL OR h.subject_kind IS NULL OR h.subject_key IS NULL
      OR r.rule_code IS NULL
      OR (h.level IS NOT NULL AND s.levels IS NOT NULL AND h.level <> ALL (s.levels))
      OR h.value IN ('NaN', 'Infinity', '-Infinity') OR h.threshold IN ('NaN', 'Infinity', '-Infinity')
   ORDER BY h.ord
   LIMIT 1;
  IF FOUND THEN
    IF bad.rule_code IS NULL OR bad.subject_kind IS NULL OR bad.subject_key IS NULL THEN
      RAISE EXCEPTION 'hit % has no %', bad.ord,
        CASE WHEN bad.rule_code IS NULL THEN 'rule_code'
             WHEN bad.subject_kind IS NULL THEN 'subject_kind' ELSE 'subject_key' END
        USING ERRCODE = 'null_value_not_allowed',
              HINT = 'rule_code, subject_kind and subject_key are required in every hit.';
    ELSIF bad.value IN ('NaN', 'Infinity', '-Infinity') OR bad.threshold IN ('NaN', 'Infinity', '-Infinity') THEN
      -- a NaN or infinite number is bad data or a degenerate computation: it
      -- neither becomes an alert nor vanishes (doc/alerts.md, "Numbers")
      RAISE EXCEPTION 'hit % of rule "%" (subject %) has a non-finite %: %', bad.ord, bad.rule_code, bad.subject_key,
        CASE WHEN bad.value IN ('NaN', 'Infinity', '-Infinity') THEN 'value' ELSE 'threshold' END,
        CASE WHEN bad.value IN ('NaN', 'Infinity', '-Infinity') THEN bad.value ELSE bad.threshold END
        USING ERRCODE = 'numeric_value_out_of_range',
              HINT = 'Correct the source row (a NaN or infinite amount), or make the rule skip such rows explicitly.';
    ELSIF bad.known IS NULL THEN
      RAISE EXCEPTION 'rule "%" does not exist', bad.rule_code
        USING ERRCODE = 'undefined_object',
              HINT = 'Rules are rows of cleangov.rule.';
    ELSE
      RAISE EXCEPTION 'level % is not in scheme "%" of rule "%"', bad.level, bad.scheme_code, bad.rule_code
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('The scheme''s levels are %s.', bad.levels);
    END IF;
  END IF;

  -- One INSERT ... ON CONFLICT for the whole array, the events in the same
  -- statement.  Rows are inserted in key order so that two batches lock
  -- alerts in the same order and cannot deadlock each other.
  WITH u AS (
    SELECT h.rule_code, h.subject_kind, h.subject_key, h.unit_code, coalesce(h.period, '') AS period,
           h.value, h.threshold,
           -- the tiered standard that applied, if any, is named in the evidence
           CASE WHEN st.standard_code IS NULL THEN coalesce(h.evidence, '{}')
                ELSE coalesce(h.evidence, '{}') || jsonb_build_object('standard', st.standard_code) END AS evidence,
           h.source_table, h.source_key, h.ord,
           coalesce(h.level,
             CASE WHEN s.scheme_code IS NOT NULL AND h.value IS NOT NULL
                   AND (s.measure = 'value' OR (h.threshold IS NOT NULL AND h.threshold <> 0))
                  THEN s.levels[@extschema@.band_position(
                         CASE s.measure WHEN 'value' THEN h.value ELSE h.value / h.threshold END,
                         s.cutoffs, s.high_is_bad)] END,
             r.default_level) AS lvl,
           st.rectify_days AS standard_days, r.rectify_days AS rule_days, r.recurrence_days, s.levels AS scheme_levels
      FROM unnest(hits) WITH ORDINALITY AS h(rule_code, subject_kind, subject_key, unit_code, period, value,
                                           threshold, level, evidence, source_table, source_key, ord)
      JOIN @extschema@.rule r ON r.rule_code = h.rule_code
      -- tiered standards (59_standards.sql): the most specific one of the
      -- hit's unit sets the enabled state, the scheme and the days; looked
      -- up only for rules that have standards
      LEFT JOIN LATERAL (
        SELECT x.standard_code, x.enabled, x.scheme_code, x.rectify_days
          FROM @extschema@.rule_standard_for(h.rule_code, h.unit_code) x
         WHERE h.unit_code IS NOT NULL
           AND EXISTS (SELECT FROM @extschema@.rule_standard z WHERE z.rule_code = h.rule_code)) st ON true
      LEFT JOIN @extschema@.band_scheme s ON s.scheme_code = coalesce(st.scheme_code, r.scheme_code)
     WHERE coalesce(st.enabled, r.enabled)
  ), d AS (
    SELECT DISTINCT ON (u.rule_code, u.subject_kind, u.subject_key, u.period) u.*
      FROM u
     WHERE u.lvl > 'green'
     ORDER BY u.rule_code, u.subject_kind, u.subject_key, u.period, u.lvl DESC, u.ord DESC
  ), ready AS MATERIALIZED (
    SELECT d.*, op.alert_id AS open_alert, st.alert_id AS settled_alert, prev.alert_id AS recurrence_of
      FROM d
      LEFT JOIN @extschema@.alert op
             ON op.rule_code = d.rule_code
            AND @extschema@.alert_key(op.subject_kind, op.subject_key, op.period)
                = @extschema@.alert_key(d.subject_kind, d.subject_key, d.period)
            AND op.subject_kind = d.subject_kind
            AND op.subject_key = d.subject_key AND op.period = d.period AND op.status = 'open'
      -- the same fact again after closure or dismissal (same value and
      -- evidence): nothing new.  Looked up only when no alert is open.
      LEFT JOIN LATERAL (
        SELECT l.alert_id FROM (
          SELECT a.alert_id, a.value, a.evidence FROM @extschema@.alert a
           WHERE op.alert_id IS NULL
             AND a.rule_code = d.rule_code
             AND @extschema@.alert_key(a.subject_kind, a.subject_key) = @extschema@.alert_key(d.subject_kind, d.subject_key)
             AND a.subject_kind = d.subject_kind
             AND a.subject_key = d.subject_key AND a.period = d.period AND a.status <> 'open'
           ORDER BY a.raised_at DESC, a.alert_id DESC LIMIT 1) l
         WHERE l.value IS NOT DISTINCT FROM d.value AND l.evidence = d.evidence) st ON true
      -- recurrence: a closed alert of the rule for the subject, closed within the window
      LEFT JOIN LATERAL (
        SELECT a.alert_id FROM @extschema@.alert a
         WHERE op.alert_id IS NULL AND st.alert_id IS NULL AND d.recurrence_days > 0
           AND a.rule_code = d.rule_code
           AND @extschema@.alert_key(a.subject_kind, a.subject_key) = @extschema@.alert_key(d.subject_kind, d.subject_key)
           AND a.subject_kind = d.subject_kind
           AND a.subject_key = d.subject_key AND a.status = 'closed'
           AND a.closed_at >= now() - make_interval(days => d.recurrence_days)
         ORDER BY a.closed_at DESC, a.alert_id DESC LIMIT 1) prev ON true
  ), ins AS (
    INSERT INTO @extschema@.alert AS a
           (rule_code, subject_kind, subject_key, unit_code, period, value, threshold, level, hit_level,
            evidence, source_table, source_key, due_at, recurrence_of)
    SELECT p.rule_code, p.subject_kind, p.subject_key, p.unit_code, p.period, p.value, p.threshold,
           CASE WHEN p.recurrence_of IS NULL THEN p.lvl ELSE @extschema@.level_up(p.lvl, p.scheme_levels) END,
           p.lvl, p.evidence, p.source_table, p.source_key,
           -- the deadline: the tiered standard's days, else the ladder's step 0
           -- for the level (23_ladder.sql; looked up only when some step 0 has
           -- days: the uncorrelated EXISTS is one check per statement), else the rule's
           now() + make_interval(days => coalesce(
             p.standard_days,
             (SELECT ls.deadline_days FROM @extschema@.ladder_step ls
               WHERE EXISTS (SELECT FROM @extschema@.ladder_step z WHERE z.step = 0 AND z.deadline_days IS NOT NULL)
                 AND ls.ladder_code = @extschema@.ladder_for(p.rule_code, p.lvl)
                 AND ls.level = p.lvl AND ls.step = 0),
             p.rule_days)),
           p.recurrence_of
      FROM ready p
     WHERE p.settled_alert IS NULL
     ORDER BY p.rule_code, p.subject_kind, p.subject_key, p.period
    ON CONFLICT (rule_code, @extschema@.alert_key(subject_kind, subject_key, period)) WHERE status = 'open'
    DO UPDATE SET value = excluded.value, threshold = excluded.threshold, evidence = excluded.evidence,
                  hit_level = excluded.hit_level, unit_code = coalesce(excluded.unit_code, a.unit_code),
                  source_table = excluded.source_table, source_key = excluded.source_key,
                  previous_level = a.level, level = greatest(a.level, excluded.hit_level),
                  refreshed_at = now(), hit_count = a.hit_count + 1
     WHERE (a.value, a.threshold, a.evidence, a.hit_level, a.unit_code, a.source_table, a.source_key)
           IS DISTINCT FROM
           (excluded.value, excluded.threshold, excluded.evidence, excluded.hit_level,
            coalesce(excluded.unit_code, a.unit_code), excluded.source_table, excluded.source_key)
    RETURNING a.alert_id, (a.xmax = 0) AS raised, a.level, a.previous_level, a.recurrence_of,
              a.value, a.hit_level, a.rule_code, a.subject_kind, a.subject_key, a.period
  ), ev AS (
    INSERT INTO @extschema@.alert_event (alert_id, event, by_role, from_status, to_status,
                                         from_level, to_level, detail)
    SELECT i.alert_id, e.event, who, e.from_status, 'open', e.from_level, i.level, e.detail
      FROM ins i
     CROSS JOIN LATERAL (VALUES
       (CASE WHEN i.raised THEN 'raised' ELSE 'refreshed' END,
        CASE WHEN i.raised THEN NULL ELSE 'open' END,
        i.previous_level,
        jsonb_strip_nulls(jsonb_build_object('value', i.value, 'hit_level', i.hit_level,
                                             'recurrence_of', i.recurrence_of))),
       (CASE WHEN NOT i.raised AND i.level > i.previous_level THEN 'level_changed' END,
        'open', i.previous_level, NULL)) e(event, from_status, from_level, detail)
     WHERE e.event IS NOT NULL
  ), rest AS (
    -- the hits that wrote nothing: the open alert they left as it was, or
    -- the identical alert that was closed or dismissed.  A set difference
    -- by grouping (hashed or sorted, never a nested loop over both sets).
    SELECT k.rule_code, k.subject_kind, k.subject_key, k.period, max(k.alert_id) AS alert_id
      FROM (SELECT p.rule_code, p.subject_kind, p.subject_key, p.period,
                   coalesce(p.settled_alert, p.open_alert) AS alert_id, false AS written
              FROM ready p
            UNION ALL
            SELECT i.rule_code, i.subject_kind, i.subject_key, i.period, NULL, true
              FROM ins i) k
     GROUP BY k.rule_code, k.subject_kind, k.subject_key, k.period
    HAVING NOT bool_or(k.written)
  )
  SELECT (SELECT coalesce(array_agg(i.alert_id), '{}') FROM ins i),
         (SELECT coalesce(array_agg(CASE WHEN i.raised THEN 'raised' ELSE 'refreshed' END), '{}') FROM ins i),
         (SELECT coalesce(array_agg(r.alert_id ORDER BY r.rule_code, r.subject_kind, r.subject_key, r.period), '{}')
            FROM rest r WHERE r.alert_id IS NOT NULL),
         m.rule_codes, m.subject_kinds, m.subject_keys, m.periods
    INTO ids, acts, same, m_rule, m_kind, m_key, m_period
    FROM (SELECT array_agg(r.rule_code) AS rule_codes, array_agg(r.subject_kind) AS subject_kinds,
                 array_agg(r.subject_key) AS subject_keys, array_agg(r.period) AS periods
            FROM rest r WHERE r.alert_id IS NULL) m;

  RETURN QUERY SELECT * FROM unnest(ids, acts);
  RETURN QUERY SELECT u.id, 'unchanged'::text FROM unnest(same) u(id);

  -- A hit that met no alert in the statement's snapshot and still wrote
  -- nothing met an open alert that a concurrent session committed meanwhile
  -- (the INSERT waited for it): read that alert in a new snapshot.
  IF m_rule IS NOT NULL THEN
    RETURN QUERY
      SELECT a.alert_id, 'unchanged'::text
        FROM unnest(m_rule, m_kind, m_key, m_period) m(rule_code, subject_kind, subject_key, period)
        JOIN @extschema@.alert a
          ON a.status = 'open' AND a.rule_code = m.rule_code
         AND @extschema@.alert_key(a.subject_kind, a.subject_key, a.period)
             = @extschema@.alert_key(m.subject_kind, m.subject_key, m.period)
         AND a.subject_kind = m.subject_kind
         AND a.subject_key = m.subject_key AND a.period = m.period;
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.raise_alerts(@extschema@.hit[]) IS
  'The one entry point that raises or refreshes alerts, set-based: one INSERT ... ON CONFLICT for the whole array, events in the same statement. Returns (alert_id, action) with action raised | refreshed | unchanged; hits of disabled rules and green hits return nothing. Raises 42704 for an unknown rule, 22004 for a NULL rule_code/subject_kind/subject_key, 22023 for a level outside the rule''s scheme, 22003 for a NaN or infinite value or threshold (nothing is written). Volatile because it writes alerts; parallel unsafe because it writes; security definer so that callers need no write access to the alert tables.';

CREATE FUNCTION @extschema@.raise_alert(rule_code text, subject_kind text, subject_key text, unit_code text,
                                        period text DEFAULT '', value float8 DEFAULT NULL,
                                        threshold float8 DEFAULT NULL,
                                        level @extschema@.level DEFAULT NULL,
                                        evidence jsonb DEFAULT NULL, source_table text DEFAULT NULL,
                                        source_key text DEFAULT NULL)
  RETURNS bigint
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT r.alert_id
    FROM @extschema@.raise_alerts(ARRAY[ROW($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)::@extschema@.hit]) r
$$;
COMMENT ON FUNCTION @extschema@.raise_alert(text, text, text, text, text, float8, float8, @extschema@.level, jsonb, text, text) IS
  'Single-hit wrapper of raise_alerts(): the alert id raised, refreshed or unchanged; NULL when the rule is disabled or the hit is green; a NaN or infinite value or threshold is refused (22003). Volatile because it writes alerts; parallel unsafe because it writes.';
