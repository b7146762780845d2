-- Distributes the demo's gov tables (demo/generate.sql) the way doc/citus.md
-- recommends: the procurement chain by its tender (co-located), approval
-- cases and steps by their case, budgets, expenses, payments and fees by
-- their unit, the other facts by their own key, and the registers (regions,
-- units, persons, enterprises, relations, code lists) and the small tables
-- that rules join to facts on a column other than the fact's distribution
-- column as it is bound (budget explanations: the bound views cast unit_id
-- to text, and through the cast Citus sees no co-located join) as
-- reference tables.  Foreign keys and the primary keys that do not hold
-- the distribution column go first: Citus enforces uniqueness only on
-- constraints that include it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- the planted cases (schema truth) are the single-node run's business; a
-- view of them depends on keys that go
DROP SCHEMA IF EXISTS truth CASCADE;
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
            WHERE connamespace = 'gov'::regnamespace AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
  END LOOP;
  FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
            WHERE connamespace = 'gov'::regnamespace AND contype IN ('p', 'u')
              AND conrelid::regclass::text IN ('gov.bid', 'gov.award', 'gov.contract', 'gov.approval_step',
                                               'gov.payment', 'gov.project_filing') LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
  END LOOP;
END
$$;
SELECT create_distributed_table('gov.tender', 'tender_id');
SELECT create_distributed_table('gov.bid', 'tender_id', colocate_with => 'gov.tender');
SELECT create_distributed_table('gov.award', 'tender_id', colocate_with => 'gov.tender');
SELECT create_distributed_table('gov.contract', 'tender_id', colocate_with => 'gov.tender');
SELECT create_distributed_table('gov.approval_case', 'case_id');
SELECT create_distributed_table('gov.approval_step', 'case_id', colocate_with => 'gov.approval_case');
SELECT create_distributed_table('gov.budget', 'unit_id');
SELECT create_distributed_table('gov.expense', 'unit_id', colocate_with => 'gov.budget');
SELECT create_distributed_table('gov.payment', 'unit_id', colocate_with => 'gov.budget');
SELECT create_distributed_table('gov.land_fee', 'unit_id', colocate_with => 'gov.budget');
SELECT create_distributed_table('gov.penalty', 'penalty_id');
SELECT create_distributed_table('gov.subsidy_payment', 'payment_id');
SELECT create_distributed_table('gov.project_filing', 'filing_id');
SELECT create_reference_table(t)
  FROM unnest(ARRAY['gov.region', 'gov.unit', 'gov.person', 'gov.person_responsibility', 'gov.enterprise',
                    'gov.shareholding', 'gov.relation', 'gov.category', 'gov.contract_change', 'gov.approval_kind',
                    'gov.expense_category', 'gov.complaint', 'gov.budget_explanation']) t;
