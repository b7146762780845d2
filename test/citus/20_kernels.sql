-- The kernels on Citus: every aggregate is pushed down (grouped by the
-- distribution column it runs whole on the shards; grouped by another column
-- as worker_partial_agg on the shards and coord_combine_agg on the
-- coordinator, its states travelling as text) and gives the answer of the
-- same rows in a plain table on one node.
BEGIN;
SELECT plan(42);
SET LOCAL client_min_messages = warning;
CREATE SCHEMA k;
-- 20,000 observations over 200 groups (g, the distribution column) that cut
-- across 7 others (h); amounts of mixed magnitude, ties, NULLs.
SELECT setseed(0.14);
CREATE TABLE k.local AS
SELECT i, i % 200 AS g, i % 7 AS h,
       CASE WHEN i % 97 = 0 THEN NULL ELSE round((exp(random() * 12) + i % 5)::numeric, 2)::float8 END AS x,
       round((exp(random() * 10))::numeric, 2) AS amount,
       random() < 0.3 AS breach,
       (date '2020-01-01' + ((i / 200) % 48) * interval '1 month')::date AS period,
       1 + i % 5 AS pos, random() AS w
  FROM generate_series(1, 20000) i;
CREATE TABLE k.dist AS SELECT * FROM k.local;
SELECT create_distributed_table('k.dist', 'g');

