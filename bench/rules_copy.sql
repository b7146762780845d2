-- bench/rules.sh, part (a), run :i: COPY of the contract rows written by
-- rules_setup.sql from :file into erp.contracts, unwatched then watched (10
-- row rules); the table is truncated and the alerts removed before each COPY.
-- Times (ms) go to bench.result, as part :part ('copy', or 'copy mapped' in
-- part (d)).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off

\echo '   run' :i 'unwatched'
CALL bench.reset();
SELECT clock_timestamp() AS t0 \gset
COPY erp.contracts (buyer, supplier, price, unit, tender_no, method, category, item_class, ref_price,
                    random_draw, signed_on, project_no, note) FROM :'file';
INSERT INTO bench.result VALUES (:'part', 'unwatched', :i, extract(epoch FROM clock_timestamp() - :'t0') * 1000);

\echo '   run' :i 'watched'
CALL bench.reset();
SELECT cleangov.watch('erp.contracts') \gset
SELECT clock_timestamp() AS t0 \gset
COPY erp.contracts (buyer, supplier, price, unit, tender_no, method, category, item_class, ref_price,
                    random_draw, signed_on, project_no, note) FROM :'file';
INSERT INTO bench.result VALUES (:'part', 'watched', :i, extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SELECT cleangov.unwatch('erp.contracts') \gset
INSERT INTO bench.result SELECT :'part', 'alerts raised', :i, count(*) FROM cleangov.alert;
