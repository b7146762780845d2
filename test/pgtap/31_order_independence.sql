-- Order of rows and of partial states (doc/kernels.md, doc/robust.md): the
-- same multiset of values gives the same float8 bits from bid_screens and
-- weighted_mean in any order of the rows, over any split into partial states
-- combined in any order (through the state's text form, as Citus ships them),
-- and under a parallel plan.  The values are chosen to make floating sums
-- depend on the order: mixed magnitudes, 1e16 + 1 - 1e16 cancellation, tight
-- clusters at 1e9, many small values, symmetric sets (skewness exactly 0),
-- and random data.  Results are compared as text (shortest exact decimals:
-- equal text is equal bits, and -0 differs from 0).
BEGIN;
SELECT plan(30);
SET LOCAL extra_float_digits = 1;

SELECT setseed(0.314);
CREATE TEMP TABLE val (s int, id int, x float8, w float8);
-- bid_screens sets (prices > 0)
INSERT INTO val SELECT 1, i, 1e9 + random() * 100, 1 FROM generate_series(1, 300) i;          -- tight at 1e9
INSERT INTO val SELECT 2, i, CASE i % 3 WHEN 0 THEN 1e12 * random() WHEN 1 THEN random()
                                        ELSE 1e-6 * random() END, 1 FROM generate_series(1, 300) i; -- mixed magnitudes
INSERT INTO val SELECT 3, i, CASE WHEN i = 1 THEN 1 ELSE 1e9 + i * 1e-6 END, 1
                  FROM generate_series(1, 200) i;                                             -- b1 far below a cluster
INSERT INTO val SELECT 4, i, exp(random() * 20), 1 FROM generate_series(1, 500) i;            -- random, wide
INSERT INTO val SELECT 5, i, 1e8 + (i - 50) * 0.1, 1 FROM generate_series(0, 100) i;         -- symmetric: skewness 0
INSERT INTO val SELECT 6, i, round((1e5 * (1 + random()))::numeric, 2), 1 FROM generate_series(1, 12) i; -- a tender
-- weighted_mean sets (value, weight)
INSERT INTO val VALUES (11, 1, 1e16, 1), (11, 2, 1, 1), (11, 3, -1e16, 1);                    -- 1e16 + 1 - 1e16
INSERT INTO val SELECT 11, 3 + i, random() * 1e-3, random() FROM generate_series(1, 300) i;
INSERT INTO val SELECT 12, i, random() * 2 - 1, exp(random() * 40 - 20) FROM generate_series(1, 400) i;
INSERT INTO val SELECT 13, i, (random() - 0.5) * 10 ^ (random() * 40 - 20), random() FROM generate_series(1, 400) i;
INSERT INTO val SELECT 14, i, random() * 100, random() FROM generate_series(1, 400) i;         -- CRI-like
INSERT INTO val SELECT 15, i, CASE WHEN i <= 100 THEN 1e20 WHEN i <= 200 THEN -1e20 ELSE i - 200 + 1e-3 * random() END, 1
                  FROM generate_series(1, 300) i;                                             -- 1e20 cancels, 5050 is left

-- Every result of one set: 30 orders of the rows, and 30 splits into 2 to 8
-- partial states (each built in its own order), shipped as text and merged
-- in another order.
CREATE FUNCTION pg_temp.bs_results(set_ int) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT cleangov.bid_screens(x ORDER BY md5(k || '.' || id))::text
    FROM val, generate_series(1, 30) k WHERE s = set_ GROUP BY k
  UNION ALL
  SELECT cleangov.bid_screens_merge(st::text::cleangov.bid_screens_state ORDER BY md5(k || '/' || p))::text
    FROM (SELECT k, p, cleangov.bid_screens_partial(x ORDER BY md5(id || ':' || k)) AS st
            FROM (SELECT k, id, x, abs(hashtext(k || '#' || id)) % (2 + k % 7) AS p
                    FROM val, generate_series(1, 30) k WHERE s = set_) r
           GROUP BY k, p) st
   GROUP BY k
$$;
CREATE FUNCTION pg_temp.wm_results(set_ int) RETURNS SETOF text LANGUAGE sql AS $$
  SELECT cleangov.weighted_mean(x, w ORDER BY md5(k || '.' || id))::text
    FROM val, generate_series(1, 30) k WHERE s = set_ GROUP BY k
  UNION ALL
  SELECT cleangov.weighted_mean_merge(st::text::cleangov.weighted_mean_state ORDER BY md5(k || '/' || p))::text
    FROM (SELECT k, p, cleangov.weighted_mean_partial(x, w ORDER BY md5(id || ':' || k)) AS st
            FROM (SELECT k, id, x, w, abs(hashtext(k || '#' || id)) % (2 + k % 7) AS p
                    FROM val, generate_series(1, 30) k WHERE s = set_) r
           GROUP BY k, p) st
   GROUP BY k
$$;

SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(1) r), 1::bigint,
          'bid_screens: 300 prices at 1e9, 60 orders and splits, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(2) r), 1::bigint,
          'bid_screens: prices of 1e-6, 1 and 1e12 mixed, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(3) r), 1::bigint,
          'bid_screens: b1 far below a cluster at 1e9 differing by 1e-6, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(4) r), 1::bigint,
          'bid_screens: 500 random prices from 1 to 5e8, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(5) r), 1::bigint,
          'bid_screens: a symmetric set, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.bs_results(6) r), 1::bigint,
          'bid_screens: a tender of 12 prices in cents, one result');
