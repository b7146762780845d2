-- bench/kernels.sql: run by bench/kernels.sh inside a throwaway cluster.
\pset footer off
CREATE EXTENSION cleangov;
SET work_mem = '1GB';          -- no hash aggregate spills to disk, for any query here
SET jit = off;
SET max_parallel_workers_per_gather = 0;

\echo '== building the data (10 M bids in 1 M tenders, 10 M amounts in 1,000 buyers)'
SELECT setseed(0.5);
-- Two layouts of the same bids: "scattered" (row i belongs to tender i % 1 M,
-- so consecutive rows hit different groups of the hash aggregate) and
-- "clustered" (the bids of a tender stored together, as a bid table filled
-- tender by tender is).
CREATE TABLE bids AS
  SELECT (i % 1000000)::int AS tender, round((1e5 * (1 + random()))::numeric, 2)::float8 AS price
    FROM generate_series(1, 10000000) i;
CREATE TABLE bids_clustered AS SELECT * FROM bids ORDER BY tender;
CREATE TABLE amounts AS
  SELECT (i % 1000)::int AS buyer, round(exp(random() * 14)::numeric, 2) AS amount
    FROM generate_series(1, 10000000) i;
VACUUM ANALYZE bids;
VACUUM ANALYZE bids_clustered;
VACUUM ANALYZE amounts;

