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
GRANT SELECT ON @extschema@.unit_assignment, @extschema@.rule_history TO cleangov_admin, cleangov_analyst;

-- Alerts, events, rectifications: read under row-level security; written only
-- through the functions (raise, review, reopen, escalate) and by inserting
-- rectifications.
GRANT SELECT ON @extschema@.alert, @extschema@.alert_event, @extschema@.rectification
   TO cleangov_admin, cleangov_inspector, cleangov_analyst;
GRANT INSERT ON @extschema@.rectification TO cleangov_admin, cleangov_inspector;
GRANT USAGE ON SEQUENCE @extschema@.rectification_rectification_id_seq TO cleangov_admin, cleangov_inspector;

REVOKE EXECUTE ON FUNCTION @extschema@.raise_alerts(@extschema@.hit[]),
  @extschema@.raise_alert(text, text, text, text, text, float8, float8, @extschema@.level, jsonb, text, text),
  @extschema@.escalate_overdue(timestamptz),
  @extschema@.review(bigint, text, text),
  @extschema@.reopen(bigint, text),
  @extschema@.attach_rectification(regclass, name)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.raise_alerts(@extschema@.hit[]),
  @extschema@.raise_alert(text, text, text, text, text, float8, float8, @extschema@.level, jsonb, text, text),
  @extschema@.escalate_overdue(timestamptz),
  @extschema@.attach_rectification(regclass, name)
  TO cleangov_admin;
GRANT EXECUTE ON FUNCTION @extschema@.review(bigint, text, text), @extschema@.reopen(bigint, text)
  TO cleangov_admin, cleangov_inspector;

ALTER TABLE @extschema@.alert ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.alert_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.rectification ENABLE ROW LEVEL SECURITY;

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
