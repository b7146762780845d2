-- The bindings of the demo: the gov tables bound to cleangov's canonical
-- shapes, through small views in schema cleangov_demo where a gov table needs
-- a join or a conversion.  Read by demo/detect.sql and by the Citus suite
-- (test/citus/), which binds the same tables distributed.
\set ON_ERROR_STOP on
-- ---- rule engine (issue 5, engineer "engine"): bind gov.* to the canonical
-- shapes and run the built-in library.  Where a gov table needs a join or a
-- conversion, a view in schema cleangov_demo does it and is bound instead.
CREATE SCHEMA IF NOT EXISTS cleangov_demo;
CREATE OR REPLACE VIEW cleangov_demo.tender AS
SELECT t.tender_id, t.buyer_unit_id AS buyer_id, t.buyer_unit_id AS unit_code, t.method, c.kind AS category,
       t.category AS item_class, t.published_at AS period_start, t.submission_deadline AS period_end,
       t.estimated_value, t.method = 'random_draw' AS random_draw, t.status
  FROM gov.tender t JOIN gov.category c ON c.category = t.category;
CREATE OR REPLACE VIEW cleangov_demo.contract AS
SELECT k.contract_id, k.buyer_unit_id AS buyer_id, k.supplier_id, k.amount, k.buyer_unit_id AS unit_code,
       k.tender_id, t.method, c.kind AS category, k.category AS item_class,
       t.market_reference_price AS market_price, k.signed_on AS signed_at
  FROM gov.contract k JOIN gov.tender t ON t.tender_id = k.tender_id JOIN gov.category c ON c.category = k.category;
CREATE OR REPLACE VIEW cleangov_demo.approval_step AS
SELECT s.step_id, s.case_id, s.step_kind AS step, s.step_no AS expected_seq, s.acted_at AS done_at,
       c.unit_id AS unit_code, s.actor_id
  FROM gov.approval_step s JOIN gov.approval_case c ON c.case_id = s.case_id;
CREATE OR REPLACE VIEW cleangov_demo.budget_line AS
SELECT b.unit_id AS unit_code, b.category, to_char(b.month, 'YYYY-MM') AS period, b.amount,
       e.amount AS spent, x.is_three_public AS three_public
  FROM gov.budget b
  LEFT JOIN gov.expense e ON e.unit_id = b.unit_id AND e.category = b.category AND e.month = b.month
  JOIN gov.expense_category x ON x.category = b.category;
CREATE OR REPLACE VIEW cleangov_demo.budget_explanation AS
SELECT unit_id AS unit_code, to_char(month, 'YYYY-MM') AS period, accepted, category, reason AS explanation
  FROM gov.budget_explanation;
CREATE OR REPLACE VIEW cleangov_demo.expense AS
SELECT payment_id AS expense_id, unit_id AS unit_code, 'treasury_payment' AS category, amount, paid_on AS paid_at,
       payee AS payee_id
  FROM gov.payment;

-- reach: writes to gov.tender reach the view's rows (watch triggers, incremental runs)
SELECT cleangov.bind('tender', 'cleangov_demo.tender', reach => '{"gov.tender": {"tender_id": "tender_id"}}');
SELECT cleangov.bind('bid', 'gov.bid', '{"bidder_id": "enterprise_id", "amount": "price"}');
SELECT cleangov.bind('award', 'gov.award', '{"supplier_id": "enterprise_id"}');
SELECT cleangov.bind('contract', 'cleangov_demo.contract');
SELECT cleangov.bind('contract_change', 'gov.contract_change', '{"changed_at": "changed_on", "kind": "change_kind"}');
SELECT cleangov.bind('enterprise', 'gov.enterprise');
-- gov has no joint bids and binds no consortium_member: unbound, it reads as
-- empty (the members R028 and R030 read for a joint bid).
-- gov.approval_case is bound as it is (its limits are in working days, which
-- is what a case that does not say counts), so demo/watch.sql can watch it.
SELECT cleangov.bind('approval_case', 'gov.approval_case',
  '{"submitted_at": "received_at", "unit_code": "unit_id", "applicant_id": "applicant_enterprise_id", "official_id": "handler_id"}');
SELECT cleangov.bind('approval_step', 'cleangov_demo.approval_step');
SELECT cleangov.bind('penalty', 'gov.penalty', '{"unit_code": "unit_id", "decided_at": "decided_on", "official_id": "handler_id", "party_id": "enterprise_id"}');
SELECT cleangov.bind('budget_line', 'cleangov_demo.budget_line');
SELECT cleangov.bind('budget_explanation', 'cleangov_demo.budget_explanation');
SELECT cleangov.bind('fee_collection', 'gov.land_fee', '{"unit_code": "unit_id", "period": "year"}');
SELECT cleangov.bind('expense', 'cleangov_demo.expense');
SELECT cleangov.bind('project_filing', 'gov.project_filing', '{"applicant_id": "enterprise_id", "unit_code": "unit_id", "filed_at": "filed_at", "amount": "total_investment"}');

-- Persons, relations and responsibilities for the relationship rules (REL_*,
-- ID_*).  Relations: kinship official -> relative and business person ->
-- firm from gov.relation, plus the shareholders of gov.shareholding.
CREATE OR REPLACE VIEW cleangov_demo.relation AS
SELECT person_id AS from_id, coalesce(related_person_id, enterprise_id) AS to_id, kind, valid_from, valid_to
  FROM gov.relation
UNION
SELECT holder_person_id, enterprise_id, 'shareholder', valid_from, valid_to
  FROM gov.shareholding;
SELECT cleangov.bind('person', 'gov.person', '{"unit_code": "unit_id"}');
SELECT cleangov.bind('relation', 'cleangov_demo.relation');
SELECT cleangov.bind('responsibility', 'gov.person_responsibility');
SELECT cleangov.bind('subsidy_payment', 'gov.subsidy_payment',
                     '{"recipient_id": "recipient_id_number", "paid_at": "paid_on", "unit_code": "unit_id"}');


-- The indexes the rules evaluated per tender need (cleangov.key_indexes()):
-- the bound views read tender_id as text, so the watch triggers' and the
-- incremental runs' filter is served by an index on tender_id::text, not on
-- the bigint column (a production database would use CREATE INDEX
-- CONCURRENTLY, as key_indexes() prints).  gov.tender is bound through the
-- view cleangov_demo.tender: its index is on the base table.
CREATE INDEX IF NOT EXISTS bid_tender_key ON gov.bid ((tender_id::text));
CREATE INDEX IF NOT EXISTS award_tender_key ON gov.award ((tender_id::text));
CREATE INDEX IF NOT EXISTS tender_tender_key ON gov.tender ((tender_id::text));
