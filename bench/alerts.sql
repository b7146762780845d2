-- bench/alerts.sql: run by bench/alerts.sh inside a throwaway cluster.
-- psql variables: reps (repetitions, the best is kept), sizes (an int[] literal).
\pset footer off
\if :{?preloaded}
\else
CREATE EXTENSION cleangov;
\endif
SET jit = off;
SET max_parallel_workers_per_gather = 0;

\echo '== building the data: 100,000 background alerts, and per batch size its hits and the alerts they meet'
SELECT setseed(0.5);
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind, scheme_code, rectify_days, recurrence_days)
  SELECT 'BENCH_' || r, 'bench rule ' || r, 'person', 'rule3', 30, 365 FROM generate_series(1, 5) r;

-- About 300 bytes of evidence, different for every subject and value.
CREATE FUNCTION bench_evidence(k text, v float8) RETURNS jsonb LANGUAGE sql IMMUTABLE
  RETURN jsonb_build_object(
    'contract', 'HT-2024-' || k, 'supplier', '91320300MA1' || md5(k), 'buyer', 'Pizhou Housing Bureau',
    'amounts', jsonb_build_array(round(v * 1000), round(v * 1100), round(v * 900)),
    'reference', 100000, 'ratio', round((v / 100)::numeric, 3),
    'note', 'price paid above the market reference for the same item in the same month');

-- Two kinds of batch of each size n.
-- 'mix': subject i of n is (rule BENCH_{i%5+1}, person p{n}-{i}, period
-- 2024-{i%12+1}), value 100..299 against threshold 100 (blue, yellow or red in
-- scheme rule3).  Category by i % 50: 0-34 new, 35-44 refresh of an open alert
-- with another value, 45-48 identical to a closed alert, 49 recurrence (an
-- alert of another period closed 10 days ago).
-- 'new': n new alerts of one rule (BENCH_1, persons q{n}-{i}), as a first
-- warning run of the integrity index raises them.
CREATE TABLE bench_hit (kind text, n int, i int, cat text, h cleangov.hit, PRIMARY KEY (kind, n, i));
INSERT INTO bench_hit
  SELECT kind, n, i,
         CASE WHEN kind = 'new' OR i % 50 < 35 THEN 'new' WHEN i % 50 < 45 THEN 'refresh'
              WHEN i % 50 < 49 THEN 'settled' ELSE 'recurrence' END,
         ROW(CASE kind WHEN 'new' THEN 'BENCH_1' ELSE 'BENCH_' || (i % 5 + 1) END, 'person', k, 'U' || (i % 200),
             '2024-' || lpad((i % 12 + 1)::text, 2, '0'), v, 100, NULL,
             bench_evidence(k, v), 'gov.payment', 'PAY-' || n || '-' || i)::cleangov.hit
    FROM unnest(ARRAY['mix', 'new']) kind, unnest(:'sizes'::int[]) n, generate_series(1, n) i,
         LATERAL (SELECT 100 + (i * 7919 + n) % 200 AS v,
                         CASE kind WHEN 'new' THEN 'q' ELSE 'p' END || n || '-' || i AS k) v;

-- The alerts the hits meet, inserted directly (no events: not measured).
INSERT INTO cleangov.alert (rule_code, subject_kind, subject_key, unit_code, period, value, threshold,
                            level, hit_level, evidence, source_table, source_key, raised_at, due_at,
                            status, closed_at)
  SELECT (h).rule_code, 'person', (h).subject_key, (h).unit_code,
         CASE cat WHEN 'recurrence' THEN '2023-12' ELSE (h).period END,
         v, 100, cleangov.band(v / 100, 'rule3'), cleangov.band(v / 100, 'rule3'),
         bench_evidence((h).subject_key, v), 'gov.payment', 'PAY-old', t, t + interval '30 days',
         CASE cat WHEN 'refresh' THEN 'open' ELSE 'closed' END,
         CASE cat WHEN 'refresh' THEN NULL WHEN 'settled' THEN t + interval '20 days' ELSE now() - interval '10 days' END
    FROM bench_hit,
         LATERAL (SELECT CASE cat WHEN 'settled' THEN (h).value ELSE (h).value + 0.5 END AS v,
                         CASE cat WHEN 'settled' THEN now() - interval '400 days' ELSE now() - interval '40 days' END AS t) x
   WHERE cat <> 'new';