SELECT is((SELECT (cleangov.bid_screens(x ORDER BY md5(id::text))).skewness::text FROM val WHERE s = 5), '0',
          'bid_screens: the skewness of a symmetric set is exactly 0 (not a last-bit residue of either sign)');

SELECT is((SELECT count(DISTINCT r) FROM pg_temp.wm_results(11) r), 1::bigint,
          'weighted_mean: 1e16 + 1 - 1e16 and 300 small values, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.wm_results(12) r), 1::bigint,
          'weighted_mean: weights from 1e-9 to 1e9, values of both signs, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.wm_results(13) r), 1::bigint,
          'weighted_mean: values from 1e-20 to 1e20 of both signs, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.wm_results(14) r), 1::bigint,
          'weighted_mean: 400 CRI-like scores, one result');
SELECT is((SELECT count(DISTINCT r) FROM pg_temp.wm_results(15) r), 1::bigint,
          'weighted_mean: values of 1e20 of both signs that cancel, one result');

-- The functions called directly: final(combine(a, b)) = final(combine(b, a)),
-- and ((a + b) + c) = (a + (b + c)), for every set.
CREATE TEMP TABLE part AS
  SELECT s, id % 3 AS p, cleangov.bid_screens_partial(x ORDER BY id) FILTER (WHERE s < 10) AS bs,
         cleangov.weighted_mean_partial(x, w ORDER BY id) AS wm
    FROM val GROUP BY s, id % 3;
CREATE TEMP TABLE tri AS
  SELECT s, max(bs::text) FILTER (WHERE p = 0)::cleangov.bid_screens_state AS ba,
            max(bs::text) FILTER (WHERE p = 1)::cleangov.bid_screens_state AS bb,
            max(bs::text) FILTER (WHERE p = 2)::cleangov.bid_screens_state AS bc,
            max(wm::text) FILTER (WHERE p = 0)::cleangov.weighted_mean_state AS wa,
            max(wm::text) FILTER (WHERE p = 1)::cleangov.weighted_mean_state AS wb,
            max(wm::text) FILTER (WHERE p = 2)::cleangov.weighted_mean_state AS wc
    FROM part GROUP BY s;
SELECT is((SELECT count(*) FROM tri WHERE s < 10 AND
             cleangov.bid_screens_final(cleangov.bid_screens_combine(ba, bb))::text
               = cleangov.bid_screens_final(cleangov.bid_screens_combine(bb, ba))::text
             AND cleangov.bid_screens_final(cleangov.bid_screens_combine(cleangov.bid_screens_combine(ba, bb), bc))::text
               = cleangov.bid_screens_final(cleangov.bid_screens_combine(ba, cleangov.bid_screens_combine(bb, bc)))::text
             AND cleangov.bid_screens_final(cleangov.bid_screens_combine(cleangov.bid_screens_combine(ba, bb), bc))::text
               = cleangov.bid_screens_final(cleangov.bid_screens_combine(cleangov.bid_screens_combine(bc, ba), bb))::text),
          6::bigint,
          'bid_screens_combine: commutative and associative in the final bits, for every set');
SELECT is((SELECT count(*) FROM tri WHERE s > 10 AND
             cleangov.weighted_mean_final(cleangov.weighted_mean_combine(wa, wb))::text
               = cleangov.weighted_mean_final(cleangov.weighted_mean_combine(wb, wa))::text
             AND cleangov.weighted_mean_final(cleangov.weighted_mean_combine(cleangov.weighted_mean_combine(wa, wb), wc))::text
               = cleangov.weighted_mean_final(cleangov.weighted_mean_combine(wa, cleangov.weighted_mean_combine(wb, wc)))::text
             AND cleangov.weighted_mean_final(cleangov.weighted_mean_combine(cleangov.weighted_mean_combine(wa, wb), wc))::text
               = cleangov.weighted_mean_final(cleangov.weighted_mean_combine(cleangov.weighted_mean_combine(wc, wa), wb))::text),
          5::bigint,
          'weighted_mean_combine: commutative and associative in the final bits, for every set');

