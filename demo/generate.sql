-- cleangov demo data set generator.
--
--   psql -v seed=42 -v tenders=2000 -f demo/generate.sql
--
-- Builds schemas gov (a synthetic Chinese local-government database) and truth
-- (the planted cases and near-misses) deterministically from the seed: the same
-- seed and scale give byte-identical data (demo/checksum.sql).  Works on a plain
-- PostgreSQL 15 database; needs nothing of cleangov.  Drops and recreates gov,
-- truth and gen.  Optional variables:
--   seed        (default 42)
--   tenders     (default 2000; other tables scale with it)
--   rate_scale  (default 1; multiplies every planting rate, see gen.plant_rate)
--   keep_gen    (default 0; 1 keeps the generator schema gen for inspection)
--   incidental  (default 1; 0 skips the search for background cases that meet a
--                reference definition by chance: faster at large scale, but
--                truth.planted then holds only the planted cases)
-- See doc/demo.md.
\set ON_ERROR_STOP on
\if :{?seed} \else \set seed 42 \endif
\if :{?tenders} \else \set tenders 2000 \endif
\if :{?rate_scale} \else \set rate_scale 1 \endif
\if :{?keep_gen} \else \set keep_gen 0 \endif
\if :{?incidental} \else \set incidental 1 \endif
SET client_min_messages = warning;
SET synchronous_commit = off;
SET work_mem = '256MB';
SET maintenance_work_mem = '512MB';
SET jit = off;
\timing off
SELECT clock_timestamp() AS gen_started \gset

DROP SCHEMA IF EXISTS gov CASCADE;
DROP SCHEMA IF EXISTS truth CASCADE;
DROP SCHEMA IF EXISTS gen CASCADE;

\ir gen/00_functions.sql
\ir gen/10_schema.sql
\ir gen/20_reference.sql
\ir gen/30_people.sql
\ir gen/40_procurement.sql
\ir gen/45_entities.sql
\ir gen/48_persons.sql
\ir gen/50_approvals.sql
\ir gen/60_funds.sql
\ir gen/70_identity.sql
\ir gen/80_keys.sql
ANALYZE gov.tender, gov.bid, gov.award, gov.contract, gov.contract_change, gov.enterprise, gov.shareholding, gov.person,
        gov.relation, gov.approval_case, gov.approval_step, gov.budget, gov.expense, gov.budget_explanation, gov.land_fee,
        gov.project_filing, gov.subsidy_payment, gov.person_responsibility;
\unset skip_incidental
\if :incidental
\ir gen/85_truth.sql
\else
\set skip_incidental 1
\ir gen/85_truth.sql
\endif

\if :keep_gen
\else
DROP SCHEMA gen CASCADE;
\endif
ANALYZE;
SELECT format('cleangov demo data set: seed %s, %s tenders, %s bids, %s contracts, %s planted cases, %s near-misses, %s s',
              :'seed', (SELECT count(*) FROM gov.tender), (SELECT count(*) FROM gov.bid), (SELECT count(*) FROM gov.contract),
              (SELECT count(*) FROM truth.planted), (SELECT count(*) FROM truth.near_miss),
              round(extract(epoch FROM clock_timestamp() - :'gen_started'::timestamptz)::numeric, 1)) AS generated;
