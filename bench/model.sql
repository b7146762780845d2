-- bench/model.sql: run by bench/model.sh inside a throwaway cluster.
\pset footer off
CREATE EXTENSION cleangov;
SET jit = off;
SET max_parallel_workers_per_gather = 0;
\ir best_ms.sql

\echo '== building the data: ' :rows ' rows x 30 features, labels drawn from a known logistic model'
SELECT setseed(0.25);
CREATE TABLE raw AS
  SELECT i AS id,
         (random() + random() + random() - 1.5) * 1 AS f1,
         exp(random() * 3) AS f2,
         (random() < 0.4)::int::float8 AS f3,
         (random() + random() + random() - 1.5) * 4 AS f4,
         exp(random() * 3) AS f5,
         (random() < 0.7)::int::float8 AS f6,
         (random() + random() + random() - 1.5) * 7 AS f7,
         exp(random() * 3) AS f8,
         (random() < 0.1)::int::float8 AS f9,
         (random() + random() + random() - 1.5) * 10 AS f10,
         exp(random() * 3) AS f11,
         (random() < 0.4)::int::float8 AS f12,
         (random() + random() + random() - 1.5) * 13 AS f13,
         exp(random() * 3) AS f14,
         (random() < 0.7)::int::float8 AS f15,
         (random() + random() + random() - 1.5) * 16 AS f16,
         exp(random() * 3) AS f17,
         (random() < 0.1)::int::float8 AS f18,
         (random() + random() + random() - 1.5) * 19 AS f19,
         exp(random() * 3) AS f20,
         (random() < 0.4)::int::float8 AS f21,
         (random() + random() + random() - 1.5) * 22 AS f22,
         exp(random() * 3) AS f23,
         (random() < 0.7)::int::float8 AS f24,
         (random() + random() + random() - 1.5) * 25 AS f25,
         exp(random() * 3) AS f26,
         (random() < 0.1)::int::float8 AS f27,
         (random() + random() + random() - 1.5) * 28 AS f28,
         exp(random() * 3) AS f29,
         (random() < 0.4)::int::float8 AS f30
    FROM generate_series(1, :rows) i;
-- the label: y = 1 with probability sigma(z), z linear in ten of the features
CREATE TABLE train AS
  SELECT r.*, (random() < 1 / (1 + exp(-(-1.2 + 0.3 * f1 / 1 - 0.05 * f2 + 0.8 * f3 + 0.02 * f4 + 0.1 * f5
                                         - 0.6 * f6 + 0.01 * f7 - 0.04 * f8 + 0.5 * f9 + 0.03 * f10))))::int::float8 AS y
    FROM raw r;
DROP TABLE raw;
VACUUM ANALYZE train;
SELECT count(*) AS rows, round(avg(y)::numeric, 3) AS positive_share,
       pg_size_pretty(pg_table_size('train')) AS table_size FROM train;

-- the standardisation the model layer would use (model_moments): mean and sd per feature
SELECT array_agg(m ORDER BY k) AS mean, array_agg(s ORDER BY k) AS sd
  FROM (SELECT k, avg(v) AS m, stddev_pop(v) AS s
          FROM train, unnest(ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30]) WITH ORDINALITY u(v, k) GROUP BY k) q \gset
CREATE TABLE params AS SELECT :'mean'::float8[] AS mean, :'sd'::float8[] AS sd;

\echo '== fitting (logit_fit, lambda 1, tolerance 1e-8): the iterations Newton needs'
SELECT beta, iterations, loglik, converged
  FROM cleangov.logit_fit('SELECT ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30] AS x, y FROM public.train', 1, :'mean', :'sd', 1e-8, 50) \gset
SELECT :iterations AS iterations, :'converged' AS converged, round(:loglik::numeric, 1) AS loglik;
CREATE TABLE model AS SELECT :'beta'::float8[] AS beta;

CREATE TABLE timing (name text PRIMARY KEY, ms float8);
-- The floor: the same scan building the same 30-feature arrays, consumed
-- (cardinality of each array summed), with the label read too.
INSERT INTO timing SELECT 'feature_scan', pg_temp.best_ms($q$
  SELECT sum(cardinality(ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30]) + y) FROM public.train $q$, :reps);