-- Background: 100,000 alerts of other persons, half of them open.
INSERT INTO cleangov.alert (rule_code, subject_kind, subject_key, unit_code, period, value, threshold,
                            level, hit_level, evidence, source_table, source_key, raised_at, due_at,
                            status, closed_at)
  SELECT 'BENCH_' || (i % 5 + 1), 'person', 'bg-' || i, 'U' || (i % 200), '2024-' || lpad((i % 12 + 1)::text, 2, '0'),
         150, 100, 'yellow', 'yellow', bench_evidence('bg-' || i, 150), 'gov.payment', 'PAY-bg-' || i,
         now() - interval '60 days', now() - interval '30 days',
         CASE WHEN i % 2 = 0 THEN 'open' ELSE 'closed' END,
         CASE WHEN i % 2 = 0 THEN NULL ELSE now() - interval '50 days' END
    FROM generate_series(1, 100000) i;

-- The baseline tables: the same columns, defaults, checks and indexes, with
-- and without the same foreign keys, holding a copy of the alerts (keys
-- prefixed, so the batch's rows do not collide with the copied open alerts).
CREATE TABLE base_alert (LIKE cleangov.alert INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE base_event (LIKE cleangov.alert_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE base_alert_nofk (LIKE cleangov.alert INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
CREATE TABLE base_event_nofk (LIKE cleangov.alert_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
INSERT INTO base_alert SELECT * FROM cleangov.alert;
UPDATE base_alert SET subject_key = 'x' || subject_key;
INSERT INTO base_alert_nofk SELECT * FROM base_alert;
ALTER TABLE base_alert ADD FOREIGN KEY (rule_code) REFERENCES cleangov.rule,
                       ADD FOREIGN KEY (recurrence_of) REFERENCES base_alert;
ALTER TABLE base_event ADD FOREIGN KEY (alert_id) REFERENCES base_alert;
VACUUM ANALYZE cleangov.alert;
VACUUM ANALYZE cleangov.alert_event;
VACUUM ANALYZE base_alert;
VACUUM ANALYZE base_alert_nofk;
VACUUM ANALYZE base_event;
VACUUM ANALYZE base_event_nofk;
SELECT kind, n, count(*) AS hits, count(*) FILTER (WHERE cat = 'new') AS new,
       count(*) FILTER (WHERE cat = 'refresh') AS refresh, count(*) FILTER (WHERE cat = 'settled') AS settled,
       count(*) FILTER (WHERE cat = 'recurrence') AS recurrence,
       round(avg(pg_column_size((h).evidence))) AS evidence_bytes
  FROM bench_hit GROUP BY kind, n ORDER BY kind, n;
SELECT count(*) AS alerts_before FROM cleangov.alert;

CREATE TABLE timing (kind text, n int, rep int, base_ms float8, base_nofk_ms float8, first_ms float8, second_ms float8,
                     first_actions text, second_actions text);

-- One repetition for a batch: each measured statement is rolled back.
CREATE PROCEDURE bench_case(kind text, n int, rep int) LANGUAGE plpgsql AS $$
DECLARE
  arr cleangov.hit[];
  t0 timestamptz;
  b float8; bn float8; f float8; s float8;
  a1 text; a2 text;
BEGIN
  SELECT array_agg(x.h ORDER BY x.i) INTO arr FROM bench_hit x WHERE x.kind = bench_case.kind AND x.n = bench_case.n;

  t0 := clock_timestamp();
  WITH ins AS (
    INSERT INTO base_alert (rule_code, subject_kind, subject_key, unit_code, period, value, threshold, level,
                            hit_level, evidence, source_table, source_key, due_at)
    SELECT h.rule_code, h.subject_kind, h.subject_key, h.unit_code, h.period, h.value, h.threshold,
           coalesce(h.level, 'blue'), coalesce(h.level, 'blue'), h.evidence, h.source_table, h.source_key,
           now() + interval '30 days'
      FROM unnest(arr) h
    RETURNING alert_id, level, value, hit_level)
  INSERT INTO base_event (alert_id, event, to_status, to_level, detail)
  SELECT alert_id, 'raised', 'open', level, jsonb_build_object('value', value, 'hit_level', hit_level) FROM ins;
  b := extract(epoch FROM clock_timestamp() - t0) * 1000;
  ROLLBACK;

  t0 := clock_timestamp();
  WITH ins AS (
    INSERT INTO base_alert_nofk (rule_code, subject_kind, subject_key, unit_code, period, value, threshold, level,
                                 hit_level, evidence, source_table, source_key, due_at)
    SELECT h.rule_code, h.subject_kind, h.subject_key, h.unit_code, h.period, h.value, h.threshold,
           coalesce(h.level, 'blue'), coalesce(h.level, 'blue'), h.evidence, h.source_table, h.source_key,
           now() + interval '30 days'
      FROM unnest(arr) h
    RETURNING alert_id, level, value, hit_level)
  INSERT INTO base_event_nofk (alert_id, event, to_status, to_level, detail)
  SELECT alert_id, 'raised', 'open', level, jsonb_build_object('value', value, 'hit_level', hit_level) FROM ins;
  bn := extract(epoch FROM clock_timestamp() - t0) * 1000;
  ROLLBACK;

  t0 := clock_timestamp();
  SELECT string_agg(action || ' ' || c, ', ' ORDER BY action) INTO a1
    FROM (SELECT r.action, count(*) c FROM cleangov.raise_alerts(arr) r GROUP BY r.action) q;
  f := extract(epoch FROM clock_timestamp() - t0) * 1000;
  t0 := clock_timestamp();
  SELECT string_agg(action || ' ' || c, ', ' ORDER BY action) INTO a2
    FROM (SELECT r.action, count(*) c FROM cleangov.raise_alerts(arr) r GROUP BY r.action) q;
  s := extract(epoch FROM clock_timestamp() - t0) * 1000;
  ROLLBACK;

  INSERT INTO timing VALUES (kind, n, rep, b, bn, f, s, a1, a2);
  COMMIT;
END $$;

\echo '== measuring (every run rolled back; VACUUM between repetitions)'
SELECT format('CALL bench_case(%L, %s, %s)', kind, n, rep),
       'VACUUM cleangov.alert, cleangov.alert_event, base_alert, base_event, base_alert_nofk, base_event_nofk'
  FROM unnest(ARRAY['mix', 'new']) kind, unnest(:'sizes'::int[]) n, generate_series(1, :reps) rep
 ORDER BY kind, n, rep
\gexec

\echo '== actions of the first and the second run of each batch'
SELECT DISTINCT kind, n, first_actions, second_actions FROM timing ORDER BY kind, n;
\echo '== best of the repetitions, in ms; ratios against the plain INSERT (same indexes and foreign keys)'
SELECT kind, n AS hits,
       round(min(base_ms)::numeric, 1) AS plain_insert_ms,
       round(min(base_nofk_ms)::numeric, 1) AS plain_insert_no_fk_ms,
       round(min(first_ms)::numeric, 1) AS raise_alerts_ms,
       round(min(second_ms)::numeric, 1) AS rerun_ms,
       round((min(first_ms) / min(base_ms))::numeric, 2) AS raise_over_plain,
       round((min(second_ms) / min(first_ms))::numeric, 2) AS rerun_over_first,
       round((1000 * min(first_ms) / n)::numeric, 1) AS raise_us_per_hit
  FROM timing GROUP BY kind, n ORDER BY kind, n;
