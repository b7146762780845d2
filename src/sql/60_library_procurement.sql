-- Built-in rule library, procurement: Cardinal's red flags (R003 ... R058,
-- definitions in doc/rules.md after open-contracting/cardinal-rs) and the
-- checks the source documents name (price over market, bid-rigging screens,
-- split purchases, small works without draw, frequent changes, buyer
-- dependence).  Each rule reads only canonical shapes; {name} is a threshold
-- of cleangov.rule.thresholds.  Fences follow Cardinal: no fence when Q1, Q3
-- and IQR are all 0; cancelled processes are skipped.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R003', 'short submission period', '投标截止期过短', 'procurement', 'bid rigging', 'tender',
  '{"days": 15, "methods": ["open"]}', 'yellow',
  'Submission period (deadline minus publication, whole days) below {days} on a tender of the listed methods (Cardinal R003).'),
 ('R018', 'single bid received', '仅一家投标', 'procurement', 'bid rigging', 'tender',
  '{"methods": ["open", "selective"]}', 'yellow',
  'Only one tenderer on a competitive method (Cardinal R018).'),
 ('R024', 'price close to winning bid', '次低价与中标价过近', 'procurement', 'bid rigging', 'tender',
  '{"k": 1.5, "max_d": 0.005, "min_peers": 30}', 'yellow',
  '(second-lowest valid bid - winning bid) / winning bid at or below {max_d} (Cardinal''s fixed-threshold option; set max_d to null to use the fence Q1 - k*IQR over the tenders of the same method, methods with at least {min_peers} such tenders) (Cardinal R024).'),
 ('R025', 'excessive unsuccessful bids', '屡投不中', 'procurement', 'bid rigging', 'enterprise',
  '{"k": 1.5}', 'blue',
  'A tenderer''s wins / valid bids at or below Q1 - k*IQR while its bid count is at least the 75th percentile (Cardinal R025).'),
 ('R028', 'identical bid prices', '投标报价雷同', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'Two different tenderers bid the same amount in one tender (Cardinal R028).'),
 ('R030', 'late bid won', '逾期投标中标', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'A bid received after the submission deadline belongs to the supplier of an active award (Cardinal R030).'),
 ('R035', 'all except winning bid disqualified', '除中标人外均被废标', 'procurement', 'bid rigging', 'tender',
  '{}', 'yellow',
  'Only the winner has valid bids and at least one other tenderer was disqualified (Cardinal R035).'),
 ('R036', 'lowest bid disqualified', '最低价投标被废', 'procurement', 'bid rigging', 'tender',
  '{}', 'yellow',
  'An active award exists and the lowest submitted bid was disqualified (Cardinal R036).'),
 ('R038', 'excessive disqualified bids', '废标率过高', 'procurement', 'bid rigging', 'enterprise',
  '{"k": 1.5, "min_bids": 2, "min_tenders": 2}', 'blue',
  'A tenderer''s disqualified / submitted bids at or above Q3 + k*IQR, with at least {min_bids} bids in {min_tenders} tenders (Cardinal R038).'),
 ('R044', 'shared contact details among bidders', '投标人联系方式相同', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'Different tenderers in one tender share an address, telephone or e-mail (Cardinal R044).'),
 ('R048', 'heterogeneous supplier', '跨行业中标', 'procurement', 'eating off enterprises', 'enterprise',
  '{"k": 1.5, "min_awards": 20}', 'blue',
  'Distinct first-level item classes won by a supplier at or above Q3 + k*IQR, fence over suppliers with at least {min_awards} awarded tenders (Cardinal R048).'),
 ('R055', 'direct awards above threshold', '直接采购累计超限', 'procurement', 'split purchase', 'buyer_supplier',
  '{"threshold": 1000000}', 'yellow',
  'Direct awards by one buyer to one supplier adding up past the competitive threshold (Cardinal R055).'),
 ('R058', 'heavily discounted bid', '中标价异常低', 'procurement', 'bid rigging', 'tender',
  '{"k": 3, "min_peers": 30}', 'blue',
  '(second-lowest valid bid - winning bid) / winning bid at or above Q3 + k*IQR over the tenders of the same method, methods with at least {min_peers} such tenders; k = 3 is Tukey''s outer fence, because the gap is bounded by 0 and right-skewed (Cardinal R058, per-method).'),
 ('PROC_PRICE_OVER_MARKET', 'winning price above market', '中标价高于市场价', 'procurement', 'inflated price', 'contract',
  '{"pct": 0.20}', 'yellow',
  'Contract price more than {pct} above the market reference price (seed 001: more than 20 %).'),
 ('PROC_BID_RIGGING_SCREEN', 'bid-rigging screens', '围标串标筛查', 'procurement', 'bid rigging', 'tender',
  '{"k": 1.5, "k_rd": 3, "min_bids": 4, "min_screens": 2, "min_peers": 30}', 'yellow',
  'At least {min_screens} of the screens beyond their fences: CV below Q1 - k*IQR of ln(CV) (a positive, right-skewed measure: on the raw scale the lower fence is below zero and never fires), kurtosis above Q3 + k*IQR, RD above Q3 + k_rd*IQR (Tukey''s outer fence, as for R058: RD is bounded by 0 and right-skewed) (Imhof, Karagok and Rutz 2018), fences over comparable tenders (same method, at least {min_peers} of them), tenders with at least {min_bids} valid bids.'),
 ('PROC_SPLIT_PURCHASE', 'split purchase', '拆分采购规避招标', 'procurement', 'split purchase', 'buyer_supplier',
  '{"limit": 500000, "window_days": 90}', 'yellow',
  'Two or more contracts of one buyer with one supplier, each below {limit}, signed within {window_days} days, adding up to {limit} or more (seed 001 small-works limit).'),
 ('PROC_SMALL_WORKS_NO_DRAW', 'small works without random draw', '小型工程未随机抽取', 'procurement', 'small works', 'tender',
  '{"limit": 500000}', 'yellow',
  'A works tender estimated below {limit} whose contractor was not picked by random draw (seed 001).'),
 ('PROC_FREQUENT_CHANGES', 'frequent contract changes', '合同频繁变更', 'procurement', 'frequent changes', 'contract',
  '{"min_changes": 3}', 'yellow',
  'A contract changed {min_changes} times or more (seed 004).'),
 ('PROC_BUYER_DEPENDENCE', 'buyer dependence', '采购人依赖单一供应商', 'procurement', 'favouring relatives', 'buyer_supplier',
  '{"share": 0.5, "min_contracts": 5}', 'blue',
  'One supplier''s share of a buyer''s yearly contract value above {share}, for buyers with at least {min_contracts} contracts that year (Corruption Risk Index).');

