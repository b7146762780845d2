-- watch() tells the DBA when a rule evaluated per subject would scan a
-- table whole on every statement (58_key_indexes.sql), and says nothing
-- once the index exists.  The text of the NOTICE is the test.
BEGIN;
SET client_min_messages = notice;
CREATE SCHEMA kx;
CREATE TABLE kx.tender (tender_id bigint PRIMARY KEY, buyer_id text, unit_code text, method text, period_end timestamptz);
CREATE TABLE kx.bid (bid_id bigint PRIMARY KEY, tender_id bigint NOT NULL, bidder_id text, amount numeric, status text);
CREATE TABLE kx.award (award_id text PRIMARY KEY, tender_id text NOT NULL, supplier_id text, status text);
CREATE INDEX ON kx.award (tender_id);
SET client_min_messages = warning;
SELECT cleangov.bind('tender', 'kx.tender') IS NOT NULL AS bound;
SELECT cleangov.bind('bid', 'kx.bid') IS NOT NULL AS bound;
SELECT cleangov.bind('award', 'kx.award') IS NOT NULL AS bound;
UPDATE cleangov.rule_definition SET realtime = (rule_code = 'PROC_SINGLE_BIDDER') WHERE kind = 'set';
SET client_min_messages = notice;
-- two keys unserved: the bids' and the tenders'
SELECT cleangov.watch('kx.bid');
SET client_min_messages = warning;
SELECT cleangov.unwatch('kx.bid');
SET client_min_messages = notice;
CREATE INDEX ON kx.bid ((tender_id::text));
CREATE INDEX ON kx.tender ((tender_id::text));
-- served: no notice
SELECT cleangov.watch('kx.bid');
-- a rule evaluated whole (no grain) needs no key index: no notice either
DROP INDEX kx.bid_tender_id_idx;
SET client_min_messages = warning;
SELECT cleangov.unwatch('kx.bid');
SET client_min_messages = notice;
UPDATE cleangov.rule_definition SET realtime = false WHERE rule_code = 'PROC_SINGLE_BIDDER';
SELECT cleangov.watch('kx.bid');
ROLLBACK;