-- Best of :reps runs of a query, in milliseconds (the query's rows are discarded).
CREATE FUNCTION best_ms(q text, reps int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; ms float8;
BEGIN
  FOR i IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    best := least(best, ms);
  END LOOP;
  RETURN best;
END $$;
CREATE TABLE timing(name text PRIMARY KEY, ms float8);

\echo '== bid_screens: floor, kernel, plain SQL, on both layouts'
-- Floor and kernel have the same plan (HashAggregate, no workers) and both
-- hand 13 values per tender to num_nonnulls: the kernel its 13 fields, the
-- floor its count 13 times.  The kernel's fields are selected from the one
-- composite the final function returns (once per tender: the subquery is not
-- flattened, so (r).n ... (r).bn do not repeat the aggregate).
\echo 'plans:'
EXPLAIN (COSTS OFF) SELECT tender, count(*) c FROM bids GROUP BY tender;
EXPLAIN (COSTS OFF) SELECT tender, cleangov.bid_screens(price) r FROM bids GROUP BY tender;
INSERT INTO timing SELECT l || '_bids_floor', best_ms(format($q$
  SELECT sum(num_nonnulls(c, c, c, c, c, c, c, c, c, c, c, c, c))
    FROM (SELECT tender, count(*) c FROM %I GROUP BY tender) s $q$, t), :reps)
  FROM (VALUES ('scattered', 'bids'), ('clustered', 'bids_clustered')) v(l, t);
INSERT INTO timing SELECT l || '_bids_kernel', best_ms(format($q$
  SELECT sum(num_nonnulls((r).n, (r).mean, (r).sd, (r).cv, (r).skewness, (r).kurtosis, (r).d, (r).rd,
                          (r).normd, (r).spd, (r).b1, (r).b2, (r).bn))
    FROM (SELECT tender, cleangov.bid_screens(price) r FROM %I GROUP BY tender) s $q$, t), :reps)
  FROM (VALUES ('scattered', 'bids'), ('clustered', 'bids_clustered')) v(l, t);
-- Where the time goes: the kernel with the composite consumed whole (the
-- final function still runs once per tender, the 13 field selections do
-- not), and the state alone (no final function).
INSERT INTO timing SELECT l || '_bids_kernel_whole_row', best_ms(format($q$
  SELECT sum(num_nonnulls(r)) FROM (SELECT tender, cleangov.bid_screens(price) r FROM %I GROUP BY tender) s $q$, t), :reps)
  FROM (VALUES ('scattered', 'bids'), ('clustered', 'bids_clustered')) v(l, t);
INSERT INTO timing SELECT l || '_bids_state_only', best_ms(format($q$
  SELECT sum(num_nonnulls(r)) FROM (SELECT tender, cleangov.bid_screens_partial(price) r FROM %I GROUP BY tender) s $q$, t), :reps)
  FROM (VALUES ('scattered', 'bids'), ('clustered', 'bids_clustered')) v(l, t);
-- The same screens in plain SQL: window functions for the order (row_number)
-- and the mean and count, then the central moments per tender.
INSERT INTO timing SELECT l || '_bids_plain_sql', best_ms(format($q$
  WITH w AS (SELECT tender, price, row_number() OVER (PARTITION BY tender ORDER BY price) AS r,
                    avg(price) OVER (PARTITION BY tender) AS m, count(*) OVER (PARTITION BY tender) AS n
               FROM %I),
  g AS (SELECT tender, n, m, sum((price - m) ^ 2) AS m2, sum((price - m) ^ 3) AS m3, sum((price - m) ^ 4) AS m4,
               min(price) FILTER (WHERE r = 1) AS b1, min(price) FILTER (WHERE r = 2) AS b2, max(price) AS bn,
               stddev_samp(price) FILTER (WHERE r >= 2) AS sd_rest
          FROM w GROUP BY tender, n, m)
  SELECT sum(num_nonnulls(n, m, sd, sd / nullif(m, 0),
             CASE WHEN n >= 3 THEN sqrt(n * (n - 1.0)) / (n - 2) * sqrt(n) * m3 / nullif(m2 * sqrt(m2), 0) END,
             CASE WHEN n >= 4 THEN n * (n + 1.0) / ((n - 1) * (n - 2) * (n - 3)) * m4 * (n - 1) ^ 2 / nullif(m2 ^ 2, 0)
                                   - 3 * (n - 1.0) ^ 2 / ((n - 2) * (n - 3)) END,
             (b2 - b1) / nullif(b1, 0), (b2 - b1) / nullif(sd_rest, 0), (n - 1) * (b2 - b1) / nullif(bn - b1, 0),
             (bn - b1) / nullif(b1, 0), b1, b2, bn))
    FROM (SELECT *, sqrt(m2 / nullif(n - 1, 0)) AS sd FROM g) s $q$, t), :reps)
  FROM (VALUES ('scattered', 'bids'), ('clustered', 'bids_clustered')) v(l, t);

\echo '== benford: floor, kernel, plain SQL'
INSERT INTO timing SELECT 'benford_floor', best_ms($q$
  SELECT sum(num_nonnulls(c)) FROM (SELECT buyer, count(*) c FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'benford_kernel', best_ms($q$
  SELECT sum(num_nonnulls((r).test, (r).n, (r).skipped_zero, (r).skipped_small, (r).mad, (r).chi2, (r).p_value,
                          (r).max_z, (r).max_z_digit, (r).conformity, (r).observed, (r).counts))
    FROM (SELECT buyer, cleangov.benford(amount) r FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'benford_kernel_first_two', best_ms($q$
  SELECT sum(num_nonnulls((r).test, (r).n, (r).skipped_zero, (r).skipped_small, (r).mad, (r).chi2, (r).p_value,
                          (r).max_z, (r).max_z_digit, (r).conformity, (r).observed, (r).counts))
    FROM (SELECT buyer, cleangov.benford(amount, 'first_two') r FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'benford_plain_sql', best_ms($q$
  SELECT sum(num_nonnulls(mad, chi2))
    FROM (SELECT buyer, sum(abs(c::float8 / n - log(1 + 1.0 / d))) / 9 AS mad,
                 sum((c - n * log(1 + 1.0 / d)) ^ 2 / (n * log(1 + 1.0 / d))) AS chi2
            FROM (SELECT buyer, d, count(*) AS c, sum(count(*)) OVER (PARTITION BY buyer) AS n
                    FROM (SELECT buyer, left(ltrim(abs(amount)::text, '0.'), 1)::int AS d
                            FROM amounts WHERE abs(amount) >= 1) x
                   GROUP BY buyer, d) y
           GROUP BY buyer) z $q$, :reps);

\echo '== weighted_mean: floor (count), kernel (one sign and both signs), avg()'
INSERT INTO timing SELECT 'wmean_floor', best_ms($q$
  SELECT sum(num_nonnulls(c)) FROM (SELECT buyer, count(*) c FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'wmean_kernel', best_ms($q$
  SELECT sum(num_nonnulls(m)) FROM (SELECT buyer, cleangov.weighted_mean(amount::float8, 2) m FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'wmean_kernel_both_signs', best_ms($q$
  SELECT sum(num_nonnulls(m)) FROM (SELECT buyer, cleangov.weighted_mean(amount::float8 - 1000, 2) m FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'wmean_avg', best_ms($q$
  SELECT sum(num_nonnulls(m)) FROM (SELECT buyer, avg(amount::float8) m FROM amounts GROUP BY buyer) s $q$, :reps);

\echo '== parallel: benford and sum() with 0 and 2 workers'
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
INSERT INTO timing SELECT 'benford_0_workers', ms FROM timing WHERE name = 'benford_kernel';
SET max_parallel_workers_per_gather = 2;
INSERT INTO timing SELECT 'benford_2_workers', best_ms($q$
  SELECT sum(num_nonnulls((r).test, (r).n, (r).skipped_zero, (r).skipped_small, (r).mad, (r).chi2, (r).p_value,
                          (r).max_z, (r).max_z_digit, (r).conformity, (r).observed, (r).counts))
    FROM (SELECT buyer, cleangov.benford(amount) r FROM amounts GROUP BY buyer) s $q$, :reps);
INSERT INTO timing SELECT 'sum_2_workers', best_ms($q$
  SELECT sum(num_nonnulls(t)) FROM (SELECT buyer, sum(amount) t FROM amounts GROUP BY buyer) s $q$, :reps);
SET max_parallel_workers_per_gather = 0;
INSERT INTO timing SELECT 'sum_0_workers', best_ms($q$
  SELECT sum(num_nonnulls(t)) FROM (SELECT buyer, sum(amount) t FROM amounts GROUP BY buyer) s $q$, :reps);
SET max_parallel_workers_per_gather = 2;
\echo 'plan with workers:'
EXPLAIN (COSTS OFF) SELECT buyer, cleangov.benford(amount) r FROM amounts GROUP BY buyer;

\echo '== results (best of :reps runs, shared 2-core machine)'
SELECT name, round(ms::numeric) AS ms FROM timing ORDER BY name;
SELECT l AS layout,
       round((k / f)::numeric, 2) AS "bid_screens / floor (target <= 1.3)",
       round((p / k)::numeric, 2) AS "plain SQL / bid_screens (target >= 3.5)",
       round((p / f)::numeric, 2) AS "plain SQL / floor",
       round((w / f)::numeric, 2) AS "whole row / floor",
       round((s / f)::numeric, 2) AS "state only / floor"
  FROM (SELECT l, max(ms) FILTER (WHERE name = l || '_bids_floor') f, max(ms) FILTER (WHERE name = l || '_bids_kernel') k,
               max(ms) FILTER (WHERE name = l || '_bids_plain_sql') p, max(ms) FILTER (WHERE name = l || '_bids_kernel_whole_row') w,
               max(ms) FILTER (WHERE name = l || '_bids_state_only') s
          FROM timing, (VALUES ('scattered'), ('clustered')) v(l) GROUP BY l) x ORDER BY l DESC;
WITH t AS (SELECT jsonb_object_agg(name, ms) j FROM timing),
v AS (SELECT (j->>'benford_floor')::float8 ff, (j->>'benford_kernel')::float8 fk, (j->>'benford_kernel_first_two')::float8 fk2,
             (j->>'benford_plain_sql')::float8 fp,
             (j->>'benford_0_workers')::float8 f0, (j->>'benford_2_workers')::float8 f2,
             (j->>'sum_0_workers')::float8 s0, (j->>'sum_2_workers')::float8 s2, j FROM t)
SELECT r.* FROM v CROSS JOIN LATERAL (VALUES
  ('weighted_mean / floor', round(((j->>'wmean_kernel')::float8 / (j->>'wmean_floor')::float8)::numeric, 2)),
  ('weighted_mean of both signs / floor', round(((j->>'wmean_kernel_both_signs')::float8 / (j->>'wmean_floor')::float8)::numeric, 2)),
  ('avg(float8) / floor', round(((j->>'wmean_avg')::float8 / (j->>'wmean_floor')::float8)::numeric, 2)),
  ('benford / floor (target <= 1.3)', round((fk / ff)::numeric, 2)),
  ('benford first_two / floor', round((fk2 / ff)::numeric, 2)),
  ('plain SQL digit count / benford (target >= 2)', round((fp / fk)::numeric, 2)),
  ('plain SQL digit count / floor', round((fp / ff)::numeric, 2)),
  ('benford speed-up with 2 workers', round((f0 / f2)::numeric, 2)),
  ('sum() speed-up with 2 workers (benford''s target: at least this)', round((s0 / s2)::numeric, 2))
) r(ratio, value);
