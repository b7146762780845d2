-- What a supervisor wants to see first: alerts by level and rule, and the ten
-- units with the most weighted open alerts (blue 1, yellow 2, orange 3, red 4).
-- Reads cleangov.alert if it exists (rule_code, subject_kind, subject_key,
-- level, unit_code; and status, if there is such a column: rows whose status is
-- closed are not open); prints empty tables otherwise.  unit_code is matched
-- against gov.unit.unit_id (as text) or gov.unit.uscc.
\set ON_ERROR_STOP on
\pset footer off
CREATE TEMP TABLE IF NOT EXISTS demo_alert_s (rule_code text, level text, unit_code text, is_open boolean);
TRUNCATE demo_alert_s;
DO $$
DECLARE open_expr text := 'true';
BEGIN
  IF to_regclass('cleangov.alert') IS NOT NULL THEN
    IF EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'cleangov.alert'::regclass AND attname = 'status' AND NOT attisdropped) THEN
      open_expr := 'status::text NOT IN (''closed'', ''closed_checked'', ''false_positive'')';
    END IF;
    EXECUTE format('INSERT INTO demo_alert_s SELECT rule_code::text, level::text, unit_code::text, %s FROM cleangov.alert', open_expr);
  END IF;
END $$;

\echo '== alerts by level and rule'
SELECT level, rule_code, count(*) AS alerts, count(*) FILTER (WHERE is_open) AS open
FROM demo_alert_s
GROUP BY level, rule_code
ORDER BY array_position('{red,orange,yellow,blue,green}'::text[], level), count(*) DESC, rule_code;

\echo '== the 10 units with the most weighted open alerts'
SELECT u.unit_id, u.name, a.unit_code,
       sum(CASE a.level WHEN 'red' THEN 4 WHEN 'orange' THEN 3 WHEN 'yellow' THEN 2 WHEN 'blue' THEN 1 ELSE 0 END) AS weighted,
       count(*) FILTER (WHERE a.level = 'red') AS red, count(*) FILTER (WHERE a.level = 'orange') AS orange,
       count(*) FILTER (WHERE a.level = 'yellow') AS yellow, count(*) FILTER (WHERE a.level = 'blue') AS blue
FROM demo_alert_s a
LEFT JOIN gov.unit u ON u.unit_id::text = a.unit_code OR u.uscc = a.unit_code
WHERE a.is_open
GROUP BY u.unit_id, u.name, a.unit_code
ORDER BY weighted DESC, u.unit_id
LIMIT 10;