-- Tenders that count: not cancelled.
INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key, evidence_expr) VALUES
 ('R003', 'row', 'tender',
  $$r.method = ANY ({methods}) AND r.status IS DISTINCT FROM 'cancelled'
    AND floor(extract(epoch FROM r.period_end - r.period_start) / 86400) < {days}$$,
  $$floor(extract(epoch FROM r.period_end - r.period_start) / 86400)$$, 'days',
  $$jsonb_build_object('method', r.method, 'period_start', r.period_start, 'period_end', r.period_end)$$),
 ('PROC_SMALL_WORKS_NO_DRAW', 'row', 'tender',
  $$r.category = 'works' AND r.estimated_value < {limit} AND NOT coalesce(r.random_draw, false)
    AND r.status IS DISTINCT FROM 'cancelled'$$,
  $$r.estimated_value$$, 'limit',
  $$jsonb_build_object('method', r.method, 'estimated_value', r.estimated_value)$$),
 ('PROC_PRICE_OVER_MARKET', 'row', 'contract',
  $$r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})$$,
  $$r.amount / r.market_price - 1$$, 'pct',
  $$jsonb_build_object('amount', r.amount, 'market_price', r.market_price, 'supplier_id', r.supplier_id, 'buyer_id', r.buyer_id)$$);

