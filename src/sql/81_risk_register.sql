-- Risk registers (廉政风险防控清单, seeds 000, 001, 004): per unit, office
-- and post, the risk points with their scenario of the catalogue
-- (80_catalogue.sql), the person responsible, the control measures, the
-- rules that watch them and the last review of the register.  Written only
-- through the functions below (one per transition, each writing its event);
-- read under row-level security by unit.  See doc/risk-register.md.

CREATE TABLE @extschema@.risk_register (
  unit_code        text PRIMARY KEY REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  review_days      integer NOT NULL DEFAULT 365 CHECK (review_days > 0),
  opened_at        timestamptz NOT NULL DEFAULT now(),
  last_reviewed_at timestamptz,
  last_reviewed_by name
);
COMMENT ON TABLE @extschema@.risk_register IS
  'The risk register (廉政风险防控清单) of a unit: when it was opened, how often it must be reviewed (review_days, 365 by default: the seeds ask for a register "updated dynamically" and name no period) and its last review. Its points are rows of cleangov.risk_point. Written only by open_register() and review_register().';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_register', '');

CREATE TABLE @extschema@.risk_point (
  point_id     bigserial PRIMARY KEY,
  unit_code    text NOT NULL REFERENCES @extschema@.risk_register (unit_code) ON UPDATE CASCADE,
  office       text,
  post         text,
  layer        text NOT NULL GENERATED ALWAYS AS
                 (CASE WHEN post IS NOT NULL THEN 'post' WHEN office IS NOT NULL THEN 'office' ELSE 'unit' END) STORED,
  scenario     text NOT NULL REFERENCES @extschema@.risk_scenario (scenario) ON UPDATE CASCADE,
  description  text NOT NULL CHECK (description <> ''),
  responsible  text NOT NULL CHECK (responsible <> ''),
  measures     text NOT NULL CHECK (measures <> ''),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
  added_at     timestamptz NOT NULL DEFAULT now(),
  retired_at   timestamptz,
  CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);
CREATE INDEX risk_point_unit_idx ON @extschema@.risk_point (unit_code);
CREATE INDEX risk_point_scenario_idx ON @extschema@.risk_point (scenario) WHERE status = 'active';
COMMENT ON TABLE @extschema@.risk_point IS
  'Risk points (廉政风险点) of a unit''s register, at the layer of the unit, an office (处室) or a post (岗位) (seed 004: 单位、处室、岗位三个层面): scenario of the catalogue, description, the person responsible, the control measures (防控措施), active or retired. Written only by add_risk_point() and retire_risk_point().';
COMMENT ON COLUMN @extschema@.risk_point.layer IS 'unit, office or post: the most specific of office and post that is given.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_point', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_point_point_id_seq', '');

CREATE TABLE @extschema@.risk_point_rule (
  point_id  bigint NOT NULL REFERENCES @extschema@.risk_point (point_id),
  rule_code text NOT NULL REFERENCES @extschema@.rule (rule_code) ON UPDATE CASCADE ON DELETE CASCADE,
  unit_code text NOT NULL,
  PRIMARY KEY (point_id, rule_code)
);
CREATE INDEX risk_point_rule_rule_idx ON @extschema@.risk_point_rule (rule_code);
COMMENT ON TABLE @extschema@.risk_point_rule IS
  'Rules linked by hand to a risk point (a rule of another scenario that also watches it); a rule of the point''s own scenario watches it without a link (cleangov.risk_point_watch). unit_code repeats the point''s unit for row-level security. Written only by link_rule() and unlink_rule().';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_point_rule', '');

CREATE TABLE @extschema@.risk_register_event (
  event_id  bigserial PRIMARY KEY,
  unit_code text NOT NULL,
  point_id  bigint,
  event     text NOT NULL CHECK (event IN ('opened', 'point_added', 'point_retired', 'rule_linked',
                                           'rule_unlinked', 'reviewed')),
  at        timestamptz NOT NULL DEFAULT now(),
  by_role   name NOT NULL DEFAULT @extschema@.actor(),
  note      text,
  detail    jsonb
);
CREATE INDEX risk_register_event_unit_idx ON @extschema@.risk_register_event (unit_code, event_id);
COMMENT ON TABLE @extschema@.risk_register_event IS
  'Audit trail of the risk registers: every opening, point added or retired, rule linked or unlinked and review, with time and the role that acted. Append-only: UPDATE, DELETE and TRUNCATE are refused (42501), also for the owner.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_register_event', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.risk_register_event_event_id_seq', '');
