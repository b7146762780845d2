-- Supervision orders (督办单, seed 003): an order sent by a unit to another
-- body (finance, audit, a department) with the matter, the deadline and the
-- reply required; replies, reminders (催办), returned replies and overdue
-- orders.  An order stems from an alert, a clue or a common-problem analysis.
-- One entry point per transition, an append-only event trail, row-level
-- security by unit (the issuing unit's and the addressee's).  order_check()
-- raises rule ORDER_OVERDUE's alerts.  See doc/orders.md.

CREATE TABLE @extschema@.supervision_order (
  order_id            bigserial PRIMARY KEY,
  unit_code           text NOT NULL REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  addressee_unit_code text NOT NULL REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  addressee_kind      text NOT NULL CHECK (addressee_kind IN ('finance', 'audit', 'department', 'other')),
  matter              text NOT NULL,
  reply_required      text NOT NULL CHECK (reply_required IN ('written_report', 'rectification_plan',
                                                                'investigation_result', 'data_correction')),
  origin              text NOT NULL CHECK (origin IN ('alert', 'clue', 'analysis')),
  alert_id            bigint REFERENCES @extschema@.alert (alert_id),
  clue_id             bigint REFERENCES @extschema@.clue (clue_id),
  analysis            text,
  issued_at           timestamptz NOT NULL DEFAULT now(),
  issued_by           name NOT NULL DEFAULT @extschema@.actor(),
  due_at              timestamptz NOT NULL,
  status              text NOT NULL DEFAULT 'sent'
                      CHECK (status IN ('sent', 'replied', 'returned', 'accepted', 'withdrawn')),
  reminder_count      integer NOT NULL DEFAULT 0 CHECK (reminder_count >= 0),
  last_reminded_at    timestamptz,
  replied_at          timestamptz,
  reply               text,
  closed_at           timestamptz,
  CHECK (addressee_unit_code <> unit_code),
  CHECK ((origin = 'alert') = (alert_id IS NOT NULL)),
  CHECK ((origin = 'clue') = (clue_id IS NOT NULL)),
  CHECK ((origin = 'analysis') = (analysis IS NOT NULL)),
  CHECK ((status IN ('accepted', 'withdrawn')) = (closed_at IS NOT NULL))
);
CREATE INDEX supervision_order_unit_idx ON @extschema@.supervision_order (unit_code);
CREATE INDEX supervision_order_addressee_idx ON @extschema@.supervision_order (addressee_unit_code);
CREATE INDEX supervision_order_due_idx ON @extschema@.supervision_order (due_at) WHERE status IN ('sent', 'returned');
COMMENT ON TABLE @extschema@.supervision_order IS
  'Supervision orders (督办单): issuing unit, addressee unit and its kind (finance 财政, audit 审计, department 部门, other), the matter, the reply required, where it stems from (an alert, a clue or a common-problem analysis 共性问题分析), issue time and deadline, status, reminders, the last reply. Written only by the entry-point functions; read under row-level security by the issuing and the addressed unit.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supervision_order', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supervision_order_order_id_seq', '');

CREATE FUNCTION @extschema@.order_status_guard() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status
     AND (OLD.status, NEW.status) NOT IN (('sent', 'replied'), ('returned', 'replied'), ('replied', 'returned'),
                                          ('replied', 'accepted'), ('sent', 'withdrawn'), ('returned', 'withdrawn'),
                                          ('replied', 'withdrawn')) THEN
    RAISE EXCEPTION 'illegal status change of supervision order %: % to %', OLD.order_id, OLD.status, NEW.status
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Allowed: sent or returned to replied, replied to returned or accepted, and withdrawing before acceptance.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.order_status_guard() IS
  'BEFORE UPDATE trigger on cleangov.supervision_order: refuses an illegal status change with 55000 (accepted and withdrawn orders stay so). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER order_status_guard BEFORE UPDATE OF status ON @extschema@.supervision_order
  FOR EACH ROW EXECUTE FUNCTION @extschema@.order_status_guard();

