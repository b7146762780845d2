-- PROC_BID_RIGGING_SCREEN: bid-rigging screens (围标串标筛查)
--
-- At least {min_screens} of the screens beyond their fences: CV below Q1 -
-- k*IQR of ln(CV) (a positive, right-skewed measure: on the raw scale the
-- lower fence is below zero and never fires), kurtosis above Q3 + k*IQR, RD
-- above Q3 + k_rd*IQR (Tukey's outer fence, as for R058: RD is bounded by 0
-- and right-skewed) (Imhof, Karagok and Rutz 2018), fences over comparable
-- tenders (same method, at least {min_peers} of them), tenders with at least
-- {min_bids} valid bids.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_BID_RIGGING_SCREEN', 'bid-rigging screens', '围标串标筛查', 'procurement', 'bid rigging', 'tender',
  '{"k": 1.5, "k_rd": 3, "min_bids": 4, "min_screens": 2, "min_peers": 30}', 'yellow',
  'At least {min_screens} of the screens beyond their fences: CV below Q1 - k*IQR of ln(CV) (a positive, right-skewed measure: on the raw scale the lower fence is below zero and never fires), kurtosis above Q3 + k*IQR, RD above Q3 + k_rd*IQR (Tukey''s outer fence, as for R058: RD is bounded by 0 and right-skewed) (Imhof, Karagok and Rutz 2018), fences over comparable tenders (same method, at least {min_peers} of them), tenders with at least {min_bids} valid bids.');

-- The bids are read from the shared pass tender_bids (55_pass.sql: cancelled
-- tenders are not in it).  The fences per method are population statistics
-- (statistics: stored by run(), read by evaluations of some tenders).  The
-- statistics and the query are two queries (the engine computes one or
-- reads it stored), so both spell out the screens s, r and v.
INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'PROC_BID_RIGGING_SCREEN',
  'set',
  $$
WITH s AS (
  SELECT b.tender_id, b.unit_code, b.method, @extschema@.bid_screens(b.amount::float8) AS x
    FROM cleangov_pass.tender_bids b
   WHERE b.status <> 'disqualified'
   GROUP BY b.tender_id, b.unit_code, b.method HAVING count(*) >= {min_bids}),
-- the screens are float sums over the bids, whose last bits depend on the
-- order of combination: rounded here, so that the fences and the evidence
-- see the same numbers under every plan (doc/rules.md, "Determinism")
r AS (SELECT s.tender_id, s.unit_code, s.method, (s.x).n, @extschema@.round_sig((s.x).cv) AS cv,
             @extschema@.round_sig((s.x).kurtosis) AS kurtosis, @extschema@.round_sig((s.x).rd) AS rd FROM s),
v AS (SELECT r.*, ln(nullif(r.cv, 0)) AS ln_cv FROM r)
SELECT v.method, percentile_cont(0.25) WITHIN GROUP (ORDER BY ln_cv) AS cv_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ln_cv) AS cv_q3,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY kurtosis) AS ku_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY kurtosis) AS ku_q3,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY rd) AS rd_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY rd) AS rd_q3
  FROM v GROUP BY v.method HAVING count(*) >= {min_peers}$$,
  $$
WITH s AS (
  SELECT b.tender_id, b.unit_code, b.method, @extschema@.bid_screens(b.amount::float8) AS x
    FROM cleangov_pass.tender_bids b
   WHERE b.status <> 'disqualified'
   GROUP BY b.tender_id, b.unit_code, b.method HAVING count(*) >= {min_bids}),
-- the screens are float sums over the bids, whose last bits depend on the
-- order of combination: rounded here, so that the fences and the evidence
-- see the same numbers under every plan (doc/rules.md, "Determinism")
r AS (SELECT s.tender_id, s.unit_code, s.method, (s.x).n, @extschema@.round_sig((s.x).cv) AS cv,
             @extschema@.round_sig((s.x).kurtosis) AS kurtosis, @extschema@.round_sig((s.x).rd) AS rd FROM s),
v AS (SELECT r.*, ln(nullif(r.cv, 0)) AS ln_cv FROM r),
f AS (SELECT * FROM cleangov_statistics),
g AS (
  SELECT v.*, (f.cv_q3 > f.cv_q1 AND (v.cv = 0 OR v.ln_cv < f.cv_q1 - {k} * (f.cv_q3 - f.cv_q1)))::int AS low_cv,
         (f.ku_q3 > f.ku_q1 AND v.kurtosis > f.ku_q3 + {k} * (f.ku_q3 - f.ku_q1))::int AS high_kurtosis,
         (f.rd_q3 > f.rd_q1 AND v.rd > f.rd_q3 + {k_rd} * (f.rd_q3 - f.rd_q1))::int AS high_rd
    FROM v JOIN f ON f.method IS NOT DISTINCT FROM v.method)
SELECT g.tender_id AS subject_key, g.unit_code, '' AS period,
       (coalesce(g.low_cv, 0) + coalesce(g.high_kurtosis, 0) + coalesce(g.high_rd, 0))::float8 AS value,
       {min_screens}::float8 AS threshold,
       jsonb_build_object('bids', g.n, 'cv', g.cv, 'kurtosis', g.kurtosis, 'rd', g.rd,
                          'low_cv', g.low_cv = 1, 'high_kurtosis', g.high_kurtosis = 1, 'high_rd', g.high_rd = 1) AS evidence
  FROM g
 WHERE coalesce(g.low_cv, 0) + coalesce(g.high_kurtosis, 0) + coalesce(g.high_rd, 0) >= {min_screens}$$,
  '{}'::text[],
  '{"bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