CREATE TRIGGER risk_register_event_append_only BEFORE UPDATE OR DELETE ON @extschema@.risk_register_event
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER risk_register_event_no_truncate BEFORE TRUNCATE ON @extschema@.risk_register_event
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

-- The register of a unit, locked, or 42704 (hidden and missing registers get
-- the same answer).
CREATE FUNCTION @extschema@.register_for_update(unit_code text) RETURNS @extschema@.risk_register
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  g @extschema@.risk_register;
BEGIN
  SELECT * INTO g FROM @extschema@.risk_register x WHERE x.unit_code = register_for_update.unit_code FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(g.unit_code) THEN
    RAISE EXCEPTION 'unit % has no risk register', coalesce(quote_literal(unit_code), 'NULL')
      USING ERRCODE = 'undefined_object',
            HINT = 'Open it with cleangov.open_register(); registers of units not assigned to you are not shown.';
  END IF;
  RETURN g;
END
$$;
COMMENT ON FUNCTION @extschema@.register_for_update(text) IS
  'Internal: the risk register of a unit, locked for update, when the acting role may handle the unit; 42704 otherwise (the same answer for a missing and a hidden register). Volatile because it locks the row; parallel unsafe because it locks.';

CREATE FUNCTION @extschema@.open_register(unit_code text, review_days integer DEFAULT 365, note text DEFAULT NULL)
  RETURNS @extschema@.risk_register
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  g @extschema@.risk_register;
BEGIN
  IF unit_code IS NULL OR review_days IS NULL THEN
    RAISE EXCEPTION '% must not be NULL', CASE WHEN unit_code IS NULL THEN 'unit_code' ELSE 'review_days' END
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF review_days <= 0 THEN
    RAISE EXCEPTION 'review_days must be positive, not %', review_days USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = open_register.unit_code)
     OR NOT @extschema@.may_handle(unit_code) THEN
    RAISE EXCEPTION 'unit % does not exist', quote_literal(unit_code)
      USING ERRCODE = 'undefined_object', HINT = 'Units not assigned to you are not shown.';
  END IF;
  INSERT INTO @extschema@.risk_register AS x (unit_code, review_days)
  VALUES (open_register.unit_code, open_register.review_days)
  ON CONFLICT DO NOTHING
  RETURNING x.* INTO g;
  IF g.unit_code IS NULL THEN
    RAISE EXCEPTION 'unit % already has a risk register', quote_literal(unit_code)
      USING ERRCODE = 'duplicate_object';
  END IF;
  INSERT INTO @extschema@.risk_register_event (unit_code, event, note, detail)
  VALUES (g.unit_code, 'opened', note, jsonb_build_object('review_days', g.review_days));
  RETURN g;
END
$$;
COMMENT ON FUNCTION @extschema@.open_register(text, integer, text) IS
  'Opens the risk register of a unit, to be reviewed every review_days days (365 by default). Raises 22004 for a NULL argument, 22023 for review_days not positive, 42704 for a unit that does not exist or is not assigned to the acting role, 42710 when the unit has a register. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

CREATE FUNCTION @extschema@.add_risk_point(unit_code text, scenario text, description text, responsible text,
                                           measures text, office text DEFAULT NULL, post text DEFAULT NULL,
                                           rules text[] DEFAULT '{}')
  RETURNS @extschema@.risk_point
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  g @extschema@.risk_register;
  p @extschema@.risk_point;
  missing text;
