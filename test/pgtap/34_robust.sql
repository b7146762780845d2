-- Robust outliers against independent plain SQL: percentile_cont for the median
-- and quartiles, a plain-SQL MAD, the fence formulas with Cardinal's rule.
-- Quantiles and the MAD are computed operation for operation like
-- percentile_cont, so the tolerance is 0 (bit-for-bit equality).
BEGIN;
SELECT plan(33);

SELECT setseed(0.34);
-- About 300 groups of some 20 random values, with ties; then hand-made groups
-- of 0 to 4 values, all equal, all zero, huge and tiny.
CREATE TEMP TABLE r AS
  SELECT id, (random() * 300)::int AS g,
         CASE WHEN random() < 0.2 THEN round((random() * 10)::numeric)::float8
              ELSE (random() - 0.3) * 1000 END AS x
    FROM generate_series(1, 6000) id;
INSERT INTO r SELECT 100000 + i, 1000 + i, i FROM generate_series(1, 4) i;      -- n = 1 groups
INSERT INTO r SELECT 100100 + i, 1010 + i / 2, i FROM generate_series(0, 3) i;   -- n = 2 groups
INSERT INTO r SELECT 100700 + i, 1070, i * i FROM generate_series(1, 3) i;         -- n = 3
INSERT INTO r SELECT 100800 + i, 1080, -i FROM generate_series(1, 4) i;            -- n = 4
INSERT INTO r SELECT 100200 + i, 1020, 7 FROM generate_series(1, 5) i;           -- all equal
INSERT INTO r SELECT 100300 + i, 1030, 0 FROM generate_series(1, 5) i;           -- all zero
INSERT INTO r SELECT 100400 + i, 1040, NULL FROM generate_series(1, 3) i;        -- only NULLs
INSERT INTO r SELECT 100500 + i, 1050, 1e9 + i % 7 FROM generate_series(1, 50) i;  -- huge, tiny spread
INSERT INTO r SELECT 100600 + i, 1060, (i % 9) * 1e-300 FROM generate_series(1, 50) i; -- tiny

CREATE TEMP TABLE plain AS
  WITH q AS (
    SELECT g, count(x) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY x) AS q1,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY x) AS q3
      FROM r GROUP BY g),
  m AS (
    SELECT r.g, percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(r.x - q.median)) AS mad
      FROM r JOIN q USING (g) GROUP BY r.g)
  SELECT q.g, q.n, q.median, m.mad, 1.4826 * m.mad AS mad_scaled, q.q1, q.q3, q.q3 - q.q1 AS iqr,
         CASE WHEN NOT (q.q1 = 0 AND q.q3 = 0 AND q.q3 - q.q1 = 0) THEN q.q1 - 1.5 * (q.q3 - q.q1) END AS lower_fence,
         CASE WHEN NOT (q.q1 = 0 AND q.q3 = 0 AND q.q3 - q.q1 = 0) THEN q.q3 + 1.5 * (q.q3 - q.q1) END AS upper_fence,
         CASE WHEN NOT (q.q1 = 0 AND q.q3 = 0 AND q.q3 - q.q1 = 0) THEN q.q1 - 3 * (q.q3 - q.q1) END AS lower_fence3,
         CASE WHEN NOT (q.q1 = 0 AND q.q3 = 0 AND q.q3 - q.q1 = 0) THEN q.q3 + 3 * (q.q3 - q.q1) END AS upper_fence3
    FROM q LEFT JOIN m USING (g);

CREATE TEMP TABLE mine AS
  SELECT g, (cleangov.robust_stats(x)).*, cleangov.median(x) AS median_agg, cleangov.mad(x) AS mad_agg,
         cleangov.robust_stats(x, 3) AS s3
    FROM r GROUP BY g;

SELECT ok((SELECT count(*) FROM mine) > 300 AND (SELECT count(DISTINCT n) FROM mine WHERE n BETWEEN 0 AND 4) = 5,
          'the data has over 300 groups, among them groups of 0, 1, 2, 3 and 4 values');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.n <> p.n), 0::bigint, 'n: equal in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.median IS DISTINCT FROM p.median), 0::bigint,
          'median: equal to percentile_cont(0.5) in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.median_agg IS DISTINCT FROM p.median), 0::bigint,
          'cleangov.median: equal to percentile_cont(0.5) in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.q1 IS DISTINCT FROM p.q1 OR mine.q3 IS DISTINCT FROM p.q3), 0::bigint,
          'q1, q3: equal to percentile_cont(0.25), (0.75) in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.mad IS DISTINCT FROM p.mad OR mine.mad_agg IS DISTINCT FROM p.mad), 0::bigint,
          'mad: equal to the plain-SQL median of |x - median| in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g) WHERE mine.mad_scaled IS DISTINCT FROM p.mad_scaled OR mine.iqr IS DISTINCT FROM p.iqr), 0::bigint,
          'mad_scaled = 1.4826 * mad and iqr = q3 - q1 in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g)
            WHERE mine.lower_fence IS DISTINCT FROM p.lower_fence OR mine.upper_fence IS DISTINCT FROM p.upper_fence), 0::bigint,
          'fences Q1 - 1.5 IQR, Q3 + 1.5 IQR, NULL when Q1, Q3, IQR are all 0, in every group');
