-- demo/gen/90_finish.sql: keys, foreign keys, indexes, statistics.
ALTER TABLE gov.region ADD PRIMARY KEY (region_code);
ALTER TABLE gov.unit ADD PRIMARY KEY (unit_id), ADD UNIQUE (uscc);
ALTER TABLE gov.person ADD PRIMARY KEY (person_id);
ALTER TABLE gov.person_responsibility ADD PRIMARY KEY (person_id, domain);
ALTER TABLE gov.category ADD PRIMARY KEY (category);
ALTER TABLE gov.enterprise ADD PRIMARY KEY (enterprise_id), ADD UNIQUE (uscc);
ALTER TABLE gov.shareholding ADD PRIMARY KEY (enterprise_id, holder_person_id);
ALTER TABLE gov.relation ADD PRIMARY KEY (relation_id);
ALTER TABLE gov.tender ADD PRIMARY KEY (tender_id);
ALTER TABLE gov.bid ADD PRIMARY KEY (bid_id);
ALTER TABLE gov.award ADD PRIMARY KEY (award_id);
ALTER TABLE gov.contract ADD PRIMARY KEY (contract_id);
ALTER TABLE gov.contract_change ADD PRIMARY KEY (change_id);
ALTER TABLE gov.approval_kind ADD PRIMARY KEY (kind);
ALTER TABLE gov.approval_case ADD PRIMARY KEY (case_id);
ALTER TABLE gov.approval_step ADD PRIMARY KEY (step_id);
ALTER TABLE gov.project_filing ADD PRIMARY KEY (filing_id), ADD UNIQUE (project_code);
ALTER TABLE gov.penalty ADD PRIMARY KEY (penalty_id);
ALTER TABLE gov.expense_category ADD PRIMARY KEY (category);
ALTER TABLE gov.budget ADD PRIMARY KEY (unit_id, category, month);
ALTER TABLE gov.expense ADD PRIMARY KEY (unit_id, category, month);
ALTER TABLE gov.budget_explanation ADD PRIMARY KEY (explanation_id);
ALTER TABLE gov.payment ADD PRIMARY KEY (payment_id);
ALTER TABLE gov.land_fee ADD PRIMARY KEY (unit_id, year);
ALTER TABLE gov.subsidy_payment ADD PRIMARY KEY (payment_id);
ALTER TABLE gov.complaint ADD PRIMARY KEY (complaint_id);

ALTER TABLE gov.region ADD FOREIGN KEY (parent_code) REFERENCES gov.region;
ALTER TABLE gov.unit ADD FOREIGN KEY (region_code) REFERENCES gov.region, ADD FOREIGN KEY (parent_id) REFERENCES gov.unit;
ALTER TABLE gov.person ADD FOREIGN KEY (unit_id) REFERENCES gov.unit;
ALTER TABLE gov.person_responsibility ADD FOREIGN KEY (person_id) REFERENCES gov.person, ADD FOREIGN KEY (domain) REFERENCES gov.category;
ALTER TABLE gov.enterprise ADD FOREIGN KEY (legal_rep_id) REFERENCES gov.person, ADD FOREIGN KEY (region_code) REFERENCES gov.region,
                           ADD FOREIGN KEY (main_category) REFERENCES gov.category;
ALTER TABLE gov.shareholding ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise, ADD FOREIGN KEY (holder_person_id) REFERENCES gov.person;
ALTER TABLE gov.relation ADD FOREIGN KEY (person_id) REFERENCES gov.person, ADD FOREIGN KEY (related_person_id) REFERENCES gov.person,
                         ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise;
ALTER TABLE gov.tender ADD FOREIGN KEY (buyer_unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (category) REFERENCES gov.category;
ALTER TABLE gov.bid ADD FOREIGN KEY (tender_id) REFERENCES gov.tender, ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise;
ALTER TABLE gov.award ADD FOREIGN KEY (tender_id) REFERENCES gov.tender, ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise;
ALTER TABLE gov.contract ADD FOREIGN KEY (tender_id) REFERENCES gov.tender, ADD FOREIGN KEY (buyer_unit_id) REFERENCES gov.unit,
                         ADD FOREIGN KEY (supplier_id) REFERENCES gov.enterprise, ADD FOREIGN KEY (category) REFERENCES gov.category;
ALTER TABLE gov.contract_change ADD FOREIGN KEY (contract_id) REFERENCES gov.contract;
ALTER TABLE gov.approval_case ADD FOREIGN KEY (kind) REFERENCES gov.approval_kind, ADD FOREIGN KEY (unit_id) REFERENCES gov.unit,
                              ADD FOREIGN KEY (applicant_enterprise_id) REFERENCES gov.enterprise, ADD FOREIGN KEY (handler_id) REFERENCES gov.person;
ALTER TABLE gov.approval_step ADD FOREIGN KEY (case_id) REFERENCES gov.approval_case, ADD FOREIGN KEY (actor_id) REFERENCES gov.person;
ALTER TABLE gov.project_filing ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise, ADD FOREIGN KEY (unit_id) REFERENCES gov.unit,
                               ADD FOREIGN KEY (region_code) REFERENCES gov.region;
ALTER TABLE gov.penalty ADD FOREIGN KEY (enterprise_id) REFERENCES gov.enterprise, ADD FOREIGN KEY (unit_id) REFERENCES gov.unit,
                        ADD FOREIGN KEY (handler_id) REFERENCES gov.person;
ALTER TABLE gov.budget ADD FOREIGN KEY (unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (category) REFERENCES gov.expense_category;
ALTER TABLE gov.expense ADD FOREIGN KEY (unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (category) REFERENCES gov.expense_category;
ALTER TABLE gov.budget_explanation ADD FOREIGN KEY (unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (category) REFERENCES gov.expense_category;
ALTER TABLE gov.payment ADD FOREIGN KEY (unit_id) REFERENCES gov.unit;
ALTER TABLE gov.land_fee ADD FOREIGN KEY (unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (region_code) REFERENCES gov.region;
ALTER TABLE gov.subsidy_payment ADD FOREIGN KEY (unit_id) REFERENCES gov.unit;
ALTER TABLE gov.complaint ADD FOREIGN KEY (about_unit_id) REFERENCES gov.unit, ADD FOREIGN KEY (about_person_id) REFERENCES gov.person;

-- secondary indexes for the usual joins
CREATE INDEX ON gov.bid (tender_id);
CREATE INDEX ON gov.bid (enterprise_id);
CREATE INDEX ON gov.award (tender_id);
CREATE INDEX ON gov.contract (tender_id);
CREATE INDEX ON gov.contract (buyer_unit_id, supplier_id, signed_on);
CREATE INDEX ON gov.contract (supplier_id);
CREATE INDEX ON gov.contract_change (contract_id);
CREATE INDEX ON gov.tender (buyer_unit_id);
CREATE INDEX ON gov.approval_step (case_id);
CREATE INDEX ON gov.person (id_number);
CREATE INDEX ON gov.relation (person_id);
CREATE INDEX ON gov.relation (related_person_id);
CREATE INDEX ON gov.relation (enterprise_id);
CREATE INDEX ON gov.subsidy_payment (recipient_id_number);
CREATE INDEX ON gov.payment (unit_id);
CREATE INDEX ON gov.project_filing (enterprise_id);
