-- bench/library.sh, before cleangov is installed: the newest 1 % of the demo's
-- tenders (by published_at, then tender_id) and everything keyed to them (their
-- bids, awards, contracts and contract changes: demo/gen/40_procurement.sql)
-- are moved into schema bench_side.  The full runs of part "run" read the other
-- 99 %; part "incremental" inserts these rows back (library_insert.sql) and
-- times cleangov.run(incremental => true) against a full run.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA bench_side;
CREATE TABLE bench_side.tender AS
SELECT t.* FROM gov.tender t
 ORDER BY t.published_at DESC, t.tender_id DESC
 LIMIT (SELECT ceil(count(*) * 0.01) FROM gov.tender);
ALTER TABLE bench_side.tender ADD PRIMARY KEY (tender_id);
CREATE TABLE bench_side.bid AS SELECT b.* FROM gov.bid b JOIN bench_side.tender USING (tender_id);
CREATE TABLE bench_side.award AS SELECT a.* FROM gov.award a JOIN bench_side.tender USING (tender_id);
CREATE TABLE bench_side.contract AS SELECT c.* FROM gov.contract c JOIN bench_side.tender USING (tender_id);
CREATE TABLE bench_side.contract_change AS
SELECT x.* FROM gov.contract_change x JOIN bench_side.contract c USING (contract_id);
DELETE FROM gov.contract_change x USING bench_side.contract_change s WHERE s.change_id = x.change_id;
DELETE FROM gov.contract x USING bench_side.contract s WHERE s.contract_id = x.contract_id;
DELETE FROM gov.award x USING bench_side.award s WHERE s.award_id = x.award_id;
DELETE FROM gov.bid x USING bench_side.bid s WHERE s.bid_id = x.bid_id;
DELETE FROM gov.tender x USING bench_side.tender s WHERE s.tender_id = x.tender_id;
VACUUM ANALYZE gov.tender, gov.bid, gov.award, gov.contract, gov.contract_change;
SELECT format('   set apart (bench_side): %s tenders, %s bids, %s awards, %s contracts, %s contract changes; published from %s',
              (SELECT count(*) FROM bench_side.tender), (SELECT count(*) FROM bench_side.bid),
              (SELECT count(*) FROM bench_side.award), (SELECT count(*) FROM bench_side.contract),
              (SELECT count(*) FROM bench_side.contract_change),
              (SELECT min(published_at)::date FROM bench_side.tender)) AS side \gset
\echo :side
