-- Units (the organisation tree alerts are routed to), the roles assigned to
-- units, the eight high-risk domains, and rules with their change history.
-- See doc/alerts.md.

CREATE TABLE @extschema@.unit (
  unit_code   text PRIMARY KEY,
  parent_code text REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE,
  name        text NOT NULL,
  name_zh     text,
  kind        text,
  region_code text,
  CHECK (parent_code IS DISTINCT FROM unit_code)
);
CREATE INDEX unit_parent_idx ON @extschema@.unit (parent_code);
COMMENT ON TABLE @extschema@.unit IS
  'The organisation tree (departments, towns, state firms) with a region: alerts are routed to a unit and roll up its tree.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.unit', '');

-- A cycle would make a unit its own ancestor: refused at write time.
CREATE FUNCTION @extschema@.unit_no_cycle() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NEW.parent_code IS NOT NULL AND EXISTS (
       WITH RECURSIVE up(code) AS (
         SELECT NEW.parent_code
         UNION
         SELECT u.parent_code FROM @extschema@.unit u JOIN up ON u.unit_code = up.code
          WHERE u.parent_code IS NOT NULL)
       SELECT FROM up WHERE code = NEW.unit_code) THEN
    RAISE EXCEPTION 'unit "%" cannot have parent "%": the tree would have a cycle', NEW.unit_code, NEW.parent_code
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.unit_no_cycle() IS
  'Trigger on cleangov.unit: refuses a parent that would make the tree cyclic (23514). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER unit_no_cycle BEFORE INSERT OR UPDATE OF parent_code, unit_code ON @extschema@.unit
  FOR EACH ROW EXECUTE FUNCTION @extschema@.unit_no_cycle();

CREATE FUNCTION @extschema@.unit_subtree(root text) RETURNS SETOF text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  BEGIN ATOMIC
    WITH RECURSIVE t(code) AS (
      SELECT u.unit_code FROM @extschema@.unit u WHERE u.unit_code = root
      UNION
      SELECT u.unit_code FROM @extschema@.unit u JOIN t ON u.parent_code = t.code)
    SELECT code FROM t;
  END;
COMMENT ON FUNCTION @extschema@.unit_subtree(text) IS
  'The unit and every unit below it. Stable because it reads cleangov.unit.';

CREATE TABLE @extschema@.unit_assignment (
  role_name name NOT NULL,
  unit_code text NOT NULL REFERENCES @extschema@.unit (unit_code) ON UPDATE CASCADE ON DELETE CASCADE,
  PRIMARY KEY (role_name, unit_code)
);
COMMENT ON TABLE @extschema@.unit_assignment IS
  'Units assigned to a role (an inspector or a group role): the role sees and handles the alerts of these units and their subtrees.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.unit_assignment', '');