CREATE TABLE @extschema@.order_event (
  event_id    bigserial PRIMARY KEY,
  order_id    bigint NOT NULL REFERENCES @extschema@.supervision_order (order_id),
  event       text NOT NULL CHECK (event IN ('issued', 'replied', 'returned', 'accepted', 'withdrawn', 'reminded')),
  at          timestamptz NOT NULL DEFAULT now(),
  by_role     name NOT NULL DEFAULT @extschema@.actor(),
  from_status text,
  to_status   text,
  note        text,
  detail      jsonb
);
CREATE INDEX order_event_order_idx ON @extschema@.order_event (order_id, event_id);
COMMENT ON TABLE @extschema@.order_event IS
  'Audit trail of supervision orders: issue, every reply (its text in note), return, acceptance, withdrawal and reminder (催办) with time and the acting role. Append-only: UPDATE, DELETE and TRUNCATE are refused (42501), also for the owner.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.order_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.order_event_event_id_seq', '');
CREATE TRIGGER order_event_append_only BEFORE UPDATE OR DELETE ON @extschema@.order_event
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER order_event_no_truncate BEFORE TRUNCATE ON @extschema@.order_event
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE FUNCTION @extschema@.order_status_name(status text, lang text DEFAULT 'en') RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE WHEN lang = 'zh' THEN
           CASE status WHEN 'sent' THEN '已下发' WHEN 'replied' THEN '已回复' WHEN 'returned' THEN '退回重办'
                       WHEN 'accepted' THEN '已办结' WHEN 'withdrawn' THEN '已撤回' END
         ELSE
           CASE status WHEN 'sent' THEN 'sent' WHEN 'replied' THEN 'replied' WHEN 'returned' THEN 'reply returned'
                       WHEN 'accepted' THEN 'reply accepted' WHEN 'withdrawn' THEN 'withdrawn' END
         END;
COMMENT ON FUNCTION @extschema@.order_status_name(text, text) IS
  'Name of a supervision order''s status in English or Chinese: sent 已下发, replied 已回复, returned 退回重办, accepted 已办结, withdrawn 已撤回.';

-- Locks an order for a transition.  An order neither unit of which the
-- acting role may handle does not exist for it (42704, as a missing one); the
-- wrong side (the addressee accepting its own reply, the issuer replying) is
-- 42501; the wrong status 55000.  Internal.
CREATE FUNCTION @extschema@.order_for_transition(order_id bigint, needed text[], side text, action text)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  o @extschema@.supervision_order;
  issuer boolean;
  addressee boolean;
BEGIN
  IF order_id IS NULL THEN
    RAISE EXCEPTION 'order_id must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO o FROM @extschema@.supervision_order x WHERE x.order_id = order_for_transition.order_id FOR UPDATE;
  issuer := FOUND AND @extschema@.may_handle(o.unit_code);
  addressee := FOUND AND @extschema@.may_handle(o.addressee_unit_code);
  IF NOT (issuer OR addressee) THEN
    RAISE EXCEPTION 'supervision order % does not exist', order_for_transition.order_id
      USING ERRCODE = 'undefined_object',
            HINT = 'Orders neither issued by nor sent to a unit assigned to you are not shown.';
  END IF;
  IF (side = 'issuer' AND NOT issuer) OR (side = 'addressee' AND NOT addressee) THEN
    RAISE EXCEPTION 'only the % unit (%) may % supervision order %',
                    CASE side WHEN 'issuer' THEN 'issuing' ELSE 'addressed' END,
                    CASE side WHEN 'issuer' THEN o.unit_code ELSE o.addressee_unit_code END, action, o.order_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF o.status <> ALL (needed) THEN
    RAISE EXCEPTION 'supervision order % is % (%): % needs status %', o.order_id, o.status,
                    @extschema@.order_status_name(o.status, 'zh'), action, array_to_string(needed, ' or ')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.order_for_transition(bigint, text[], text, text) IS
  'Internal: locks a supervision order for a transition by the issuing or the addressed side; 22004 for a NULL id, 42704 for a missing order or one neither of whose units the acting role may handle (the same answer), 42501 for the wrong side, 55000 for the wrong status. Volatile because it locks the row; parallel unsafe because it locks.';

CREATE FUNCTION @extschema@.issue_order(unit_code text, addressee_unit_code text, addressee_kind text, matter text,
                                        due_at timestamptz, reply_required text,
                                        alert_id bigint DEFAULT NULL, clue_id bigint DEFAULT NULL,
                                        analysis text DEFAULT NULL, note text DEFAULT NULL)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
  a_unit text;
  a_status text;
  c_unit text;
