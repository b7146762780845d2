-- cleangov.streak against independent plain SQL (gaps and islands) on random
-- data, rows fed in random order; the window form; states through text.
BEGIN;
SELECT plan(12);

SELECT setseed(0.36);
-- 200 subjects, 30 months each: a month is missing with probability 0.2, has
-- one to three rows, each a breach with probability 0.7 (or NULL, 0.05).
CREATE TEMP TABLE s AS
  SELECT row_number() OVER () AS id, subject, d, breach
    FROM (SELECT subject, (('2022-01-01'::date + make_interval(months => m))::date + (random() * 27)::int) AS d,
                 CASE WHEN random() < 0.05 THEN NULL ELSE random() < 0.7 END AS breach
            FROM generate_series(1, 200) subject, generate_series(0, 29) m, generate_series(1, 3) k
           WHERE random() < 0.8 AND (k = 1 OR random() < 0.3)
           ORDER BY random()) x;

-- Plain SQL: per month any breach; the latest month; the island of
-- consecutive breached months that contains the latest month.
CREATE TEMP VIEW plain_month AS
  WITH per AS (SELECT subject, date_trunc('month', d)::date AS m, bool_or(breach) AS b
                 FROM s WHERE breach IS NOT NULL GROUP BY 1, 2),
  lat AS (SELECT subject, max(m) AS latest FROM per GROUP BY 1),
  br AS (SELECT subject, m, (extract(year FROM m) * 12 + extract(month FROM m))
                            - row_number() OVER (PARTITION BY subject ORDER BY m) AS island
           FROM per WHERE b),
  isl AS (SELECT subject, island, max(m) AS last_m, count(*) AS len FROM br GROUP BY 1, 2)
  SELECT lat.subject, coalesce(isl.len, 0)::int AS streak
    FROM lat LEFT JOIN isl ON isl.subject = lat.subject AND isl.last_m = lat.latest;

SELECT ok((SELECT count(*) FROM plain_month WHERE streak >= 3) >= 20 AND (SELECT count(*) FROM plain_month WHERE streak = 0) >= 20,
          'the random data has at least 20 subjects with a streak of 3 or more and 20 with none');
SELECT is((SELECT count(*) FROM (SELECT subject, cleangov.streak(breach, d, 'month') AS st FROM s GROUP BY subject) a
             FULL JOIN plain_month p USING (subject)
            WHERE a.st IS DISTINCT FROM p.streak),
          0::bigint, 'monthly streaks equal the gaps-and-islands SQL for every subject');

-- The same with days, rows in random order: day numbers as islands.
CREATE TEMP VIEW plain_day AS
  WITH per AS (SELECT subject, d, bool_or(breach) AS b FROM s WHERE breach IS NOT NULL AND subject <= 50
                 AND d < '2022-04-01' GROUP BY 1, 2),
  lat AS (SELECT subject, max(d) AS latest FROM per GROUP BY 1),
  br AS (SELECT subject, d, (d - '2000-01-01'::date) - row_number() OVER (PARTITION BY subject ORDER BY d) AS island
           FROM per WHERE b),
  isl AS (SELECT subject, island, max(d) AS last_d, count(*) AS len FROM br GROUP BY 1, 2)
  SELECT lat.subject, coalesce(isl.len, 0)::int AS streak
    FROM lat LEFT JOIN isl ON isl.subject = lat.subject AND isl.last_d = lat.latest;
CREATE TEMP TABLE dense AS
  SELECT subject, '2022-01-01'::date + (i % 90) AS d, random() < 0.9 AS breach
    FROM generate_series(1, 50) subject, generate_series(0, 89) i WHERE random() < 0.95 ORDER BY random();
INSERT INTO s (subject, d, breach) SELECT subject, d, breach FROM dense;
SELECT is((SELECT count(*) FROM (SELECT subject, cleangov.streak(breach, d, 'day') AS st FROM s
                                   WHERE subject <= 50 AND d < '2022-04-01' GROUP BY subject) a
             FULL JOIN plain_day p USING (subject)
            WHERE a.st IS DISTINCT FROM p.streak),
          0::bigint, 'daily streaks equal the gaps-and-islands SQL for every subject');
SELECT ok((SELECT max(streak) FROM plain_day) >= 10, 'the daily data has streaks of 10 days or more');

-- Years and the '12 months' interval agree with each other and with plain SQL.
SELECT is((SELECT count(*) FROM (
             SELECT subject, cleangov.streak(breach, d, 'year') AS a, cleangov.streak(breach, d, interval '12 months') AS b,
                    cleangov.streak(breach, d, 'quarter') AS q, cleangov.streak(breach, d, interval '3 months') AS q2
               FROM s GROUP BY subject) x WHERE a <> b OR q <> q2),
          0::bigint, '''year'' = interval ''12 months'' and ''quarter'' = interval ''3 months''');

-- Window: the running streak per row equals the aggregate over the rows up to
-- that row's period (which is checked against plain SQL above).
SELECT is((SELECT count(*) FROM (
             SELECT subject, d, cleangov.streak(breach, d, 'month') OVER (PARTITION BY subject ORDER BY d) AS run
               FROM s WHERE subject <= 40) w
            WHERE run IS DISTINCT FROM (SELECT cleangov.streak(breach, d, 'month') FROM s s2
                                         WHERE s2.subject = w.subject AND s2.d <= w.d)),
          0::bigint, 'as a window ordered by period: the running streak on every row');
SELECT is((SELECT count(*) FROM (
             SELECT subject, d, cleangov.streak(breach, d, 'month') OVER (PARTITION BY subject ORDER BY d) AS run
               FROM s WHERE subject <= 40) w
             JOIN plain_month p USING (subject)
            WHERE d = (SELECT max(d) FROM s s2 WHERE s2.subject = w.subject) AND run <> p.streak),
          0::bigint, 'the running streak on the last row equals the plain-SQL streak');

-- States through text, combined: the single-pass answer.
CREATE AGGREGATE pg_temp.state_of(boolean, date, text) (SFUNC = cleangov.streak_trans, STYPE = cleangov.streak_state);
CREATE AGGREGATE pg_temp.combine_all(cleangov.streak_state) (
  SFUNC = cleangov.streak_combine, STYPE = cleangov.streak_state, FINALFUNC = cleangov.streak_final);
SELECT is((SELECT count(*) FROM (
             SELECT subject, pg_temp.combine_all(st::text::cleangov.streak_state) AS c
               FROM (SELECT subject, id % 4 AS part, pg_temp.state_of(breach, d, 'month') AS st FROM s GROUP BY 1, 2) parts
              GROUP BY subject) c
             JOIN plain_month p USING (subject)
            WHERE c.c IS DISTINCT FROM p.streak),
          0::bigint, 'four parts per subject, states round-tripped through text and combined: the plain-SQL answer');
SELECT is((SELECT count(*) FROM (SELECT pg_temp.state_of(breach, d, 'week') AS st FROM s GROUP BY subject) x
            WHERE st::text::cleangov.streak_state::text <> st::text),
          0::bigint, 'every state reads back from its text form to the same text');

SELECT throws_ok($$SELECT cleangov.streak(true, '2024-01-01', 'decade')$$, '22023',
                 'streak: unknown step "decade"', 'unknown step refused');
SELECT throws_ok($$SELECT cleangov.streak(true, '2024-01-01', interval '1 day 2 hours')$$, '22023', NULL,
                 'an interval with hours refused');
SELECT throws_ok($$SELECT cleangov.streak(true, '-infinity', 'month')$$, '22008', NULL, 'an infinite period refused');

SELECT * FROM finish();
ROLLBACK;
