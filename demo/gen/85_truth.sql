-- demo/gen/80_truth.sql: truth.pattern, the reference definitions
-- (truth.reference: exact SQL of every pattern that has one), incidental
-- cases, and the numbered truth.planted / truth.near_miss.

INSERT INTO truth.pattern (pattern, description, subject_kind, key_format, rule_codes, rate, rate_of)
SELECT p.pattern, p.description, p.subject_kind, p.key_format, p.rule_codes, coalesce(r.rate, 0), coalesce(r.rate_of, '')
FROM (VALUES
 ('short_submission_period','Tender open for fewer than 15 days (submission_deadline::date - published_at::date < 15); planted on open tenders with 5-12 days','tender','tender_id','{R003}'::text[]),
 ('single_bid','Only one tenderer on a competitive method (open, selective)','tender','tender_id','{PROC_SINGLE_BIDDER}'),
 ('price_close_to_winner','Second-lowest valid bid less than 0.5 % above the award (planted: 0.02-0.2 %; the background keeps the winner at least 1.1 % below the runner-up)','tender','tender_id','{R024,PROC_BID_RIGGING_SCREEN}'),
 ('identical_bid_prices','Two different tenderers bid the same amount','tender','tender_id','{R028}'),
 ('late_bid_won','The winner''s bid was submitted after the submission deadline','tender','tender_id','{R030}'),
 ('all_but_winner_disqualified','Only the winner has valid bids; every other tenderer was disqualified','tender','tender_id','{R035}'),
 ('lowest_bid_disqualified','The lowest bid was disqualified and the award went to another','tender','tender_id','{R036}'),
 ('shared_contact_bidders','Two tenderers in one tender share an address or a phone number','tender','tender_id','{PROC_SHARED_CONTACTS,REL_RELATED_BIDDERS}'),
 ('related_bidders','Two tenderers in one tender share a legal representative or a shareholder (person)','tender','tender_id','{REL_RELATED_BIDDERS}'),
 ('direct_awards_above_threshold','Sum of contracts from direct-method tenders from one buyer to one supplier above the competitive threshold of 1,000,000 yuan','buyer_supplier','buyer_unit_id/supplier_enterprise_id','{PROC_DIRECT_AWARDS_CUMULATIVE}'),
 ('price_above_market','Contract amount more than 20 % above the tender''s market reference price','contract','contract_id','{PROC_PRICE_OVER_MARKET}'),
 ('bid_rigging','Bunched cover bids: winner, then 3-7 cover bids 6-10 % above it within +-0.6 % of each other (low CV of the covers, large RD); statistical, no exact definition','tender','tender_id','{PROC_BID_RIGGING_SCREEN}'),
 ('split_purchase','Same buyer and supplier, at least 2 contracts each below 500,000 yuan signed within 90 days, adding up to more than 500,000','buyer_supplier','buyer_unit_id/supplier_enterprise_id','{PROC_SPLIT_PURCHASE}'),
 ('small_works_no_draw','Works (category 45) awarded below 500,000 yuan by a method other than random_draw','tender','tender_id','{PROC_SMALL_WORKS_NO_DRAW}'),
 ('frequent_changes','Contract with 3 or more changes','contract','contract_id','{PROC_FREQUENT_CHANGES}'),
 ('buyer_dependence','One supplier has more than 50 % of a buyer''s contract amount in a calendar year (of signing), the buyer having more than 4 contracts that year','buyer_supplier','buyer_unit_id/supplier_enterprise_id','{PROC_BUYER_DEPENDENCE}'),
 ('approval_time_limit','Approval decided after its due date (time_limit_days working days after receipt; credit_repair: 2 working days)','approval_case','case_id','{APPR_TIME_LIMIT}'),
 ('out_of_order_steps','A build_start or pay step recorded before the approve step','approval_case','case_id','{APPR_OUT_OF_ORDER}'),
 ('discretion_outlier','Penalty 6-15 times the centre of its violation type (background: within exp(+-0.6) of the centre); statistical','penalty','penalty_id','{ENF_DISCRETION_OUTLIER}'),
 ('three_public_over_budget','Three-public expense more than 15 % over budget for 3 (or 4) consecutive months, no accepted explanation for those months','unit_category','unit_id/expense_category','{FUND_THREE_PUBLIC_OVER_BUDGET}'),
 ('land_fee_low','Town''s land-transfer fee collection rate below 60 % two consecutive years','unit','unit_id (collecting town government)','{FUND_LAND_FEE_LOW}'),
 ('duplicate_filing','The same project (same enterprise and project name) filed again under a new project code','project_filing','filing_id of the later filing','{FUND_DUPLICATE_FILING}'),
 ('benford_violation','40 % of a unit''s treasury payments fabricated just below approval thresholds (5,000 / 10,000 / 50,000 / 100,000 / 200,000); statistical','unit','unit_id','{FUND_BENFORD}'),
 ('favouring_relatives','An official, an official''s relative or a fiscally paid staff member receives subsidy payments (matched by ID number)','person','person_id of the recipient','{REL_FAVOURING_RELATIVES}'),
 ('relative_supplier','Firms run or owned by an official''s relatives win contracts in the official''s unit and areas of responsibility: at least 70 % of their contract amount','person','person_id of the official','{REL_RELATIVE_SUPPLIER_OVERLAP}'),
 ('multiple_identities','One ID number under two names, or one person (name, sex, birth date) under two ID numbers','person','person_id of the later record','{ID_MULTIPLE_IDENTITIES}')
) p(pattern, description, subject_kind, key_format, rule_codes)
LEFT JOIN gen.plant_rate r ON r.pattern = p.pattern;