BEGIN
  IF issue_order.unit_code IS NULL OR issue_order.addressee_unit_code IS NULL OR issue_order.addressee_kind IS NULL
     OR issue_order.matter IS NULL OR btrim(issue_order.matter) = '' OR issue_order.due_at IS NULL
     OR issue_order.reply_required IS NULL THEN
    RAISE EXCEPTION 'unit_code, addressee_unit_code, addressee_kind, matter, due_at and reply_required are required'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF num_nonnulls(issue_order.alert_id, issue_order.clue_id, nullif(btrim(issue_order.analysis), '')) <> 1 THEN
    RAISE EXCEPTION 'an order stems from exactly one of an alert, a clue or an analysis (given: %)',
                    num_nonnulls(issue_order.alert_id, issue_order.clue_id, nullif(btrim(issue_order.analysis), ''))
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass alert_id, clue_id or analysis (the common-problem analysis it comes from).';
  END IF;
  IF issue_order.addressee_kind NOT IN ('finance', 'audit', 'department', 'other') THEN
    RAISE EXCEPTION 'addressee_kind must be finance, audit, department or other, not %', quote_literal(issue_order.addressee_kind)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF issue_order.reply_required NOT IN ('written_report', 'rectification_plan', 'investigation_result', 'data_correction') THEN
    RAISE EXCEPTION 'reply_required must be written_report, rectification_plan, investigation_result or data_correction, not %',
                    quote_literal(issue_order.reply_required)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF issue_order.due_at <= now() THEN
    RAISE EXCEPTION 'the deadline % is not in the future', issue_order.due_at
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = issue_order.unit_code)
     OR NOT @extschema@.may_handle(issue_order.unit_code) THEN
    RAISE EXCEPTION 'unit "%" does not exist', issue_order.unit_code
      USING ERRCODE = 'undefined_object',
            HINT = 'Orders are issued by units assigned to you.';
  END IF;
  -- the addressee is another body: it need not be one of the issuer's units
  IF NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = issue_order.addressee_unit_code) THEN
    RAISE EXCEPTION 'addressee unit "%" does not exist', issue_order.addressee_unit_code
      USING ERRCODE = 'undefined_object';
  END IF;
  IF issue_order.addressee_unit_code = issue_order.unit_code THEN
    RAISE EXCEPTION 'a unit does not send a supervision order to itself'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF issue_order.alert_id IS NOT NULL THEN
    SELECT a.unit_code, a.status INTO a_unit, a_status FROM @extschema@.alert a WHERE a.alert_id = issue_order.alert_id;
    IF NOT FOUND OR NOT @extschema@.may_handle(a_unit) THEN
      RAISE EXCEPTION 'alert % does not exist', issue_order.alert_id
        USING ERRCODE = 'undefined_object', HINT = 'Alerts of units not assigned to you are not shown.';
    END IF;
    IF a_status = 'dismissed' THEN
      RAISE EXCEPTION 'alert % is dismissed as a false positive: no order stems from it', issue_order.alert_id
        USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
  END IF;
  IF issue_order.clue_id IS NOT NULL THEN
    SELECT c.unit_code INTO c_unit FROM @extschema@.clue c WHERE c.clue_id = issue_order.clue_id;
    IF NOT FOUND OR NOT @extschema@.may_handle(c_unit) THEN
      RAISE EXCEPTION 'clue % does not exist', issue_order.clue_id
        USING ERRCODE = 'undefined_object', HINT = 'Clues of units not assigned to you are not shown.';
    END IF;
  END IF;
  INSERT INTO @extschema@.supervision_order AS x (unit_code, addressee_unit_code, addressee_kind, matter, reply_required,
                                                  origin, alert_id, clue_id, analysis, due_at)
  VALUES (issue_order.unit_code, issue_order.addressee_unit_code, issue_order.addressee_kind, issue_order.matter,
          issue_order.reply_required,
          CASE WHEN issue_order.alert_id IS NOT NULL THEN 'alert' WHEN issue_order.clue_id IS NOT NULL THEN 'clue' ELSE 'analysis' END,
          issue_order.alert_id, issue_order.clue_id, nullif(btrim(issue_order.analysis), ''), issue_order.due_at)
  RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note, detail)
  VALUES (o.order_id, 'issued', NULL, 'sent', issue_order.note,
          jsonb_strip_nulls(jsonb_build_object('addressee', o.addressee_unit_code, 'due_at', o.due_at, 'origin', o.origin,
                                               'alert_id', o.alert_id, 'clue_id', o.clue_id)));
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.issue_order(text, text, text, text, timestamptz, text, bigint, bigint, text, text) IS
  'Issues a supervision order (下发督办单) from a unit the acting role may handle to another unit (finance, audit, department, other) with the matter, a future deadline and the reply required (written_report 书面报告, rectification_plan 整改方案, investigation_result 查处结果, data_correction 数据更正); it stems from exactly one of an alert, a clue or a common-problem analysis. Raises 22004 for a missing argument, 22023 for an unknown kind, none or two origins, a past deadline or the issuer as addressee, 42704 for an issuing unit, alert or clue not visible to the acting role or an addressee that does not exist, 55000 for a dismissed alert. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to orders.';

