-- bid_screens and weighted_mean on Citus, grouped by a column that is not the
-- distribution column: 32 shard states per group, combined on the
-- coordinator in an order that varies, give the bits of a single node
-- (doc/kernels.md, "Order of rows and of partial states").  The values make
-- floating sums depend on the order: prices of 1e-3, 1e9 + noise and 1e12
-- mixed, weighted values of both signs from 1e-15 to 1e15.
BEGIN;
SELECT plan(6);
SET LOCAL client_min_messages = warning;
SET LOCAL extra_float_digits = 1;
CREATE SCHEMA det;
SELECT setseed(0.27);
CREATE TABLE det.local AS
SELECT i, i % 5 AS h,
       CASE WHEN i % 7 = 0 THEN 1e12 * random() WHEN i % 7 = 1 THEN 1e-3 * random()
            ELSE 1e9 + random() * 100 END AS x,
       (random() - 0.5) * 10 ^ (random() * 30 - 15) AS v, exp(random() * 20 - 10) AS w
  FROM generate_series(1, 40000) i;
CREATE TABLE det.dist AS SELECT * FROM det.local;
SELECT create_distributed_table('det.dist', 'i', shard_count := 32);

CREATE FUNCTION det.results(t regclass) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
  EXECUTE format('SELECT jsonb_object_agg(h, jsonb_build_array(bs, wm)) FROM (
                    SELECT h, cleangov.bid_screens(x)::text AS bs, cleangov.weighted_mean(v, w)::text AS wm
                      FROM %s GROUP BY h) q', t) INTO r;
  RETURN r;
END $$;
CREATE FUNCTION det.plan() RETURNS text LANGUAGE plpgsql AS $$
DECLARE t text := ''; l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (VERBOSE) SELECT h, cleangov.bid_screens(x), cleangov.weighted_mean(v, w) FROM det.dist GROUP BY h'
  LOOP t := t || l || E'\n'; END LOOP;
  RETURN t;
END $$;

SELECT matches(det.plan(), 'worker_partial_agg', 'partial states on the shards (worker_partial_agg)');
SELECT matches(det.plan(), 'coord_combine_agg', 'combined on the coordinator (coord_combine_agg)');
CREATE TABLE det.single AS SELECT det.results('det.local') AS r;
SELECT is(det.results('det.dist'), (SELECT r FROM det.single),
          'bid_screens and weighted_mean over 32 shards: the bits of one node');
SELECT is(det.results('det.dist'), (SELECT r FROM det.single), 'a second run: the same bits');
SELECT is(det.results('det.dist'), (SELECT r FROM det.single), 'a third run: the same bits');
-- the shard states shipped as text and merged in a reversed order (into a
-- local table first: a test call over a distributed subquery would be sent
-- to a worker)
CREATE TABLE det.merged AS
  SELECT jsonb_object_agg(h, m) AS r FROM (
    SELECT h, cleangov.bid_screens_merge(st::cleangov.bid_screens_state ORDER BY i DESC)::text AS m
      FROM (SELECT h, i % 32 AS i, cleangov.bid_screens_partial(x)::text AS st FROM det.dist GROUP BY 1, 2) s
     GROUP BY h) q;
SELECT is((SELECT r FROM det.merged),
          (SELECT jsonb_object_agg(e.h, e.val -> 0) FROM det.single s, jsonb_each(s.r) e(h, val)),
          'partial states per shard key, merged in reverse: the bits of one node');

SELECT * FROM finish();
ROLLBACK;