-- Per-tender bid facts shared by several set rules are recomputed in each
-- (a rule is one self-contained query, so that it can be read, EXPLAINed
-- and quarantined on its own).
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key) VALUES
 ('R018', 'set', $$
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, count(DISTINCT b.bidder_id)::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('method', t.method, 'bidder_id', min(b.bidder_id)) AS evidence
  FROM cleangov_bound.tender t JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id
 WHERE t.method = ANY ({methods}) AND t.status IS DISTINCT FROM 'cancelled'
 GROUP BY t.tender_id, t.unit_code, t.method
HAVING count(DISTINCT b.bidder_id) = 1$$, NULL),
 ('R024', 'set', $$
WITH w AS (
  SELECT b.tender_id, min(b.amount) AS amount, min(b.bidder_id) AS bidder_id
    FROM cleangov_bound.bid b
    JOIN cleangov_bound.award a ON a.tender_id = b.tender_id AND a.supplier_id = b.bidder_id
                               AND a.status IS DISTINCT FROM 'cancelled'
   WHERE b.status IS DISTINCT FROM 'disqualified'
   GROUP BY b.tender_id),
d AS (
  SELECT t.tender_id, t.unit_code, t.method, w.amount AS winning, min(b.amount) AS second, (min(b.amount) - w.amount) / w.amount AS d
    FROM cleangov_bound.tender t
    JOIN w ON w.tender_id = t.tender_id AND w.amount > 0
    JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id AND b.bidder_id <> w.bidder_id
                             AND b.status IS DISTINCT FROM 'disqualified'
   WHERE t.status IS DISTINCT FROM 'cancelled'
   GROUP BY t.tender_id, t.unit_code, t.method, w.amount
  HAVING min(b.amount) >= w.amount),
f AS (SELECT d.method, count(*) AS peers, percentile_cont(0.25) WITHIN GROUP (ORDER BY d) AS q1,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY d) AS q3
        FROM d GROUP BY d.method HAVING count(*) >= {min_peers})
SELECT d.tender_id AS subject_key, d.unit_code, '' AS period, d.d::float8 AS value,
       coalesce({max_d}::float8, f.q1 - {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('winning_bid', d.winning, 'second_bid', d.second, 'method', d.method, 'peers', f.peers,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM d LEFT JOIN f ON f.method IS NOT DISTINCT FROM d.method
 WHERE CASE WHEN {max_d}::float8 IS NOT NULL THEN d.d <= {max_d}::float8
            ELSE f.q3 > f.q1 AND d.d <= f.q1 - {k} * (f.q3 - f.q1) END$$, NULL),
 ('R058', 'set', $$
WITH w AS (
  SELECT b.tender_id, min(b.amount) AS amount, min(b.bidder_id) AS bidder_id
    FROM cleangov_bound.bid b
    JOIN cleangov_bound.award a ON a.tender_id = b.tender_id AND a.supplier_id = b.bidder_id
                               AND a.status IS DISTINCT FROM 'cancelled'
   WHERE b.status IS DISTINCT FROM 'disqualified'
   GROUP BY b.tender_id),
d AS (
  SELECT t.tender_id, t.unit_code, t.method, w.amount AS winning, min(b.amount) AS second, (min(b.amount) - w.amount) / w.amount AS d
    FROM cleangov_bound.tender t
    JOIN w ON w.tender_id = t.tender_id AND w.amount > 0
    JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id AND b.bidder_id <> w.bidder_id
                             AND b.status IS DISTINCT FROM 'disqualified'
   WHERE t.status IS DISTINCT FROM 'cancelled'
   GROUP BY t.tender_id, t.unit_code, t.method, w.amount
  HAVING min(b.amount) >= w.amount),
f AS (SELECT d.method, count(*) AS peers, percentile_cont(0.25) WITHIN GROUP (ORDER BY d) AS q1,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY d) AS q3
        FROM d GROUP BY d.method HAVING count(*) >= {min_peers})
SELECT d.tender_id AS subject_key, d.unit_code, '' AS period, d.d::float8 AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('winning_bid', d.winning, 'second_bid', d.second, 'method', d.method, 'peers', f.peers,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM d JOIN f ON f.method IS NOT DISTINCT FROM d.method
 WHERE f.q3 > f.q1 AND d.d >= f.q3 + {k} * (f.q3 - f.q1)$$, NULL),
 ('R025', 'set', $$
WITH p AS (
  SELECT b.bidder_id, count(*) AS bids, count(a.tender_id)::float8 / count(*) AS ratio
    FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
    LEFT JOIN (SELECT DISTINCT a.tender_id, a.supplier_id FROM cleangov_bound.award a
                WHERE a.status IS DISTINCT FROM 'cancelled') a ON a.tender_id = b.tender_id AND a.supplier_id = b.bidder_id
   WHERE b.status IS DISTINCT FROM 'disqualified' AND t.status IS DISTINCT FROM 'cancelled'
   GROUP BY b.bidder_id),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ratio) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ratio) AS q3,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY bids) AS bids_p75 FROM p)
