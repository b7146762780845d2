-- demo/gen/40_procurement.sql: tenders, bids, awards, contracts, changes.
-- A plan row per tender (gen.tplan) decides buyer, item class, method,
-- estimate, number of bids, dates and the planted pattern if any; one
-- set-based pass then draws the bids.

CREATE TABLE gen.tcum AS
SELECT pattern, coalesce(sum(rate) OVER w - rate, 0)::float8 AS lo, sum(rate) OVER w ::float8 AS hi
FROM gen.plant_rate WHERE ord < 20 WINDOW w AS (ORDER BY ord);

CREATE UNLOGGED TABLE gen.tplan AS
SELECT s.*,
       CASE WHEN s.plan = 'small_works_no_draw' THEN CASE WHEN gen.u(206, s.tender_id) < 0.7 THEN 'open' ELSE 'limited' END
            ELSE s.base_method END AS method
FROM (
  SELECT r.*,
         CASE WHEN r.cancelled THEN NULL
              WHEN r.plan0 IN ('short_submission_period','nm_short_submission_period') AND r.base_method = 'open' THEN r.plan0
              WHEN r.plan0 IN ('single_bid','bid_rigging') AND r.base_method IN ('open','selective') THEN r.plan0
              WHEN r.plan0 IN ('price_close_to_winner','identical_bid_prices','late_bid_won','all_but_winner_disqualified',
                               'lowest_bid_disqualified','shared_contact_bidders','related_bidders')
                   AND r.base_method IN ('open','selective','limited') THEN r.plan0
              WHEN r.plan0 = 'small_works_no_draw' AND r.kind = 'works' AND r.est < 480000 THEN r.plan0
              WHEN r.plan0 IN ('price_above_market','frequent_changes','nm_price_above_market') THEN r.plan0
         END AS plan
  FROM (
    SELECT q.*,
           CASE WHEN q.kind = 'works' THEN
                     CASE WHEN q.est < 900000 THEN 'random_draw' WHEN q.um < 0.85 THEN 'open' ELSE 'selective' END
                WHEN q.est < 100000 THEN CASE WHEN q.um < 0.4 THEN 'direct' ELSE 'limited' END
                WHEN q.est < 1000000 THEN CASE WHEN q.um < 0.55 THEN 'open' WHEN q.um < 0.7 THEN 'selective' ELSE 'limited' END
                ELSE CASE WHEN q.um < 0.9 THEN 'open' ELSE 'selective' END END AS base_method,
           (SELECT pattern FROM gen.tcum WHERE q.up >= lo AND q.up < hi) AS plan0
    FROM (
      SELECT t AS tender_id, b.unit_id AS buyer, c.category, c.kind, c.block_start, c.block_size, c.items,
             greatest(5000, round((c.median * exp(c.sigma * gen.clamp(gen.norm(202, t), -3, 3)))::numeric, -2)) AS est,
             gen.u(203, t) AS um, gen.u(205, t) AS up, gen.u(204, t) < 0.02 AS cancelled,
             gen.wd(date '2021-01-04' + floor(gen.u(208, t) * 1070)::int) AS pub_date,
             NULL::bigint AS forced_supplier, NULL::numeric AS target, NULL::int AS case_no
      FROM generate_series(1, gen.p('tenders')::bigint) t
      JOIN gen.buyer_slot b ON b.slot = floor(gen.u(200, t) * (SELECT count(*) FROM gen.buyer_slot))::int
      JOIN gen.cat_slot cs ON cs.slot = floor(gen.u(201, t) * 92)::int
      JOIN gen.cat c ON c.category = cs.category
    ) q
  ) r
) s;

-- extra tenders for the buyer/supplier and official patterns -----------------
CREATE TABLE gen.extra (
  xkind text, case_no int, part int, buyer bigint, category text, supplier bigint,
  target numeric, pub_date date, method text, is_near_miss boolean, info jsonb);