CREATE FUNCTION @extschema@.reply_order(order_id bigint, reply text)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
  was text;
BEGIN
  IF reply_order.reply IS NULL OR btrim(reply_order.reply) = '' THEN
    RAISE EXCEPTION 'a reply needs its text' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  o := @extschema@.order_for_transition(reply_order.order_id, '{sent,returned}', 'addressee', 'reply to');
  was := o.status;
  UPDATE @extschema@.supervision_order x SET status = 'replied', replied_at = now(), reply = reply_order.reply
   WHERE x.order_id = o.order_id RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note, detail)
  VALUES (o.order_id, 'replied', was, 'replied', reply_order.reply,
          jsonb_build_object('late', o.replied_at > o.due_at, 'due_at', o.due_at));
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.reply_order(bigint, text) IS
  'The addressed unit replies to a sent or returned supervision order (回复); the event records whether the reply was late. Raises 22004 for an empty reply, 42704 for an order not visible to the acting role, 42501 when the acting role handles only the issuing unit, 55000 for an order not awaiting a reply. Volatile because it writes; parallel unsafe because it writes; security definer so that the addressee needs no write access to orders.';

CREATE FUNCTION @extschema@.return_reply(order_id bigint, note text, due_at timestamptz DEFAULT NULL)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
BEGIN
  IF return_reply.note IS NULL OR btrim(return_reply.note) = '' THEN
    RAISE EXCEPTION 'a returned reply needs the reason' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF return_reply.due_at IS NOT NULL AND return_reply.due_at <= now() THEN
    RAISE EXCEPTION 'the new deadline % is not in the future', return_reply.due_at
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := @extschema@.order_for_transition(return_reply.order_id, '{replied}', 'issuer', 'return the reply of');
  UPDATE @extschema@.supervision_order x SET status = 'returned', due_at = coalesce(return_reply.due_at, x.due_at)
   WHERE x.order_id = o.order_id RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note, detail)
  VALUES (o.order_id, 'returned', 'replied', 'returned', return_reply.note, jsonb_build_object('due_at', o.due_at));
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.return_reply(bigint, text, timestamptz) IS
  'The issuing unit returns an insufficient reply (退回重办) with the reason and optionally a new (future) deadline; the order awaits a reply again. Raises 22004 for no reason, 22023 for a past deadline, 42704 for an order not visible, 42501 for the addressee, 55000 for an order not replied. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to orders.';

CREATE FUNCTION @extschema@.accept_reply(order_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
BEGIN
  o := @extschema@.order_for_transition(accept_reply.order_id, '{replied}', 'issuer', 'accept the reply of');
  UPDATE @extschema@.supervision_order x SET status = 'accepted', closed_at = now()
   WHERE x.order_id = o.order_id RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note)
  VALUES (o.order_id, 'accepted', 'replied', 'accepted', accept_reply.note);
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.accept_reply(bigint, text) IS
  'The issuing unit accepts the reply and closes the order (办结). Raises 42704 for an order not visible, 42501 for the addressee, 55000 for an order not replied. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to orders.';

CREATE FUNCTION @extschema@.withdraw_order(order_id bigint, note text)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
  was text;
