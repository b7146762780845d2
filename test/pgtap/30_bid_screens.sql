-- cleangov.bid_screens against an independent plain-SQL computation in exact
-- numeric arithmetic (window functions for the order, sums of powers of
-- deviations for the moments), on random tenders of 0 to 14 bids, on prices
-- of 10^9 differing in the last units, and through split -> text -> combine.
-- Tolerance: 1e-9 relative (1e-9 absolute below 1).
BEGIN;
SELECT plan(18);

CREATE FUNCTION pg_temp.close(a float8, b numeric) RETURNS bool LANGUAGE sql IMMUTABLE AS
  $$ SELECT (a IS NULL AND b IS NULL) OR abs(a::numeric - b) <= 1e-9 * greatest(1, abs(b)) $$;

-- Random tenders: 0..14 bids, a price level per tender from 10 to 10^7, some
-- ties (prices rounded to a few units), some tenders of equal bids, NULL bids.
SELECT setseed(0.42);
CREATE TEMP TABLE tender AS
  SELECT t, floor(random() * 15)::int AS nbids, 10 ^ (1 + random() * 6) AS level,
         random() < 0.05 AS all_equal
    FROM generate_series(1, 3000) t;
CREATE TEMP TABLE bid AS
  SELECT t, CASE WHEN random() < 0.02 THEN NULL
                 WHEN all_equal THEN round(level::numeric)
                 ELSE round((level * (1 + random() * random()))::numeric, 2 - (random() * 3)::int) END::float8 AS price
    FROM tender, generate_series(1, nbids) i;
-- ensure tenders with 0 bids appear in both results
CREATE TEMP TABLE got AS
  SELECT t.t, (cleangov.bid_screens(b.price)).*
    FROM tender t LEFT JOIN bid b USING (t) GROUP BY t.t;

CREATE TEMP TABLE want AS
WITH o AS (
  SELECT t, price::numeric(60,30) AS x, row_number() OVER w AS r, count(price) OVER (PARTITION BY t)::numeric AS n
    FROM bid WHERE price IS NOT NULL WINDOW w AS (PARTITION BY t ORDER BY price)),
m AS (SELECT t, avg(x) AS mean, avg(x) FILTER (WHERE r >= 2) AS mean_rest FROM o GROUP BY t),
s AS (
  SELECT o.t, max(n) AS n, max(m.mean) AS mean,
         sum((x - m.mean) ^ 2) AS m2, sum((x - m.mean) ^ 3) AS m3, sum((x - m.mean) ^ 4) AS m4,
         sum((x - m.mean_rest) ^ 2) FILTER (WHERE r >= 2) AS m2_rest,
         min(x) FILTER (WHERE r = 1) AS b1, min(x) FILTER (WHERE r = 2) AS b2, max(x) AS bn
    FROM o JOIN m USING (t) GROUP BY o.t),
f AS (
  SELECT t, n, mean, b1, b2, bn, m2, m3, m4,
         CASE WHEN n >= 2 THEN sqrt(m2 / (n - 1)) END AS sd,
         CASE WHEN n >= 3 THEN sqrt(m2_rest / (n - 2)) END AS sd_rest
    FROM s)
SELECT t.t, coalesce(f.n, 0) AS n, f.mean, f.sd,
       CASE WHEN f.mean <> 0 THEN f.sd / f.mean END AS cv,
       CASE WHEN f.n >= 3 AND f.m2 > 0
            THEN sqrt(f.n * (f.n - 1)) / (f.n - 2) * sqrt(f.n) * f.m3 / (f.m2 * sqrt(f.m2)) END AS skewness,
       CASE WHEN f.n >= 4 AND f.m2 > 0
            THEN f.n * (f.n + 1) / ((f.n - 1) * (f.n - 2) * (f.n - 3)) * f.m4 / f.sd ^ 4
                 - 3 * (f.n - 1) ^ 2 / ((f.n - 2) * (f.n - 3)) END AS kurtosis,
       CASE WHEN f.n >= 2 AND f.b1 <> 0 THEN (f.b2 - f.b1) / f.b1 END AS d,
       CASE WHEN f.n >= 3 AND f.sd_rest > 0 THEN (f.b2 - f.b1) / f.sd_rest END AS rd,
       CASE WHEN f.n >= 2 AND f.bn <> f.b1 THEN (f.n - 1) * (f.b2 - f.b1) / (f.bn - f.b1) END AS normd,
       CASE WHEN f.n >= 2 AND f.b1 <> 0 THEN (f.bn - f.b1) / f.b1 END AS spd,
       f.b1, CASE WHEN f.n >= 2 THEN f.b2 END AS b2, f.bn
  FROM tender t LEFT JOIN f USING (t);