-- PROC_DIRECT_AWARDS_CUMULATIVE (R055 before issue 13): direct awards to one supplier adding up past the competitive threshold
INSERT INTO gen.extra
SELECT 'direct_awards_above_threshold', i, j, b.unit_id, c.category,
       c.block_start + floor(gen.u(302, i) * c.block_size)::bigint,
       round((280000 + gen.u2(303, i, j) * 170000)::numeric, 2),
       gen.wd(date '2021-01-04' + floor(gen.u(304, i) * 600)::int + (j - 1) * (130 + floor(gen.u2(305, i, j) * 20)::int)),
       'direct', false, '{}'
FROM generate_series(1, ceil(gen.rate('direct_awards_above_threshold') * gen.p('units_wanted'))::int) i
JOIN gen.buyer_slot b ON b.slot = floor(gen.u(300, i) * (SELECT count(*) FROM gen.buyer_slot))::int
JOIN gen.cat c ON c.category = gen.pick('{30,32,39,72,79,90}', gen.u(301, i))
CROSS JOIN generate_series(1, 4) j;

-- split purchases (planted: 2-4 parts of 400,000-499,000 within 90 days;
-- near-miss: 2 parts that add up to less than 500,000)
INSERT INTO gen.extra
SELECT 'split_purchase', i, j, b.unit_id, c.category,
       c.block_start + floor(gen.u(312, i) * c.block_size)::bigint,
       CASE WHEN nm THEN round((150000 + gen.u2(313, i, j) * 90000)::numeric, 2)
            ELSE round((400000 + gen.u2(313, i, j) * 99000)::numeric, 2) END,
       gen.wd(date '2021-01-04' + floor(gen.u(314, i) * 900)::int + (j - 1) * (5 + floor(gen.u2(315, i, j) * 11)::int)),
       'limited', nm, '{}'
FROM (SELECT i, i > ceil(gen.rate('split_purchase') * gen.p('units_wanted')) AS nm
      FROM generate_series(1, ceil(gen.rate('split_purchase') * gen.p('units_wanted'))::int
                              + ceil(gen.rate('split_purchase') * gen.p('units_wanted') / 2)::int) i) ii
JOIN gen.buyer_slot b ON b.slot = floor(gen.u(310, i) * (SELECT count(*) FROM gen.buyer_slot))::int
JOIN gen.cat c ON c.category = gen.pick('{30,32,39,72,79,90}', gen.u(311, i))
CROSS JOIN LATERAL generate_series(1, CASE WHEN nm THEN 2 ELSE 2 + floor(gen.u(316, i) * 3)::int END) j;

-- relative suppliers: firm of an official's relative wins in the official's
-- unit and areas (planted: 4 of 5 contracts inside; near-miss: 2 of 5)
INSERT INTO gen.extra
SELECT 'relative_supplier', r.n::int, j,
       CASE WHEN inside THEN r.unit_id
            ELSE (SELECT unit_id FROM gen.buyer_slot WHERE slot = floor(gen.u2(321, r.n, j) * (SELECT count(*) FROM gen.buyer_slot))::int) END,
       CASE WHEN inside THEN r.domains[1 + (j % cardinality(r.domains))]
            ELSE (SELECT x FROM unnest('{79,22,55,85}'::text[]) x WHERE x <> ALL (r.domains) LIMIT 1) END,
       gen.p('enterprises') + r.n,
       CASE WHEN inside THEN round((600000 + gen.u2(322, r.n, j) * 1400000)::numeric, 2)
            WHEN r.is_near_miss THEN round((1000000 + gen.u2(322, r.n, j) * 1000000)::numeric, 2)
            ELSE round((600000 + gen.u2(322, r.n, j) * 100000)::numeric, 2) END,
       gen.wd(date '2021-01-04' + floor(gen.u(323, r.n) * 350)::int + (j - 1) * (96 + floor(gen.u2(324, r.n, j) * 30)::int)),
       'open', r.is_near_miss,
       jsonb_build_object('official_id', r.official_id, 'relative_id', r.relative_id, 'relative_kind', r.relative_kind, 'inside', inside)
FROM gen.relsup r
CROSS JOIN generate_series(1, 5) j
CROSS JOIN LATERAL (SELECT CASE WHEN r.is_near_miss THEN j <= 2 ELSE j <= 4 END AS inside) x;

