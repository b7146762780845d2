-- Scoring helpers against independent plain SQL on random data.
-- Tolerances: normalize_score and pct_over 1e-9 absolute (they are percentages
-- computed in a different order); weighted_mean 1e-12 relative.
BEGIN;
SELECT plan(10);

SELECT setseed(0.38);
CREATE TEMP TABLE n AS
  SELECT (random() - 0.5) * 200 AS v, (random() - 0.5) * 100 AS worst, (random() - 0.5) * 100 AS best,
         CASE WHEN random() < 0.1 THEN 0 ELSE (random() - 0.5) * 100 END AS ref
    FROM generate_series(1, 5000);

SELECT is((SELECT count(*) FROM n
            WHERE abs(cleangov.normalize_score(v, worst, best)
                      - greatest(0, least(100, 100 * (v - worst) / (best - worst)))) > 1e-9),
          0::bigint, 'normalize_score equals the clamped plain formula, either direction');
SELECT ok((SELECT count(*) FILTER (WHERE cleangov.normalize_score(v, worst, best) = 0) > 500
              AND count(*) FILTER (WHERE cleangov.normalize_score(v, worst, best) = 100) > 500
              AND count(*) FILTER (WHERE worst > best) > 1000 FROM n),
          'the random data clamps at both ends, over 500 times each, and has best < worst over 1000 times');
SELECT is((SELECT count(*) FROM n
            WHERE cleangov.pct_over(v, ref) IS DISTINCT FROM
                  CASE WHEN ref <> 0 THEN 100 * (v - ref) / abs(ref) END
              AND NOT abs(cleangov.pct_over(v, ref) - 100 * (v - ref) / abs(ref)) <= 1e-9 * greatest(1, abs(100 * (v - ref) / abs(ref)))),
          0::bigint, 'pct_over equals 100 * (value - reference) / |reference|, NULL for 0');

CREATE TEMP TABLE wm AS
  SELECT (random() * 100)::int AS g,
         CASE WHEN random() < 0.15 THEN NULL ELSE 1e6 + random() END AS v,
         CASE WHEN random() < 0.1 THEN NULL WHEN random() < 0.1 THEN 0 ELSE random() * 5 END AS w
    FROM generate_series(1, 5000) id;
INSERT INTO wm VALUES (500, NULL, 1), (500, 3, NULL), (501, 2, 0), (501, 4, 0);
CREATE TEMP VIEW wm_plain AS
  SELECT g, sum(v * w) FILTER (WHERE v IS NOT NULL AND w IS NOT NULL)
            / nullif(sum(w) FILTER (WHERE v IS NOT NULL AND w IS NOT NULL), 0) AS m
    FROM wm GROUP BY g;
SELECT is((SELECT count(*) FROM (SELECT g, cleangov.weighted_mean(v, w) AS m FROM wm GROUP BY g) a
             JOIN wm_plain p USING (g)
            WHERE NOT (a.m IS NULL AND p.m IS NULL) AND NOT abs(a.m - p.m) <= 1e-12 * abs(p.m)),
          0::bigint, 'weighted_mean equals sum(v * w) / sum(w) over rows with both present, per group');
SELECT is((SELECT array_agg(m ORDER BY g) FROM (SELECT g, cleangov.weighted_mean(v, w) AS m FROM wm WHERE g IN (500, 501) GROUP BY g) x),
          ARRAY[NULL, NULL]::float8[], 'no row with both present, or weights 0 only: NULL');

CREATE AGGREGATE pg_temp.state_of(float8, float8) (SFUNC = cleangov.weighted_mean_trans, STYPE = cleangov.weighted_mean_state);
CREATE AGGREGATE pg_temp.combine_all(cleangov.weighted_mean_state) (
  SFUNC = cleangov.weighted_mean_combine, STYPE = cleangov.weighted_mean_state, FINALFUNC = cleangov.weighted_mean_final);
SELECT is((SELECT count(*) FROM (
             SELECT g, pg_temp.combine_all(st::text::cleangov.weighted_mean_state) AS c
               FROM (SELECT g, (v * 1000)::int % 3 AS part, pg_temp.state_of(v, w) AS st FROM wm GROUP BY 1, 2) parts
              GROUP BY g) c
             JOIN (SELECT g, cleangov.weighted_mean(v, w) AS m FROM wm GROUP BY g) a USING (g)
            WHERE NOT (c.c IS NULL AND a.m IS NULL) AND NOT abs(c.c - a.m) <= 1e-12 * abs(a.m)),
          0::bigint, 'three parts per group, states through text and combined: the single-pass answer');
SELECT is((SELECT count(*) FROM (SELECT pg_temp.state_of(v, w) AS st FROM wm GROUP BY g) x
            WHERE st::text::cleangov.weighted_mean_state::text <> st::text),
          0::bigint, 'every state reads back from its text form to the same text');

SELECT throws_ok($$SELECT cleangov.normalize_score(1, 2, 2)$$, '22023',
                 'normalize_score: worst and best must differ', 'worst = best refused');
SELECT throws_ok($$SELECT cleangov.weighted_mean(1, w) FROM unnest('{-0.5}'::float8[]) w$$, '22023',
                 'weighted_mean: weight must not be negative', 'negative weight refused');
SELECT throws_ok($$SELECT cleangov.pct_over('NaN', 1)$$, '22003',
                 'pct_over: input must be a finite number', 'NaN refused, naming the kernel');

SELECT * FROM finish();
ROLLBACK;