SELECT is((SELECT count(*) FROM got), 3000::bigint, 'one result per tender, tenders without bids included');
SELECT cmp_ok((SELECT count(DISTINCT n) FROM got), '>=', 15::bigint, 'the random tenders cover n = 0 .. 14');
SELECT is((SELECT count(*) FROM got g JOIN want w USING (t) WHERE g.n <> w.n), 0::bigint, 'n equals count(price)');
SELECT is(ARRAY(SELECT t FROM got g JOIN want w USING (t)
                 WHERE NOT (pg_temp.close(g.mean, w.mean) AND pg_temp.close(g.sd, w.sd)
                            AND pg_temp.close(g.cv, w.cv)) ORDER BY t LIMIT 5),
          '{}'::int[], 'mean, sd and cv equal the plain-SQL values on random tenders');
SELECT is(ARRAY(SELECT t FROM got g JOIN want w USING (t)
                 WHERE NOT (pg_temp.close(g.skewness, w.skewness) AND pg_temp.close(g.kurtosis, w.kurtosis))
                 ORDER BY t LIMIT 5),
          '{}'::int[], 'skewness and kurtosis equal the plain-SQL values (NULL where n < 3, n < 4 or sd = 0)');
SELECT is(ARRAY(SELECT t FROM got g JOIN want w USING (t)
                 WHERE NOT (pg_temp.close(g.d, w.d) AND pg_temp.close(g.rd, w.rd)
                            AND pg_temp.close(g.normd, w.normd) AND pg_temp.close(g.spd, w.spd))
                 ORDER BY t LIMIT 5),
          '{}'::int[], 'd, rd, normd and spd equal the plain-SQL values');
SELECT is(ARRAY(SELECT t FROM got g JOIN want w USING (t)
                 WHERE g.b1 IS DISTINCT FROM w.b1::float8 OR g.b2 IS DISTINCT FROM w.b2::float8
                    OR g.bn IS DISTINCT FROM w.bn::float8 ORDER BY t LIMIT 5),
          '{}'::int[], 'b1, b2 and bn are the lowest, second lowest and highest bid');
SELECT cmp_ok((SELECT count(*) FROM got WHERE rd IS NOT NULL AND kurtosis IS NOT NULL AND sd = 0 IS NOT TRUE), '>', 1000::bigint,
              'most random tenders have every screen (the comparison is not vacuous)');

-- Prices of 10^9 differing in the last units (and a low outlier far below).
CREATE TEMP TABLE bigbid AS
  SELECT t, (1e9 + floor(random() * 20))::float8 AS price FROM generate_series(1, 300) t, generate_series(1, 2 + t % 9) i
  UNION ALL SELECT t, 5e8 FROM generate_series(1, 300, 3) t;
CREATE TEMP TABLE bigwant AS
WITH o AS (SELECT t, price::numeric(60,30) x, row_number() OVER (PARTITION BY t ORDER BY price) r, count(*) OVER (PARTITION BY t)::numeric n FROM bigbid),
m AS (SELECT t, avg(x) mean, avg(x) FILTER (WHERE r >= 2) mean_rest FROM o GROUP BY t)
SELECT o.t, max(n) n, sqrt(sum((x - mean) ^ 2) / (max(n) - 1)) sd,
       CASE WHEN max(n) >= 3 AND sum((x - mean) ^ 2) > 0 THEN sqrt(max(n) * (max(n) - 1)) / (max(n) - 2) * sqrt(max(n)) * sum((x - mean) ^ 3) / (sum((x - mean) ^ 2) * sqrt(sum((x - mean) ^ 2))) END skewness,
       CASE WHEN sum((x - mean_rest) ^ 2) FILTER (WHERE r >= 2) > 0
            THEN (min(x) FILTER (WHERE r = 2) - min(x)) / sqrt(sum((x - mean_rest) ^ 2) FILTER (WHERE r >= 2) / (max(n) - 2)) END rd
  FROM o JOIN m USING (t) GROUP BY o.t;
SELECT is(ARRAY(SELECT t FROM (SELECT t, (cleangov.bid_screens(price)).* FROM bigbid GROUP BY t) g JOIN bigwant w USING (t)
                 WHERE NOT (abs(g.sd - w.sd) <= 1e-12 * w.sd + 1e-12
                            AND (w.skewness IS NULL OR abs(g.skewness::numeric - w.skewness) <= 1e-10)
                            AND (w.rd IS NULL OR abs(g.rd::numeric - w.rd) <= 1e-12 * w.rd)) ORDER BY t LIMIT 5),
          '{}'::int[], 'prices of 1e9 differing in the last units: sd, skewness and rd to 1e-12 relative');