-- buyer dependence: one supplier wins > 50 % of a buyer's yearly spend
-- (2 large contracts added to a buyer-year that already has >= 3 contracts
-- published before mid-October)
INSERT INTO gen.extra
SELECT 'buyer_dependence', d.n::int, j, d.buyer, c.category,
       c.block_start + floor(gen.u(332, d.n) * c.block_size)::bigint,
       round((d.bound * (0.8 + 0.2 * gen.u2(333, d.n, j)))::numeric, 2),
       gen.wd(make_date(d.yr, 2, 1) + floor(gen.u2(334, d.n, j) * 200)::int),
       'open', false, jsonb_build_object('year', d.yr)
FROM (
  SELECT *, row_number() OVER (ORDER BY gen.u(330, buyer * 10 + yr), buyer) AS n
  FROM (
    SELECT DISTINCT ON (y.buyer) y.buyer, y.yr, y.bound
    FROM (
      SELECT t.buyer, yy.yr,
             sum(greatest(coalesce(t.target, 0), t.est * 1.3)) AS bound,
             count(*) FILTER (WHERE t.pub_date BETWEEN make_date(yy.yr, 1, 1) AND make_date(yy.yr, 10, 15)) AS n_sure
      FROM (SELECT buyer, est, NULL::numeric AS target, pub_date FROM gen.tplan WHERE NOT cancelled
            UNION ALL SELECT buyer, target, target, pub_date FROM gen.extra) t
      CROSS JOIN (VALUES (2021), (2022), (2023)) yy(yr)
      WHERE t.pub_date BETWEEN make_date(yy.yr - 1, 10, 1) AND make_date(yy.yr, 12, 31)
        AND t.buyer NOT IN (SELECT buyer FROM gen.extra)
      GROUP BY t.buyer, yy.yr
    ) y
    WHERE y.n_sure >= 3
    ORDER BY y.buyer, gen.u(331, y.buyer * 10 + y.yr)
  ) z
) d
JOIN gen.cat c ON c.category = gen.pick('{30,33,45,72,90}', gen.u(335, d.n))
CROSS JOIN generate_series(1, 2) j
WHERE d.n <= ceil(gen.rate('buyer_dependence') * gen.p('units_wanted'));

INSERT INTO gen.tplan (tender_id, buyer, category, kind, block_start, block_size, items, est, um, up, cancelled,
                       pub_date, forced_supplier, target, case_no, base_method, plan0, plan, method)
SELECT gen.p('tenders') + row_number() OVER (ORDER BY x.xkind, x.case_no, x.part),
       x.buyer, x.category, c.kind, c.block_start, c.block_size, c.items,
       round(x.target * (1.02 + 0.08 * gen.u2(340, x.case_no, x.part))::numeric, -2),
       0.5, 0.5, false, x.pub_date, x.supplier, x.target, x.case_no, x.method,
       CASE WHEN x.is_near_miss THEN 'nm_' ELSE '' END || x.xkind,
       CASE WHEN x.is_near_miss THEN 'nm_' ELSE '' END || x.xkind, x.method
FROM gen.extra x JOIN gen.cat c ON c.category = x.category;

-- dates, number of bids, market ratio, number of changes
ALTER TABLE gen.tplan
  ADD COLUMN n int, ADD COLUMN published_at timestamp, ADD COLUMN deadline timestamp,
  ADD COLUMN mkt_ratio float8, ADD COLUMN n_changes int, ADD COLUMN shadow_id bigint;