BEGIN
  IF withdraw_order.note IS NULL OR btrim(withdraw_order.note) = '' THEN
    RAISE EXCEPTION 'a withdrawal needs the reason' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  o := @extschema@.order_for_transition(withdraw_order.order_id, '{sent,returned,replied}', 'issuer', 'withdraw');
  was := o.status;
  UPDATE @extschema@.supervision_order x SET status = 'withdrawn', closed_at = now()
   WHERE x.order_id = o.order_id RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note)
  VALUES (o.order_id, 'withdrawn', was, 'withdrawn', withdraw_order.note);
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.withdraw_order(bigint, text) IS
  'The issuing unit withdraws an order not yet accepted (撤回), with the reason. Raises 22004 for no reason, 42704 for an order not visible, 42501 for the addressee, 55000 for an accepted or withdrawn order. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to orders.';

CREATE FUNCTION @extschema@.remind_order(order_id bigint, note text DEFAULT NULL)
  RETURNS @extschema@.supervision_order
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  o @extschema@.supervision_order;
BEGIN
  o := @extschema@.order_for_transition(remind_order.order_id, '{sent,returned}', 'issuer', 'remind');
  UPDATE @extschema@.supervision_order x SET reminder_count = x.reminder_count + 1, last_reminded_at = now()
   WHERE x.order_id = o.order_id RETURNING * INTO o;
  INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, note, detail)
  VALUES (o.order_id, 'reminded', o.status, o.status, remind_order.note,
          jsonb_build_object('reminder', o.reminder_count, 'overdue', o.due_at < now()));
  RETURN o;
END
$$;
COMMENT ON FUNCTION @extschema@.remind_order(bigint, text) IS
  'The issuing unit reminds the addressee of an order awaiting a reply (催办): reminder_count + 1 and a reminded event. Raises 42704 for an order not visible, 42501 for the addressee, 55000 for an order not awaiting a reply. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to orders.';

CREATE FUNCTION @extschema@.remind_overdue(as_of timestamptz DEFAULT now(), every_days integer DEFAULT 7)
  RETURNS TABLE (order_id bigint, reminder_count integer)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
BEGIN
  IF as_of IS NULL OR every_days IS NULL THEN
    RAISE EXCEPTION 'as_of and every_days must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF every_days < 1 THEN
    RAISE EXCEPTION 'every_days must be at least 1, not %', every_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  WITH up AS (
    UPDATE @extschema@.supervision_order o
       SET reminder_count = o.reminder_count + 1, last_reminded_at = as_of
     WHERE o.status IN ('sent', 'returned') AND o.due_at < as_of
       AND (o.last_reminded_at IS NULL OR o.last_reminded_at <= as_of - make_interval(days => every_days))
    RETURNING o.order_id, o.reminder_count, o.status, o.due_at
  ), ev AS (
    INSERT INTO @extschema@.order_event (order_id, event, from_status, to_status, detail)
    SELECT up.order_id, 'reminded', up.status, up.status,
           jsonb_build_object('reminder', up.reminder_count, 'overdue', true, 'as_of', as_of, 'due_at', up.due_at)
      FROM up
  )
  SELECT up.order_id, up.reminder_count FROM up ORDER BY up.order_id;
END
$$;
COMMENT ON FUNCTION @extschema@.remind_overdue(timestamptz, integer) IS
  'Reminds (催办) every order awaiting a reply past its deadline as of as_of and not reminded in the last every_days days: reminder_count + 1 and a reminded event each. Idempotent at one as_of. Raises 22004 for a NULL argument, 22023 for every_days below 1. Volatile because it writes; parallel unsafe because it writes; security definer so that it reaches every unit''s orders (a pg_cron job of an admin).';

CREATE VIEW @extschema@.order_detail WITH (security_invoker = true) AS
SELECT o.order_id, 'DB-' || lpad(o.order_id::text, 8, '0') AS order_no,
       o.unit_code, u.name_zh AS unit_name_zh, o.addressee_unit_code, au.name AS addressee_name,
       au.name_zh AS addressee_name_zh, o.addressee_kind, o.matter, o.reply_required, o.origin, o.alert_id, o.clue_id,
       o.analysis, o.issued_at, o.due_at, o.status, @extschema@.order_status_name(o.status, 'zh') AS status_zh,
       o.status IN ('sent', 'returned') AND o.due_at < now() AS overdue,
       o.reminder_count, o.last_reminded_at, o.replied_at, o.replied_at > o.due_at AS replied_late, o.reply, o.closed_at
  FROM @extschema@.supervision_order o
  LEFT JOIN @extschema@.unit u ON u.unit_code = o.unit_code
  LEFT JOIN @extschema@.unit au ON au.unit_code = o.addressee_unit_code;
