-- Tiered standards (seed 001, Q3: the province sets the standards, the city
-- picks its focus, the county executes; issue 17, doc/standards.md).  A
-- standard overrides, for one rule, in one scope (a unit and the units below
-- it, or a region and the regions inside it), the rule's thresholds, its
-- level cut-offs (banding scheme), whether it is enabled, and the days
-- allowed for rectification.  For a hit, the most specific standard whose
-- scope holds the hit's unit applies, whole (what it leaves unset is the
-- rule's own): a unit is more specific than any region, a unit nearer to the
-- hit's unit more than one further up, a region inside another more than the
-- one around it.  Every alert a standard applied to names it in its evidence
-- ("standard"); every change of a standard is kept in rule_standard_history.

-- The prefix a GB/T 2260 region code stands for: '320000' (a province) is
-- '32', '320300' (a city) '3203', '320382' (a county) itself; a code of
-- another length stands for itself only.
CREATE FUNCTION @extschema@.region_prefix(region_code text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN region_code ~ '^[0-9]{6}$' THEN regexp_replace(region_code, '(00){1,2}$', '') ELSE region_code END;
COMMENT ON FUNCTION @extschema@.region_prefix(text) IS
  'The prefix a region code stands for: a six-digit GB/T 2260 code without its trailing 00 pairs (320000 province -> 32, 320300 city -> 3203, 320382 county -> 320382); any other code stands for itself.';

CREATE FUNCTION @extschema@.region_contains(outer_code text, inner_code text) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN inner_code = outer_code
      OR (outer_code ~ '^[0-9]{6}$' AND inner_code ~ '^[0-9]{6}$'
          AND left(inner_code, length(@extschema@.region_prefix(outer_code))) = @extschema@.region_prefix(outer_code));
COMMENT ON FUNCTION @extschema@.region_contains(text, text) IS
  'Whether the region inner_code lies in the region outer_code (or is it): for six-digit GB/T 2260 codes by their prefixes (320382 lies in 320300 and in 320000), for other codes only when equal.';

CREATE TABLE @extschema@.rule_standard (
  standard_code text PRIMARY KEY CHECK (standard_code ~ '^[A-Za-z0-9_.:-]{1,64}$'),
  rule_code     text NOT NULL REFERENCES @extschema@.rule ON DELETE CASCADE ON UPDATE CASCADE,
  unit_code     text REFERENCES @extschema@.unit ON DELETE CASCADE ON UPDATE CASCADE,
  region_code   text CHECK (region_code ~ '^[0-9A-Za-z]{1,20}$'),
  thresholds    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(thresholds) = 'object'),
  scheme_code   text REFERENCES @extschema@.band_scheme (scheme_code) ON UPDATE CASCADE,
  enabled       boolean,
  rectify_days  integer CHECK (rectify_days > 0),
  note          text,
  set_by        name NOT NULL DEFAULT @extschema@.actor(),
  set_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((unit_code IS NULL) <> (region_code IS NULL)),
  UNIQUE (rule_code, unit_code),
  UNIQUE (rule_code, region_code)
);
CREATE INDEX rule_standard_unit_idx ON @extschema@.rule_standard (unit_code);
COMMENT ON TABLE @extschema@.rule_standard IS
  'Tiered standards (分级标准): for one rule, in one scope (unit_code: the unit and every unit below it; or region_code: the region and the regions inside it, GB/T 2260), the thresholds (a subset of the rule''s, same types), banding scheme, enabled state and rectification days that apply instead of the rule''s; NULL or absent keys are the rule''s own. The most specific standard applies, whole (doc/standards.md); changes are kept in rule_standard_history.';
COMMENT ON COLUMN @extschema@.rule_standard.thresholds IS 'Thresholds that replace the rule''s of the same name in this scope; every key must be one of the rule''s thresholds, with a value of the same JSON type.';
COMMENT ON COLUMN @extschema@.rule_standard.enabled IS 'true: the rule runs in this scope even where it is disabled; false: it raises nothing here; NULL: as the rule.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_standard', '');

CREATE TABLE @extschema@.rule_standard_history (
  history_id    bigserial PRIMARY KEY,
  standard_code text NOT NULL,
  rule_code     text NOT NULL,
  changed_at    timestamptz NOT NULL DEFAULT now(),
  changed_by    name NOT NULL DEFAULT @extschema@.actor(),
  operation     text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  old_row       jsonb,
  new_row       jsonb
);
CREATE INDEX rule_standard_history_rule_idx ON @extschema@.rule_standard_history (rule_code, changed_at);
COMMENT ON TABLE @extschema@.rule_standard_history IS
  'Every change of a tiered standard: who, when, the operation, old and new row. Append-only.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_standard_history', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_standard_history_history_id_seq', '');
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_standard_history
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();

CREATE FUNCTION @extschema@.rule_standard_check() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  base jsonb;
  bad text;