-- the same with the bids in ascending order, so the low outlier comes first
-- and the cluster arrives after it (the origin of the moments must not be it)
SELECT is(ARRAY(SELECT t FROM (SELECT t, (cleangov.bid_screens(price ORDER BY price)).* FROM bigbid GROUP BY t) g JOIN bigwant w USING (t)
                 WHERE NOT (abs(g.sd - w.sd) <= 1e-12 * w.sd + 1e-12
                            AND (w.skewness IS NULL OR abs(g.skewness::numeric - w.skewness) <= 1e-10)
                            AND (w.rd IS NULL OR abs(g.rd::numeric - w.rd) <= 1e-12 * w.rd)) ORDER BY t LIMIT 5),
          '{}'::int[], 'the same, with the low outlier first: sd, skewness and rd to 1e-12 relative');
-- and in descending order (every bid a new lowest one)
SELECT is(ARRAY(SELECT t FROM (SELECT t, (cleangov.bid_screens(price ORDER BY price DESC)).* FROM bigbid GROUP BY t) g JOIN bigwant w USING (t)
                 WHERE NOT (abs(g.sd - w.sd) <= 1e-12 * w.sd + 1e-12
                            AND (w.skewness IS NULL OR abs(g.skewness::numeric - w.skewness) <= 1e-10)
                            AND (w.rd IS NULL OR abs(g.rd::numeric - w.rd) <= 1e-12 * w.rd)) ORDER BY t LIMIT 5),
          '{}'::int[], 'the same, in descending order: sd, skewness and rd to 1e-12 relative');

-- Split into three parts, states through text, combined: the single-pass answer.
CREATE TEMP TABLE shipped AS
  SELECT t, part, cleangov.bid_screens_partial(price)::text AS state
    FROM (SELECT t, price, (row_number() OVER ()) % 3 AS part FROM bid) b GROUP BY t, part;
SELECT is((SELECT count(*) FROM shipped WHERE state::cleangov.bid_screens_state::text <> state), 0::bigint,
          'every partial state reads back from text to the same text');
CREATE TEMP TABLE merged AS
  SELECT t, (cleangov.bid_screens_merge(state::cleangov.bid_screens_state)).* FROM shipped GROUP BY t;
SELECT is(ARRAY(SELECT t FROM merged m JOIN got g USING (t)
                 WHERE m.n <> g.n OR m.b1 IS DISTINCT FROM g.b1 OR m.b2 IS DISTINCT FROM g.b2 OR m.bn IS DISTINCT FROM g.bn
                    OR NOT (pg_temp.close(m.mean, g.mean::numeric) AND pg_temp.close(m.sd, g.sd::numeric)
                            AND pg_temp.close(m.cv, g.cv::numeric) AND pg_temp.close(m.skewness, g.skewness::numeric)
                            AND pg_temp.close(m.kurtosis, g.kurtosis::numeric) AND pg_temp.close(m.d, g.d::numeric)
                            AND pg_temp.close(m.rd, g.rd::numeric) AND pg_temp.close(m.normd, g.normd::numeric)
                            AND pg_temp.close(m.spd, g.spd::numeric)) ORDER BY t LIMIT 5),
          '{}'::int[], 'split -> text -> combine gives the single-pass screens for every tender');
-- the functions called directly: ((100, 102) + (110)) = bid_screens over 100, 102, 110
SELECT is((cleangov.bid_screens_final(cleangov.bid_screens_combine(
             cleangov.bid_screens_transfn(cleangov.bid_screens_transfn('(0,0,0,0,0,0,0,0,0,0,0,0)', 110), 102),
             cleangov.bid_screens_transfn('(0,0,0,0,0,0,0,0,0,0,0,0)', 100)))).rd,
          (SELECT (cleangov.bid_screens(x)).rd FROM unnest('{100,102,110}'::float8[]) x),
          'transition, combine and final called directly agree with the aggregate');

-- Errors by SQLSTATE.
SELECT throws_ok($$SELECT cleangov.bid_screens(x) FROM unnest('{1,NaN}'::float8[]) x$$, '22003',
                 'bid_screens: input must be a finite number', 'NaN is refused with 22003 naming the kernel');
SELECT throws_ok($$SELECT cleangov.bid_screens(x) FROM unnest('{1,-0.01}'::float8[]) x$$, '22023',
                 'bid_screens: price must not be negative', 'a negative price is refused with 22023');
SELECT throws_ok($$SELECT '(2,1,0,3,0,0,0,0,0,0,0,0)'::cleangov.bid_screens_state$$, '22P02', NULL,
                 'a state with b2 < b1 is refused with 22P02');
SELECT throws_ok($$SELECT cleangov.bid_screens(x) FROM unnest('{1e80,2e80,3e80,9e80}'::float8[]) x$$, '22003', NULL,
                 'moments beyond float8 are refused with 22003');

SELECT * FROM finish();
ROLLBACK;
