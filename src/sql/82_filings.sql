-- Reporting duties (三报备, seed 003): persons in key posts file personal
-- matters ahead of time (marriage, funerals, travel abroad, ...); units file
-- their major decisions (三重一大) and periodic filings (integrity
-- education, rules adopted).  A filing is reviewed: submitted -> under
-- review -> accepted or returned; a returned filing is submitted again.
-- One function per transition, each writing its event; read under
-- row-level security by unit.  Four rules watch the duties, evaluated by
-- check_filings() (raise_alerts() under the rule rows), not by the rule
-- engine: see doc/filings.md, "Why a check function".

-- The trips abroad a database records (the event a personal-matters
-- filing must precede): a canonical shape, bound with cleangov.bind().
INSERT INTO @extschema@.shape (shape, name_en, name_zh, key_column, description) VALUES
 ('trip_abroad', 'trip abroad', '因私出国（境）', 'trip_id',
  'A trip abroad (出国（境）) of a person, with its departure date: a person in a key post files it ahead of time (reporting duties, seed 003).');
INSERT INTO @extschema@.shape_column (shape, column_name, position, type, required, description) VALUES
 ('trip_abroad', 'trip_id', 1, 'text', true, 'key of the trip'),
 ('trip_abroad', 'person_id', 2, 'text', true, 'the person who travels (cleangov.filing.person_id)'),
 ('trip_abroad', 'departure_on', 3, 'date', true, 'day of departure'),
 ('trip_abroad', 'return_on', 4, 'date', false, 'day of return'),
 ('trip_abroad', 'unit_code', 5, 'text', false, 'the person''s unit (the alert''s unit)'),
 ('trip_abroad', 'destination', 6, 'text', false, 'country or region visited');

CREATE TABLE @extschema@.filing (
  filing_id      bigserial PRIMARY KEY,
  kind           text NOT NULL CHECK (kind IN ('personal_matter', 'major_decision', 'periodic')),
  matter         text NOT NULL,
  unit_code      text NOT NULL REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  person_id      text,
  title          text NOT NULL CHECK (title <> ''),
  event_on       date NOT NULL,
  carried_out_on date,
  due_on         date NOT NULL,
  submitted_at   timestamptz NOT NULL,
  submitted_by   name NOT NULL,
  pending_since  timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'submitted'
                 CHECK (status IN ('submitted', 'under_review', 'accepted', 'returned')),
  reviewed_at    timestamptz,
  reviewed_by    name,
  review_note    text,
  CHECK (CASE kind WHEN 'personal_matter' THEN matter IN ('marriage', 'funeral', 'travel_abroad', 'other')
                   WHEN 'major_decision' THEN matter IN ('major_matter', 'appointment', 'major_project', 'large_fund')
                   ELSE matter IN ('integrity_education', 'rules_adopted') END),
  CHECK ((kind = 'personal_matter') = (person_id IS NOT NULL)),
  CHECK (kind = 'major_decision' OR carried_out_on IS NULL),
  CHECK ((status IN ('accepted', 'returned')) = (reviewed_at IS NOT NULL))
);
CREATE INDEX filing_unit_idx ON @extschema@.filing (unit_code);
CREATE INDEX filing_person_idx ON @extschema@.filing (person_id, event_on) WHERE kind = 'personal_matter';
CREATE INDEX filing_pending_idx ON @extschema@.filing (pending_since) WHERE status IN ('submitted', 'under_review');
COMMENT ON TABLE @extschema@.filing IS
  'Filings of the reporting duties (三报备, seed 003): a personal matter of a person in a key post (个人重大事项: marriage, funeral, travel_abroad, other), a unit''s major decision (三重一大: major_matter, appointment, major_project, large_fund) or a periodic filing (integrity_education, rules_adopted); the day of the matter, decision or period end (event_on), the day a decision was carried out, the due date, the review state (submitted, under_review, accepted, returned). Written only by the functions of src/sql/82_filings.sql.';