BEGIN
  SELECT r.thresholds INTO base FROM @extschema@.rule r WHERE r.rule_code = NEW.rule_code;
  SELECT k INTO bad FROM jsonb_object_keys(NEW.thresholds) k WHERE NOT base ? k ORDER BY k LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'standard %: "%" is not a threshold of rule %', NEW.standard_code, bad, NEW.rule_code
      USING ERRCODE = 'invalid_parameter_value',
            HINT = format('The rule''s thresholds are %s.', base);
  END IF;
  SELECT k INTO bad FROM jsonb_object_keys(NEW.thresholds) k
   WHERE jsonb_typeof(NEW.thresholds -> k) <> jsonb_typeof(base -> k) ORDER BY k LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'standard %: threshold "%" is a %, the rule''s is a %', NEW.standard_code, bad,
      jsonb_typeof(NEW.thresholds -> bad), jsonb_typeof(base -> bad)
      USING ERRCODE = 'datatype_mismatch';
  END IF;
  IF NEW.scheme_code IS NOT NULL AND (SELECT r.scheme_code IS NULL FROM @extschema@.rule r WHERE r.rule_code = NEW.rule_code) THEN
    RAISE EXCEPTION 'standard %: rule % has a fixed level, no banding scheme whose cut-offs a standard could replace', NEW.standard_code, NEW.rule_code
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  NEW.set_by := @extschema@.actor();
  NEW.set_at := now();
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_standard_check() IS
  'Trigger: a standard''s thresholds must be thresholds of its rule with values of the same JSON type (22023, 42804), a scheme only for a rule that is banded (22023); records who set it and when. Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER rule_standard_check BEFORE INSERT OR UPDATE ON @extschema@.rule_standard
  FOR EACH ROW EXECUTE FUNCTION @extschema@.rule_standard_check();

CREATE FUNCTION @extschema@.rule_standard_log() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  INSERT INTO @extschema@.rule_standard_history (standard_code, rule_code, operation, old_row, new_row)
  VALUES (coalesce(NEW.standard_code, OLD.standard_code), coalesce(NEW.rule_code, OLD.rule_code), TG_OP,
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END, CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END);
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_standard_log() IS
  'Trigger: one rule_standard_history row per standard set, changed or removed. Security definer so that the history is written whoever changes the standard. Volatile because it is a trigger; parallel unsafe because it writes.';
CREATE TRIGGER rule_standard_log AFTER INSERT OR UPDATE OR DELETE ON @extschema@.rule_standard
  FOR EACH ROW EXECUTE FUNCTION @extschema@.rule_standard_log();
-- a standard changes what the generated functions compute and what the last
-- evaluations are worth
CREATE TRIGGER rewatch_all AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_standard
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.rewatch_all();
CREATE TRIGGER forget_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.rule_standard
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.forget_evaluations();

-- The standards whose scope holds a unit, most specific first, with their
-- specificity: a unit scope 1000 minus its distance up the tree from the
-- unit, a region scope the length of the prefix it stands for.
CREATE FUNCTION @extschema@.rule_standards_of(rule_code text, unit_code text)
  RETURNS TABLE (standard_code text, specificity integer)
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH RECURSIVE up (unit_code, distance) AS (
    SELECT u.unit_code, 0 FROM @extschema@.unit u WHERE u.unit_code = $2
    UNION ALL
    SELECT u.parent_code, up.distance + 1 FROM up JOIN @extschema@.unit u ON u.unit_code = up.unit_code
     WHERE u.parent_code IS NOT NULL AND up.distance < 1000
  )
  SELECT s.standard_code, 1000 - up.distance
    FROM @extschema@.rule_standard s JOIN up ON up.unit_code = s.unit_code
   WHERE s.rule_code = $1
  UNION ALL
  SELECT s.standard_code, length(@extschema@.region_prefix(s.region_code))
    FROM @extschema@.rule_standard s JOIN @extschema@.unit u ON u.unit_code = $2
   WHERE s.rule_code = $1 AND s.region_code IS NOT NULL AND @extschema@.region_contains(s.region_code, u.region_code)
  ORDER BY 2 DESC, 1
$$;
COMMENT ON FUNCTION @extschema@.rule_standards_of(text, text) IS
  'The standards of a rule whose scope holds a unit, most specific first: unit scopes (specificity 1000 minus the distance from the unit up to the scope''s unit) before region scopes (the length of the prefix the region code stands for). Stable because it reads tables.';

CREATE FUNCTION @extschema@.rule_standard_for(rule_code text, unit_code text)
  RETURNS @extschema@.rule_standard
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT s.* FROM @extschema@.rule_standard s
   WHERE s.standard_code = (SELECT o.standard_code FROM @extschema@.rule_standards_of($1, $2) o LIMIT 1)
$$;
COMMENT ON FUNCTION @extschema@.rule_standard_for(text, text) IS
  'The standard that applies to a rule''s hit in a unit: the most specific one whose scope holds the unit (rule_standards_of), or NULL (the rule''s own settings). Stable because it reads tables.';