BEGIN
  IF nullif(scenario, '') IS NULL OR nullif(description, '') IS NULL OR nullif(responsible, '') IS NULL
     OR nullif(measures, '') IS NULL THEN
    RAISE EXCEPTION 'a risk point needs a scenario, a description, a person responsible and control measures'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  g := @extschema@.register_for_update(unit_code);
  IF NOT EXISTS (SELECT FROM @extschema@.risk_scenario s WHERE s.scenario = add_risk_point.scenario) THEN
    RAISE EXCEPTION 'scenario % is not in the risk catalogue', quote_literal(scenario)
      USING ERRCODE = 'undefined_object', HINT = 'The scenarios are rows of cleangov.risk_scenario (cleangov.risk_catalogue).';
  END IF;
  SELECT x INTO missing FROM unnest(coalesce(rules, '{}')) x
   WHERE x IS NULL OR NOT EXISTS (SELECT FROM @extschema@.rule r WHERE r.rule_code = x) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'rule % does not exist', coalesce(quote_literal(missing), 'NULL') USING ERRCODE = 'undefined_object';
  END IF;
  INSERT INTO @extschema@.risk_point AS x (unit_code, office, post, scenario, description, responsible, measures)
  VALUES (g.unit_code, nullif(office, ''), nullif(post, ''), scenario, description, responsible, measures)
  RETURNING x.* INTO p;
  INSERT INTO @extschema@.risk_register_event (unit_code, point_id, event, detail)
  VALUES (p.unit_code, p.point_id, 'point_added',
          jsonb_build_object('scenario', p.scenario, 'layer', p.layer, 'office', p.office, 'post', p.post));
  INSERT INTO @extschema@.risk_point_rule (point_id, rule_code, unit_code)
  SELECT DISTINCT p.point_id, x, p.unit_code FROM unnest(coalesce(rules, '{}')) x;
  INSERT INTO @extschema@.risk_register_event (unit_code, point_id, event, detail)
  SELECT DISTINCT p.unit_code, p.point_id, 'rule_linked', jsonb_build_object('rule_code', x)
    FROM unnest(coalesce(rules, '{}')) x;
  RETURN p;
END
$$;
COMMENT ON FUNCTION @extschema@.add_risk_point(text, text, text, text, text, text, text, text[]) IS
  'Adds a risk point to a unit''s register: scenario of the catalogue, description, person responsible, control measures, optional office and post (the layer: unit, office or post) and rules linked to it (rules of the point''s scenario watch it without a link). Raises 22004 for a missing scenario, description, person or measures, 42704 for a unit without a visible register, a scenario not in the catalogue or an unknown rule. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

-- The active point of a visible register, locked, or an error.
CREATE FUNCTION @extschema@.point_for_update(point_id bigint) RETURNS @extschema@.risk_point
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  p @extschema@.risk_point;
BEGIN
  SELECT * INTO p FROM @extschema@.risk_point x WHERE x.point_id = point_for_update.point_id FOR UPDATE;
  IF NOT FOUND OR NOT @extschema@.may_handle(p.unit_code) THEN
    RAISE EXCEPTION 'risk point % does not exist', coalesce(point_id::text, 'NULL')
      USING ERRCODE = 'undefined_object', HINT = 'Risk points of units not assigned to you are not shown.';
  END IF;
  IF p.status = 'retired' THEN
    RAISE EXCEPTION 'risk point % is retired', p.point_id USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN p;
END
$$;
COMMENT ON FUNCTION @extschema@.point_for_update(bigint) IS
  'Internal: an active risk point, locked for update, when the acting role may handle its unit; 42704 for a missing or hidden point, 55000 for a retired one. Volatile because it locks the row; parallel unsafe because it locks.';

CREATE FUNCTION @extschema@.retire_risk_point(point_id bigint, note text)
  RETURNS @extschema@.risk_point
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  p @extschema@.risk_point;
BEGIN
  IF nullif(note, '') IS NULL THEN
    RAISE EXCEPTION 'retiring a risk point needs a note (why the risk is gone)' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  p := @extschema@.point_for_update(point_id);
  UPDATE @extschema@.risk_point x SET status = 'retired', retired_at = now()
   WHERE x.point_id = p.point_id RETURNING x.* INTO p;
  INSERT INTO @extschema@.risk_register_event (unit_code, point_id, event, note)
  VALUES (p.unit_code, p.point_id, 'point_retired', note);
  RETURN p;
