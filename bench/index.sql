-- Data for bench/index.sh: the Pizhou framework (45 leaves in 3 levels),
-- :units units, :persons persons, one value per person and leaf for each of
-- :nperiods years ending in 2024.  Deterministic (setseed).
\set ON_ERROR_STOP on
SELECT setseed(0.42);
SELECT cleangov.index_install_pizhou(alerts_feed => false) AS indicators;
INSERT INTO cleangov.unit (unit_code, name, name_zh, kind, region_code)
SELECT 'U' || lpad(i::text, 4, '0'), 'unit ' || i, '单位' || i, 'department', 'R' || lpad((i % 20)::text, 2, '0')
  FROM generate_series(1, :units) i;
INSERT INTO cleangov.index_person (person_key, unit_code)
SELECT 'P' || lpad(i::text, 6, '0'), 'U' || lpad((1 + i % :units)::text, 4, '0')
  FROM generate_series(1, :persons) i;
-- Most values near the best, a tail towards the worst.
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
SELECT 'pizhou', i.indicator_code, y::text, 'person', p.person_key,
       CASE i.method
         WHEN 'bounds' THEN i.best + (i.worst - i.best) * power(random(), 6)
         WHEN 'target' THEN CASE WHEN i.higher_is = 'safer' THEN i.target * (1 - 0.3 * power(random(), 6))
                                 ELSE i.target * (1 + power(random(), 6)) END
         ELSE floor(8 * power(random(), 6)) END
  FROM generate_series(2025 - :nperiods, 2024) y
 CROSS JOIN cleangov.index_person p
 CROSS JOIN cleangov.indicator i
 WHERE i.framework_code = 'pizhou' AND i.method IS NOT NULL;
VACUUM ANALYZE cleangov.indicator_value;
CREATE TABLE bench_avg (period text, person text, value float8);
SELECT count(*) AS values FROM cleangov.indicator_value;
