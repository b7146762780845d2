-- Self-check of the demo data set; exits non-zero (ON_ERROR_STOP) on the
-- first failed check.  Run after demo/generate.sql:
--   psql -v ON_ERROR_STOP=1 -f demo/selfcheck.sql                 # every check
--   psql -v ON_ERROR_STOP=1 -v determinism=0 -f demo/selfcheck.sql  # skip the regeneration
-- Checks: identifiers against independent implementations of GB 11643 and
-- GB 32100; truth.planted equals the reference definitions (truth.reference)
-- plus the statistical cases; near-misses are not hits; the statistical
-- planted cases have their defining property; regenerating with the same seed
-- and scale gives the same checksum.
\set ON_ERROR_STOP on
\if :{?determinism} \else \set determinism 1 \endif
SET client_min_messages = notice;

-- independent check functions (explicit weight tables, no shared code with gen)
CREATE OR REPLACE FUNCTION pg_temp.chk_id(id text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE w int[] := '{7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2}'; s int := 0; m text[] := '{1,0,X,9,8,7,6,5,4,3,2}'; d date;
BEGIN
  IF id !~ '^[0-9]{17}[0-9X]$' THEN RETURN false; END IF;
  FOR i IN 1..17 LOOP s := s + substr(id, i, 1)::int * w[i]; END LOOP;
  IF m[s % 11 + 1] <> substr(id, 18, 1) THEN RETURN false; END IF;
  BEGIN d := to_date(substr(id, 7, 8), 'YYYYMMDD'); EXCEPTION WHEN others THEN RETURN false; END;
  RETURN to_char(d, 'YYYYMMDD') = substr(id, 7, 8) AND d BETWEEN date '1900-01-01' AND date '2024-12-31';
END $$;
CREATE OR REPLACE FUNCTION pg_temp.chk_uscc(c text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE a text := '0123456789ABCDEFGHJKLMNPQRTUWXY'; w int[] := '{1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28}'; s int := 0; v int;
BEGIN
  IF length(c) <> 18 THEN RETURN false; END IF;
  FOR i IN 1..18 LOOP IF strpos(a, substr(c, i, 1)) = 0 THEN RETURN false; END IF; END LOOP;
  FOR i IN 1..17 LOOP s := s + (strpos(a, substr(c, i, 1)) - 1) * w[i]; END LOOP;
  v := 31 - s % 31; IF v = 31 THEN v := 0; END IF;
  RETURN substr(a, v + 1, 1) = substr(c, 18, 1);
END $$;

DO $$
BEGIN
  IF NOT pg_temp.chk_id('11010519491231002X') THEN RAISE EXCEPTION 'checker rejects the GB 11643 worked example'; END IF;
  IF pg_temp.chk_id('11010519491231002Y') OR pg_temp.chk_id('110105194912310021') OR pg_temp.chk_id('110105199902300020') THEN
    RAISE EXCEPTION 'checker accepts an invalid ID number'; END IF;
  IF NOT pg_temp.chk_uscc('91350100M000100Y43') THEN RAISE EXCEPTION 'checker rejects the GB 32100 worked example'; END IF;
  IF pg_temp.chk_uscc('91350100M000100Y44') OR pg_temp.chk_uscc('91350100M000100Y4I') THEN
    RAISE EXCEPTION 'checker accepts an invalid credit code'; END IF;
  RAISE NOTICE 'ok: checkers pass the worked examples';
END $$;

DO $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM gov.person
  WHERE NOT pg_temp.chk_id(id_number) OR substr(id_number, 7, 8) <> to_char(birth_date, 'YYYYMMDD')
     OR (substr(id_number, 17, 1)::int % 2 = 1) <> (sex = 'M');
  IF n > 0 THEN RAISE EXCEPTION '% persons have an invalid ID number (or one that disagrees with birth date or sex)', n; END IF;
  SELECT count(*) INTO n FROM (SELECT DISTINCT recipient_id_number FROM gov.subsidy_payment) s WHERE NOT pg_temp.chk_id(recipient_id_number);
  IF n > 0 THEN RAISE EXCEPTION '% subsidy recipients have an invalid ID number', n; END IF;
  SELECT count(*) INTO n FROM gov.enterprise WHERE NOT pg_temp.chk_uscc(uscc);
  IF n > 0 THEN RAISE EXCEPTION '% enterprises have an invalid credit code', n; END IF;
  SELECT count(*) INTO n FROM gov.unit WHERE NOT pg_temp.chk_uscc(uscc);
  IF n > 0 THEN RAISE EXCEPTION '% units have an invalid credit code', n; END IF;
  RAISE NOTICE 'ok: every ID number and credit code is valid';
END $$;

DO $$
DECLARE n bigint; r record;
BEGIN
  -- every pattern has planted cases, recorded with a known subject
  FOR r IN SELECT pt.pattern FROM truth.pattern pt
           WHERE NOT EXISTS (SELECT 1 FROM truth.planted p WHERE p.pattern = pt.pattern AND p.detail->>'origin' = 'planted') LOOP
    RAISE EXCEPTION 'pattern % has no planted case', r.pattern;
  END LOOP;
  -- planted subjects exist
  SELECT count(*) INTO n FROM truth.planted p WHERE NOT CASE p.subject_kind
      WHEN 'tender' THEN EXISTS (SELECT 1 FROM gov.tender t WHERE t.tender_id::text = p.subject_key)
      WHEN 'contract' THEN EXISTS (SELECT 1 FROM gov.contract c WHERE c.contract_id::text = p.subject_key)
      WHEN 'approval_case' THEN EXISTS (SELECT 1 FROM gov.approval_case c WHERE c.case_id::text = p.subject_key)
      WHEN 'penalty' THEN EXISTS (SELECT 1 FROM gov.penalty c WHERE c.penalty_id::text = p.subject_key)
      WHEN 'project_filing' THEN EXISTS (SELECT 1 FROM gov.project_filing c WHERE c.filing_id::text = p.subject_key)
      WHEN 'person' THEN EXISTS (SELECT 1 FROM gov.person c WHERE c.person_id::text = p.subject_key)
      WHEN 'unit' THEN EXISTS (SELECT 1 FROM gov.unit c WHERE c.unit_id::text = p.subject_key)
      WHEN 'unit_category' THEN EXISTS (SELECT 1 FROM gov.budget c WHERE c.unit_id || '/' || c.category = p.subject_key)
      WHEN 'buyer_supplier' THEN EXISTS (SELECT 1 FROM gov.contract c WHERE c.buyer_unit_id || '/' || c.supplier_id = p.subject_key)
      ELSE false END;
  IF n > 0 THEN RAISE EXCEPTION '% planted cases name a subject that does not exist', n; END IF;
  SELECT count(*) INTO n FROM truth.planted p JOIN truth.pattern pt USING (pattern) WHERE p.subject_kind <> pt.subject_kind;
  IF n > 0 THEN RAISE EXCEPTION '% planted cases have a subject kind other than their pattern''s', n; END IF;
  RAISE NOTICE 'ok: every pattern has planted cases, and every subject exists';
END $$;

CREATE TEMP TABLE selfcheck_ref AS SELECT * FROM truth.reference;
DO $$
DECLARE n bigint; r record;
BEGIN
  FOR r IN SELECT p.pattern, p.subject_key FROM truth.planted p
           WHERE p.pattern NOT IN ('bid_rigging', 'discretion_outlier', 'benford_violation')
             AND NOT EXISTS (SELECT 1 FROM selfcheck_ref x WHERE x.pattern = p.pattern AND x.subject_kind = p.subject_kind AND x.subject_key = p.subject_key)
           LIMIT 5 LOOP
    RAISE EXCEPTION 'planted case %/% does not meet the reference definition', r.pattern, r.subject_key;
  END LOOP;
  FOR r IN SELECT x.pattern, x.subject_key FROM selfcheck_ref x
           WHERE NOT EXISTS (SELECT 1 FROM truth.planted p WHERE x.pattern = p.pattern AND x.subject_kind = p.subject_kind AND x.subject_key = p.subject_key)
           LIMIT 5 LOOP
    RAISE EXCEPTION 'reference hit %/% is not in truth.planted', r.pattern, r.subject_key;
  END LOOP;
  FOR r IN SELECT n.pattern, n.subject_key FROM truth.near_miss n JOIN selfcheck_ref x USING (pattern, subject_kind, subject_key) LIMIT 5 LOOP
    RAISE EXCEPTION 'near-miss %/% meets the reference definition', r.pattern, r.subject_key;
  END LOOP;
  SELECT count(*) INTO n FROM truth.near_miss n JOIN truth.planted p USING (pattern, subject_kind, subject_key);
  IF n > 0 THEN RAISE EXCEPTION '% near-misses are also planted cases', n; END IF;
  RAISE NOTICE 'ok: truth.planted equals the reference definitions; no near-miss meets them';
END $$;

-- explicit spot checks of definitions the brief names
DO $$
DECLARE n bigint;
BEGIN
  -- planted split purchases: every part below 500,000, total above it
  SELECT count(*) INTO n FROM truth.planted p
  WHERE p.pattern = 'split_purchase' AND p.detail->>'origin' = 'planted'
    AND NOT (SELECT bool_and(c.amount < 500000) AND sum(c.amount) > 500000 AND max(c.signed_on) - min(c.signed_on) <= 90
             FROM gov.contract c WHERE c.contract_id IN (SELECT jsonb_array_elements_text(p.detail->'contracts')::bigint));
  IF n > 0 THEN RAISE EXCEPTION '% planted split purchases do not split 500,000 within 90 days', n; END IF;
  SELECT count(*) INTO n FROM truth.near_miss p
  WHERE p.pattern = 'split_purchase'
    AND (SELECT sum(c.amount) FROM gov.contract c WHERE c.contract_id IN (SELECT jsonb_array_elements_text(p.detail->'contracts')::bigint)) >= 500000;
  IF n > 0 THEN RAISE EXCEPTION '% near-miss split purchases reach 500,000', n; END IF;
  -- near-miss prices are 19 % over market, planted ones more than 20 %
  SELECT count(*) INTO n FROM truth.near_miss p JOIN gov.contract c ON c.contract_id::text = p.subject_key JOIN gov.tender t USING (tender_id)
  WHERE p.pattern = 'price_above_market' AND abs(c.amount / t.market_reference_price - 1.19) > 0.001;
  IF n > 0 THEN RAISE EXCEPTION '% near-miss prices are not 19 %% over market', n; END IF;
  -- the approval near-misses are decided on their due date
  SELECT count(*) INTO n FROM truth.near_miss p JOIN gov.approval_case a ON a.case_id::text = p.subject_key
  WHERE p.pattern = 'approval_time_limit' AND a.decided_at::date <> a.due_date;
  IF n > 0 THEN RAISE EXCEPTION '% approval near-misses are not decided on their last day', n; END IF;
  -- credit repair cases over 2 working days are among the planted time-limit cases (when any credit repair case was planted)
  SELECT count(*) INTO n FROM truth.planted p JOIN gov.approval_case a ON a.case_id::text = p.subject_key
  WHERE p.pattern = 'approval_time_limit' AND a.kind = 'credit_repair' AND a.time_limit_days = 2;
  RAISE NOTICE 'ok: split purchases, near-miss prices and approvals as defined (% credit-repair cases over 2 working days)', n;
END $$;

-- statistical patterns: the planted cases have their property, the background does not
DO $$
DECLARE n bigint; m numeric;
BEGIN
  -- bid rigging: covers bunched (CV of the covers < 1 %) and far from the winner (RD > 5)
  SELECT count(*) INTO n FROM truth.planted p
  CROSS JOIN LATERAL (SELECT (array_agg(price ORDER BY price))[1] AS b1, (array_agg(price ORDER BY price))[2] AS b2,
                             stddev_samp(price) FILTER (WHERE rn > 1) AS sd, avg(price) FILTER (WHERE rn > 1) AS mean
                      FROM (SELECT price, row_number() OVER (ORDER BY price) AS rn FROM gov.bid b WHERE b.tender_id::text = p.subject_key) b) s
  WHERE p.pattern = 'bid_rigging' AND NOT (s.sd / s.mean < 0.01 AND (s.b2 - s.b1) / nullif(s.sd, 0) > 5);
  IF n > 0 THEN RAISE EXCEPTION '% planted bid-rigging tenders are not bunched cover bids', n; END IF;
  -- discretion: planted penalties >= 5x the median of their type; the rest within [0.4, 2.5]x
  SELECT count(*) INTO n FROM gov.penalty x
  JOIN (SELECT violation_type, percentile_cont(0.5) WITHIN GROUP (ORDER BY amount) AS med FROM gov.penalty GROUP BY 1) m USING (violation_type)
  LEFT JOIN truth.planted p ON p.pattern = 'discretion_outlier' AND p.subject_key = x.penalty_id::text
  WHERE CASE WHEN p.case_id IS NOT NULL THEN x.amount < 5 * m.med ELSE x.amount NOT BETWEEN 0.4 * m.med AND 2.5 * m.med END;
  IF n > 0 THEN RAISE EXCEPTION '% penalties break the discretion-outlier separation', n; END IF;
  -- Benford: planted units are nonconforming on the first digit (MAD > 0.015)
  SELECT count(*) INTO n FROM truth.planted p
  CROSS JOIN LATERAL (SELECT avg(abs(coalesce(o.cnt, 0)::numeric / t.total - log(1 + 1.0 / d))) AS mad
                      FROM generate_series(1, 9) d
                      CROSS JOIN (SELECT count(*) AS total FROM gov.payment WHERE unit_id::text = p.subject_key) t
                      LEFT JOIN (SELECT left(regexp_replace(amount::text, '^[0.]*', ''), 1)::int AS d, count(*) AS cnt
                                 FROM gov.payment WHERE unit_id::text = p.subject_key GROUP BY 1) o USING (d)) b
  WHERE p.pattern = 'benford_violation' AND b.mad <= 0.015;
  IF n > 0 THEN RAISE EXCEPTION '% planted Benford units conform to Benford', n; END IF;
  RAISE NOTICE 'ok: bid rigging, discretion outliers and Benford units have their planted property';
END $$;

\if :determinism
\echo 'regenerating with the same seed and scale to compare checksums ...'
\o /dev/null
\ir checksum.sql
\o
SELECT md5(string_agg(tbl || ':' || nrows || ':' || hash, ',' ORDER BY tbl)) AS sum_before FROM pg_temp.demo_checksum() \gset
SELECT seed AS seed, tenders AS tenders, rate_scale AS rate_scale FROM truth.generation \gset
\o /dev/null
\ir generate.sql
\o
SELECT md5(string_agg(tbl || ':' || nrows || ':' || hash, ',' ORDER BY tbl)) AS sum_after FROM pg_temp.demo_checksum() \gset
SELECT :'sum_before' = :'sum_after' AS same \gset
\if :same
\echo 'ok: same seed and scale give the same checksum' :sum_after
\else
DO $$ BEGIN RAISE EXCEPTION 'regeneration changed the data: checksums differ'; END $$;
\endif
\endif
\echo 'selfcheck passed'