SELECT is((SELECT count(*) FROM mine JOIN plain p USING (g)
            WHERE (s3).lower_fence IS DISTINCT FROM p.lower_fence3 OR (s3).upper_fence IS DISTINCT FROM p.upper_fence3), 0::bigint,
          'fences with k = 3 in every group');
SELECT is((SELECT ARRAY[median, mad, q1, q3] FROM mine WHERE g = 1050), ARRAY[1e9 + 3, 2, 1e9 + 1, 1e9 + 5]::float8[],
          'prices of 1e9 differing in the last units keep their digits');
SELECT is((SELECT lower_fence IS NULL AND upper_fence IS NULL AND n = 5 FROM mine WHERE g = 1030), true,
          'all zero: no fence (Cardinal)');
SELECT is((SELECT n = 0 AND median IS NULL AND mad_agg IS NULL FROM mine WHERE g = 1040), true,
          'only NULL values: n = 0 and NULL fields');

-- Robust z against the plain formula, per row.
SELECT is((SELECT count(*) FROM r JOIN plain p USING (g)
            WHERE r.x IS NOT NULL AND cleangov.robust_z(r.x, p.median, p.mad)
                  IS DISTINCT FROM CASE WHEN p.mad > 0 THEN (r.x - p.median) / (1.4826 * p.mad) END),
          0::bigint, 'robust_z equals (x - median) / (1.4826 * mad), NULL for mad 0, on every row');

-- The states through text, combined: the answer of a single pass.
CREATE AGGREGATE pg_temp.state_of(float8) (SFUNC = cleangov.robust_trans, STYPE = cleangov.robust_state);
CREATE AGGREGATE pg_temp.combine_all(cleangov.robust_state) (
  SFUNC = cleangov.robust_combine, STYPE = cleangov.robust_state, FINALFUNC = cleangov.robust_stats_final);
SELECT is((SELECT count(*) FROM (
             SELECT g, pg_temp.combine_all(st::text::cleangov.robust_state) AS c
               FROM (SELECT g, id % 3 AS part, pg_temp.state_of(x) AS st FROM r GROUP BY g, id % 3) parts
              GROUP BY g) c
           JOIN mine USING (g)
          WHERE (c).n <> mine.n OR (c).median IS DISTINCT FROM mine.median OR (c).mad IS DISTINCT FROM mine.mad
             OR (c).q1 IS DISTINCT FROM mine.q1 OR (c).q3 IS DISTINCT FROM mine.q3
             OR (c).lower_fence IS DISTINCT FROM mine.lower_fence OR (c).upper_fence IS DISTINCT FROM mine.upper_fence),
          0::bigint, 'three parts per group, states round-tripped through text and combined: the single-pass answer');
SELECT is((SELECT count(*) FROM (SELECT pg_temp.state_of(x) AS st FROM r GROUP BY g) s
            WHERE st::text::cleangov.robust_state::text <> st::text),
          0::bigint, 'every state reads back from its text form to the same text');

-- Window use: running median and quartiles over rows in id order (values unordered).
CREATE TEMP TABLE w AS SELECT id, x FROM r WHERE g < 3 AND x IS NOT NULL;
SELECT is((SELECT count(*) FROM (
             SELECT id, cleangov.median(x) OVER o AS m, cleangov.robust_stats(x) OVER o AS s FROM w WINDOW o AS (ORDER BY id)) t
          WHERE m IS DISTINCT FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM w w2 WHERE w2.id <= t.id)
             OR (s).q1 IS DISTINCT FROM (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x) FROM w w2 WHERE w2.id <= t.id)
             OR (s).mad IS DISTINCT FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(x - t.m)) FROM w w2 WHERE w2.id <= t.id)),
          0::bigint, 'as a window function: running median, q1 and mad equal the plain SQL over the rows so far');
SELECT ok((SELECT count(*) FROM w) > 40, 'the window test runs over more than 40 rows');

-- Memory: 8 bytes a value plus at most the doubling slack.
SELECT ok((SELECT pg_column_size(pg_temp.state_of(i)) BETWEEN 8 * 10000 AND 16 * 10000 + 64
             FROM generate_series(1, 10000) i),
          'a state of 10,000 values takes between 8 and 16 bytes a value');

