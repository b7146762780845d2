-- Hardening of the C kernels (issue 11): every entry point survives a NULL
-- state and direct calls outside an aggregate; counters refuse to overflow
-- (22003); state texts no data could produce are refused (22P02) while
-- every state data does produce reads back exactly; results are never NaN
-- or infinite (22003 instead); weighted_mean does not depend on the order of
-- the rows or on the plan.
BEGIN;
SELECT plan(58);

-- 1. NULL states: the transition functions that are not STRICT start a state.
SELECT is(cleangov.benford_transfn(NULL, 1::numeric)::text, '(first,0,0,{1,0,0,0,0,0,0,0,0})',
          'benford_transfn(NULL, numeric) starts a state');
SELECT is(cleangov.benford_transfn(NULL, 23::numeric, 'first_two')::text,
          '(first_two,0,0,{0,0,0,0,0,0,0,0,0,0,0,0,0,1' || repeat(',0', 76) || '})',
          'benford_transfn(NULL, numeric, test) starts a state');
SELECT is(cleangov.benford_transfn(NULL, 7::float8)::text, '(first,0,0,{0,0,0,0,0,0,1,0,0})',
          'benford_transfn(NULL, float8) starts a state');
SELECT is(cleangov.benford_transfn(NULL, 0::float8, 'second')::text, '(second,1,0,{0,0,0,0,0,0,0,0,0,0})',
          'benford_transfn(NULL, float8, test) starts a state');
SELECT is(cleangov.benford_transfn(NULL, NULL::numeric)::text, NULL, 'benford_transfn(NULL, NULL) stays NULL');
SELECT is(cleangov.weighted_mean_final(cleangov.weighted_mean_trans(NULL, 3, 2)), 3::float8,
          'weighted_mean_trans(NULL, ...) starts a state');
SELECT is(cleangov.median_final(cleangov.robust_trans(NULL, 4)), 4::float8,
          'robust_trans(NULL, ...) starts a state');
SELECT is(cleangov.streak_final(cleangov.streak_trans(NULL, true, '2024-01-01', 'month')), 1,
          'streak_trans(NULL, ...) starts a state');