COMMENT ON COLUMN @extschema@.filing.event_on IS 'Personal matter: the day of the matter (the wedding, the departure); major decision: the day it was decided; periodic: the last day of the period.';
COMMENT ON COLUMN @extschema@.filing.pending_since IS 'When the filing last went to the reviewers (submitted or submitted again): the review is due review_days later.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.filing', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.filing_filing_id_seq', '');

CREATE TABLE @extschema@.filing_event (
  event_id    bigserial PRIMARY KEY,
  filing_id   bigint NOT NULL REFERENCES @extschema@.filing (filing_id),
  unit_code   text NOT NULL,
  event       text NOT NULL CHECK (event IN ('submitted', 'review_started', 'accepted', 'returned', 'resubmitted')),
  at          timestamptz NOT NULL DEFAULT now(),
  by_role     name NOT NULL DEFAULT @extschema@.actor(),
  from_status text,
  to_status   text NOT NULL,
  note        text
);
CREATE INDEX filing_event_filing_idx ON @extschema@.filing_event (filing_id, event_id);
COMMENT ON TABLE @extschema@.filing_event IS
  'Audit trail of the filings: every submission, start of review, acceptance, return and new submission, with time and the role that acted. Append-only: UPDATE, DELETE and TRUNCATE are refused (42501), also for the owner.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.filing_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.filing_event_event_id_seq', '');
CREATE TRIGGER filing_event_append_only BEFORE UPDATE OR DELETE ON @extschema@.filing_event
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER filing_event_no_truncate BEFORE TRUNCATE ON @extschema@.filing_event
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE FUNCTION @extschema@.filing_status_guard() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status
     AND (OLD.status, NEW.status) NOT IN (('submitted', 'under_review'), ('under_review', 'accepted'),
                                          ('under_review', 'returned'), ('returned', 'submitted')) THEN
    RAISE EXCEPTION 'illegal status change of filing %: % to %', OLD.filing_id, OLD.status, NEW.status
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Allowed: submitted to under_review, under_review to accepted or returned, returned to submitted.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.filing_status_guard() IS
  'BEFORE UPDATE trigger on cleangov.filing: refuses an illegal status change with 55000 (an accepted filing stays accepted). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER filing_status_guard BEFORE UPDATE OF status ON @extschema@.filing
  FOR EACH ROW EXECUTE FUNCTION @extschema@.filing_status_guard();