UPDATE gen.tplan t SET
  n = least(t.block_size::int, CASE
        WHEN t.plan = 'single_bid' THEN 1
        WHEN t.plan = 'bid_rigging' THEN 4 + floor(gen.u(220, t.tender_id) * 5)::int
        WHEN t.method = 'open' THEN least(30, 3 + floor(exp(2.55 + 0.6 * gen.clamp(gen.norm(221, t.tender_id), -3, 3)))::int)
        WHEN t.method = 'selective' THEN 3 + floor(gen.u(222, t.tender_id) * 5)::int
        WHEN t.method = 'limited' THEN 3 + floor(gen.u(222, t.tender_id) * 3)::int
        ELSE 1 END),
  published_at = CASE WHEN t.plan = 'nm_short_submission_period' THEN t.pub_date + time '09:00'
                      ELSE gen.worktime(t.pub_date, gen.u(209, t.tender_id)) END,
  deadline = CASE WHEN t.plan = 'nm_short_submission_period' THEN t.pub_date + time '09:00' + interval '15 days'
                  ELSE gen.wd(t.pub_date + CASE
                         WHEN t.plan = 'short_submission_period' THEN 5 + floor(gen.u(223, t.tender_id) * 8)::int
                         WHEN t.method = 'open' THEN 20 + floor(gen.u(223, t.tender_id) * 16)::int
                         WHEN t.method IN ('selective','limited') THEN 16 + floor(gen.u(223, t.tender_id) * 10)::int
                         ELSE 16 + floor(gen.u(223, t.tender_id) * 5)::int END) + time '09:30' END,
  mkt_ratio = CASE WHEN t.plan = 'price_above_market' THEN 1.25 + 0.35 * gen.u(224, t.tender_id)
                   WHEN t.plan = 'nm_price_above_market' THEN 1.19
                   ELSE 0.80 + 0.32 * gen.u(224, t.tender_id) END,
  n_changes = CASE WHEN t.plan = 'frequent_changes' THEN 3 + floor(gen.u(225, t.tender_id) * 3)::int
                   WHEN gen.u(225, t.tender_id) < 0.85 THEN 0
                   WHEN gen.u(225, t.tender_id) < 0.97 THEN 1 ELSE 2 END;
-- shadow firms (for shared contact details and related bidders) get ids after
-- the background firms and the relative-supplier firms
UPDATE gen.tplan t SET shadow_id = gen.p('enterprises') + gen.p('relsup_firms') + s.rn
FROM (SELECT tender_id, row_number() OVER (ORDER BY tender_id) AS rn FROM gen.tplan
      WHERE plan IN ('shared_contact_bidders','related_bidders')) s
WHERE s.tender_id = t.tender_id;

-- bids -------------------------------------------------------------------------
CREATE UNLOGGED TABLE gen.bid_all AS
SELECT tender_id * 32 + j AS bid_id, tender_id, j,
       CASE WHEN forced_supplier IS NOT NULL THEN
                 CASE WHEN r = 1 THEN forced_supplier WHEN e = forced_supplier THEN e1 ELSE e END
            WHEN shadow_id IS NOT NULL AND r = n THEN shadow_id
            ELSE e END AS enterprise_id,
       round((CASE
         WHEN target IS NOT NULL THEN CASE WHEN r = 1 THEN target ELSE target * (1.015 + 0.08 * gen.u2(213, tender_id, j)) END
         WHEN plan = 'price_close_to_winner' THEN CASE WHEN r = 1 THEN p1 WHEN r = 2 THEN p1 * (1.0002 + 0.0018 * gen.u2(213, tender_id, j)) ELSE raw END
         WHEN plan = 'bid_rigging' THEN CASE WHEN r = 1 THEN p1
              ELSE p1 * (1.06 + 0.04 * gen.u(215, tender_id)) * (1 + 0.003 * gen.clamp(gen.norm2(214, tender_id, j), -2, 2)) END
         WHEN plan = 'identical_bid_prices' THEN CASE WHEN r = 1 THEN least(p1, p2 / 1.011) WHEN r = 3 THEN p2 ELSE raw END
         WHEN plan = 'lowest_bid_disqualified' THEN CASE WHEN r = 1 THEN least(p1, least(p2, p3 / 1.011) / 1.005)
              WHEN r = 2 THEN least(p2, p3 / 1.011) ELSE raw END
         ELSE CASE WHEN r = 1 THEN least(p1, p2 / 1.011) ELSE raw END
       END)::numeric, 2) AS price,
       date_trunc('second', CASE WHEN plan = 'late_bid_won' AND r = 1
                                 THEN deadline + make_interval(secs => 600 + floor(gen.u2(217, tender_id, j) * 108000))
                                 ELSE published_at + (deadline - published_at) * (0.3 + 0.69 * gen.u2(216, tender_id, j)) END) AS submitted_at,
       CASE WHEN plan = 'lowest_bid_disqualified' AND r = 1 THEN 'disqualified'
            WHEN plan = 'all_but_winner_disqualified' AND r >= 2 THEN 'disqualified'
            WHEN r >= 4 AND gen.u2(218, tender_id, j) < 0.03 THEN 'disqualified'
            ELSE 'valid' END AS status,
       NOT cancelled AND r = CASE WHEN plan = 'lowest_bid_disqualified' THEN 2 ELSE 1 END AS is_win
