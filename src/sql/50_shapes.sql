-- Rule engine, part 1: the canonical shapes.
--
-- Built-in rules never read a user's table directly: they read one view per
-- canonical shape, cleangov_bound.<shape>, whose columns have fixed names and
-- types.  cleangov.bind() makes that view over the user's own table (see
-- 52_bind.sql).  One rule library therefore serves every database.

CREATE SCHEMA cleangov_bound;
COMMENT ON SCHEMA cleangov_bound IS
  'cleangov: one view per bound canonical shape (made by cleangov.bind()) and the generated watch trigger functions';

CREATE TABLE @extschema@.shape (
  shape       text PRIMARY KEY,
  name_en     text NOT NULL,
  name_zh     text NOT NULL,
  key_column  text,
  description text NOT NULL,
  unbound_reads_empty boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.shape IS
  'Canonical shapes that rules read; a user table is bound to one with cleangov.bind().';
COMMENT ON COLUMN @extschema@.shape.unbound_reads_empty IS
  'An unbound shape of this kind reads as empty instead of stopping the rules that read it: its rows only add detail to another shape''s rows (consortium_member: a bid or award with tenderer_count or supplier_count above 1 has members; a source that records none has no joint bids). bind() and unbind() keep an empty view cleangov_bound.<shape> in place while it is unbound.';

CREATE TABLE @extschema@.shape_column (
  shape       text NOT NULL REFERENCES @extschema@.shape,
  column_name text NOT NULL,
  position    int  NOT NULL,
  type        regtype NOT NULL,
  required    bool NOT NULL,
  description text NOT NULL,
  PRIMARY KEY (shape, column_name),
  UNIQUE (shape, position)
);
COMMENT ON TABLE @extschema@.shape_column IS
  'Columns of each canonical shape, in view order: name, type, required or optional (an unmapped optional column reads as NULL).';

INSERT INTO @extschema@.shape (shape, name_en, name_zh, key_column, description) VALUES
 ('tender', 'tender', '招标项目', 'tender_id', 'A procurement process: buyer, method, submission period, estimated value.'),
 ('bid', 'bid', '投标', 'bid_id', 'One tenderer''s bid in a tender.'),
 ('award', 'award', '中标', 'award_id', 'An award of a tender to a supplier.'),
 ('contract', 'contract', '合同', 'contract_id', 'A signed contract between a buyer and a supplier.'),
 ('contract_change', 'contract change', '合同变更', 'change_id', 'A change (amendment) of a contract.'),
 ('approval_case', 'approval case', '审批事项', 'case_id', 'An administrative approval or service case with its statutory time limit.'),
 ('approval_step', 'approval step', '审批环节', 'step_id', 'One step of an approval case or project (apply, accept, review, approve, build_start, pay: code list approval_step) with its expected position in the statutory order.'),
 ('penalty', 'penalty', '行政处罚', 'penalty_id', 'An administrative penalty decision with its amount and violation type.'),
 ('budget_line', 'budget line', '预算', NULL, 'A budget amount per unit, category and period, with the actual spending when known (budget execution).'),
 ('expense', 'expense', '支出', 'expense_id', 'A payment by a unit, with category and date.'),
 ('budget_explanation', 'budget explanation', '超支说明', NULL, 'An explanation filed for a unit''s overspending in a period, accepted or not.'),
 ('fee_collection', 'fee collection', '收费征缴', NULL, 'Amounts due and collected per unit, fee kind and period (e.g. land-transfer fees per year).'),
 ('subsidy_payment', 'subsidy payment', '补贴发放', 'payment_id', 'A subsidy or benefit paid to a recipient.'),
 ('person', 'person', '人员', 'person_id', 'A person (official, recipient, legal representative).'),
 ('enterprise', 'enterprise', '企业', 'enterprise_id', 'An enterprise with its credit code and contact details.'),
 ('relation', 'relation', '关系', NULL, 'A relation between two parties (spouse, child, shareholder, legal representative, ...), with its validity dates (kinds in cleangov.relation_kind).'),
 ('responsibility', 'area of responsibility', '分管领域', NULL, 'An area of responsibility of an official: an item-class prefix the official oversees in the official''s unit.'),
 ('complaint', 'complaint', '信访举报', 'complaint_id', 'A complaint or tip received.'),
 ('project_filing', 'project filing', '项目备案', 'filing_id', 'A filing (registration, application for funds) of an investment project.'),
 ('review_assignment', 'review assignment', '评审轮候分配', 'assignment_id', 'One assignment of a reviewer (an expert or a review agency) to an applicant''s project by a rotation (轮候制, seed 004), e.g. for the review of a budget estimate or a preliminary design, with the size of the rotation''s pool at the time.'),
 ('item', 'item', '采购标的', 'item_id', 'An item of a tender or of an award, with its classification (OCDS tender.items[], awards[].items[]).'),
 ('consortium_member', 'consortium member', '联合体成员', NULL, 'A member of a joint bid or of an award to several suppliers (OCDS bids.details[].tenderers[], awards[].suppliers[] beyond one). Unbound, it reads as empty: no joint bids.'),
 ('party', 'party', '参与方', NULL, 'An organisation as one contracting process names it: its roles, address and contact point in that process (OCDS parties[]).');

UPDATE @extschema@.shape SET unbound_reads_empty = true WHERE shape = 'consortium_member';

INSERT INTO @extschema@.shape_column (shape, column_name, position, type, required, description)
SELECT s, c, p, t::regtype, r, d FROM (VALUES
 ('tender', 'tender_id', 1, 'text', true, 'key of the tender'),
 ('tender', 'buyer_id', 2, 'text', true, 'procuring entity'),
 ('tender', 'unit_code', 3, 'text', false, 'responsible unit (cleangov.unit) for alerts'),
 ('tender', 'method', 4, 'text', true, 'procurement method: open, selective, limited, direct, draw (random draw), ...'),
 ('tender', 'category', 5, 'text', false, 'goods, works or services'),
 ('tender', 'item_class', 6, 'text', false, 'item classification code (its first two digits are the first level)'),
 ('tender', 'period_start', 7, 'timestamptz', false, 'start of the submission period (publication)'),
 ('tender', 'period_end', 8, 'timestamptz', false, 'submission deadline'),
 ('tender', 'estimated_value', 9, 'numeric', false, 'estimated value (yuan)'),
 ('tender', 'random_draw', 10, 'boolean', false, 'the contractor was picked by random draw'),
 ('tender', 'status', 11, 'text', false, 'active, complete, cancelled (cancelled processes are skipped)'),
 ('tender', 'project_id', 12, 'text', false, 'investment project the tender belongs to'),
 ('tender', 'procuring_entity_id', 13, 'text', false, 'procuring entity when it is not the buyer (OCDS tender.procuringEntity.id)'),
 ('tender', 'method_details', 14, 'text', false, 'procurement method as the source names it (OCDS tender.procurementMethodDetails)'),
 ('tender', 'number_of_tenderers', 15, 'integer', false, 'number of tenderers as published (OCDS tender.numberOfTenderers)'),
 ('tender', 'award_criteria', 16, 'text', false, 'award criteria (OCDS tender.awardCriteria)'),
 ('tender', 'currency', 17, 'text', false, 'currency of estimated_value (ISO 4217; NULL: the main currency)'),

 ('bid', 'bid_id', 1, 'text', true, 'key of the bid'),
 ('bid', 'tender_id', 2, 'text', true, 'tender bid for'),
 ('bid', 'bidder_id', 3, 'text', true, 'tenderer (enterprise)'),
 ('bid', 'amount', 4, 'numeric', true, 'bid price (yuan)'),
 ('bid', 'submitted_at', 5, 'timestamptz', false, 'time the bid was received'),
 ('bid', 'status', 6, 'text', false, 'valid, disqualified or withdrawn (NULL counts as valid)'),
 ('bid', 'currency', 7, 'text', false, 'currency of amount (ISO 4217; NULL: the main currency)'),
 ('bid', 'tenderer_count', 8, 'integer', false, 'number of tenderers of the bid: above 1 a joint bid, whose members are in consortium_member (NULL counts as 1)'),

 ('award', 'award_id', 1, 'text', true, 'key of the award'),
 ('award', 'tender_id', 2, 'text', true, 'tender awarded'),
 ('award', 'supplier_id', 3, 'text', true, 'winning supplier (enterprise)'),
 ('award', 'amount', 4, 'numeric', false, 'awarded amount (yuan)'),
 ('award', 'awarded_at', 5, 'timestamptz', false, 'date of the award'),
 ('award', 'status', 6, 'text', false, 'active or cancelled (NULL counts as active)'),
 ('award', 'currency', 7, 'text', false, 'currency of amount (ISO 4217; NULL: the main currency)'),
 ('award', 'supplier_count', 8, 'integer', false, 'number of suppliers of the award: above 1 a consortium, whose members are in consortium_member (NULL counts as 1)'),

 ('contract', 'contract_id', 1, 'text', true, 'key of the contract'),
 ('contract', 'buyer_id', 2, 'text', true, 'procuring entity'),
 ('contract', 'supplier_id', 3, 'text', true, 'supplier (enterprise)'),
 ('contract', 'amount', 4, 'numeric', true, 'contract price (yuan)'),
 ('contract', 'unit_code', 5, 'text', false, 'responsible unit (cleangov.unit) for alerts'),
 ('contract', 'tender_id', 6, 'text', false, 'tender the contract came from'),
 ('contract', 'method', 7, 'text', false, 'procurement method (direct for a direct award)'),
 ('contract', 'category', 8, 'text', false, 'goods, works or services'),
 ('contract', 'item_class', 9, 'text', false, 'item classification code'),
 ('contract', 'market_price', 10, 'numeric', false, 'market reference price for the same object (yuan)'),
 ('contract', 'random_draw', 11, 'boolean', false, 'the contractor was picked by random draw'),
 ('contract', 'signed_at', 12, 'timestamptz', false, 'date signed'),
 ('contract', 'project_id', 13, 'text', false, 'investment project'),
 ('contract', 'currency', 14, 'text', false, 'currency of amount (ISO 4217; NULL: the main currency)'),
 ('contract', 'award_id', 15, 'text', false, 'award the contract implements'),

 ('contract_change', 'change_id', 1, 'text', true, 'key of the change'),
 ('contract_change', 'contract_id', 2, 'text', true, 'contract changed'),
 ('contract_change', 'changed_at', 3, 'timestamptz', false, 'date of the change'),
 ('contract_change', 'amount_delta', 4, 'numeric', false, 'change of the contract price (yuan)'),
 ('contract_change', 'kind', 5, 'text', false, 'kind of change (price, scope, time, ...)'),

 ('approval_case', 'case_id', 1, 'text', true, 'key of the case'),
 ('approval_case', 'submitted_at', 2, 'timestamptz', true, 'time the application was accepted'),
 ('approval_case', 'decided_at', 3, 'timestamptz', false, 'time of the decision (NULL while open: measured up to now)'),
 ('approval_case', 'time_limit_days', 4, 'numeric', false, 'statutory time limit in days'),
 ('approval_case', 'working_days', 5, 'boolean', false, 'the limit counts working days (Monday to Friday); false: calendar days; absent or NULL: working days, as the Administrative Licensing Law (art. 82) counts'),
 ('approval_case', 'unit_code', 6, 'text', false, 'responsible unit'),
 ('approval_case', 'kind', 7, 'text', false, 'kind of matter (e.g. credit_repair)'),
 ('approval_case', 'applicant_id', 8, 'text', false, 'applicant'),
 ('approval_case', 'official_id', 9, 'text', false, 'official handling the case'),

 ('approval_step', 'step_id', 1, 'text', true, 'key of the step'),
 ('approval_step', 'case_id', 2, 'text', true, 'case or project the step belongs to'),
 ('approval_step', 'step', 3, 'text', true, 'name of the step (approve, build, pay, ...)'),
 ('approval_step', 'expected_seq', 4, 'integer', true, 'position of the step in the statutory order (approval before building before payment)'),
 ('approval_step', 'done_at', 5, 'timestamptz', true, 'time the step happened'),
 ('approval_step', 'unit_code', 6, 'text', false, 'responsible unit'),
 ('approval_step', 'actor_id', 7, 'text', false, 'who did the step'),

 ('penalty', 'penalty_id', 1, 'text', true, 'key of the decision'),
 ('penalty', 'violation_type', 2, 'text', true, 'kind of violation (peers are penalties of the same kind)'),
 ('penalty', 'amount', 3, 'numeric', true, 'penalty amount (yuan)'),
 ('penalty', 'unit_code', 4, 'text', false, 'deciding unit'),
 ('penalty', 'decided_at', 5, 'timestamptz', false, 'date of the decision'),
 ('penalty', 'official_id', 6, 'text', false, 'deciding official'),
 ('penalty', 'party_id', 7, 'text', false, 'penalised party'),

 ('budget_line', 'unit_code', 1, 'text', true, 'unit'),
 ('budget_line', 'category', 2, 'text', true, 'budget category (e.g. three_public)'),
 ('budget_line', 'period', 3, 'text', true, 'month YYYY-MM or year YYYY'),
 ('budget_line', 'amount', 4, 'numeric', true, 'budgeted amount (yuan)'),
 ('budget_line', 'spent', 5, 'numeric', false, 'actual spending in the period (yuan)'),
 ('budget_line', 'three_public', 6, 'boolean', false, 'the category is one of the three public expenses (hospitality, official cars, travel abroad)'),

 ('expense', 'expense_id', 1, 'text', true, 'key of the payment'),
 ('expense', 'unit_code', 2, 'text', true, 'paying unit'),
 ('expense', 'category', 3, 'text', true, 'budget category'),
 ('expense', 'amount', 4, 'numeric', true, 'amount paid (yuan)'),
 ('expense', 'paid_at', 5, 'timestamptz', true, 'date paid'),
 ('expense', 'payee_id', 6, 'text', false, 'payee'),

 ('budget_explanation', 'unit_code', 1, 'text', true, 'unit'),
 ('budget_explanation', 'period', 2, 'text', true, 'period explained (YYYY-MM)'),
 ('budget_explanation', 'accepted', 3, 'boolean', true, 'the explanation was accepted'),
 ('budget_explanation', 'category', 4, 'text', false, 'category explained (NULL: every category)'),
 ('budget_explanation', 'explanation', 5, 'text', false, 'text of the explanation'),

 ('fee_collection', 'unit_code', 1, 'text', true, 'collecting unit (region)'),
 ('fee_collection', 'period', 2, 'text', true, 'year YYYY'),
 ('fee_collection', 'due', 3, 'numeric', true, 'amount due (yuan)'),
 ('fee_collection', 'collected', 4, 'numeric', true, 'amount collected (yuan)'),
 ('fee_collection', 'kind', 5, 'text', false, 'fee kind (land_transfer)'),

 ('subsidy_payment', 'payment_id', 1, 'text', true, 'key of the payment'),
 ('subsidy_payment', 'programme', 2, 'text', true, 'subsidy programme'),
 ('subsidy_payment', 'recipient_id', 3, 'text', true, 'recipient (identity number)'),
 ('subsidy_payment', 'amount', 4, 'numeric', true, 'amount (yuan)'),
 ('subsidy_payment', 'paid_at', 5, 'timestamptz', false, 'date paid'),
 ('subsidy_payment', 'unit_code', 6, 'text', false, 'paying unit'),

 ('person', 'person_id', 1, 'text', true, 'key of the person'),
 ('person', 'name', 2, 'text', false, 'name'),
 ('person', 'id_number', 3, 'text', false, 'resident identity number'),
 ('person', 'unit_code', 4, 'text', false, 'unit of employment'),
 ('person', 'position', 5, 'text', false, 'position'),
 ('person', 'is_official', 6, 'boolean', false, 'holds a leading post (NULL counts as not)'),
 ('person', 'fiscally_paid', 7, 'boolean', false, 'paid from public funds (财政供养; NULL counts as not)'),
 ('person', 'sex', 8, 'text', false, 'sex (when NULL, read from the identity number)'),
 ('person', 'birth_date', 9, 'date', false, 'date of birth (when NULL, read from the identity number)'),
 ('person', 'phone', 10, 'text', false, 'contact telephone'),

 ('enterprise', 'enterprise_id', 1, 'text', true, 'key of the enterprise'),
 ('enterprise', 'name', 2, 'text', false, 'registered name'),
 ('enterprise', 'uscc', 3, 'text', false, 'unified social credit code'),
 ('enterprise', 'address', 4, 'text', false, 'registered address'),
 ('enterprise', 'phone', 5, 'text', false, 'contact telephone'),
 ('enterprise', 'email', 6, 'text', false, 'contact e-mail'),
 ('enterprise', 'legal_rep_id', 7, 'text', false, 'legal representative (person)'),

 ('relation', 'from_id', 1, 'text', true, 'one party'),
 ('relation', 'to_id', 2, 'text', true, 'the other party'),
 ('relation', 'kind', 3, 'text', true, 'spouse, child, parent, sibling, shareholder, legal_rep, ...'),
 ('relation', 'valid_from', 4, 'date', false, 'first day the relation holds (NULL: always)'),
 ('relation', 'valid_to', 5, 'date', false, 'last day the relation holds (NULL: still)'),

 ('responsibility', 'person_id', 1, 'text', true, 'the official (person)'),
 ('responsibility', 'domain', 2, 'text', true, 'item-class prefix the official oversees (a contract''s item_class starting with it is inside)'),

 ('complaint', 'complaint_id', 1, 'text', true, 'key of the complaint'),
 ('complaint', 'received_at', 2, 'timestamptz', false, 'date received'),
 ('complaint', 'unit_code', 3, 'text', false, 'unit complained about'),
 ('complaint', 'subject_id', 4, 'text', false, 'person or enterprise complained about'),
 ('complaint', 'category', 5, 'text', false, 'category'),

 ('project_filing', 'filing_id', 1, 'text', true, 'key of the filing'),
 ('project_filing', 'project_name', 2, 'text', true, 'project name as filed'),
 ('project_filing', 'applicant_id', 3, 'text', false, 'applicant (enterprise or unit)'),
 ('project_filing', 'unit_code', 4, 'text', false, 'unit that received the filing'),
 ('project_filing', 'filed_at', 5, 'timestamptz', false, 'date filed'),
 ('project_filing', 'location', 6, 'text', false, 'project location'),
 ('project_filing', 'amount', 7, 'numeric', false, 'investment or funds requested (yuan)'),

 ('review_assignment', 'assignment_id', 1, 'text', true, 'key of the assignment'),
 ('review_assignment', 'applicant_id', 2, 'text', true, 'applicant whose project is reviewed'),
 ('review_assignment', 'reviewer_id', 3, 'text', true, 'reviewer or review agency the rotation assigned'),
 ('review_assignment', 'pool_size', 4, 'integer', false, 'number of reviewers in the rotation''s pool at the time (a fair rotation matches each with probability 1 / pool_size); unbound: the number of distinct reviewers the unit assigned in the stage'),
 ('review_assignment', 'assigned_at', 5, 'timestamptz', false, 'time of the assignment'),
 ('review_assignment', 'unit_code', 6, 'text', false, 'unit that runs the rotation'),
 ('review_assignment', 'stage', 7, 'text', false, 'what is reviewed (budget estimate, preliminary design, ...): a rotation per unit and stage'),

 ('item', 'item_id', 1, 'text', true, 'key of the item'),
 ('item', 'tender_id', 2, 'text', true, 'tender (contracting process) the item belongs to'),
 ('item', 'award_id', 3, 'text', false, 'award the item belongs to (NULL: an item of the tender)'),
 ('item', 'scheme', 4, 'text', false, 'classification scheme (CPV, UNSPSC, GB/T 7635, ...)'),
 ('item', 'class_id', 5, 'text', true, 'classification code in the scheme'),
 ('item', 'description', 6, 'text', false, 'description of the item'),

 ('consortium_member', 'of_kind', 1, 'text', true, 'what the member belongs to: bid or award'),
 ('consortium_member', 'of_id', 2, 'text', true, 'key of the bid or award'),
 ('consortium_member', 'member_id', 3, 'text', true, 'the member (enterprise)'),

 ('party', 'tender_id', 1, 'text', true, 'contracting process that names the party'),
 ('party', 'party_id', 2, 'text', true, 'the organisation (enterprise, buyer)'),
 ('party', 'roles', 3, 'text', false, 'its roles in the process, comma-separated (OCDS partyRole codes: buyer, procuringEntity, tenderer, supplier, ...)'),
 ('party', 'name', 4, 'text', false, 'name'),
 ('party', 'street_address', 5, 'text', false, 'street address (OCDS address.streetAddress)'),
 ('party', 'locality', 6, 'text', false, 'locality (OCDS address.locality)'),
 ('party', 'region', 7, 'text', false, 'region (OCDS address.region)'),
 ('party', 'postal_code', 8, 'text', false, 'postal code (OCDS address.postalCode)'),
 ('party', 'country_name', 9, 'text', false, 'country (OCDS address.countryName)'),
 ('party', 'contact_name', 10, 'text', false, 'contact person (OCDS contactPoint.name)'),
 ('party', 'email', 11, 'text', false, 'contact e-mail (OCDS contactPoint.email)'),
 ('party', 'telephone', 12, 'text', false, 'contact telephone (OCDS contactPoint.telephone)'),
 ('party', 'fax_number', 13, 'text', false, 'contact fax (OCDS contactPoint.faxNumber)'),
 ('party', 'url', 14, 'text', false, 'contact web address (OCDS contactPoint.url)')
) v(s, c, p, t, r, d);