SELECT is((SELECT count(*) FROM part
            WHERE (s > 10 OR bs::text::cleangov.bid_screens_state::text = bs::text)
              AND wm::text::cleangov.weighted_mean_state::text = wm::text), (SELECT count(*) FROM part),
          'every partial state of every set reads back from its text to the same text');

-- Ties in picks: -0 and 0 are equal, so which one a minimum or a median
-- keeps would depend on the order; both are 0.
SELECT is((SELECT count(DISTINCT r) FROM (
             SELECT cleangov.median(x ORDER BY o)::text || cleangov.mad(x ORDER BY o)::text
                    || (cleangov.robust_stats(x ORDER BY o))::text AS r
               FROM (VALUES (1, '-0'::float8), (2, 0), (3, '-0'), (4, 0), (5, 0)) v(i, x),
                    LATERAL (VALUES (i), (-i)) o(o) GROUP BY o > 0) q), 1::bigint,
          'median, mad, robust_stats: -0 and 0 in two orders, one result');
SELECT is((SELECT cleangov.median(x)::text FROM (VALUES ('-0'::float8), ('-0'), (1)) v(x)), '0',
          'median: -0 is returned as 0');
SELECT is((SELECT string_agg(r, ' ') FROM (
             SELECT (cleangov.bid_screens(x ORDER BY o)).b1::text AS r
               FROM (VALUES (1, '-0'::float8), (2, 0), (3, 5)) v(i, x),
                    LATERAL (VALUES (i), (-i)) o(o) GROUP BY o > 0) q), '0 0',
          'bid_screens: b1 of -0 and 0 is 0 in either order');

-- The loop: hits computed from the rows in one order, then in another, are
-- the same hits (raise_alerts refreshes an alert whose value, threshold or
-- evidence is distinct from the new hit: a last-bit change was a spurious
-- "refreshed" event).
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, kind, region_code)
  VALUES ('T-ORD', NULL, 'Order city', '顺序市', 'city', 'R1');
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, scheme_code, default_level, rectify_days, recurrence_days)
  VALUES ('T_ORD', 'order rule', '顺序规则', 'procurement', 'contract', NULL, 'yellow', 30, 90);
CREATE FUNCTION pg_temp.hits(k int) RETURNS cleangov.hit[] LANGUAGE sql AS $$
  SELECT array_agg(h ORDER BY s) FROM (
    SELECT s, ROW('T_ORD', 'contract', 'set' || s, 'T-ORD', '2024', (r).sd, 1, NULL,
                  jsonb_build_object('mean', (r).mean, 'skewness', (r).skewness, 'kurtosis', (r).kurtosis, 'rd', (r).rd),
                  NULL, NULL)::cleangov.hit AS h
      FROM (SELECT s, cleangov.bid_screens(x ORDER BY md5(k || '.' || id)) AS r FROM val WHERE s < 10 GROUP BY s) q
    UNION ALL
    SELECT s, ROW('T_ORD', 'contract', 'set' || s, 'T-ORD', '2024', m, 1, NULL, jsonb_build_object('mean', m), NULL, NULL)::cleangov.hit
      FROM (SELECT s, cleangov.weighted_mean(x, w ORDER BY md5(k || '.' || id)) AS m FROM val WHERE s > 10 GROUP BY s) q) x
$$;
SELECT is((SELECT array_agg(DISTINCT action) FROM cleangov.raise_alerts(pg_temp.hits(1))), '{raised}',
          'the loop: the hits of twelve sets raise twelve alerts');
SELECT is((SELECT array_agg(DISTINCT action) FROM cleangov.raise_alerts(pg_temp.hits(2))), '{unchanged}',
          'the loop: the same rows in another order leave every alert unchanged (no spurious refresh)');

-- The answers are still right: against exact numeric arithmetic.
CREATE TEMP TABLE exact AS
  SELECT s, avg(x::text::numeric) AS mean,
         sum(w::text::numeric * x::text::numeric) / sum(w::text::numeric) AS wmean, sum(w::text::numeric) AS sumw
    FROM val GROUP BY s;
SELECT is((SELECT count(*) FROM exact e
            WHERE e.s < 10
              AND abs((SELECT (cleangov.bid_screens(x)).mean FROM val v WHERE v.s = e.s)::text::numeric - e.mean)
                  <= 1e-15 * abs(e.mean)), 6::bigint,
          'bid_screens: the mean of every set within 1e-15 of the exact mean');