-- Every C function that is not STRICT handles NULL in every argument itself:
-- the list is the audited one (a new non-STRICT C function fails here until
-- it is added to it and to the tests above), and all-NULL calls answer.
SELECT is((SELECT array_agg(proname || '/' || pronargs ORDER BY proname, pronargs)
             FROM pg_proc WHERE pronamespace = 'cleangov'::regnamespace AND NOT proisstrict
              AND prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')),
          ARRAY['benford_transfn/2', 'benford_transfn/2', 'benford_transfn/3', 'benford_transfn/3',
                'creating_extension_script/0', 'logit_accum/6', 'logit_combine/2', 'logit_contributions/4', 'logit_score/4',
                'robust_stats_final/1', 'robust_trans/2', 'robust_trans/3',
                'score_vector_accum/4', 'score_vector_combine/2', 'streak_trans/4', 'streak_trans/4',
                'weighted_mean_trans/3'],
          'the C functions that are not STRICT are the audited ones');
CREATE FUNCTION pg_temp.all_null_calls() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE f record; q text;
BEGIN
  FOR f IN SELECT p.oid, p.proname, p.proargtypes FROM pg_proc p
            WHERE p.pronamespace = 'cleangov'::regnamespace AND NOT p.proisstrict AND p.prokind = 'f'
              AND p.prolang = (SELECT oid FROM pg_language WHERE lanname = 'c') LOOP
    SELECT format('SELECT cleangov.%I(%s)', f.proname,
                  coalesce(string_agg(format('NULL::%s', t::regtype), ', ' ORDER BY i), ''))
      INTO q FROM unnest(f.proargtypes::oid[]) WITH ORDINALITY u(t, i);
    BEGIN
      EXECUTE q;
      RETURN NEXT 'ok';
    EXCEPTION WHEN OTHERS THEN
      RETURN NEXT SQLSTATE;
    END;
  END LOOP;
END $$;
SELECT is((SELECT count(*) FROM pg_temp.all_null_calls() r WHERE r = 'ok' OR r !~ '^XX'), 17::bigint,
          'every non-STRICT C function called with NULL arguments answers or raises a specific SQLSTATE');

-- 2. score_vector's support functions called directly: an answer, not XX000.
SELECT is(cleangov.score_vector_accum(NULL, 1, 5, 3)::text, '{5,NaN,NaN}',
          'score_vector_accum outside an aggregate starts a vector');
SELECT is(cleangov.score_vector_accum('{NaN,NaN}', 2, 5, 2)::text, '{NaN,5}',
          'score_vector_accum outside an aggregate works on a copy');
SELECT is(cleangov.score_vector_combine('{1,NaN}', '{NaN,2}')::text, '{1,2}',
          'score_vector_combine outside an aggregate');
SELECT throws_ok($$SELECT cleangov.score_vector_final('{1,Infinity}')$$, '22003', NULL,
                 'score_vector_final refuses an infinite element');
SELECT throws_ok($$SELECT cleangov.score_vector_combine('{1,NaN}', '{{1,2}}')$$, '22023', NULL,
                 'score_vector_combine refuses a two-dimensional state');

-- 3. Counters: int64 overflow is 22003, never a negative n.
SELECT throws_ok($$SELECT cleangov.benford_transfn('(first,0,0,{9223372036854775807,0,0,0,0,0,0,0,0})', 1::numeric)$$,
                 '22003', NULL, 'benford: a per-digit count at the int64 limit refuses one more amount');
SELECT throws_ok($$SELECT cleangov.benford_combine('(first,0,0,{4611686018427387904,0,0,0,0,0,0,0,0})',
                                                   '(first,0,0,{0,4611686018427387904,0,0,0,0,0,0,0})')$$,
                 '22003', NULL, 'benford_combine: a total beyond int64 is refused');
SELECT throws_ok($$SELECT '(first,0,0,{9223372036854775807,1,0,0,0,0,0,0,0})'::cleangov.benford_state$$,
                 '22P02', NULL, 'benford_state: counts whose total overflows int64 are refused');
SELECT throws_ok($$SELECT cleangov.bid_screens_transfn('(9223372036854775807,5,5,5,0,0,0,0,0,0,0,0)', 5)$$,
                 '22003', NULL, 'bid_screens: n at the int64 limit refuses one more bid');
SELECT throws_ok($$SELECT cleangov.bid_screens_combine('(4611686018427387904,5,5,5,0,0,0,0,0,0,0,0)',
                                                       '(4611686018427387904,5,5,5,0,0,0,0,0,0,0,0)')$$,
                 '22003', NULL, 'bid_screens_combine: n beyond int64 is refused');
SELECT throws_ok($$SELECT cleangov.weighted_mean_trans('n=9223372036854775807;w=1,0;wv=1,0;max=1,0', 1, 1)$$,
                 '22003', NULL, 'weighted_mean: n at the int64 limit refuses one more row');
SELECT throws_ok($$SELECT cleangov.weighted_mean_combine('n=4611686018427387904;w=1,0;wv=1,0;max=1,0',
                                                         'n=4611686018427387904;w=1,0;wv=1,0;max=1,0')$$,
                 '22003', NULL, 'weighted_mean_combine: n beyond int64 is refused');

-- 4. State texts no data could produce: 22P02.
SELECT throws_ok($$SELECT '1 day;latest=9223372036854775807;runs=0:9223372036854775807,5:6'::cleangov.streak_state$$,
                 '22P02', NULL, 'streak_state: runs whose order check overflows are refused');
SELECT throws_ok($$SELECT '1 month;latest=9223372036854775807;runs='::cleangov.streak_state$$,
                 '22P02', NULL, 'streak_state: a bucket no date maps to is refused');
SELECT throws_ok($$SELECT '(2,1,2,2,0,0,1,0,0,0,0,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: two bids with a spread in the rest are refused');
SELECT throws_ok($$SELECT '(3,1,2,3,100,0,0,0,0,0,0,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: a sum of deviations of the rest beyond its range is refused');
SELECT throws_ok($$SELECT '(3,1,2,3,0.5,0,0.5,0,0,0,-1,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: a negative sum of fourth powers is refused');
SELECT throws_ok($$SELECT '(3,1,2,3,0.5,0,1e10,0,0,0,1,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: a sum of squares beyond the range of the bids is refused');
SELECT throws_ok($$SELECT '(3,1,2,3,2,0,1,0,1,0,1,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: sums against Cauchy-Schwarz (S1^2 > m S2) are refused');
SELECT throws_ok($$SELECT '(3,1,2,3,1,1,1,0,1,0,1,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: a double-double whose low part is not below half an ulp of its high part is refused');
SELECT throws_ok($$SELECT '(3,1,2,2,0.5,0,0,0,0,0,0,0)'::cleangov.bid_screens_state$$,
                 '22P02', NULL, 'bid_screens_state: power sums of a rest without spread must be 0');
SELECT throws_ok($$SELECT 'n=0;w=1,0;wv=1,0;max=1,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: n = 0 with a weight is refused');
SELECT throws_ok($$SELECT 'n=1;w=-1,0;wv=0,0;max=0,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: a negative sum of weights is refused');
SELECT throws_ok($$SELECT 'n=1;w=1,1;wv=1,0;max=1,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: a compensation term as large as its sum is refused');
SELECT throws_ok($$SELECT 'n=2;w=0,0;wv=1,0;max=1,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: a weighted sum without weights is refused');
SELECT throws_ok($$SELECT 'n=2;w=2,0;wv=5,0;max=1,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: a weighted sum beyond n times the largest term is refused');
SELECT throws_ok($$SELECT 'n=2;w=2,0;wv=1,0;max=-1,0'::cleangov.weighted_mean_state$$,
                 '22P02', NULL, 'weighted_mean_state: a negative largest term is refused');

-- 5. Valid states round-trip exactly, subnormal numbers included.
SELECT is(cleangov.robust_state_in('k=1.5;n=2;5e-324,1e-310')::text, 'k=1.5;n=2;5e-324,1e-310',
          'robust_state: subnormal values read back');
SELECT setseed(0.11);
CREATE TEMP TABLE rt_bid AS
  SELECT t, CASE t % 4 WHEN 0 THEN 1e9 + floor(random() * 5)
                       WHEN 1 THEN round((random() * 100)::numeric, 2)::float8
                       WHEN 2 THEN (ARRAY[10, 20])[1 + (random() < 0.5)::int]
                       ELSE (0.5 + random()) * 1e-40 END AS price
    FROM generate_series(1, 400) t, generate_series(1, 1 + (t % 9)) i;
SELECT is((SELECT count(*) FROM (SELECT t, cleangov.bid_screens_partial(price) s FROM rt_bid GROUP BY t) x
            WHERE x.s::text::cleangov.bid_screens_state::text <> x.s::text), 0::bigint,
          'bid_screens_state: 400 states of random tenders read back exactly');
SELECT is((SELECT count(*) FROM (SELECT t % 7 g, cleangov.weighted_mean_partial(price * 1e40, t % 5) s FROM rt_bid GROUP BY 1) x
            WHERE x.s::text::cleangov.weighted_mean_state::text <> x.s::text), 0::bigint,
          'weighted_mean_state: random states read back exactly');
SELECT is((SELECT count(*) FROM (SELECT t % 13 g, cleangov.benford_partial(price * 1e60, 'first_two') s FROM rt_bid GROUP BY 1) x
            WHERE x.s::text::cleangov.benford_state::text <> x.s::text), 0::bigint,
          'benford_state: random states read back exactly');

-- 6. No NaN or infinite result: 22003 instead.
SELECT throws_ok($$SELECT cleangov.bid_screens(x) FROM unnest('{50,4.9e-324}'::float8[]) x$$, '22003', NULL,
                 'bid_screens: a subnormal price is refused (its d would be infinite)');
SELECT throws_ok($$SELECT cleangov.bid_screens(x) FROM unnest('{1e300,1e-50,1e299}'::float8[]) x$$, '22003', NULL,
                 'bid_screens: bids whose moments overflow float8 (1e300 over 1e-50) are refused');
SELECT is((SELECT (cleangov.bid_screens(x)).d FROM unnest('{0,1e-50}'::float8[]) x), NULL::float8,
          'bid_screens: a zero lowest bid still gives d NULL');
SELECT is((cleangov.index_tree('{0,0}', '{1e308,1e308}', '{50,70}')).composite, 60::float8,
          'index_tree: weights whose sum overflows are rescaled (only their ratios matter)');
SELECT is((cleangov.index_tree('{0,0}', '{1e300,3e300}', '{40,80}')).composite, 70::float8,
          'index_tree: large finite weights still give the weighted mean');
SELECT ok((SELECT p BETWEEN 0 AND 1 FROM cleangov.chi2_p(2e9, 2000000000) p),
          'chi2_p: a p-value within 0 .. 1 for a huge df');
SELECT throws_ok($$SELECT cleangov.weighted_mean(v, w) FROM (VALUES (1e300, 1e300)) t(v, w)$$, '22003', NULL,
                 'weighted_mean: a weighted value beyond float8 is refused');
SELECT throws_ok($$SELECT cleangov.weighted_mean(v, w) FROM (VALUES (1e-300, 1e-300), (1, 1)) t(v, w)$$, '22003', NULL,
                 'weighted_mean: a weighted value that underflows is refused (the mean would lose it)');
SELECT ok((SELECT abs(cleangov.weighted_mean(v, w) - 2 / 3::float8) < 1e-15 FROM (VALUES (0, 5e-300), (4, 1e-300)) t(v, w)),
          'weighted_mean: tiny weights that keep their digits still work');

-- 7. weighted_mean: the same bits whatever the order of the rows and the plan.
CREATE TABLE public.cg_hardening_wm AS
  SELECT i AS id, (random() * 1e6 - 3e5) * (CASE WHEN i % 3 = 0 THEN 1e-7 ELSE 1 END) AS v,
         random() * 10 AS w, i % 4 AS g
    FROM generate_series(1, 200000) i;
ANALYZE public.cg_hardening_wm;
CREATE TEMP TABLE wm_order AS
  SELECT (SELECT cleangov.weighted_mean(v, w ORDER BY id) FROM public.cg_hardening_wm) AS asc_,
         (SELECT cleangov.weighted_mean(v, w ORDER BY id DESC) FROM public.cg_hardening_wm) AS desc_,
         (SELECT cleangov.weighted_mean(v, w ORDER BY v) FROM public.cg_hardening_wm) AS by_v;
SELECT is((SELECT float8send(asc_) = float8send(desc_) AND float8send(asc_) = float8send(by_v) FROM wm_order), true,
          'weighted_mean: rows in three orders give the same bits');

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text; acc text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP acc := acc || r || E'\n'; END LOOP;
  RETURN acc;
END $$;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE wm_serial AS
  SELECT g, cleangov.weighted_mean(v, w) AS m FROM public.cg_hardening_wm GROUP BY g;
CREATE TEMP TABLE bs_serial AS
  SELECT g, (cleangov.bid_screens(abs(v) + 1e6)).* FROM public.cg_hardening_wm GROUP BY g;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
-- The parallel results go to temporary tables by CREATE TABLE AS, which runs
-- its query in parallel (a query that also read a temporary table could not).
SELECT matches(pg_temp.plan_of('CREATE TEMP TABLE wm_parallel AS
                                SELECT g, cleangov.weighted_mean(v, w) AS m FROM public.cg_hardening_wm GROUP BY g'),
               'Partial', 'weighted_mean runs as a parallel aggregate');
CREATE TEMP TABLE wm_parallel AS
  SELECT g, cleangov.weighted_mean(v, w) AS m FROM public.cg_hardening_wm GROUP BY g;
SELECT is((SELECT count(*) FROM wm_serial s JOIN wm_parallel p USING (g)
            WHERE float8send(s.m) = float8send(p.m)), 4::bigint,
          'weighted_mean: a parallel plan gives the bits of the serial plan');
SELECT is((SELECT float8send(m) FROM wm_serial WHERE g = 0),
          (SELECT float8send(cleangov.weighted_mean(v, w ORDER BY id DESC)) FROM public.cg_hardening_wm WHERE g = 0),
          'weighted_mean: a group in reversed order gives the bits of the serial plan');
SELECT is((SELECT float8send(cleangov.weighted_mean_merge(s::text::cleangov.weighted_mean_state))
             FROM (SELECT id % 10, cleangov.weighted_mean_partial(v, w) s FROM public.cg_hardening_wm
                    WHERE g = 0 GROUP BY 1) x),
          (SELECT float8send(m) FROM wm_serial WHERE g = 0),
          'weighted_mean_merge of partial states shipped as text gives the bits of weighted_mean');
SELECT matches(pg_temp.plan_of($q$CREATE TEMP TABLE bs_parallel AS
    SELECT g, (cleangov.bid_screens(abs(v) + 1e6)).* FROM public.cg_hardening_wm GROUP BY g$q$),
               'Partial', 'bid_screens runs as a parallel aggregate (partial states combined)');
CREATE TEMP TABLE bs_parallel AS
  SELECT g, (cleangov.bid_screens(abs(v) + 1e6)).* FROM public.cg_hardening_wm GROUP BY g;
SELECT is((SELECT count(*) FROM bs_serial s JOIN bs_parallel p USING (g)
            WHERE s.n = p.n AND s.b1 = p.b1 AND s.b2 = p.b2 AND s.bn = p.bn), 4::bigint,
          'bid_screens: n, b1, b2 and bn are exact under any plan');
-- The moments are the same bits under any plan (31_order_independence.sql
-- asserts it); this prints the differences and keeps the old 1e-12 bound.
SELECT diag('bid_screens, parallel against serial, max relative difference: ' ||
            (SELECT format('mean %s, sd %s, skewness %s, kurtosis %s',
                           max(abs(s.mean - p.mean) / abs(s.mean)), max(abs(s.sd - p.sd) / s.sd),
                           max(abs(s.skewness - p.skewness) / greatest(abs(s.skewness), 1)),
                           max(abs(s.kurtosis - p.kurtosis) / greatest(abs(s.kurtosis), 1)))
               FROM bs_serial s JOIN bs_parallel p USING (g)));
SELECT cmp_ok((SELECT max(greatest(abs(s.mean - p.mean) / abs(s.mean), abs(s.sd - p.sd) / s.sd,
                                   abs(s.skewness - p.skewness) / greatest(abs(s.skewness), 1),
                                   abs(s.kurtosis - p.kurtosis) / greatest(abs(s.kurtosis), 1)))
                 FROM bs_serial s JOIN bs_parallel p USING (g)), '<=', 1e-12::float8,
              'bid_screens: moments under a parallel plan within 1e-12 of the serial plan');
DROP TABLE public.cg_hardening_wm;

SELECT * FROM finish();
ROLLBACK;
