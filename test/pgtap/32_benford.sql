-- cleangov.benford against an independent plain-SQL computation: digits read
-- from the text form of each amount (numeric's output; float8's shortest form),
-- counts per buyer and digit, MAD, chi-square, Z with Nigrini's continuity
-- correction, conformity bands; the df-8 p-value by its closed form, the df-9
-- and df-89 p-values by numerical integration of the chi-square density;
-- split -> text -> combine.  Tolerance 1e-12 (1e-9 for p-values).
BEGIN;
SELECT plan(14);

SELECT setseed(0.17);
CREATE TEMP TABLE amount AS
  SELECT b AS buyer,
         CASE WHEN random() < 0.02 THEN NULL
              WHEN random() < 0.03 THEN 0
              WHEN random() < 0.05 THEN -round(exp(random() * 10)::numeric, 2)
              ELSE round(exp(random() * (4 + b % 20))::numeric, (random() * 4)::int - 1) END AS x
    FROM generate_series(1, 40) b, generate_series(1, 50 + (b * 37) % 400) i;
INSERT INTO amount VALUES (41, 0.5), (41, 3), (42, 1e-20), (42, 123456789012345678901234567890.5);

CREATE TEMP TABLE test_info(test text, k int, lo int, hi int, df int, b1 float8, b2 float8, b3 float8);
INSERT INTO test_info VALUES ('first', 1, 1, 9, 8, 0.006, 0.012, 0.015),
  ('second', 2, 0, 9, 9, 0.008, 0.010, 0.012), ('first_two', 2, 10, 99, 89, 0.0012, 0.0018, 0.0022);

-- Digits from text: strip sign, leading zeros and the point; the exponent of float8 text is ignored.
CREATE FUNCTION pg_temp.sigdigits(s text) RETURNS text LANGUAGE sql IMMUTABLE AS
  $$ SELECT replace(ltrim(split_part(ltrim(s, '-'), 'e', 1), '0.'), '.', '') $$;
CREATE FUNCTION pg_temp.digit_of(s text, absval float8, test text) RETURNS int LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN absval = 0 THEN NULL
              WHEN test = 'first' AND absval < 1 THEN NULL
              WHEN test <> 'first' AND absval < 10 THEN NULL
              WHEN test = 'first' THEN left(pg_temp.sigdigits(s), 1)::int
              WHEN test = 'second' THEN coalesce(nullif(substr(pg_temp.sigdigits(s), 2, 1), ''), '0')::int
              ELSE (left(pg_temp.sigdigits(s), 1) || coalesce(nullif(substr(pg_temp.sigdigits(s), 2, 1), ''), '0'))::int END $$;