SELECT p.bidder_id AS subject_key, NULL::text AS unit_code, '' AS period, p.ratio AS value,
       (f.q1 - {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('valid_bids', p.bids, 'bids_p75', @extschema@.round_sig(f.bids_p75),
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.ratio <= f.q1 - {k} * (f.q3 - f.q1) AND p.bids >= f.bids_p75$$, NULL),
 ('R028', 'set', $$
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, count(DISTINCT b.bidder_id)::float8 AS value, 2::float8 AS threshold,
       jsonb_build_object('amount', b.amount, 'bidders', jsonb_agg(DISTINCT b.bidder_id)) AS evidence
  FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled' AND b.status IS DISTINCT FROM 'withdrawn'
 GROUP BY t.tender_id, t.unit_code, b.amount
HAVING count(DISTINCT b.bidder_id) >= 2$$, NULL),
 ('R030', 'set', $$
SELECT DISTINCT ON (t.tender_id) t.tender_id AS subject_key, t.unit_code, '' AS period,
       extract(epoch FROM b.submitted_at - t.period_end)::float8 / 3600 AS value, 0::float8 AS threshold,
       jsonb_build_object('bidder_id', b.bidder_id, 'submitted_at', b.submitted_at, 'deadline', t.period_end) AS evidence
  FROM cleangov_bound.tender t
  JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id AND b.submitted_at > t.period_end
  JOIN cleangov_bound.award a ON a.tender_id = t.tender_id AND a.supplier_id = b.bidder_id AND a.status IS DISTINCT FROM 'cancelled'
 WHERE t.status IS DISTINCT FROM 'cancelled'
 ORDER BY t.tender_id, b.submitted_at DESC, b.bidder_id$$, NULL),
 ('R035', 'set', $$
WITH aw AS (
  SELECT a.tender_id, min(a.supplier_id) AS lo, max(a.supplier_id) AS hi
    FROM cleangov_bound.award a WHERE a.status IS DISTINCT FROM 'cancelled' GROUP BY a.tender_id),
g AS (
  SELECT b.tender_id, count(DISTINCT b.bidder_id) FILTER (WHERE b.status IS DISTINCT FROM 'disqualified') AS valid_bidders,
         min(b.bidder_id) FILTER (WHERE b.status IS DISTINCT FROM 'disqualified') AS winner,
         count(DISTINCT b.bidder_id) FILTER (WHERE b.status = 'disqualified') AS disqualified
    FROM cleangov_bound.bid b GROUP BY b.tender_id)
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, g.disqualified::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('winner', g.winner, 'disqualified_bidders', g.disqualified) AS evidence
  FROM cleangov_bound.tender t JOIN g ON g.tender_id = t.tender_id JOIN aw ON aw.tender_id = t.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled' AND g.valid_bidders = 1 AND g.disqualified >= 1
   AND aw.lo = g.winner AND aw.hi = g.winner$$, NULL),
 ('R036', 'set', $$
WITH l AS (
  SELECT DISTINCT ON (b.tender_id) b.tender_id, b.bidder_id, b.amount, b.status
    FROM cleangov_bound.bid b ORDER BY b.tender_id, b.amount, (b.status = 'disqualified') DESC, b.bidder_id, b.status, b.bid_id),
-- the threshold: the lowest bid that was not disqualified (the disqualified
-- lowest bid was below it)
v AS (
  SELECT b.tender_id, min(b.amount) AS amount FROM cleangov_bound.bid b
   WHERE b.status IS DISTINCT FROM 'disqualified' GROUP BY b.tender_id)
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, l.amount::float8 AS value, v.amount::float8 AS threshold,
       jsonb_build_object('lowest_bidder', l.bidder_id, 'lowest_bid', l.amount) AS evidence
  FROM cleangov_bound.tender t JOIN l ON l.tender_id = t.tender_id AND l.status = 'disqualified'
  LEFT JOIN v ON v.tender_id = t.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled'
   AND t.tender_id IN (SELECT a.tender_id FROM cleangov_bound.award a WHERE a.status IS DISTINCT FROM 'cancelled')$$, NULL),
 ('R038', 'set', $$
WITH p AS (
  SELECT b.bidder_id, count(*) AS bids, count(DISTINCT b.tender_id) AS tenders,
         count(*) FILTER (WHERE b.status = 'disqualified')::float8 / count(*) AS ratio
    FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
   WHERE t.status IS DISTINCT FROM 'cancelled'
   GROUP BY b.bidder_id
  HAVING count(*) >= {min_bids} AND count(DISTINCT b.tender_id) >= {min_tenders}),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY ratio) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ratio) AS q3 FROM p)
