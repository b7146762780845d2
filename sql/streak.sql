-- cleangov.streak: hand-worked examples, window use, steps, duplicates, plans, errors.
-- (Random data against gaps-and-islands SQL: test/pgtap/36_streak.sql.)
CREATE TABLE streak_t (subject text, period date, breach boolean);
-- A: breached Jan-Mar 2024 (the latest three months): 3
-- B: breached Jan, Feb, Apr, May (no row for Mar): the run ending May is 2
-- C: breached Jan-Mar, not breached in Apr (the latest): 0
-- D: breached in Mar only, but a later non-breach row in Mar: still breached (any row counts): 1
-- E: only NULL breaches: no period counts, the result is NULL
INSERT INTO streak_t VALUES
  ('A', '2024-01-01', true), ('A', '2024-02-01', true), ('A', '2024-03-01', true),
  ('B', '2024-01-01', true), ('B', '2024-02-01', true), ('B', '2024-04-01', true), ('B', '2024-05-01', true),
  ('C', '2024-01-01', true), ('C', '2024-02-01', true), ('C', '2024-03-01', true), ('C', '2024-04-01', false),
  ('D', '2024-02-01', false), ('D', '2024-03-01', true), ('D', '2024-03-20', false),
  ('E', '2024-01-01', NULL);
SELECT subject, cleangov.streak(breach, period, 'month') FROM streak_t GROUP BY subject ORDER BY subject;
-- As an ordered aggregate: ORDER BY inside changes nothing (the result is order-independent).
SELECT subject, cleangov.streak(breach, period, 'month' ORDER BY period DESC) FROM streak_t
 GROUP BY subject ORDER BY subject;
-- As a window function: the running streak per row.
SELECT subject, period, breach,
       cleangov.streak(breach, period, 'month') OVER (PARTITION BY subject ORDER BY period) AS running
  FROM streak_t WHERE subject IN ('B', 'C', 'D') ORDER BY subject, period;
-- ROWS frames see each row separately: the second March row of D adds no new period.
SELECT period, breach,
       cleangov.streak(breach, period, 'month') OVER (ORDER BY period ROWS UNBOUNDED PRECEDING) AS running
  FROM streak_t WHERE subject = 'D' ORDER BY period;

-- "Below 60 % two years running": yearly periods, any date in the year.
SELECT cleangov.streak(score < 60, period, 'year')
  FROM (VALUES ('2021-06-30'::date, 55), ('2022-12-31', 58), ('2023-01-01', 59)) v(period, score);
-- A missing year breaks the run: 2021 and 2023 breached, 2022 absent.
SELECT cleangov.streak(true, period, 'year') FROM (VALUES ('2021-01-01'::date), ('2023-01-01')) v(period);
-- Days, ISO weeks (Monday to Sunday), quarters, and intervals of days or months.
SELECT cleangov.streak(true, d, 'day') AS days,
       cleangov.streak(true, d, 'week') AS weeks,
       cleangov.streak(true, d, interval '7 days') AS weeks_interval,
       cleangov.streak(true, d, 'quarter') AS quarters,
       cleangov.streak(true, d, interval '3 months') AS quarters_interval,
       cleangov.streak(true, d, interval '1 year') AS years
  FROM generate_series('2023-12-25'::date, '2024-01-14', '1 day') g, LATERAL (SELECT g::date AS d) x;
-- Sunday 2024-01-07 and Monday 2024-01-08 are consecutive days in consecutive weeks: 2.
SELECT cleangov.streak(true, d, 'week') FROM (VALUES ('2024-01-07'::date), ('2024-01-08')) v(d);
-- Monday 2024-01-01 and Sunday 2024-01-14 are in consecutive weeks: 2.
SELECT cleangov.streak(true, d, 'week') FROM (VALUES ('2024-01-01'::date), ('2024-01-14')) v(d);
-- Sunday 2024-01-07 and Monday 2024-01-15: the week between is missing: 1.
SELECT cleangov.streak(true, d, 'week') FROM (VALUES ('2024-01-07'::date), ('2024-01-15')) v(d);
-- Periods before 2000 and across year 0 bucket like any other.
SELECT cleangov.streak(true, d, 'month') FROM (VALUES ('1999-11-15'::date), ('1999-12-01'), ('2000-01-31')) v(d);
SELECT cleangov.streak(true, d, 'year') FROM (VALUES ('0002-01-01 BC'::date), ('0001-06-01 BC'), ('0001-01-01')) v(d);
-- Steps are case-insensitive words.
SELECT cleangov.streak(true, '2024-01-01', 'Month');
-- No rows: NULL.
SELECT cleangov.streak(true, d, 'month') IS NULL AS no_rows FROM streak_t t(s, d) WHERE false;

-- Parallel plan: Partial and Finalize.
CREATE TABLE streak_big AS
  SELECT g % 50 AS subject, '2020-01-01'::date + (g / 50) AS period, (g % 7) <> 0 AS breach
    FROM generate_series(0, 49999) g;
ANALYZE streak_big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT subject, cleangov.streak(breach, period, 'day') FROM streak_big GROUP BY subject;
SELECT count(*) AS subjects, sum(s) AS total
  FROM (SELECT subject, cleangov.streak(breach, period, 'day') AS s FROM streak_big GROUP BY subject) x;
RESET enable_hashagg;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE streak_big;

-- The state's text form, read back and combined.
CREATE AGGREGATE streak_state_of(boolean, date, text) (SFUNC = cleangov.streak_trans, STYPE = cleangov.streak_state);
SELECT subject, streak_state_of(breach, period, 'month') FROM streak_t GROUP BY subject ORDER BY subject;
SELECT cleangov.streak_final(cleangov.streak_combine(
         '1 month;latest=24290;runs=24288:24288,24290:24290', '1 month;latest=24289;runs=24289:24289'));
SELECT cleangov.streak_combine('7 day;latest=5;runs=1:2', '7 day;latest=9;runs=3:3,5:9');
DROP AGGREGATE streak_state_of(boolean, date, text);
DROP TABLE streak_t;

-- Errors, each with its SQLSTATE.
\set VERBOSITY sqlstate
SELECT cleangov.streak(true, '2024-01-01', 'fortnight');
SELECT cleangov.streak(true, '2024-01-01', NULL::text);
SELECT cleangov.streak(true, '2024-01-01', interval '1 month 1 day');
SELECT cleangov.streak(true, '2024-01-01', interval '24 hours');
SELECT cleangov.streak(true, '2024-01-01', interval '-1 month');
SELECT cleangov.streak(true, 'infinity', 'day');
SELECT cleangov.streak(true, d, s) FROM (VALUES ('2024-01-01'::date, 'month'), ('2024-02-01', 'year')) v(d, s);
SELECT cleangov.streak_combine('1 month;latest=1;runs=', '1 day;latest=1;runs=');
SELECT '1 month;latest=1;runs=2:3'::cleangov.streak_state;
SELECT '1 month;latest=9;runs=1:3,4:5'::cleangov.streak_state;
SELECT '0 month;latest=9;runs='::cleangov.streak_state;
SELECT '1 fortnight;latest=9;runs='::cleangov.streak_state;
\set VERBOSITY default