-- Reference definitions of the patterns that have an exact one.
CREATE VIEW truth.reference AS
-- tender-level
SELECT 'short_submission_period'::text AS pattern, 'tender'::text AS subject_kind, t.tender_id::text AS subject_key, t.buyer_unit_id AS unit_id
FROM gov.tender t WHERE t.status <> 'cancelled' AND t.submission_deadline::date - t.published_at::date < 15
UNION ALL
SELECT 'single_bid', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.bid b USING (tender_id)
WHERE t.status <> 'cancelled' AND t.method IN ('open','selective')
GROUP BY t.tender_id HAVING count(DISTINCT b.enterprise_id) = 1
UNION ALL
SELECT 'price_close_to_winner', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.award a USING (tender_id)
CROSS JOIN LATERAL (SELECT min(b.price) AS p2 FROM gov.bid b
                    WHERE b.tender_id = t.tender_id AND b.status = 'valid' AND b.enterprise_id <> a.enterprise_id) s
WHERE t.status <> 'cancelled' AND a.status = 'active' AND (s.p2 - a.amount) / a.amount < 0.005
UNION ALL
SELECT DISTINCT 'identical_bid_prices', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.bid b1 USING (tender_id)
JOIN gov.bid b2 ON b2.tender_id = b1.tender_id AND b2.price = b1.price AND b2.enterprise_id > b1.enterprise_id
WHERE t.status <> 'cancelled'
UNION ALL
SELECT DISTINCT 'late_bid_won', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.award a USING (tender_id)
JOIN gov.bid b ON b.tender_id = t.tender_id AND b.enterprise_id = a.enterprise_id
WHERE a.status = 'active' AND b.submitted_at > t.submission_deadline
UNION ALL
SELECT 'all_but_winner_disqualified', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.award a USING (tender_id) JOIN gov.bid b USING (tender_id)
WHERE t.status <> 'cancelled' AND a.status = 'active'
GROUP BY t.tender_id, a.enterprise_id
HAVING count(DISTINCT b.enterprise_id) FILTER (WHERE b.status = 'valid') = 1
   AND bool_and(b.enterprise_id = a.enterprise_id OR b.status = 'disqualified')
   AND count(*) FILTER (WHERE b.status = 'disqualified' AND b.enterprise_id <> a.enterprise_id) >= 1