SELECT p.bidder_id AS subject_key, NULL::text AS unit_code, '' AS period, p.ratio AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('bids', p.bids, 'tenders', p.tenders, 'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.ratio >= f.q3 + {k} * (f.q3 - f.q1)$$, NULL),
 ('R044', 'set', $$
WITH x AS (
  SELECT e.enterprise_id AS bidder_id, z.kind, z.v
    FROM cleangov_bound.enterprise e
   CROSS JOIN LATERAL (VALUES ('address', e.address), ('phone', e.phone), ('email', e.email)) z(kind, v)
   WHERE z.v IS NOT NULL AND z.v <> ''),
-- Only a value two firms share can link two bidders, so only those firms'
-- bids are read further (a tenth of the time at 10 M bids).
shared AS MATERIALIZED (
  SELECT x.bidder_id, x.kind, x.v FROM x
   WHERE (x.kind, x.v) IN (SELECT y.kind, y.v FROM x y GROUP BY y.kind, y.v HAVING count(DISTINCT y.bidder_id) >= 2)),
c AS (
  SELECT DISTINCT b.tender_id, b.bidder_id, s.kind, s.v
    FROM cleangov_bound.bid b JOIN shared s ON s.bidder_id = b.bidder_id),
s AS (
  SELECT c.tender_id, c.kind, c.v, jsonb_agg(c.bidder_id ORDER BY c.bidder_id) AS bidders
    FROM c GROUP BY c.tender_id, c.kind, c.v HAVING count(*) >= 2)
SELECT t.tender_id AS subject_key, t.unit_code, '' AS period, count(*)::float8 AS value, 1::float8 AS threshold,
       jsonb_agg(jsonb_build_object('shared', s.kind, 'value', s.v, 'bidders', s.bidders) ORDER BY s.kind, s.v) AS evidence
  FROM s JOIN cleangov_bound.tender t ON t.tender_id = s.tender_id
 WHERE t.status IS DISTINCT FROM 'cancelled'
 GROUP BY t.tender_id, t.unit_code$$, NULL),
 ('R048', 'set', $$
WITH p AS (
  SELECT a.supplier_id, count(DISTINCT left(t.item_class, 2)) AS classes, count(DISTINCT a.tender_id) AS awarded
    FROM cleangov_bound.award a JOIN cleangov_bound.tender t ON t.tender_id = a.tender_id
   WHERE a.status IS DISTINCT FROM 'cancelled' AND t.status IS DISTINCT FROM 'cancelled' AND t.item_class IS NOT NULL
   GROUP BY a.supplier_id),
f AS (SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY classes) AS q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY classes) AS q3
        FROM p WHERE p.awarded >= {min_awards})
