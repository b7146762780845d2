-- bench/library.sh, part "incremental": the tenders set apart by
-- library_side.sql come back, with their bids, awards, contracts and changes,
-- in the order a feed would bring them (the tender before what refers to it).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
INSERT INTO gov.tender SELECT * FROM bench_side.tender ORDER BY tender_id;
INSERT INTO gov.bid SELECT * FROM bench_side.bid ORDER BY bid_id;
INSERT INTO gov.award SELECT * FROM bench_side.award ORDER BY award_id;
INSERT INTO gov.contract SELECT * FROM bench_side.contract ORDER BY contract_id;
INSERT INTO gov.contract_change SELECT * FROM bench_side.contract_change ORDER BY change_id;
SELECT format('   inserted: %s tenders, %s bids, %s awards, %s contracts, %s contract changes',
              (SELECT count(*) FROM bench_side.tender), (SELECT count(*) FROM bench_side.bid),
              (SELECT count(*) FROM bench_side.award), (SELECT count(*) FROM bench_side.contract),
              (SELECT count(*) FROM bench_side.contract_change)) AS ins \gset
\echo :ins