UNION ALL
SELECT 'lowest_bid_disqualified', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.award a USING (tender_id)
CROSS JOIN LATERAL (SELECT min(price) AS pmin, bool_or(status = 'disqualified') FILTER (WHERE price = (SELECT min(price) FROM gov.bid WHERE tender_id = t.tender_id)) AS dq
                    FROM gov.bid WHERE tender_id = t.tender_id) s
WHERE a.status = 'active' AND s.dq
UNION ALL
SELECT DISTINCT 'shared_contact_bidders', 'tender', t.tender_id::text, t.buyer_unit_id
FROM (SELECT e1.enterprise_id AS a, e2.enterprise_id AS b FROM gov.enterprise e1
      JOIN gov.enterprise e2 ON e2.phone = e1.phone AND e2.enterprise_id > e1.enterprise_id
      UNION
      SELECT e1.enterprise_id, e2.enterprise_id FROM gov.enterprise e1
      JOIN gov.enterprise e2 ON e2.address = e1.address AND e2.enterprise_id > e1.enterprise_id) x
JOIN gov.bid b1 ON b1.enterprise_id = x.a
JOIN gov.bid b2 ON b2.enterprise_id = x.b AND b2.tender_id = b1.tender_id
JOIN gov.tender t ON t.tender_id = b1.tender_id
WHERE t.status <> 'cancelled'
UNION ALL
SELECT DISTINCT 'related_bidders', 'tender', t.tender_id::text, t.buyer_unit_id
FROM (SELECT enterprise_id, legal_rep_id AS pid FROM gov.enterprise
      UNION SELECT enterprise_id, holder_person_id FROM gov.shareholding WHERE valid_to IS NULL) x1
JOIN (SELECT enterprise_id, legal_rep_id AS pid FROM gov.enterprise
      UNION SELECT enterprise_id, holder_person_id FROM gov.shareholding WHERE valid_to IS NULL) x2
  ON x2.pid = x1.pid AND x2.enterprise_id > x1.enterprise_id
JOIN gov.bid b1 ON b1.enterprise_id = x1.enterprise_id
JOIN gov.bid b2 ON b2.enterprise_id = x2.enterprise_id AND b2.tender_id = b1.tender_id
JOIN gov.tender t ON t.tender_id = b1.tender_id
WHERE t.status <> 'cancelled'
UNION ALL
SELECT 'small_works_no_draw', 'tender', t.tender_id::text, t.buyer_unit_id
FROM gov.tender t JOIN gov.award a USING (tender_id) JOIN gov.category c USING (category)
WHERE c.kind = 'works' AND a.status = 'active' AND a.amount < 500000 AND t.method <> 'random_draw'
UNION ALL
-- contract-level
SELECT 'price_above_market', 'contract', c.contract_id::text, c.buyer_unit_id
FROM gov.contract c JOIN gov.tender t USING (tender_id)
WHERE c.amount > 1.2 * t.market_reference_price
UNION ALL
SELECT 'frequent_changes', 'contract', c.contract_id::text, c.buyer_unit_id
FROM gov.contract c JOIN gov.contract_change ch USING (contract_id)
GROUP BY c.contract_id HAVING count(*) >= 3
UNION ALL
-- buyer/supplier
SELECT 'direct_awards_above_threshold', 'buyer_supplier', c.buyer_unit_id || '/' || c.supplier_id, c.buyer_unit_id
FROM gov.contract c JOIN gov.tender t USING (tender_id)
WHERE t.method = 'direct'
GROUP BY c.buyer_unit_id, c.supplier_id HAVING sum(c.amount) > 1000000
UNION ALL
SELECT DISTINCT 'split_purchase', 'buyer_supplier', c.buyer_unit_id || '/' || c.supplier_id, c.buyer_unit_id
FROM gov.contract c
CROSS JOIN LATERAL (SELECT count(*) AS n, sum(c2.amount) AS total FROM gov.contract c2
                    WHERE c2.buyer_unit_id = c.buyer_unit_id AND c2.supplier_id = c.supplier_id AND c2.amount < 500000
                      AND c2.signed_on BETWEEN c.signed_on - 90 AND c.signed_on) w
