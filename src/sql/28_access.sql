-- Roles and row-level security of the closed loop.  Roles are cluster-wide:
-- they are created only if missing and DROP EXTENSION leaves them (drop them
-- by hand when no database uses cleangov any more).  See doc/alerts.md.

DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['cleangov_admin', 'cleangov_inspector', 'cleangov_analyst'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', r);
    END IF;
  END LOOP;
END
$$;

GRANT USAGE ON SCHEMA @extschema@ TO cleangov_admin, cleangov_inspector, cleangov_analyst;

-- Reference data: everyone reads it, the admin maintains it.
GRANT SELECT ON @extschema@.level_info, @extschema@.band_scheme, @extschema@.unit, @extschema@.rule,
               @extschema@.domain_info
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT INSERT, UPDATE, DELETE ON @extschema@.level_info, @extschema@.band_scheme, @extschema@.unit,
               @extschema@.rule, @extschema@.domain_info, @extschema@.unit_assignment
   TO cleangov_admin;
GRANT SELECT ON @extschema@.rule_history TO cleangov_admin, cleangov_analyst;
-- Assignments: the admin and the analyst read them all, an inspector only the
-- rows of roles it is (a member of), so that visible_units() can run with the
-- caller's rights (row-level security below).
GRANT SELECT ON @extschema@.unit_assignment TO cleangov_admin, cleangov_analyst, cleangov_inspector;

-- Alerts, events, rectifications: read under row-level security; written only
-- through the functions (raise, review, reopen, escalate) and by inserting
-- rectifications.
GRANT SELECT ON @extschema@.alert, @extschema@.alert_event, @extschema@.rectification
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT INSERT ON @extschema@.rectification TO cleangov_admin, cleangov_inspector;
GRANT USAGE ON SEQUENCE @extschema@.rectification_rectification_id_seq TO cleangov_admin, cleangov_inspector;

-- EXECUTE on functions: src/sql/99_privileges.sql, after every function exists.

ALTER TABLE @extschema@.alert ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.alert_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.rectification ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.unit_assignment ENABLE ROW LEVEL SECURITY;

CREATE POLICY unit_assignment_admin ON @extschema@.unit_assignment FOR ALL
  TO cleangov_admin USING (true) WITH CHECK (true);
CREATE POLICY unit_assignment_analyst ON @extschema@.unit_assignment FOR SELECT
  TO cleangov_analyst USING (true);
-- pg_has_role() on a role name that no longer exists would raise: go through pg_roles.
CREATE POLICY unit_assignment_inspector ON @extschema@.unit_assignment FOR SELECT TO cleangov_inspector
  USING (role_name IN (SELECT r.rolname FROM pg_catalog.pg_roles r
                        WHERE pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER')));

CREATE POLICY alert_admin_analyst ON @extschema@.alert FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY alert_inspector ON @extschema@.alert FOR SELECT TO cleangov_inspector
  USING (unit_code IN (SELECT @extschema@.visible_units(current_user)));

CREATE POLICY alert_event_admin_analyst ON @extschema@.alert_event FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY alert_event_inspector ON @extschema@.alert_event FOR SELECT TO cleangov_inspector
  USING (alert_id IN (SELECT a.alert_id FROM @extschema@.alert a));

CREATE POLICY rectification_admin_analyst ON @extschema@.rectification FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY rectification_admin_insert ON @extschema@.rectification FOR INSERT
  TO cleangov_admin WITH CHECK (true);
CREATE POLICY rectification_inspector ON @extschema@.rectification FOR SELECT TO cleangov_inspector
  USING (alert_id IN (SELECT a.alert_id FROM @extschema@.alert a));
CREATE POLICY rectification_inspector_insert ON @extschema@.rectification FOR INSERT TO cleangov_inspector
  WITH CHECK (alert_id IN (SELECT a.alert_id FROM @extschema@.alert a) AND rectified_by = current_user);

-- The handling ladder (23_ladder.sql): reference data, everyone reads it, the
-- admin maintains it.
GRANT SELECT ON @extschema@.ladder_action, @extschema@.ladder_actor, @extschema@.ladder, @extschema@.ladder_step,
               @extschema@.rule_ladder, @extschema@.alert_handling
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT INSERT, UPDATE, DELETE ON @extschema@.ladder_action, @extschema@.ladder_actor, @extschema@.ladder,
               @extschema@.ladder_step, @extschema@.rule_ladder
   TO cleangov_admin;

-- Evaluations of rectifications (27_evaluation.sql): read under row-level
-- security like the alerts they evaluate; written only by
-- evaluate_rectification().
GRANT SELECT ON @extschema@.rectification_evaluation, @extschema@.evaluation_overdue
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
ALTER TABLE @extschema@.rectification_evaluation ENABLE ROW LEVEL SECURITY;
CREATE POLICY rectification_evaluation_admin_analyst ON @extschema@.rectification_evaluation FOR SELECT
  TO cleangov_admin, cleangov_analyst USING (true);
CREATE POLICY rectification_evaluation_inspector ON @extschema@.rectification_evaluation FOR SELECT
  TO cleangov_inspector USING (alert_id IN (SELECT a.alert_id FROM @extschema@.alert a));