CREATE FUNCTION @extschema@.filing_status_zh(status text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE status WHEN 'submitted' THEN '已报备' WHEN 'under_review' THEN '审核中'
                     WHEN 'accepted' THEN '审核通过' WHEN 'returned' THEN '退回' END;
COMMENT ON FUNCTION @extschema@.filing_status_zh(text) IS
  'Chinese label of a filing''s review state: submitted 已报备, under_review 审核中, accepted 审核通过, returned 退回.';

CREATE FUNCTION @extschema@.submit_filing(kind text, matter text, unit_code text, title text, event_on date,
                                          due_on date DEFAULT NULL, person_id text DEFAULT NULL,
                                          carried_out_on date DEFAULT NULL, submitted_at timestamptz DEFAULT NULL)
  RETURNS @extschema@.filing
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  f @extschema@.filing;
  t_at timestamptz := coalesce(submitted_at, now());
BEGIN
  IF kind IS NULL OR matter IS NULL OR unit_code IS NULL OR nullif(title, '') IS NULL OR event_on IS NULL THEN
    RAISE EXCEPTION 'a filing needs a kind, a matter, a unit, a title and the day of the matter'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF kind NOT IN ('personal_matter', 'major_decision', 'periodic') THEN
    RAISE EXCEPTION 'kind must be personal_matter, major_decision or periodic, not %', quote_literal(kind)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF (kind = 'personal_matter' AND matter NOT IN ('marriage', 'funeral', 'travel_abroad', 'other'))
     OR (kind = 'major_decision' AND matter NOT IN ('major_matter', 'appointment', 'major_project', 'large_fund'))
     OR (kind = 'periodic' AND matter NOT IN ('integrity_education', 'rules_adopted')) THEN
    RAISE EXCEPTION 'matter % is not a matter of a % filing', quote_literal(matter), kind
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'personal_matter: marriage, funeral, travel_abroad, other; major_decision: major_matter, appointment, major_project, large_fund; periodic: integrity_education, rules_adopted.';
  END IF;
  IF (kind = 'personal_matter') <> (person_id IS NOT NULL) THEN
    RAISE EXCEPTION '%', CASE WHEN person_id IS NULL THEN 'a personal-matters filing names the person'
                              ELSE 'only a personal-matters filing names a person' END
      USING ERRCODE = CASE WHEN person_id IS NULL THEN 'null_value_not_allowed' ELSE 'invalid_parameter_value' END;
  END IF;
  IF kind <> 'major_decision' AND carried_out_on IS NOT NULL THEN
    RAISE EXCEPTION 'only a major decision is carried out' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF due_on IS NULL AND kind <> 'personal_matter' THEN
    RAISE EXCEPTION 'a % filing needs its due date', kind USING ERRCODE = 'null_value_not_allowed',
      HINT = 'A personal matter is due by its day (event_on); a unit''s filings are due when its duty says.';
  END IF;
  -- backdating would hide a late filing: only the admin enters a historic
  -- filing (an import from the paper register) with its own time
  IF submitted_at IS NOT NULL AND submitted_at <> now()
     AND NOT pg_catalog.pg_has_role(@extschema@.actor(), 'cleangov_admin', 'MEMBER')
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = @extschema@.actor()) THEN
    RAISE EXCEPTION 'only cleangov_admin enters a filing with a submission time of its own'
      USING ERRCODE = 'insufficient_privilege', HINT = 'Leave submitted_at out: a filing is submitted now.';
  END IF;
  IF t_at > now() THEN
    RAISE EXCEPTION 'a filing cannot be submitted in the future (%)', t_at USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = submit_filing.unit_code)
     OR NOT @extschema@.may_handle(unit_code) THEN
    RAISE EXCEPTION 'unit % does not exist', quote_literal(unit_code)
      USING ERRCODE = 'undefined_object', HINT = 'Units not assigned to you are not shown.';
  END IF;
  INSERT INTO @extschema@.filing AS x (kind, matter, unit_code, person_id, title, event_on, carried_out_on, due_on,
                                       submitted_at, submitted_by, pending_since)
  VALUES (kind, matter, unit_code, person_id, title, event_on, carried_out_on, coalesce(due_on, event_on),
          t_at, @extschema@.actor(), t_at)
  RETURNING x.* INTO f;
  INSERT INTO @extschema@.filing_event (filing_id, unit_code, event, at, to_status)
  VALUES (f.filing_id, f.unit_code, 'submitted', t_at, f.status);
  RETURN f;
END
$$;
COMMENT ON FUNCTION @extschema@.submit_filing(text, text, text, text, date, date, text, date, timestamptz) IS
  'Submits a filing: kind (personal_matter, major_decision, periodic), matter, unit, title, the day of the matter, decision or period end, the due date (a personal matter: its day unless given), the person (personal matters only), the day a decision was carried out; submitted now (only cleangov_admin gives another submitted_at, to import a paper register). Raises 22004 for a missing argument, 22023 for an unknown kind or matter, a person on a unit filing, a carried-out day on a non-decision or a time in the future, 42501 for a submission time given by another role, 42704 for a unit that does not exist or is not assigned to the acting role. Volatile because it writes; parallel unsafe because it writes; security definer so that the filers need no write access to the filings.';