COMMENT ON VIEW @extschema@.order_detail IS
  'Supervision orders with a number (DB-…), unit names, the status in Chinese, whether an order awaiting a reply is overdue now, and whether the last reply was late. security_invoker: row-level security of orders applies.';

-- ---- the rule over the orders -----------------------------------------------
INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('ORDER_OVERDUE', 'supervision order not replied in time', '督办单逾期未回复', 'supervision', 'orders unanswered', 'order',
  '{"grace_days": 0, "red_after_reminders": 2}', 'yellow',
  'A supervision order awaiting a reply (sent or returned) more than {grace_days} days past its deadline: yellow, red once it has been reminded {red_after_reminders} times. The alert goes to the addressed unit. Evaluated by cleangov.order_check().');

CREATE FUNCTION @extschema@.order_check(as_of timestamptz DEFAULT now())
  RETURNS TABLE (rule_code text, alert_id bigint, action text)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  hits @extschema@.hit[];
BEGIN
  IF as_of IS NULL THEN
    RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT coalesce(array_agg(ROW('ORDER_OVERDUE', 'order', o.order_id::text, o.addressee_unit_code, '',
                                floor(extract(epoch FROM as_of - o.due_at) / 86400)::float8,
                                (r.thresholds ->> 'grace_days')::float8,
                                CASE WHEN o.reminder_count >= (r.thresholds ->> 'red_after_reminders')::int
                                     THEN 'red' ELSE 'yellow' END::@extschema@.level,
                                jsonb_build_object('order_id', o.order_id, 'issued_by_unit', o.unit_code,
                                                   'addressee_kind', o.addressee_kind, 'matter', o.matter,
                                                   'due_at', o.due_at, 'status', o.status,
                                                   'reminders', o.reminder_count, 'origin', o.origin),
                                'cleangov.supervision_order', o.order_id::text)::@extschema@.hit
                            ORDER BY o.order_id), '{}')
    INTO hits
    FROM @extschema@.supervision_order o
    JOIN @extschema@.rule r ON r.rule_code = 'ORDER_OVERDUE' AND r.enabled
   WHERE o.status IN ('sent', 'returned') AND o.issued_at <= as_of
     AND o.due_at + make_interval(days => (r.thresholds ->> 'grace_days')::int) < as_of;
  RETURN QUERY SELECT * FROM @extschema@.raise_checked(hits);
END
$$;
COMMENT ON FUNCTION @extschema@.order_check(timestamptz) IS
  'Evaluates rule ORDER_OVERDUE as of as_of and raises its alerts through raise_alerts(): every order awaiting a reply past its deadline plus grace_days, at the addressed unit, red after red_after_reminders reminders; a disabled rule raises nothing. Returns (rule_code, alert_id, action). Idempotent at one as_of. Raises 22004 for a NULL as_of. Volatile because it writes alerts; parallel unsafe because it writes; security definer so that it reads every unit''s orders (a pg_cron job of an admin).';

-- ---- access -----------------------------------------------------------------
GRANT SELECT ON @extschema@.supervision_order, @extschema@.order_event, @extschema@.order_detail
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
ALTER TABLE @extschema@.supervision_order ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.order_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY supervision_order_admin_analyst ON @extschema@.supervision_order FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY supervision_order_inspector ON @extschema@.supervision_order FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user))
         OR addressee_unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY order_event_admin_analyst ON @extschema@.order_event FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY order_event_inspector ON @extschema@.order_event FOR SELECT TO cleangov_inspector
  USING (order_id IN (SELECT o.order_id FROM @extschema@.supervision_order o));

GRANT EXECUTE ON FUNCTION
  @extschema@.issue_order(text, text, text, text, timestamptz, text, bigint, bigint, text, text),
  @extschema@.reply_order(bigint, text),
  @extschema@.return_reply(bigint, text, timestamptz),
  @extschema@.accept_reply(bigint, text),
  @extschema@.withdraw_order(bigint, text),
  @extschema@.remind_order(bigint, text)
  TO cleangov_admin, cleangov_inspector;
GRANT EXECUTE ON FUNCTION @extschema@.remind_overdue(timestamptz, integer), @extschema@.order_check(timestamptz)
  TO cleangov_admin;