CREATE FUNCTION pg_temp.expected(test text, d int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN test = 'second' THEN (SELECT sum(log(1 + 1.0 / (10 * k + d)))::float8 FROM generate_series(1, 9) k)
              ELSE log(1 + 1.0 / d)::float8 END $$;

-- The plain-SQL test, given digits per (buyer, test).
CREATE FUNCTION pg_temp.plain(src text) RETURNS TABLE(buyer int, test text, n bigint, zeros bigint, small bigint,
    mad float8, chi2 float8, max_z float8, conformity text, observed float8[]) LANGUAGE plpgsql AS $f$
BEGIN
  RETURN QUERY EXECUTE format($q$
    WITH d AS (SELECT a.buyer, t.test, a.x = 0 AS zero, pg_temp.digit_of(a.s, abs(a.x::float8), t.test) AS digit
                 FROM %s a CROSS JOIN test_info t WHERE a.x IS NOT NULL),
    tot AS (SELECT d.buyer, d.test, count(digit) AS n, count(*) FILTER (WHERE zero) AS zeros,
                   count(*) FILTER (WHERE NOT zero AND digit IS NULL) AS small FROM d GROUP BY 1, 2),
    cnt AS (SELECT d.buyer, d.test, d.digit, count(*) AS c FROM d WHERE d.digit IS NOT NULL GROUP BY 1, 2, 3),
    cell AS (SELECT tot.buyer, tot.test, g.dg, tot.n, pg_temp.expected(tot.test, g.dg) AS e, coalesce(cnt.c, 0) AS c
               FROM tot JOIN test_info ti USING (test) CROSS JOIN LATERAL generate_series(ti.lo, ti.hi) g(dg)
               LEFT JOIN cnt ON cnt.buyer = tot.buyer AND cnt.test = tot.test AND cnt.digit = g.dg
              WHERE tot.n > 0)
    SELECT tot.buyer, tot.test, tot.n, tot.zeros, tot.small, s.mad, s.chi2, s.max_z,
           CASE WHEN s.mad < ti.b1 THEN 'close' WHEN s.mad < ti.b2 THEN 'acceptable'
                WHEN s.mad < ti.b3 THEN 'marginal' WHEN s.mad IS NOT NULL THEN 'nonconformity' END, s.observed
      FROM tot JOIN test_info ti USING (test)
      LEFT JOIN (SELECT c.buyer, c.test, avg(abs(c.c::float8 / c.n - c.e)) AS mad,
                        sum((c.c - c.n * c.e) ^ 2 / (c.n * c.e)) AS chi2,
                        max(CASE WHEN 1.0 / (2 * c.n) < abs(c.c::float8 / c.n - c.e)
                                 THEN abs(c.c::float8 / c.n - c.e) - 1.0 / (2 * c.n)
                                 ELSE abs(c.c::float8 / c.n - c.e) END / sqrt(c.e * (1 - c.e) / c.n)) AS max_z,
                        array_agg(c.c::float8 / c.n ORDER BY c.dg) AS observed
                   FROM cell c GROUP BY 1, 2) s USING (buyer, test)$q$, src);
END $f$;

CREATE TEMP TABLE num_src AS SELECT buyer, x, x::text AS s FROM amount;
SET extra_float_digits = 1;   -- float8 text is the shortest exact form
CREATE TEMP TABLE flt_src AS SELECT buyer, x::float8 AS x, x::float8::text AS s FROM amount
  UNION ALL SELECT 43, v, v::text FROM unnest('{1e22, 1e23, 9.999999999999999e22, 2.5e300, 9007199254740993,
                                                123456789.125, 0.1, 19.999999999999996}'::float8[]) v;
CREATE TEMP TABLE want_num AS SELECT * FROM pg_temp.plain('num_src');
CREATE TEMP TABLE want_flt AS SELECT * FROM pg_temp.plain('flt_src');
CREATE TEMP TABLE got_num AS
  SELECT a.buyer, (cleangov.benford(a.x, t.test)).* FROM amount a CROSS JOIN test_info t GROUP BY a.buyer, t.test;
CREATE TEMP TABLE got_flt AS
  SELECT a.buyer, (cleangov.benford(a.x, t.test)).* FROM flt_src a CROSS JOIN test_info t GROUP BY a.buyer, t.test;

CREATE FUNCTION pg_temp.mismatches(got text, want text) RETURNS text[] LANGUAGE plpgsql AS $f$
DECLARE r text[];
BEGIN
  EXECUTE format($q$SELECT array_agg(g.buyer || ':' || g.test ORDER BY g.buyer, g.test) FROM %s g JOIN %s w USING (buyer, test)
    WHERE g.n <> w.n OR g.skipped_zero <> w.zeros OR g.skipped_small <> w.small
       OR (w.n > 0 AND NOT coalesce(abs(g.mad - w.mad) < 1e-12 AND abs(g.chi2 - w.chi2) < 1e-9 * greatest(1, w.chi2)
                            AND abs(g.max_z - w.max_z) < 1e-9 AND g.conformity = w.conformity
                            AND array_length(g.observed, 1) = array_length(w.observed, 1)
                            AND (SELECT bool_and(abs(g.observed[lo + i - 1] - w.observed[i]) < 1e-15)
                                   FROM test_info ti, generate_series(1, array_length(w.observed, 1)) i WHERE ti.test = g.test), false))
       OR (w.n = 0 AND (g.mad IS NOT NULL OR g.conformity IS NOT NULL))$q$, got, want) INTO r;
  RETURN coalesce(r, '{}');
END $f$;

SELECT is((SELECT count(*) FROM got_num g JOIN want_num w USING (buyer, test)), (SELECT count(*) FROM want_num),
          'numeric: one result per buyer and test');
SELECT is(pg_temp.mismatches('got_num', 'want_num'), '{}'::text[],
          'numeric: n, skipped counts, MAD, chi2, max Z, conformity and observed proportions equal plain SQL on digits from numeric''s text');
SELECT is(pg_temp.mismatches('got_flt', 'want_flt'), '{}'::text[],
          'float8: the same, with digits from float8''s shortest text form (including 1e22, 1e23, 2^53 + 1)');
SELECT cmp_ok((SELECT count(DISTINCT conformity) FROM got_num), '>=', 3::bigint,
              'the random buyers reach at least three conformity bands');
SELECT cmp_ok((SELECT min(skipped_small) FILTER (WHERE test <> 'first') FROM got_num WHERE buyer <= 40), '>', 0::bigint,
              'amounts below 10 are skipped and counted in the second-digit tests');

-- p-values: closed form for df 8, Q(4, c/2) = exp(-c/2)(1 + c/2 + (c/2)^2/2 + (c/2)^3/6)
SELECT is((SELECT count(*) FROM got_num WHERE test = 'first' AND n > 0
            AND abs(p_value - exp(-chi2 / 2) * (1 + chi2 / 2 + (chi2 / 2) ^ 2 / 2 + (chi2 / 2) ^ 3 / 6)) > 1e-12),
          0::bigint, 'first digit: p-value equals the closed-form chi-square tail with 8 df');
-- df 9 and 89: Simpson's rule on the density over [c, c + 400]
CREATE FUNCTION pg_temp.tail(c float8, df int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  WITH k AS (SELECT df / 2.0 AS a,
                    CASE WHEN df % 2 = 0 THEN (SELECT coalesce(sum(ln(j)), 0) FROM generate_series(1, df / 2 - 1) j)
                         ELSE ln(sqrt(pi())) + (SELECT coalesce(sum(ln(j + 0.5)), 0) FROM generate_series(0, df / 2 - 1) j) END AS lgam),
       pts AS (SELECT i, c + i * 0.02 AS t FROM generate_series(0, 20000) i)
  SELECT sum(CASE WHEN i IN (0, 20000) THEN 1 WHEN i % 2 = 1 THEN 4 ELSE 2 END
             * exp((k.a - 1) * ln(t) - t / 2 - k.a * ln(2) - k.lgam)) * 0.02 / 3
    FROM pts, k $$;
SELECT is((SELECT count(*) FROM (VALUES (9, 4.0), (9, 9.0), (9, 16.919), (9, 30.0), (89, 70.0), (89, 89.0), (89, 112.022), (89, 140.0)) v(df, c)
            WHERE abs(cleangov.chi2_p(c, df) - pg_temp.tail(c, df)) > 1e-9), 0::bigint,
          'the chi-square tail with 9 and 89 df equals numerical integration of the density');
SELECT is((SELECT count(*) FROM got_num WHERE n > 0 AND p_value <> cleangov.chi2_p(chi2, CASE test WHEN 'first' THEN 8 WHEN 'second' THEN 9 ELSE 89 END)),
          0::bigint, 'each p-value is the tail at its test''s degrees of freedom (8, 9, 89)');

-- Split into three parts, states through text, combined: the single-pass answer.
CREATE TEMP TABLE shipped AS
  SELECT buyer, test, part, cleangov.benford_partial(x, test)::text AS state
    FROM (SELECT buyer, x, (row_number() OVER ()) % 3 AS part FROM amount) a CROSS JOIN test_info GROUP BY 1, 2, 3;
SELECT is((SELECT count(*) FROM shipped WHERE state::cleangov.benford_state::text <> state), 0::bigint,
          'every partial state reads back from text to the same text');
SELECT is((SELECT count(*) FROM (SELECT buyer, test, cleangov.benford_merge(state::cleangov.benford_state) r FROM shipped GROUP BY 1, 2) m
             JOIN (SELECT buyer, test, cleangov.benford(x, test) r FROM amount CROSS JOIN test_info GROUP BY 1, 2) s USING (buyer, test)
            WHERE m.r IS DISTINCT FROM s.r), 0::bigint,
          'split -> text -> combine gives the single-pass result for every buyer and test');
SELECT is((cleangov.benford_final(cleangov.benford_combine(
             cleangov.benford_transfn(cleangov.benford_transfn('()', 123::numeric, 'first'), 45::numeric, 'first'),
             cleangov.benford_transfn('()', 1.5::float8, 'first')))).counts,
          '{2,0,0,1,0,0,0,0,0}'::bigint[], 'transition, combine and final called directly');

-- Errors by SQLSTATE.
SELECT throws_ok($$SELECT cleangov.benford(x, 'third') FROM unnest('{1}'::numeric[]) x$$, '22023',
                 'benford: unknown test "third"', 'an unknown test is refused with 22023');
SELECT throws_ok($$SELECT cleangov.benford(x) FROM unnest('{1,NaN}'::numeric[]) x$$, '22003',
                 'benford: input must be a finite number', 'numeric NaN is refused with 22003 naming the kernel');
SELECT throws_ok($$SELECT cleangov.benford(x, 'second') FROM unnest('{1,Infinity}'::float8[]) x$$, '22003',
                 'benford: input must be a finite number', 'float8 infinity is refused with 22003 naming the kernel');

SELECT * FROM finish();
ROLLBACK;