-- One Newton iteration: the aggregate pass at the fitted beta (the cost of a
-- pass does not depend on beta) and the Newton step on its state.
INSERT INTO timing SELECT 'iteration', pg_temp.best_ms($q$
  SELECT cleangov.logit_newton(cleangov.logit_pass((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], y,
                                                   (SELECT mean FROM public.params), (SELECT sd FROM public.params)),
                               (SELECT beta FROM public.model), 1)
    FROM public.train $q$, :reps);
INSERT INTO timing SELECT 'scoring', pg_temp.best_ms($q$
  SELECT sum(cleangov.logit_score((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], (SELECT mean FROM public.params), (SELECT sd FROM public.params)))
    FROM public.train $q$, :reps);
INSERT INTO timing SELECT 'contributions', pg_temp.best_ms($q$
  SELECT sum(cardinality(cleangov.logit_contributions((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], (SELECT mean FROM public.params), (SELECT sd FROM public.params))))
    FROM public.train $q$, :reps);

\echo '== parallel: logit_pass and sum() with 0 and 2 workers'
INSERT INTO timing SELECT 'sum_0_workers', pg_temp.best_ms($q$ SELECT sum(f1) FROM public.train $q$, :reps);
INSERT INTO timing SELECT 'pass_0_workers', pg_temp.best_ms($q$
  SELECT cleangov.logit_rows(cleangov.logit_pass((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], y,
                                                 (SELECT mean FROM public.params), (SELECT sd FROM public.params)))
    FROM public.train $q$, :reps);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET max_parallel_workers_per_gather = 2;
\echo 'plan with 2 workers:'
EXPLAIN (COSTS OFF) SELECT cleangov.logit_rows(cleangov.logit_pass((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], y,
                                                 (SELECT mean FROM public.params), (SELECT sd FROM public.params)))
    FROM public.train;
INSERT INTO timing SELECT 'sum_2_workers', pg_temp.best_ms($q$ SELECT sum(f1) FROM public.train $q$, :reps);
INSERT INTO timing SELECT 'pass_2_workers', pg_temp.best_ms($q$
  SELECT cleangov.logit_rows(cleangov.logit_pass((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], y,
                                                 (SELECT mean FROM public.params), (SELECT sd FROM public.params)))
    FROM public.train $q$, :reps);
-- the parallel pass gives the serial pass's answer (combine is exact up to
-- the order of floating-point sums)
SET max_parallel_workers_per_gather = 0;
SELECT cleangov.logit_newton(cleangov.logit_pass(m.beta, ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], t.y, p.mean, p.sd), m.beta, 1) AS serial_step
  FROM public.train t, public.model m, public.params p GROUP BY m.beta \gset
SET max_parallel_workers_per_gather = 2;
SELECT cleangov.logit_newton(cleangov.logit_pass((SELECT beta FROM public.model), ARRAY[f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16, f17, f18, f19, f20, f21, f22, f23, f24, f25, f26, f27, f28, f29, f30], y,
                                                 (SELECT mean FROM public.params), (SELECT sd FROM public.params)),
                             (SELECT beta FROM public.model), 1) AS parallel_step
  FROM public.train \gset
SELECT max(abs(a - b)) AS serial_vs_parallel_step_difference
  FROM unnest(:'serial_step'::float8[], :'parallel_step'::float8[]) u(a, b);

\echo '== results (ms, best of ' :reps ')'
SELECT name, round(ms::numeric, 1) AS ms FROM timing ORDER BY name;
WITH t AS (SELECT jsonb_object_agg(name, ms) j FROM timing)
SELECT round(((j->>'iteration')::float8 / (j->>'feature_scan')::float8)::numeric, 2) AS iteration_vs_scan,
       :iterations AS iterations,
       round(((j->>'scoring')::float8 / (j->>'feature_scan')::float8)::numeric, 2) AS scoring_vs_scan,
       round(((j->>'contributions')::float8 / (j->>'feature_scan')::float8)::numeric, 2) AS contributions_vs_scan,
       round(((j->>'pass_0_workers')::float8 / (j->>'pass_2_workers')::float8)::numeric, 2) AS pass_speedup_2_workers,
       round(((j->>'sum_0_workers')::float8 / (j->>'sum_2_workers')::float8)::numeric, 2) AS sum_speedup_2_workers
  FROM t;
\echo 'targets (issue 16): iteration_vs_scan <= 2, scoring_vs_scan <= 1.5, pass_speedup_2_workers >= sum_speedup_2_workers'