SELECT is((SELECT count(*) FROM exact e
            WHERE e.s IN (12, 14)
              AND abs((SELECT cleangov.weighted_mean(x, w) FROM val v WHERE v.s = e.s)::text::numeric - e.wmean)
                  <= 1e-15 * abs(e.wmean)), 2::bigint,
          'weighted_mean: the mean of the random sets within 1e-15 of the exact mean');
SELECT is((SELECT cleangov.weighted_mean(x, w) FROM val WHERE s = 11 AND id <= 3), 1 / 3::float8,
          'weighted_mean: (1e16 + 1 - 1e16) / 3 is 1/3');
-- the sum cancels by 16 digits: rounded to a multiple of 2^(2*9 + 54 - 78) = 2^-6 (doc/robust.md)
SELECT ok((SELECT abs((SELECT cleangov.weighted_mean(x, w) FROM val WHERE s = 11)::text::numeric - wmean)
                  <= 2 ^ -7 / sumw FROM exact WHERE s = 11),
          'weighted_mean: 1e16 + 1 - 1e16 with small values, within half the stated step of the exact mean');
-- the sum cancels by 16 digits: it is rounded to a multiple of 2^(2*9 + 67 - 78) = 128 (doc/robust.md)
SELECT ok((SELECT abs((SELECT cleangov.weighted_mean(x, w) FROM val WHERE s = 15)::text::numeric - wmean)
                  <= 64 / 300.0 FROM exact WHERE s = 15),
          'weighted_mean: 1e20 of both signs cancelling to 5050: within half the stated step of the exact mean');

-- Parallel plans: two workers, the leader out, the combination order of the
-- workers' states varying from run to run; the bits of the serial plan.
CREATE TABLE public.cg_order_par AS
  SELECT i AS id, i % 5 AS g,
         CASE WHEN i % 7 = 0 THEN 1e12 * random() WHEN i % 7 = 1 THEN 1e-3 * random()
              ELSE 1e9 + random() * 100 END AS x,
         (random() - 0.5) * 10 ^ (random() * 30 - 15) AS v, exp(random() * 20 - 10) AS w
    FROM generate_series(1, 150000) i;
ANALYZE public.cg_order_par;
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; acc text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP acc := acc || r || E'\n'; END LOOP;
  RETURN acc;
END $$;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE par_serial AS
  SELECT g, cleangov.bid_screens(x)::text AS bs, cleangov.weighted_mean(v, w)::text AS wm
    FROM public.cg_order_par GROUP BY g;
CREATE TEMP TABLE par_serial_desc AS
  SELECT g, cleangov.bid_screens(x ORDER BY id DESC)::text AS bs,
         cleangov.weighted_mean(v, w ORDER BY x)::text AS wm
    FROM public.cg_order_par GROUP BY g;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
SELECT matches(pg_temp.plan_of('CREATE TEMP TABLE par_1 AS SELECT g, cleangov.bid_screens(x)::text AS bs,
                                cleangov.weighted_mean(v, w)::text AS wm FROM public.cg_order_par GROUP BY g'),
               'Partial', 'both aggregates run as parallel aggregates');
CREATE TEMP TABLE par_1 AS SELECT g, cleangov.bid_screens(x)::text AS bs,
       cleangov.weighted_mean(v, w)::text AS wm FROM public.cg_order_par GROUP BY g;
CREATE TEMP TABLE par_2 AS SELECT g, cleangov.bid_screens(x)::text AS bs,
       cleangov.weighted_mean(v, w)::text AS wm FROM public.cg_order_par GROUP BY g;
SELECT is((SELECT count(*) FROM par_serial s JOIN par_serial_desc d USING (g) WHERE s.bs = d.bs), 5::bigint,
          'bid_screens: 30,000 prices per group in two orders, the same bits');
SELECT is((SELECT count(*) FROM par_serial s JOIN par_serial_desc d USING (g) WHERE s.wm = d.wm), 5::bigint,
          'weighted_mean: 30,000 rows per group in two orders, the same bits');
SELECT is((SELECT count(*) FROM par_serial s JOIN par_1 p USING (g) WHERE s.bs = p.bs), 5::bigint,
          'bid_screens: a parallel plan gives the bits of the serial plan');
SELECT is((SELECT count(*) FROM par_serial s JOIN par_2 p USING (g) WHERE s.bs = p.bs AND s.wm = p.wm), 5::bigint,
          'bid_screens and weighted_mean: a second parallel run gives the bits of the serial plan');
DROP TABLE public.cg_order_par;

SELECT * FROM finish();
ROLLBACK;