SELECT p.supplier_id AS subject_key, NULL::text AS unit_code, '' AS period, p.classes::float8 AS value,
       (f.q3 + {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('classes', p.classes, 'awarded_tenders', p.awarded,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM p CROSS JOIN f
 WHERE f.q3 > f.q1 AND p.classes >= f.q3 + {k} * (f.q3 - f.q1)$$, NULL),
 ('R055', 'set', $$
SELECT c.buyer_id || '/' || c.supplier_id AS subject_key, min(c.unit_code) AS unit_code, '' AS period,
       sum(c.amount)::float8 AS value,
       jsonb_build_object('contracts', jsonb_agg(c.contract_id ORDER BY c.signed_at, c.contract_id), 'total', sum(c.amount)) AS evidence
  FROM cleangov_bound.contract c
 WHERE c.method = 'direct'
 GROUP BY c.buyer_id, c.supplier_id
HAVING sum(c.amount) > {threshold}$$, 'threshold'),
 ('PROC_BID_RIGGING_SCREEN', 'set', $$
WITH s AS (
  SELECT b.tender_id, t.method, @extschema@.bid_screens(b.amount::float8) AS x
    FROM cleangov_bound.bid b JOIN cleangov_bound.tender t ON t.tender_id = b.tender_id
   WHERE b.status IS DISTINCT FROM 'disqualified' AND t.status IS DISTINCT FROM 'cancelled'
   GROUP BY b.tender_id, t.method HAVING count(*) >= {min_bids}),
-- the screens are float sums over the bids, whose last bits depend on the
-- order of combination: rounded here, so that the fences and the evidence
-- see the same numbers under every plan (doc/rules.md, "Determinism")
r AS (SELECT s.tender_id, s.method, (s.x).n, @extschema@.round_sig((s.x).cv) AS cv,
             @extschema@.round_sig((s.x).kurtosis) AS kurtosis, @extschema@.round_sig((s.x).rd) AS rd FROM s),
v AS (SELECT r.*, ln(nullif(r.cv, 0)) AS ln_cv FROM r),
f AS (
  SELECT v.method, percentile_cont(0.25) WITHIN GROUP (ORDER BY ln_cv) AS cv_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY ln_cv) AS cv_q3,
         percentile_cont(0.25) WITHIN GROUP (ORDER BY kurtosis) AS ku_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY kurtosis) AS ku_q3,
         percentile_cont(0.25) WITHIN GROUP (ORDER BY rd) AS rd_q1, percentile_cont(0.75) WITHIN GROUP (ORDER BY rd) AS rd_q3
    FROM v GROUP BY v.method HAVING count(*) >= {min_peers}),
g AS (
  SELECT v.*, (f.cv_q3 > f.cv_q1 AND (v.cv = 0 OR v.ln_cv < f.cv_q1 - {k} * (f.cv_q3 - f.cv_q1)))::int AS low_cv,
         (f.ku_q3 > f.ku_q1 AND v.kurtosis > f.ku_q3 + {k} * (f.ku_q3 - f.ku_q1))::int AS high_kurtosis,
         (f.rd_q3 > f.rd_q1 AND v.rd > f.rd_q3 + {k_rd} * (f.rd_q3 - f.rd_q1))::int AS high_rd
    FROM v JOIN f ON f.method IS NOT DISTINCT FROM v.method)
SELECT g.tender_id AS subject_key, t.unit_code, '' AS period,
       (coalesce(g.low_cv, 0) + coalesce(g.high_kurtosis, 0) + coalesce(g.high_rd, 0))::float8 AS value,
       {min_screens}::float8 AS threshold,
       jsonb_build_object('bids', g.n, 'cv', g.cv, 'kurtosis', g.kurtosis, 'rd', g.rd,
                          'low_cv', g.low_cv = 1, 'high_kurtosis', g.high_kurtosis = 1, 'high_rd', g.high_rd = 1) AS evidence
  FROM g JOIN cleangov_bound.tender t ON t.tender_id = g.tender_id
 WHERE coalesce(g.low_cv, 0) + coalesce(g.high_kurtosis, 0) + coalesce(g.high_rd, 0) >= {min_screens}$$, NULL),
 ('PROC_SPLIT_PURCHASE', 'set', $$
WITH c AS (
  SELECT c.contract_id, c.buyer_id, c.supplier_id, c.unit_code, c.amount, c.signed_at
    FROM cleangov_bound.contract c WHERE c.amount < {limit} AND c.signed_at IS NOT NULL),
w AS (
  SELECT c.buyer_id, c.supplier_id, c.unit_code, c.contract_id AS first_id, c.signed_at,
         sum(o.amount) AS total, count(*) AS parts, jsonb_agg(o.contract_id ORDER BY o.signed_at, o.contract_id) AS contracts
    FROM c JOIN c o ON o.buyer_id = c.buyer_id AND o.supplier_id = c.supplier_id
                   AND o.signed_at >= c.signed_at AND o.signed_at <= c.signed_at + make_interval(days => {window_days}::int)
   GROUP BY c.buyer_id, c.supplier_id, c.unit_code, c.contract_id, c.signed_at
  HAVING count(*) >= 2 AND sum(o.amount) >= {limit})
SELECT DISTINCT ON (w.buyer_id, w.supplier_id) w.buyer_id || '/' || w.supplier_id AS subject_key, w.unit_code, '' AS period,
       w.total::float8 AS value, jsonb_build_object('contracts', w.contracts, 'parts', w.parts, 'total', w.total) AS evidence
  FROM w ORDER BY w.buyer_id, w.supplier_id, w.total DESC, w.signed_at, w.first_id, w.unit_code$$, 'limit'),
 ('PROC_FREQUENT_CHANGES', 'set', $$
SELECT c.contract_id AS subject_key, c.unit_code, '' AS period, count(*)::float8 AS value,
       jsonb_build_object('changes', count(*), 'amount_delta', sum(x.amount_delta), 'kinds', jsonb_agg(x.kind ORDER BY x.changed_at, x.change_id, x.kind)) AS evidence
  FROM cleangov_bound.contract_change x JOIN cleangov_bound.contract c ON c.contract_id = x.contract_id
 GROUP BY c.contract_id, c.unit_code
HAVING count(*) >= {min_changes}$$, 'min_changes'),
 ('PROC_BUYER_DEPENDENCE', 'set', $$
WITH y AS (
  SELECT c.buyer_id, c.supplier_id, min(c.unit_code) AS unit_code, to_char(c.signed_at, 'YYYY') AS year,
         sum(c.amount) AS spent, count(*) AS n
    FROM cleangov_bound.contract c WHERE c.signed_at IS NOT NULL AND c.amount > 0
   GROUP BY c.buyer_id, c.supplier_id, to_char(c.signed_at, 'YYYY')),
t AS (
  SELECT y.*, sum(y.spent) OVER (PARTITION BY y.buyer_id, y.year) AS buyer_total,
         sum(y.n) OVER (PARTITION BY y.buyer_id, y.year) AS buyer_contracts
    FROM y)
SELECT t.buyer_id || '/' || t.supplier_id AS subject_key, t.unit_code, t.year AS period,
       (t.spent / t.buyer_total)::float8 AS value,
       jsonb_build_object('supplier_total', t.spent, 'buyer_total', t.buyer_total, 'buyer_contracts', t.buyer_contracts) AS evidence
  FROM t
 WHERE t.buyer_contracts >= {min_contracts} AND t.spent / t.buyer_total > {share}$$, 'share');