-- Errors by SQLSTATE.
SELECT throws_ok($$SELECT cleangov.robust_stats(x) FROM unnest('{1,NaN}'::float8[]) x$$, '22003',
                 'robust_stats: input must be a finite number', 'NaN refused, naming the kernel');
SELECT throws_ok($$SELECT cleangov.mad(x) FROM unnest('{Infinity}'::float8[]) x$$, '22003',
                 'mad: input must be a finite number', 'infinity refused, naming the kernel');
SELECT throws_ok($$SELECT cleangov.robust_stats(x, -0.5) FROM unnest('{1}'::float8[]) x$$, '22023',
                 'robust_stats: k must not be negative', 'negative k refused');
SELECT throws_ok($$SELECT cleangov.robust_z(1, 1, -1)$$, '22023', NULL, 'negative mad refused');

-- quantile_of: type 7 is percentile_cont bit for bit; type 8 against an
-- independent computation of Hyndman and Fan's definition 8 in SQL
CREATE TEMP TABLE qv AS
SELECT g, (random() * 1000)::int / 10.0::float8 AS x
  FROM generate_series(1, 40) g, generate_series(1, (random() * 12)::int + 1) i;
INSERT INTO qv VALUES (41, 5), (42, 0), (42, 0), (42, 100), (42, 100), (42, 100), (42, 100), (42, 100), (42, 100), (42, 100);
CREATE TEMP TABLE qp AS SELECT unnest('{0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1}'::float8[]) AS p;
SELECT is((SELECT count(*)::int FROM qv v, qp
            GROUP BY v.g, qp.p
           HAVING cleangov.quantile_of(cleangov.collect(v.x), qp.p, 7)
                  IS DISTINCT FROM percentile_cont(qp.p) WITHIN GROUP (ORDER BY v.x)
           LIMIT 1), NULL, 'type 7 equals percentile_cont on every group and p');
WITH s AS (SELECT g, array_agg(x ORDER BY x) AS xs, count(*) AS n FROM qv GROUP BY g),
     h AS (SELECT s.*, qp.p, (s.n + 1.0 / 3) * qp.p + 1.0 / 3 AS h FROM s, qp),
     ref AS (SELECT g, p, CASE WHEN floor(h) < 1 THEN xs[1] WHEN floor(h) >= n THEN xs[n]
                               ELSE xs[floor(h)::int] + (h - floor(h)) * (xs[floor(h)::int + 1] - xs[floor(h)::int]) END AS q FROM h)
SELECT is((SELECT count(*)::int FROM ref
            WHERE abs(ref.q - (SELECT cleangov.quantile_of(cleangov.collect(v.x), ref.p, 8) FROM qv v WHERE v.g = ref.g)) > 1e-9), 0,
          'type 8 equals an independent computation of definition 8 on every group and p');
SELECT is(round(cleangov.quantile_of(cleangov.collect(x), 0.25, 8)::numeric, 2), 66.67, 'Q1 of 0, 0, 100 x 7 by type 8 (Cardinal''s quartile)')
  FROM qv WHERE g = 42;
SELECT is(cleangov.quantile_of(cleangov.collect(x), 0.25, 7), 100::float8, 'and by type 7 (percentile_cont)') FROM qv WHERE g = 42;
SELECT is(cleangov.quantile_of(cleangov.collect(x), 0.75, 8), 5::float8, 'one value: every quantile is it') FROM qv WHERE g = 41;
SELECT ok((SELECT cleangov.collect(x) FROM qv WHERE false) IS NULL, 'collect of no rows is NULL');
SELECT is((SELECT cleangov.quantile_of(cleangov.collect(x)::text::cleangov.robust_state, 0.25, 8) FROM qv),
          (SELECT cleangov.quantile_of(cleangov.collect(x), 0.25, 8) FROM qv), 'the state''s text form round-trips (a Citus worker''s partial state)');
SELECT throws_ok($$SELECT cleangov.quantile_of(cleangov.collect(x), 1.5, 8) FROM qv$$, '22023', NULL, 'p outside [0, 1]');
SELECT throws_ok($$SELECT cleangov.quantile_of(cleangov.collect(x), 0.5, 6) FROM qv$$, '22023', NULL, 'a type other than 7 and 8');
SELECT throws_ok($$SELECT cleangov.quantile_of(cleangov.collect(x), 'NaN', 8) FROM qv$$, '22023', NULL, 'p NaN');
SELECT ok(cleangov.quantile_of(NULL, 0.5, 8) IS NULL AND cleangov.quantile_of((SELECT cleangov.collect(x) FROM qv), NULL, 8) IS NULL,
          'NULL arguments give NULL (strict)');

SELECT * FROM finish();
ROLLBACK;