-- The filing of a visible unit, locked, in the expected state, or an error.
CREATE FUNCTION @extschema@.filing_for_update(filing_id bigint, expected text, action text) RETURNS @extschema@.filing
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  f @extschema@.filing;
BEGIN
  SELECT * INTO f FROM @extschema@.filing x WHERE x.filing_id = filing_for_update.filing_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(f.unit_code) THEN
    RAISE EXCEPTION 'filing % does not exist', coalesce(filing_id::text, 'NULL')
      USING ERRCODE = 'undefined_object', HINT = 'Filings of units not assigned to you are not shown.';
  END IF;
  IF f.status <> expected THEN
    RAISE EXCEPTION 'filing % is %, not %: cannot %', f.filing_id, f.status, expected, action
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Allowed: submitted to under_review, under_review to accepted or returned, returned to submitted.';
  END IF;
  RETURN f;
END
$$;
COMMENT ON FUNCTION @extschema@.filing_for_update(bigint, text, text) IS
  'Internal: a filing, locked for update, when the acting role may handle its unit and it is in the expected state; 42704 for a missing or hidden filing, 55000 for another state. Volatile because it locks the row; parallel unsafe because it locks.';

-- One transition: the state change and its event.
CREATE FUNCTION @extschema@.filing_move(f @extschema@.filing, to_status text, event text, note text)
  RETURNS @extschema@.filing
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  g @extschema@.filing;
BEGIN
  UPDATE @extschema@.filing x
     SET status = to_status,
         reviewed_at = CASE WHEN to_status IN ('accepted', 'returned') THEN now() END,
         reviewed_by = CASE WHEN to_status IN ('accepted', 'returned') THEN @extschema@.actor() ELSE x.reviewed_by END,
         review_note = CASE WHEN to_status IN ('accepted', 'returned') THEN note ELSE x.review_note END,
         pending_since = CASE WHEN event = 'resubmitted' THEN now() ELSE x.pending_since END
   WHERE x.filing_id = f.filing_id
  RETURNING x.* INTO g;
  INSERT INTO @extschema@.filing_event (filing_id, unit_code, event, from_status, to_status, note)
  VALUES (g.filing_id, g.unit_code, event, f.status, g.status, note);
  RETURN g;
END
$$;
COMMENT ON FUNCTION @extschema@.filing_move(@extschema@.filing, text, text, text) IS
  'Internal: moves a locked filing to a state and writes the event (the status guard refuses an illegal move with 55000). Volatile because it writes; parallel unsafe because it writes.';