-- What each rule cannot run without (needs) and what changes when an
-- optional column it reads is absent from the binding (degrades): an absent
-- column is "not recorded", never false (doc/rules.md, "Absent columns").
-- test/pgtap/51_code_lists.sql checks that every optional column a rule
-- reads (reads_columns, derived) is in one of the two.
UPDATE @extschema@.rule_definition d SET needs = v.needs, degrades = v.degrades
  FROM (VALUES
 ('R003', '{tender.period_start,tender.period_end}'::text[],
  '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb),
 ('R018', '{}', '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R024', '{}', '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R058', '{}', '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R025', '{}', '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped"}'),
 ('R028', '{}', '{"bid.status": "withdrawn bids are not left out", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R030', '{bid.submitted_at,tender.period_end}', '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R035', '{bid.status}', '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R036', '{bid.status}', '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R038', '{bid.status}', '{"tender.status": "cancelled tenders are not skipped"}'),
 ('R044', '{}', '{"enterprise.address": "shared addresses are not found", "enterprise.phone": "shared telephones are not found", "enterprise.email": "shared e-mails are not found", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('R048', '{tender.item_class}', '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped"}'),
 ('R055', '{contract.method}', '{"contract.signed_at": "evidence lists the contracts by key, not by date", "contract.unit_code": "alerts carry no unit"}'),
 ('PROC_PRICE_OVER_MARKET', '{contract.market_price}', '{"contract.unit_code": "alerts carry no unit"}'),
 ('PROC_BID_RIGGING_SCREEN', '{}', '{"bid.status": "every bid counts as valid", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('PROC_SPLIT_PURCHASE', '{contract.signed_at}', '{"contract.unit_code": "alerts carry no unit"}'),
 ('PROC_SMALL_WORKS_NO_DRAW', '{tender.category,tender.estimated_value,tender.random_draw}', '{"tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('PROC_FREQUENT_CHANGES', '{}', '{"contract.unit_code": "alerts carry no unit", "contract_change.amount_delta": "evidence lacks the amount changed", "contract_change.changed_at": "evidence lists the kinds by key, not by date", "contract_change.kind": "evidence lacks the kinds of change"}'),
 ('PROC_BUYER_DEPENDENCE', '{contract.signed_at}', '{"contract.unit_code": "alerts carry no unit"}')
  ) v(rule_code, needs, degrades)
 WHERE d.rule_code = v.rule_code;