END
$$;
COMMENT ON FUNCTION @extschema@.retire_risk_point(bigint, text) IS
  'Retires an active risk point (the risk is gone: the post was abolished, the power moved), with a note; the point and its history stay. Raises 22004 without a note, 42704 for a missing or hidden point, 55000 for a retired one. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

CREATE FUNCTION @extschema@.link_rule(point_id bigint, rule_code text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  p @extschema@.risk_point;
  n bigint;
BEGIN
  p := @extschema@.point_for_update(point_id);
  IF rule_code IS NULL OR NOT EXISTS (SELECT FROM @extschema@.rule r WHERE r.rule_code = link_rule.rule_code) THEN
    RAISE EXCEPTION 'rule % does not exist', coalesce(quote_literal(rule_code), 'NULL') USING ERRCODE = 'undefined_object';
  END IF;
  INSERT INTO @extschema@.risk_point_rule (point_id, rule_code, unit_code)
  VALUES (p.point_id, link_rule.rule_code, p.unit_code) ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    INSERT INTO @extschema@.risk_register_event (unit_code, point_id, event, detail)
    VALUES (p.unit_code, p.point_id, 'rule_linked', jsonb_build_object('rule_code', rule_code));
  END IF;
  RETURN n > 0;
END
$$;
COMMENT ON FUNCTION @extschema@.link_rule(bigint, text) IS
  'Links a rule to an active risk point (it then watches the point whatever its scenario); true when the link is new, false when it existed. Raises 42704 for a missing or hidden point or an unknown rule, 55000 for a retired point. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

CREATE FUNCTION @extschema@.unlink_rule(point_id bigint, rule_code text)
  RETURNS boolean
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  p @extschema@.risk_point;
  n bigint;
BEGIN
  p := @extschema@.point_for_update(point_id);
  DELETE FROM @extschema@.risk_point_rule x WHERE x.point_id = p.point_id AND x.rule_code = unlink_rule.rule_code;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n > 0 THEN
    INSERT INTO @extschema@.risk_register_event (unit_code, point_id, event, detail)
    VALUES (p.unit_code, p.point_id, 'rule_unlinked', jsonb_build_object('rule_code', rule_code));
  END IF;
  RETURN n > 0;
END
$$;
COMMENT ON FUNCTION @extschema@.unlink_rule(bigint, text) IS
  'Removes a hand-made link between a rule and an active risk point; true when there was one. Raises 42704 for a missing or hidden point, 55000 for a retired one. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

CREATE FUNCTION @extschema@.review_register(unit_code text, note text, as_of timestamptz DEFAULT now())
  RETURNS @extschema@.risk_register
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  g @extschema@.risk_register;
BEGIN
  IF nullif(note, '') IS NULL OR as_of IS NULL THEN
    RAISE EXCEPTION 'a review needs a note and a time' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF as_of > now() THEN
    RAISE EXCEPTION 'a review cannot be dated in the future (%)', as_of USING ERRCODE = 'invalid_parameter_value';
  END IF;
  g := @extschema@.register_for_update(unit_code);
  IF as_of < g.opened_at OR as_of < g.last_reviewed_at THEN
    RAISE EXCEPTION 'a review cannot be dated before the register was opened or last reviewed (%)',
      greatest(g.opened_at, g.last_reviewed_at)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  UPDATE @extschema@.risk_register x SET last_reviewed_at = as_of, last_reviewed_by = @extschema@.actor()
   WHERE x.unit_code = g.unit_code RETURNING x.* INTO g;
  INSERT INTO @extschema@.risk_register_event (unit_code, event, note, detail)
  VALUES (g.unit_code, 'reviewed', note,
          jsonb_build_object('as_of', as_of,
                             'active_points', (SELECT count(*) FROM @extschema@.risk_point p
                                                WHERE p.unit_code = g.unit_code AND p.status = 'active')));
  RETURN g;
END
$$;
COMMENT ON FUNCTION @extschema@.review_register(text, text, timestamptz) IS
  'Records the review of a unit''s risk register (风险点动态排查) as of a time (now by default; an earlier time records a review done on paper): the next review is due review_days later. Raises 22004 without a note or time, 22023 for a time in the future or before the register was opened or last reviewed, 42704 for a missing or hidden register. Volatile because it writes; parallel unsafe because it writes; security definer so that inspectors need no write access to the registers.';

-- Which rules watch which active points: a rule of the point's scenario, or
-- a rule linked to the point; only enabled rules watch.
CREATE VIEW @extschema@.risk_point_watch WITH (security_invoker = true) AS
SELECT p.point_id, p.unit_code, r.rule_code, 'scenario'::text AS how
  FROM @extschema@.risk_point p
  JOIN @extschema@.rule r ON r.scenario = p.scenario AND r.enabled
 WHERE p.status = 'active'
UNION
SELECT p.point_id, p.unit_code, r.rule_code, 'linked'
  FROM @extschema@.risk_point p
  JOIN @extschema@.risk_point_rule l ON l.point_id = p.point_id
  JOIN @extschema@.rule r ON r.rule_code = l.rule_code AND r.enabled
 WHERE p.status = 'active'
   AND r.scenario IS DISTINCT FROM p.scenario;
COMMENT ON VIEW @extschema@.risk_point_watch IS
  'The enabled rules that watch each active risk point: how = scenario (the rule is filed under the point''s scenario) or linked (linked by hand, cleangov.link_rule()). Row-level security of the points applies.';

CREATE FUNCTION @extschema@.register_due_at(r @extschema@.risk_register) RETURNS timestamptz
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  RETURN coalesce(r.last_reviewed_at, r.opened_at) + make_interval(days => r.review_days);
COMMENT ON FUNCTION @extschema@.register_due_at(@extschema@.risk_register) IS
  'When the next review of a risk register is due: review_days after the last review, or after the opening when it was never reviewed. Stable because adding days to a timestamptz depends on the TimeZone setting.';

-- Coverage: the gaps between the registers and the rules.
CREATE VIEW @extschema@.risk_coverage WITH (security_invoker = true) AS
SELECT 'unwatched_point'::text AS gap, '风险点无规则监测'::text AS gap_zh,
       p.unit_code, p.point_id, NULL::text AS rule_code, p.scenario, NULL::timestamptz AS due_at
  FROM @extschema@.risk_point p
 WHERE p.status = 'active'
   AND NOT EXISTS (SELECT FROM @extschema@.risk_point_watch w WHERE w.point_id = p.point_id)
UNION ALL
SELECT 'unplaced_rule', '规则未对应风险点', NULL, NULL, r.rule_code, r.scenario, NULL
  FROM @extschema@.rule r
 WHERE r.enabled
   AND NOT EXISTS (SELECT FROM @extschema@.risk_point_watch w WHERE w.rule_code = r.rule_code)
UNION ALL
SELECT 'register_overdue', '风险清单逾期未复核', g.unit_code, NULL, NULL, NULL, @extschema@.register_due_at(g)
  FROM @extschema@.risk_register g
 WHERE @extschema@.register_due_at(g) < now();
COMMENT ON VIEW @extschema@.risk_coverage IS
  'Gaps between the risk registers and the rules: unwatched_point (an active risk point that no enabled rule watches), unplaced_rule (an enabled rule that watches no active risk point), register_overdue (a register whose review is past due, due_at). Row-level security applies: an inspector sees the points and registers of its units, and a rule counts as placed when it watches one of them.';

-- The register of a unit as a report (text), with the caller's rights.
CREATE FUNCTION @extschema@.risk_register_report(unit_code text) RETURNS text
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  g @extschema@.risk_register;
  u @extschema@.unit;
  head text;
  body text;
BEGIN
  SELECT * INTO g FROM @extschema@.risk_register x WHERE x.unit_code = risk_register_report.unit_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unit % has no risk register', quote_literal(unit_code)
      USING ERRCODE = 'undefined_object', HINT = 'Registers of units not assigned to you are not shown.';
  END IF;
  SELECT * INTO u FROM @extschema@.unit x WHERE x.unit_code = g.unit_code;
  head := concat_ws(E'\n',
    '廉政风险防控清单 Risk register: ' || g.unit_code || coalesce(' ' || u.name_zh, '') || coalesce(' / ' || u.name, ''),
    '上次复核 Last review: ' || coalesce(to_char(g.last_reviewed_at, 'YYYY-MM-DD') || ' (' || g.last_reviewed_by || ')', '未复核 never')
      || '; 下次复核 next review due: ' || to_char(@extschema@.register_due_at(g), 'YYYY-MM-DD')
      || CASE WHEN @extschema@.register_due_at(g) < now() THEN ' 已逾期 OVERDUE' ELSE '' END);
  SELECT string_agg(concat_ws(E'\n',
           format('%s. [%s] %s%s', p.n,
                  CASE p.layer WHEN 'unit' THEN '单位 unit' WHEN 'office' THEN '处室 office ' || p.office
                       ELSE '岗位 post ' || coalesce(p.office || ' / ', '') || p.post END,
                  s.label_zh || ' / ' || s.label_en,
                  ' (' || coalesce(d.label_zh, s.domain) || ')'),
           '   风险描述 Risk: ' || p.description,
           '   责任人 Responsible: ' || p.responsible,
           '   防控措施 Measures: ' || p.measures,
           '   监测规则 Watched by: ' || coalesce(
             (SELECT string_agg(w.rule_code || CASE WHEN w.how = 'linked' THEN ' (linked)' ELSE '' END, ', ' ORDER BY w.rule_code)
                FROM @extschema@.risk_point_watch w WHERE w.point_id = p.point_id),
             '无 none (coverage gap)')), E'\n' ORDER BY p.point_id)
    INTO body
    FROM (SELECT x.*, row_number() OVER (ORDER BY x.point_id) AS n FROM @extschema@.risk_point x
           WHERE x.unit_code = g.unit_code AND x.status = 'active') p
    JOIN @extschema@.risk_scenario s ON s.scenario = p.scenario
    LEFT JOIN @extschema@.domain_info d ON d.domain = s.domain;
  RETURN head || E'\n' || coalesce(body, '(无风险点 no active risk points)');
END
$$;
COMMENT ON FUNCTION @extschema@.risk_register_report(text) IS
  'The risk register of a unit as a report (text): the last and the next review, then every active risk point by layer (unit, office, post) with its scenario and domain, the risk, the person responsible, the control measures and the rules that watch it. Runs with the caller''s rights (row-level security applies); raises 42704 for a unit without a visible register. Stable because it reads the registers.';

GRANT SELECT ON @extschema@.risk_register, @extschema@.risk_point, @extschema@.risk_point_rule,
               @extschema@.risk_register_event, @extschema@.risk_point_watch, @extschema@.risk_coverage
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT EXECUTE ON FUNCTION
  @extschema@.open_register(text, integer, text),
  @extschema@.add_risk_point(text, text, text, text, text, text, text, text[]),
  @extschema@.retire_risk_point(bigint, text),
  @extschema@.link_rule(bigint, text),
  @extschema@.unlink_rule(bigint, text),
  @extschema@.review_register(text, text, timestamptz)
  TO cleangov_admin, cleangov_inspector;

ALTER TABLE @extschema@.risk_register ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.risk_point ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.risk_point_rule ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.risk_register_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY risk_register_admin_analyst ON @extschema@.risk_register FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY risk_register_inspector ON @extschema@.risk_register FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY risk_point_admin_analyst ON @extschema@.risk_point FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY risk_point_inspector ON @extschema@.risk_point FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY risk_point_rule_admin_analyst ON @extschema@.risk_point_rule FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY risk_point_rule_inspector ON @extschema@.risk_point_rule FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
CREATE POLICY risk_register_event_admin_analyst ON @extschema@.risk_register_event FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY risk_register_event_inspector ON @extschema@.risk_register_event FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));