-- The standard whose thresholds a hit in a unit is evaluated with: the
-- applicable standard when it sets thresholds, else NULL (the rule's).
CREATE FUNCTION @extschema@.rule_threshold_standard(rule_code text, unit_code text) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN (SELECT s.standard_code FROM @extschema@.rule_standard_for(rule_code, unit_code) s WHERE s.thresholds <> '{}');
COMMENT ON FUNCTION @extschema@.rule_threshold_standard(text, text) IS
  'Internal to rule_sql: the code of the standard whose thresholds a rule''s hit in the unit is evaluated with, NULL for the rule''s own. Stable because it reads tables.';

-- Whether a rule runs anywhere: enabled, or enabled by a standard somewhere.
CREATE FUNCTION @extschema@.rule_runs(rule_code text, enabled boolean) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  RETURN enabled OR EXISTS (SELECT FROM @extschema@.rule_standard s WHERE s.rule_code = rule_runs.rule_code AND s.enabled);
COMMENT ON FUNCTION @extschema@.rule_runs(text, boolean) IS
  'Internal to run() and the watch triggers: whether a rule is evaluated at all, i.e. it is enabled or a standard enables it in some scope (raise_alerts then keeps only the hits of the scopes where it is). Stable because it reads tables.';

-- Where a lower tier deviates from the tier above it: per standard and
-- setting, the value the scope would have without the standard (the next
-- less specific standard, or the rule) and the standard's.
CREATE VIEW @extschema@.standard_deviation WITH (security_invoker = true) AS
WITH s AS (
  SELECT s.*, coalesce(u.name_zh, u.name) AS scope_name,
         -- the standard the scope would have without this one
         CASE WHEN s.unit_code IS NOT NULL
              THEN (SELECT o.standard_code FROM @extschema@.rule_standards_of(s.rule_code, s.unit_code) o
                     WHERE o.standard_code <> s.standard_code LIMIT 1)
              ELSE (SELECT p.standard_code FROM @extschema@.rule_standard p
                     WHERE p.rule_code = s.rule_code AND p.region_code IS NOT NULL AND p.region_code <> s.region_code
                       AND @extschema@.region_contains(p.region_code, s.region_code)
                     ORDER BY length(@extschema@.region_prefix(p.region_code)) DESC, p.standard_code LIMIT 1) END AS above
    FROM @extschema@.rule_standard s LEFT JOIN @extschema@.unit u ON u.unit_code = s.unit_code
)
SELECT s.rule_code, s.standard_code, CASE WHEN s.unit_code IS NOT NULL THEN 'unit' ELSE 'region' END AS scope_kind,
       coalesce(s.unit_code, s.region_code) AS scope, s.scope_name, s.above AS deviates_from,
       d.setting, d.above_value, d.value, s.set_by, s.set_at
  FROM s
  JOIN @extschema@.rule r ON r.rule_code = s.rule_code
  LEFT JOIN @extschema@.rule_standard a ON a.standard_code = s.above
 CROSS JOIN LATERAL (
   -- a standard applies whole: a setting it leaves out is the rule's own in
   -- its scope, even where the tier above sets it; so every setting that
   -- either sets is compared, by the value in force on each side
   SELECT 'threshold ' || k AS setting,
          coalesce(a.thresholds -> k, r.thresholds -> k) AS above_value, coalesce(s.thresholds -> k, r.thresholds -> k) AS value
     FROM jsonb_object_keys(s.thresholds || coalesce(a.thresholds, '{}')) k
   UNION ALL
   SELECT 'scheme', to_jsonb(coalesce(a.scheme_code, r.scheme_code)), to_jsonb(coalesce(s.scheme_code, r.scheme_code))
    WHERE s.scheme_code IS NOT NULL OR a.scheme_code IS NOT NULL
   UNION ALL
   SELECT 'enabled', to_jsonb(coalesce(a.enabled, r.enabled)), to_jsonb(coalesce(s.enabled, r.enabled))
    WHERE s.enabled IS NOT NULL OR a.enabled IS NOT NULL
   UNION ALL
   SELECT 'rectify_days', to_jsonb(coalesce(a.rectify_days, r.rectify_days)), to_jsonb(coalesce(s.rectify_days, r.rectify_days))
    WHERE s.rectify_days IS NOT NULL OR a.rectify_days IS NOT NULL
 ) d
 WHERE d.value IS DISTINCT FROM d.above_value;
COMMENT ON VIEW @extschema@.standard_deviation IS
  'Where a tier deviates from the one above it (a county from its city or province, seed 001 Q3): per standard and setting (each threshold, the scheme, enabled, rectification days), the value the scope would have without the standard (the next less specific standard, or the rule''s own; deviates_from names that standard, NULL for the rule) and the value in force under the standard (a standard applies whole: a setting it leaves NULL is the rule''s own in its scope, even where the tier above sets it, and is listed when that differs). Settings equal to the tier above are not listed.';

GRANT SELECT ON @extschema@.rule_standard, @extschema@.rule_standard_history, @extschema@.standard_deviation
   TO cleangov_admin, cleangov_analyst, cleangov_inspector;
GRANT INSERT, UPDATE, DELETE ON @extschema@.rule_standard TO cleangov_admin;