WHERE c.amount < 500000 AND w.n >= 2 AND w.total > 500000
UNION ALL
SELECT DISTINCT 'buyer_dependence', 'buyer_supplier', s.buyer_unit_id || '/' || s.supplier_id, s.buyer_unit_id
FROM (SELECT c.buyer_unit_id, c.supplier_id, extract(year FROM c.signed_on) AS yr, sum(c.amount) AS amt,
             sum(sum(c.amount)) OVER (PARTITION BY c.buyer_unit_id, extract(year FROM c.signed_on)) AS total,
             sum(count(*)) OVER (PARTITION BY c.buyer_unit_id, extract(year FROM c.signed_on)) AS n
      FROM gov.contract c GROUP BY 1, 2, 3) s
WHERE s.n > 4 AND s.amt > 0.5 * s.total
UNION ALL
-- approvals
SELECT 'approval_time_limit', 'approval_case', a.case_id::text, a.unit_id
FROM gov.approval_case a WHERE a.decided_at::date > a.due_date
UNION ALL
SELECT DISTINCT 'out_of_order_steps', 'approval_case', a.case_id::text, a.unit_id
FROM gov.approval_case a JOIN gov.approval_step s USING (case_id)
LEFT JOIN gov.approval_step ap ON ap.case_id = a.case_id AND ap.step_kind = 'approve'
WHERE s.step_kind IN ('build_start','pay') AND (ap.step_id IS NULL OR s.acted_at < ap.acted_at)
UNION ALL
-- funds
SELECT DISTINCT 'three_public_over_budget', 'unit_category', x.unit_id || '/' || x.category, x.unit_id
FROM (SELECT b.unit_id, b.category, b.month,
             e.amount > 1.15 * b.amount AND b.amount > 0
               AND NOT EXISTS (SELECT 1 FROM gov.budget_explanation be WHERE be.unit_id = b.unit_id AND be.category = b.category
                                 AND be.month = b.month AND be.accepted) AS breach
      FROM gov.budget b JOIN gov.expense e USING (unit_id, category, month)
      JOIN gov.expense_category ec USING (category) WHERE ec.is_three_public) x
JOIN LATERAL (SELECT count(*) FILTER (WHERE y.breach) AS k
              FROM (SELECT b.month,
                           e.amount > 1.15 * b.amount AND b.amount > 0
                             AND NOT EXISTS (SELECT 1 FROM gov.budget_explanation be WHERE be.unit_id = b.unit_id AND be.category = b.category
                                               AND be.month = b.month AND be.accepted) AS breach
                    FROM gov.budget b JOIN gov.expense e USING (unit_id, category, month)
                    WHERE b.unit_id = x.unit_id AND b.category = x.category
                      AND b.month IN (x.month, (x.month - interval '1 month')::date, (x.month - interval '2 months')::date)) y) z ON true
WHERE x.breach AND z.k = 3
UNION ALL
SELECT DISTINCT 'land_fee_low', 'unit', l1.unit_id::text, l1.unit_id
FROM gov.land_fee l1 JOIN gov.land_fee l2 ON l2.unit_id = l1.unit_id AND l2.year = l1.year + 1
WHERE l1.collected < 0.6 * l1.due AND l2.collected < 0.6 * l2.due
UNION ALL
SELECT 'duplicate_filing', 'project_filing', f.filing_id::text, f.unit_id
FROM gov.project_filing f
WHERE EXISTS (SELECT 1 FROM gov.project_filing o WHERE o.enterprise_id = f.enterprise_id AND o.project_name = f.project_name
                AND (o.filed_at, o.filing_id) < (f.filed_at, f.filing_id))