CREATE TABLE @extschema@.domain_info (
  domain   text PRIMARY KEY,
  label_en text NOT NULL,
  label_zh text NOT NULL,
  shipped  boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.domain_info IS
  'Labels of the high-risk domains that rules belong to (a rule''s domain need not be listed; views then show the code).';
INSERT INTO @extschema@.domain_info (domain, label_en, label_zh) VALUES
  ('procurement', 'public procurement and tendering', '工程招投标与政府采购'),
  ('approval',    'administrative approval',          '行政审批'),
  ('enforcement', 'administrative enforcement',       '行政执法'),
  ('funds',       'use of public funds',              '财政资金使用'),
  ('subsidies',   'subsidies and benefits',           '惠民惠农补贴'),
  ('land',        'land and resources',               '土地出让与资源'),
  ('state_assets','state firms and assets',           '国有企业与国有资产'),
  ('personnel',   'personnel and officials'' conduct', '选人用人与干部作风'),
  ('relations',   'relationships and conflicts of interest', '亲属关系与利益冲突'),
  ('integrity',   'integrity index',                  '廉政指数'),
  ('supervision', 'supervision and discipline work',  '监督执纪工作');
CREATE TRIGGER domain_info_changed BEFORE UPDATE ON @extschema@.domain_info
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER domain_info_restore BEFORE INSERT ON @extschema@.domain_info
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('domain');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.domain_info', 'WHERE NOT shipped');

CREATE TABLE @extschema@.rule (
  rule_code       text PRIMARY KEY,
  name_en         text NOT NULL,
  name_zh         text,
  domain          text,
  scenario        text,
  subject_kind    text,
  scheme_code     text REFERENCES @extschema@.band_scheme (scheme_code) ON UPDATE CASCADE,
  thresholds      jsonb NOT NULL DEFAULT '{}',
  default_level   @extschema@.level NOT NULL DEFAULT 'blue',
  rectify_days    integer NOT NULL DEFAULT 30 CHECK (rectify_days > 0),
  recurrence_days integer NOT NULL DEFAULT 365 CHECK (recurrence_days >= 0),
  enabled         boolean NOT NULL DEFAULT true,
  description     text,
  shipped         boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE @extschema@.rule IS
  'Rules: code, names, domain, scenario, subject kind, banding scheme, thresholds, default level, days allowed for rectification, recurrence window, enabled. Changes are kept in cleangov.rule_history. Rows inserted by the extension''s own scripts are shipped and left out of pg_dump until changed.';
CREATE TRIGGER rule_changed BEFORE UPDATE ON @extschema@.rule
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER rule_restore BEFORE INSERT ON @extschema@.rule
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('rule_code');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule', 'WHERE NOT shipped');

-- The role a change is made by: the SET ROLE role, else the session user.  Read
-- inside SECURITY DEFINER functions, where current_user is the owner.
CREATE FUNCTION @extschema@.actor() RETURNS name
  LANGUAGE sql STABLE PARALLEL SAFE
  RETURN coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user)::name;
COMMENT ON FUNCTION @extschema@.actor() IS
  'The role recorded on events and history: the role set by SET ROLE, else the session user (current_user would name the owner inside SECURITY DEFINER functions). Stable because it reads session settings.';

CREATE TABLE @extschema@.rule_history (
  history_id     bigserial PRIMARY KEY,
  rule_code      text NOT NULL,
  changed_at     timestamptz NOT NULL DEFAULT now(),
  changed_by     name NOT NULL DEFAULT @extschema@.actor(),
  old_thresholds jsonb,
  new_thresholds jsonb,
  old_row        jsonb NOT NULL,
  new_row        jsonb NOT NULL
);
CREATE INDEX rule_history_rule_idx ON @extschema@.rule_history (rule_code, changed_at);
COMMENT ON TABLE @extschema@.rule_history IS
  'Every change of a rule: who, when, old and new thresholds, old and new row (threshold tuning, 动态调参).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_history', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_history_history_id_seq', '');

CREATE FUNCTION @extschema@.rule_log_change() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  -- pg_restore replays a changed shipped rule through shipped_row_restore():
  -- its history is restored from the dump, not logged again.  Anybody can set
  -- the flag, so it counts only when the acting role is a superuser
  -- (restoring an extension that needs a superuser is done by one; a
  -- superuser who SET ROLE to an admin acts as the admin) and only inside the
  -- replaying trigger (depth 2: this trigger fired by its UPDATE); anything
  -- else is logged.
  IF current_setting('cleangov_restore.replaying', true) = 'on'
     AND (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = @extschema@.actor())
     AND pg_trigger_depth() > 1 THEN
    RETURN NULL;
  END IF;
  INSERT INTO @extschema@.rule_history (rule_code, old_thresholds, new_thresholds, old_row, new_row)
  SELECT n.rule_code, o.thresholds, n.thresholds,
         to_jsonb(o) - 'updated_at' - 'shipped', to_jsonb(n) - 'updated_at' - 'shipped'
    FROM old_rows o JOIN new_rows n USING (rule_code)
   WHERE (to_jsonb(o) - 'updated_at' - 'shipped') IS DISTINCT FROM (to_jsonb(n) - 'updated_at' - 'shipped');
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_log_change() IS
  'Statement trigger on cleangov.rule: one rule_history row per rule whose content changed. Security definer so that the history is written whoever changes the rule; the history is skipped only while a superuser replays a dump (cleangov_restore.replaying, honoured only for a superuser and only inside shipped_row_restore()). Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER rule_log_change AFTER UPDATE ON @extschema@.rule
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rule_log_change();

CREATE FUNCTION @extschema@.rule_touch() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_touch() IS
  'BEFORE UPDATE trigger on cleangov.rule: sets updated_at. Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER rule_touch BEFORE UPDATE ON @extschema@.rule
  FOR EACH ROW EXECUTE FUNCTION @extschema@.rule_touch();