FROM (
  SELECT b.*,
         row_number() OVER w AS r,
         first_value(b.raw) OVER w AS p1,
         nth_value(b.raw, 2) OVER w AS p2,
         nth_value(b.raw, 3) OVER w AS p3,
         first_value(b.e) OVER w AS e1
  FROM (
    SELECT t.tender_id, j, t.n, t.plan, t.cancelled, t.forced_supplier, t.target, t.shadow_id, t.published_at, t.deadline,
           t.block_start + (floor(gen.u(210, t.tender_id) * t.block_size)::bigint
                            + (j - 1) * t.block_size / t.n
                            + floor(gen.u2(211, t.tender_id, j) * ((j * t.block_size / t.n) - ((j - 1) * t.block_size / t.n)))::bigint
                           ) % t.block_size AS e,
           t.est::float8 * CASE WHEN t.method IN ('random_draw','direct') THEN 0.90 + 0.07 * gen.u2(212, t.tender_id, j)
                                ELSE 0.88 + 0.10 * gen.u(219, t.tender_id)
                                               + (0.05 + 0.10 * gen.u(226, t.tender_id))
                                                 * CASE WHEN abs(zz.z) <= 2 THEN zz.z ELSE 2 * (2 * gen.u2(227, t.tender_id, j) - 1) END END AS raw
    FROM gen.tplan t CROSS JOIN LATERAL generate_series(1, t.n) j
    CROSS JOIN LATERAL (SELECT gen.norm2(212, t.tender_id, j) AS z) zz
  ) b
  WINDOW w AS (PARTITION BY b.tender_id ORDER BY b.raw, b.j ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
) z;

INSERT INTO gov.bid (bid_id, tender_id, enterprise_id, price, submitted_at, status)
SELECT bid_id, tender_id, enterprise_id, price, submitted_at, status FROM gen.bid_all;

INSERT INTO gov.award (award_id, tender_id, enterprise_id, amount, awarded_at, status)
SELECT b.tender_id, b.tender_id, b.enterprise_id, b.price,
       gen.worktime(gen.add_wd(t.deadline::date, 3 + floor(gen.u(230, t.tender_id) * 10)::int), gen.u(231, t.tender_id)),
       'active'
FROM gen.bid_all b JOIN gen.tplan t USING (tender_id)
WHERE b.is_win;

INSERT INTO gov.tender (tender_id, title, buyer_unit_id, category, method, estimated_value, market_reference_price,
                        published_at, submission_deadline, status)
SELECT t.tender_id,
       u.name || gen.pick(t.items, gen.u(232, t.tender_id)) || CASE WHEN t.kind = 'works' THEN '施工' ELSE '采购' END || '项目',
       t.buyer, t.category, t.method, t.est,
       CASE WHEN a.amount IS NOT NULL THEN round((a.amount::float8 / t.mkt_ratio)::numeric, 2)
            ELSE round((t.est::float8 * (0.9 + 0.2 * gen.u(233, t.tender_id)))::numeric, 2) END,
       t.published_at, t.deadline,
       CASE WHEN t.cancelled THEN 'cancelled' ELSE 'complete' END
FROM gen.tplan t
JOIN gov.unit u ON u.unit_id = t.buyer
LEFT JOIN gov.award a ON a.tender_id = t.tender_id;

INSERT INTO gov.contract (contract_id, tender_id, buyer_unit_id, supplier_id, category, title, amount, signed_on)
SELECT a.tender_id, a.tender_id, t.buyer_unit_id, a.enterprise_id, t.category,
       replace(t.title, '项目', '合同'), a.amount,
       gen.wd(a.awarded_at::date + 5 + floor(gen.u(234, a.tender_id) * 16)::int)
FROM gov.award a JOIN gov.tender t USING (tender_id);

INSERT INTO gov.contract_change (change_id, contract_id, changed_on, change_kind, amount_delta, reason)
SELECT c.contract_id * 8 + k, c.contract_id,
       gen.wd(c.signed_on + k * (20 + floor(gen.u2(240, c.contract_id, k) * 70)::int)),
       ck.kind,
       CASE WHEN ck.kind = 'amount' THEN round(c.amount * (0.02 + 0.08 * gen.u2(242, c.contract_id, k))::numeric, 2) ELSE 0 END,
       CASE ck.kind WHEN 'amount' THEN gen.pick('{工程量增加,设计变更,材料价格调整}', gen.u2(243, c.contract_id, k))
                    WHEN 'duration' THEN gen.pick('{工期顺延,天气原因延期,征地拆迁延误}', gen.u2(243, c.contract_id, k))
                    WHEN 'scope' THEN gen.pick('{增加服务内容,调整供货清单,变更实施地点}', gen.u2(243, c.contract_id, k))
                    ELSE '供应商信息变更' END
FROM gov.contract c
JOIN gen.tplan t ON t.tender_id = c.tender_id
CROSS JOIN LATERAL generate_series(1, t.n_changes) k
CROSS JOIN LATERAL (SELECT gen.pick('{amount,amount,duration,scope,supplier_info}', gen.u2(241, c.contract_id, k)) AS kind) ck
WHERE t.n_changes > 0;

-- ground truth of the tender-level patterns
INSERT INTO gen.stage
SELECT t.plan LIKE 'nm\_%', regexp_replace(t.plan, '^nm_', ''),
       CASE WHEN t.plan IN ('price_above_market','nm_price_above_market','frequent_changes') THEN 'contract' ELSE 'tender' END,
       t.tender_id::text, t.buyer,
       jsonb_build_object('origin', 'planted', 'method', t.method, 'bids', t.n, 'category', t.category)
       || CASE WHEN t.plan LIKE '%price_above_market' THEN jsonb_build_object('winner_over_market', round(t.mkt_ratio::numeric, 4))
               WHEN t.plan = 'frequent_changes' THEN jsonb_build_object('changes', t.n_changes)
               WHEN t.plan LIKE '%short_submission_period' THEN jsonb_build_object('published_at', t.published_at, 'deadline', t.deadline)
               WHEN t.plan IN ('shared_contact_bidders','related_bidders') THEN jsonb_build_object('shadow_enterprise_id', t.shadow_id)
               ELSE '{}' END
FROM gen.tplan t
WHERE t.plan IS NOT NULL AND t.forced_supplier IS NULL
ORDER BY t.tender_id;

-- buyer/supplier patterns, one row per case
INSERT INTO gen.stage
SELECT bool_or(t.plan LIKE 'nm\_%'), regexp_replace(min(t.plan), '^nm_', ''), 'buyer_supplier',
       t.buyer || '/' || t.forced_supplier, t.buyer,
       jsonb_build_object('origin', 'planted', 'contracts', jsonb_agg(t.tender_id ORDER BY t.tender_id),
                          'total', sum(t.target), 'first', min(t.pub_date), 'last', max(t.pub_date))
FROM gen.tplan t
WHERE t.plan IN ('direct_awards_above_threshold','split_purchase','nm_split_purchase','buyer_dependence')
GROUP BY t.plan, t.case_no, t.buyer, t.forced_supplier
ORDER BY 2, 4;

INSERT INTO gen.stage
SELECT r.is_near_miss, 'relative_supplier', 'person', r.official_id::text, r.unit_id,
       jsonb_build_object('origin', 'planted', 'relative_id', r.relative_id, 'relative_kind', r.relative_kind,
                          'enterprise_id', gen.p('enterprises') + r.n, 'domains', r.domains,
                          'contracts', (SELECT jsonb_agg(t.tender_id ORDER BY t.tender_id) FROM gen.tplan t
                                        WHERE t.plan LIKE '%relative_supplier' AND t.case_no = r.n))
FROM gen.relsup r ORDER BY r.n;