UNION ALL
-- identities and relations
SELECT 'favouring_relatives', 'person', p.person_id::text, coalesce(p.unit_id, o.unit_id)
FROM gov.person p
LEFT JOIN LATERAL (SELECT o.unit_id FROM gov.relation r JOIN gov.person o ON o.person_id = r.person_id
                   WHERE r.related_person_id = p.person_id AND o.is_official ORDER BY o.person_id LIMIT 1) o ON true
WHERE (p.is_official OR p.fiscally_paid OR o.unit_id IS NOT NULL)
  AND EXISTS (SELECT 1 FROM gov.subsidy_payment s WHERE s.recipient_id_number = p.id_number)
UNION ALL
SELECT 'relative_supplier', 'person', o.person_id::text, o.unit_id
FROM gov.person o
JOIN LATERAL (SELECT sum(c.amount) AS total,
                     sum(c.amount) FILTER (WHERE c.buyer_unit_id = o.unit_id
                                             AND c.category IN (SELECT domain FROM gov.person_responsibility pr WHERE pr.person_id = o.person_id)) AS inside
              FROM gov.contract c
              WHERE c.supplier_id IN (SELECT b.enterprise_id FROM gov.relation k
                                      JOIN gov.relation b ON b.person_id = k.related_person_id
                                       AND b.kind IN ('legal_rep','shareholder','director') AND b.valid_to IS NULL
                                      WHERE k.person_id = o.person_id AND k.related_person_id IS NOT NULL)) s ON true
WHERE o.is_official AND s.total > 0 AND s.inside >= 0.7 * s.total
UNION ALL
SELECT 'multiple_identities', 'person', q.person_id::text, q.unit_id
FROM gov.person q
WHERE q.person_id IN (SELECT q2.person_id FROM gov.person q2 JOIN gov.person p ON p.id_number = q2.id_number
                      WHERE p.person_id < q2.person_id AND p.name <> q2.name
                      UNION
                      SELECT q2.person_id FROM gov.person q2 JOIN gov.person p
                        ON p.name = q2.name AND p.birth_date = q2.birth_date AND p.sex = q2.sex
                      WHERE p.person_id < q2.person_id AND p.id_number <> q2.id_number);
COMMENT ON VIEW truth.reference IS 'Reference SQL definitions of the patterns that have an exact one (all but bid_rigging, discretion_outlier, benford_violation). truth.planted holds exactly these hits plus the planted statistical cases; demo/selfcheck.sql verifies it.';

-- incidental cases: background hits of a reference definition that were not planted
\if :{?skip_incidental}
CREATE TABLE gen.ref AS SELECT * FROM truth.reference WHERE false;
\else
CREATE TABLE gen.ref AS SELECT * FROM truth.reference;
\endif
INSERT INTO gen.stage
SELECT false, r.pattern, r.subject_kind, r.subject_key, r.unit_id, '{"origin": "incidental"}'::jsonb
FROM gen.ref r
WHERE NOT EXISTS (SELECT 1 FROM gen.stage s WHERE NOT s.is_near_miss AND s.pattern = r.pattern
                    AND s.subject_kind = r.subject_kind AND s.subject_key = r.subject_key)
ORDER BY 2, 3, 4;

INSERT INTO truth.planted (case_id, pattern, subject_kind, subject_key, unit_id, detail)
SELECT row_number() OVER (ORDER BY pattern, subject_kind, length(subject_key), subject_key), pattern, subject_kind, subject_key, unit_id, detail
FROM (SELECT DISTINCT ON (pattern, subject_kind, subject_key) * FROM gen.stage WHERE NOT is_near_miss
      ORDER BY pattern, subject_kind, subject_key, detail->>'origin' DESC) s;
INSERT INTO truth.near_miss (case_id, pattern, subject_kind, subject_key, unit_id, detail)
SELECT row_number() OVER (ORDER BY pattern, subject_kind, length(subject_key), subject_key), pattern, subject_kind, subject_key, unit_id, detail
FROM (SELECT DISTINCT ON (pattern, subject_kind, subject_key) * FROM gen.stage WHERE is_near_miss
      ORDER BY pattern, subject_kind, subject_key) s;