-- Values compare exactly unless a tolerance is given (relative, per number).
CREATE FUNCTION k.close(a jsonb, b jsonb, tol float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN a IS NULL OR b IS NULL THEN a IS NOT DISTINCT FROM b
    WHEN jsonb_typeof(a) = 'number' AND jsonb_typeof(b) = 'number'
      THEN abs(a::text::float8 - b::text::float8) <= tol * greatest(1e-300, abs(a::text::float8))
    WHEN jsonb_typeof(a) = 'object' AND jsonb_typeof(b) = 'object'
      THEN (SELECT coalesce(bool_and(k.close(x.value, y.value, tol)), true)
              FROM jsonb_each(a) x FULL JOIN jsonb_each(b) y USING (key))
    WHEN jsonb_typeof(a) = 'array' AND jsonb_typeof(b) = 'array' AND jsonb_array_length(a) = jsonb_array_length(b)
      THEN (SELECT coalesce(bool_and(k.close(a -> i, b -> i, tol)), true) FROM generate_series(0, jsonb_array_length(a) - 1) i)
    ELSE a = b END $$;
-- agg: the aggregate call over the columns; by: g or h; tol: 0 = bit for bit.
CREATE FUNCTION k.same(agg text, by text, tol float8) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE a jsonb; b jsonb;
BEGIN
  EXECUTE format('SELECT jsonb_object_agg(%s, to_jsonb(r)) FROM (SELECT %s, %s AS r FROM k.local GROUP BY 1) q', by, by, agg) INTO a;
  EXECUTE format('SELECT jsonb_object_agg(%s, to_jsonb(r)) FROM (SELECT %s, %s AS r FROM k.dist GROUP BY 1) q', by, by, agg) INTO b;
  IF tol = 0 THEN RETURN a = b; END IF;
  RETURN k.close(a, b, tol);
END $$;
CREATE FUNCTION k.plan(agg text, by text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE t text := ''; l text;
BEGIN
  FOR l IN EXECUTE format('EXPLAIN (VERBOSE) SELECT %s, %s FROM k.dist GROUP BY 1', by, agg) LOOP t := t || l || E'\n'; END LOOP;
  RETURN t;
END $$;
CREATE TABLE k.kernel (name text, agg text, tol float8);
INSERT INTO k.kernel VALUES
  ('bid_screens', 'cleangov.bid_screens(x)', 0),
  ('benford (numeric)', 'cleangov.benford(amount)', 0),
  ('benford (float8, second digit)', 'cleangov.benford(x, ''second'')', 0),
  ('robust_stats', 'cleangov.robust_stats(x)', 0),
  ('robust_stats (k)', 'cleangov.robust_stats(x, 2.5)', 0),
  ('median', 'cleangov.median(x)', 0),
  ('mad', 'cleangov.mad(x)', 0),
  ('collect', 'cleangov.quantile_of(cleangov.collect(x), 0.9, 8)', 0),
  ('streak', 'cleangov.streak(breach, period, ''month'')', 0),
  ('weighted_mean', 'cleangov.weighted_mean(x, w)', 0),
  ('score_vector', 'cleangov.score_vector(i, x, 2000) FILTER (WHERE i <= 2000)', 0),
  -- one Newton step of the logistic model (issue 16): the pass's gradient and
  -- Hessian summed on the shards in another order, so equal to rounding
  ('logit_pass', 'cleangov.logit_newton(cleangov.logit_pass(''{-0.8,0.1,-0.2,0.05}'', ARRAY[x, w, pos]::float8[], '
                 'breach::int::float8, ''{15000,0.5,3}'', ''{30000,0.29,1.41}''), ''{-0.8,0.1,-0.2,0.05}'', 1)', 1e-9);

SELECT ok(k.same(agg, 'g', tol), name || ': grouped by the distribution column, the single-node answer')
  FROM k.kernel ORDER BY name;
SELECT ok(k.same(agg, 'h', tol), name || ': grouped by another column, the single-node answer')
  FROM k.kernel ORDER BY name;
SELECT ok(k.plan(agg, 'h') LIKE '%worker_partial_agg%' AND k.plan(agg, 'h') LIKE '%coord_combine_agg%',
          name || ': grouped by another column, partial states on the shards, combined on the coordinator')
  FROM k.kernel ORDER BY name;
-- An ORDER BY inside the call stops the push-down: every row goes to the
-- coordinator (doc/citus.md).  The answer is the same; leave it out.
SELECT ok(k.plan('cleangov.streak(breach, period, ''month'' ORDER BY period)', 'h') NOT LIKE '%worker_partial_agg%',
          'streak(... ORDER BY period) is not pushed down');
SELECT ok(k.same('cleangov.streak(breach, period, ''month'' ORDER BY period)', 'h', 0)
          AND k.same('cleangov.streak(breach, period, ''month'')', 'h', 0),
          'with or without ORDER BY, the same streaks');
-- Grouped by the distribution column, each group runs whole on its shard.
SELECT ok(k.plan('cleangov.median(x)', 'g') NOT LIKE '%coord_combine_agg%', 'grouped by the distribution column: no combine on the coordinator');
-- Partial states are non-trivial text: they round-trip through their types.
-- (The distributed queries' results go to local tables first: a pgTAP call
-- around a distributed query would be sent to the nodes with it.)
CREATE TABLE k.states AS SELECT h, cleangov.bid_screens_partial(x)::text AS s FROM k.dist GROUP BY h;
SELECT is((SELECT count(*) FROM k.states q WHERE q.s::cleangov.bid_screens_state::text = q.s AND length(q.s) > 20), 7::bigint,
          'bid_screens states round-trip through their text form');
CREATE TABLE k.logit_states AS
SELECT h, cleangov.logit_pass('{-0.8,0.1,-0.2,0.05}', ARRAY[x, w, pos]::float8[], breach::int::float8,
                              '{15000,0.5,3}', '{30000,0.29,1.41}')::text AS s
  FROM k.dist GROUP BY h;
SELECT is((SELECT count(*) FROM k.logit_states q WHERE q.s::cleangov.logit_state::text = q.s AND length(q.s) > 100), 7::bigint,
          'logit_pass states round-trip through their text form');
CREATE TABLE k.merged AS
SELECT cleangov.benford_merge(s)::text AS m FROM (SELECT cleangov.benford_partial(amount, 'first') s FROM k.dist GROUP BY g) q;
SELECT is((SELECT m FROM k.merged), (SELECT cleangov.benford(amount, 'first')::text FROM k.local),
          'benford states of the shards merge into the single-node answer');
SELECT * FROM finish();
ROLLBACK;