CREATE FUNCTION @extschema@.start_filing_review(filing_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.filing
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.filing_move(@extschema@.filing_for_update(filing_id, 'submitted', 'start the review'),
                                 'under_review', 'review_started', note);
COMMENT ON FUNCTION @extschema@.start_filing_review(bigint, text) IS
  'A reviewer takes a submitted filing: submitted to under_review. Raises 42704 for a missing or hidden filing, 55000 for a filing that is not submitted. Volatile because it writes; parallel unsafe because it writes; security definer so that reviewers need no write access to the filings.';

CREATE FUNCTION @extschema@.accept_filing(filing_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.filing
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.filing_move(@extschema@.filing_for_update(filing_id, 'under_review', 'accept'),
                                 'accepted', 'accepted', note);
COMMENT ON FUNCTION @extschema@.accept_filing(bigint, text) IS
  'Accepts a filing under review: under_review to accepted (审核通过), with an optional note. Raises 42704 for a missing or hidden filing, 55000 for a filing that is not under review. Volatile because it writes; parallel unsafe because it writes; security definer so that reviewers need no write access to the filings.';

CREATE FUNCTION @extschema@.return_filing(filing_id bigint, note text)
  RETURNS @extschema@.filing
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF nullif(note, '') IS NULL THEN
    RAISE EXCEPTION 'returning a filing needs a note (what is missing or wrong)' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  RETURN @extschema@.filing_move(@extschema@.filing_for_update(filing_id, 'under_review', 'return'), 'returned', 'returned', note);
END
$$;
COMMENT ON FUNCTION @extschema@.return_filing(bigint, text) IS
  'Returns a filing under review to the filer (退回), with a note saying what is missing: under_review to returned. Raises 22004 without a note, 42704 for a missing or hidden filing, 55000 for a filing that is not under review. Volatile because it writes; parallel unsafe because it writes; security definer so that reviewers need no write access to the filings.';

CREATE FUNCTION @extschema@.resubmit_filing(filing_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.filing
  LANGUAGE sql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  RETURN @extschema@.filing_move(@extschema@.filing_for_update(filing_id, 'returned', 'submit it again'),
                                 'submitted', 'resubmitted', note);
COMMENT ON FUNCTION @extschema@.resubmit_filing(bigint, text) IS
  'Submits a returned filing again, corrected: returned to submitted; its review is due review_days from now (the first submission time stays, for lateness). Raises 42704 for a missing or hidden filing, 55000 for a filing that is not returned. Volatile because it writes; parallel unsafe because it writes; security definer so that filers need no write access to the filings.';

-- The four rules.  Their thresholds are cleangov's defaults: seed 003 asks
-- for filings "ahead of time" and reviews, and names no number of days.
INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
  ('FILING_LATE', 'filing late', '报备超期', 'personnel', 'reporting duties', 'filing',
   '{"grace_days": 0}', 'blue',
   'A filing submitted more than grace_days days after its due date (a personal matter is due by its day). Value: days late. Evaluated by cleangov.check_filings().'),
  ('FILING_MISSING', 'trip abroad without a filing', '出国（境）未报备', 'personnel', 'reporting duties', 'trip',
   '{"lead_days": 1, "match_days": 7}', 'yellow',
   'A trip abroad (shape trip_abroad) with no personal-matters filing of travel_abroad by the same person, submitted at least lead_days days before the departure, for a trip departing within match_days days of the filed day. Value: days since departure. Evaluated by cleangov.check_filings() when trip_abroad is bound.'),
  ('FILING_REVIEW_OVERDUE', 'filing review overdue', '报备审核超期', 'personnel', 'reporting duties', 'filing',
   '{"review_days": 15}', 'blue',
   'A filing submitted (or submitted again) more than review_days days ago that is still submitted or under review. Value: days waiting; the alert''s unit is the filing''s. Evaluated by cleangov.check_filings().'),
  ('FILING_DECISION_AFTER_EXECUTION', 'major decision filed after it was carried out', '“三重一大”事项先执行后报备', 'personnel', 'reporting duties', 'filing',
   '{"grace_days": 0}', 'yellow',
   'A major-decision filing (三重一大) submitted more than grace_days days after the day the decision was carried out. Value: days after execution. Evaluated by cleangov.check_filings().');

-- A threshold of a filing rule: a whole number of days, not negative.
CREATE FUNCTION @extschema@.filing_rule_days(rule_code text, name text) RETURNS integer
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v jsonb := (SELECT r.thresholds -> name FROM @extschema@.rule r WHERE r.rule_code = filing_rule_days.rule_code);
BEGIN
  IF v IS NULL OR jsonb_typeof(v) <> 'number' OR v::numeric < 0 OR v::numeric <> trunc(v::numeric) OR v::numeric > 36500 THEN
    RAISE EXCEPTION 'threshold "%" of rule % must be a whole number of days from 0 to 36500, not %', name, rule_code,
      coalesce(v::text, 'missing')
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Correct cleangov.rule.thresholds of the rule.';
  END IF;
  RETURN v::int;
END
$$;
COMMENT ON FUNCTION @extschema@.filing_rule_days(text, text) IS
  'Internal: a threshold of a filing rule (grace_days, lead_days, match_days, review_days) as a whole number of days; 22023 when it is missing, not a number, negative, fractional or above 36500. Stable because it reads cleangov.rule.';

-- The hits of the four rules as of a time, as raise_alerts() takes them.
-- Dates are days in the session's time zone.
CREATE FUNCTION @extschema@.filing_hits(as_of timestamptz) RETURNS SETOF @extschema@.hit
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  d_late int := @extschema@.filing_rule_days('FILING_LATE', 'grace_days');
  d_lead int := @extschema@.filing_rule_days('FILING_MISSING', 'lead_days');
  d_win int := @extschema@.filing_rule_days('FILING_MISSING', 'match_days');
  d_rev int := @extschema@.filing_rule_days('FILING_REVIEW_OVERDUE', 'review_days');
  d_after int := @extschema@.filing_rule_days('FILING_DECISION_AFTER_EXECUTION', 'grace_days');
  trips regclass := to_regclass('cleangov_bound.trip_abroad');
BEGIN
  RETURN QUERY
  SELECT 'FILING_LATE', 'filing', f.filing_id::text, f.unit_code, '',
         (f.submitted_at::date - f.due_on)::float8, d_late::float8, NULL::@extschema@.level,
         jsonb_build_object('kind', f.kind, 'matter', f.matter, 'title', f.title, 'person_id', f.person_id,
                            'due_on', f.due_on, 'submitted_on', f.submitted_at::date),
         'cleangov.filing', f.filing_id::text
    FROM @extschema@.filing f
   WHERE f.submitted_at <= as_of AND f.submitted_at::date - f.due_on > d_late
  UNION ALL
  SELECT 'FILING_REVIEW_OVERDUE', 'filing', f.filing_id::text, f.unit_code, '',
         (as_of::date - f.pending_since::date)::float8, d_rev::float8, NULL,
         jsonb_build_object('kind', f.kind, 'matter', f.matter, 'title', f.title, 'status', f.status,
                            'pending_since', f.pending_since::date),
         'cleangov.filing', f.filing_id::text
    FROM @extschema@.filing f
   WHERE f.status IN ('submitted', 'under_review') AND f.pending_since <= as_of
     AND as_of::date - f.pending_since::date > d_rev
  UNION ALL
  SELECT 'FILING_DECISION_AFTER_EXECUTION', 'filing', f.filing_id::text, f.unit_code, '',
         (f.submitted_at::date - f.carried_out_on)::float8, d_after::float8, NULL,
         jsonb_build_object('matter', f.matter, 'title', f.title, 'decided_on', f.event_on,
                            'carried_out_on', f.carried_out_on, 'submitted_on', f.submitted_at::date),
         'cleangov.filing', f.filing_id::text
    FROM @extschema@.filing f
   WHERE f.kind = 'major_decision' AND f.submitted_at <= as_of
     AND f.submitted_at::date - f.carried_out_on > d_after;
  -- a trip abroad is an event of the user's data: read through its bound
  -- view, with the caller's rights
  IF trips IS NOT NULL THEN
    RETURN QUERY EXECUTE format($q$
      SELECT 'FILING_MISSING'::text, 'trip'::text, t.trip_id, t.unit_code, ''::text,
             ($1::date - t.departure_on)::float8, $2::float8, NULL::@extschema@.level,
             jsonb_build_object('person_id', t.person_id, 'departure_on', t.departure_on,
                                'return_on', t.return_on, 'destination', t.destination),
             'cleangov_bound.trip_abroad'::text, t.trip_id
        FROM %s t
       WHERE t.departure_on <= $1::date
         AND NOT EXISTS (
           SELECT FROM @extschema@.filing f
            WHERE f.kind = 'personal_matter' AND f.matter = 'travel_abroad'
              AND f.person_id = t.person_id
              AND f.submitted_at::date <= t.departure_on - $2
              AND abs(f.event_on - t.departure_on) <= $3)$q$, trips)
      USING as_of, d_lead, d_win;
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.filing_hits(timestamptz) IS
  'The hits of the four filing rules as of a time (what check_filings() raises): FILING_LATE, FILING_REVIEW_OVERDUE and FILING_DECISION_AFTER_EXECUTION over cleangov.filing, FILING_MISSING over the bound trip_abroad shape (skipped while it is not bound). Runs with the caller''s rights: row-level security of the filings applies. Raises 22023 for a bad threshold. Stable because it reads.';

CREATE FUNCTION @extschema@.check_filings(as_of timestamptz DEFAULT now())
  RETURNS TABLE (rule_code text, alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  hits @extschema@.hit[];
  ids bigint[];
  acts text[];
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF to_regclass('cleangov_bound.trip_abroad') IS NULL THEN
    RAISE NOTICE 'trip_abroad is not bound: FILING_MISSING is not checked'
      USING HINT = 'Bind the table of trips abroad: cleangov.bind(''trip_abroad'', ...).';
  END IF;
  SELECT array_agg(h ORDER BY h.rule_code, h.subject_key) INTO hits FROM @extschema@.filing_hits(as_of) h;
  SELECT array_agg(r.alert_id), array_agg(r.action) INTO ids, acts FROM @extschema@.raise_alerts(hits) r;
  -- a new statement: its snapshot sees the alerts just raised
  RETURN QUERY
    SELECT a.rule_code, r.alert_id, r.action
      FROM unnest(ids, acts) r(alert_id, action)
      JOIN @extschema@.alert a ON a.alert_id = r.alert_id
     ORDER BY a.rule_code, r.alert_id;
END
$$;
COMMENT ON FUNCTION @extschema@.check_filings(timestamptz) IS
  'Checks the reporting duties as of a time and raises their alerts through raise_alerts(): FILING_LATE, FILING_MISSING (when trip_abroad is bound; a notice otherwise), FILING_REVIEW_OVERDUE, FILING_DECISION_AFTER_EXECUTION; returns (rule_code, alert_id, action). Idempotent: a second run at the same as_of changes nothing. Runs with the caller''s rights (the admin''s pg_cron job: it reads every filing and the bound trips). Raises 22004 for a NULL as_of, 22023 for a bad threshold. Volatile because it writes alerts; parallel unsafe because it writes.';

GRANT SELECT ON @extschema@.filing, @extschema@.filing_event TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT EXECUTE ON FUNCTION
  @extschema@.submit_filing(text, text, text, text, date, date, text, date, timestamptz),
  @extschema@.start_filing_review(bigint, text),
  @extschema@.accept_filing(bigint, text),
  @extschema@.return_filing(bigint, text),
  @extschema@.resubmit_filing(bigint, text)
  TO cleangov_admin, cleangov_inspector;
GRANT EXECUTE ON FUNCTION @extschema@.check_filings(timestamptz) TO cleangov_admin;

ALTER TABLE @extschema@.filing ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.filing_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY filing_admin_analyst ON @extschema@.filing FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY filing_inspector ON @extschema@.filing FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY filing_event_admin_analyst ON @extschema@.filing_event FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY filing_event_inspector ON @extschema@.filing_event FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));

-- The filings with their labels and their review due date.
CREATE VIEW @extschema@.filing_detail WITH (security_invoker = true) AS
SELECT f.filing_id, f.kind, f.matter, f.unit_code, u.name AS unit_name, u.name_zh AS unit_name_zh, f.person_id,
       f.title, f.event_on, f.carried_out_on, f.due_on, f.submitted_at, f.submitted_at::date > f.due_on AS late,
       f.status, @extschema@.filing_status_zh(f.status) AS status_zh,
       CASE WHEN f.status IN ('submitted', 'under_review')
            THEN f.pending_since::date + @extschema@.filing_rule_days('FILING_REVIEW_OVERDUE', 'review_days') END AS review_due_on,
       f.reviewed_at, f.reviewed_by, f.review_note
  FROM @extschema@.filing f
  LEFT JOIN @extschema@.unit u ON u.unit_code = f.unit_code;
COMMENT ON VIEW @extschema@.filing_detail IS
  'Filings with the unit''s names, whether they came late, the Chinese label of the review state and, while pending, the day the review is due (FILING_REVIEW_OVERDUE''s review_days after the last submission). Row-level security of the filings applies.';
GRANT SELECT ON @extschema@.filing_detail TO cleangov_admin, cleangov_inspector, cleangov_analyst;
