-- The indexes that per-subject evaluation needs (58_key_indexes.sql): the
-- bound views expose subject keys as text, so an index on a bigint key does
-- not serve the watch triggers' filter; cleangov.key_indexes() asks the
-- planner which keys are served, gives the CREATE INDEX for those that are
-- not, and once they exist the scoped query of a bid rule reads the bids by
-- index, not by a scan of the table.
BEGIN;
SELECT plan(12);
SET client_min_messages = warning;
CREATE SCHEMA ki;
-- keys of three kinds: a bigint primary key (tender), a bigint column with
-- a plain index and a hostile name (bid), a text key read through a view
-- (award)
CREATE TABLE ki.tender (tender_id bigint PRIMARY KEY, buyer_id text, unit_code text, method text, period_end timestamptz);
CREATE TABLE ki.bid (bid_id bigint PRIMARY KEY, "Tender ""Key""" bigint NOT NULL, bidder_id text, amount numeric, status text);
CREATE INDEX ki_bid_plain ON ki.bid ("Tender ""Key""");
CREATE TABLE ki.award_t (award_id text PRIMARY KEY, tender_id text NOT NULL, supplier_id text, status text);
CREATE INDEX ki_award_tender ON ki.award_t (tender_id);
CREATE VIEW ki.award AS SELECT award_id, tender_id, supplier_id, status FROM ki.award_t;
SELECT setseed(0.57);
INSERT INTO ki.tender SELECT i, 'B' || (i % 7), 'U' || (i % 5), (ARRAY['open', 'selective'])[1 + i % 2],
                             timestamptz '2026-01-01' + i * interval '1 hour'
  FROM generate_series(1, 4000) i;
INSERT INTO ki.bid SELECT i * 10 + k, i, 'F' || ((i + k) % 50), round((1000 + random() * 1000)::numeric, 2), 'valid'
  FROM generate_series(1, 4000) i, generate_series(1, 1 + i % 4) k;
INSERT INTO ki.award_t SELECT i || '/a', i::text, 'F' || (i % 50), 'active' FROM generate_series(1, 4000) i;
ANALYZE ki.tender, ki.bid, ki.award_t;
SELECT cleangov.bind('tender', 'ki.tender');
SELECT cleangov.bind('bid', 'ki.bid', '{"tender_id": "Tender \"Key\""}');
SELECT cleangov.bind('award', 'ki.award');

SELECT is((SELECT array_agg(shape || '.' || key_column ORDER BY shape) FROM cleangov.key_indexes()),
          '{award.tender_id,bid.tender_id,tender.tender_id}',
          'every grain key of a bound shape is listed, once');
SELECT is((SELECT row(served, create_statement, note) FROM cleangov.key_indexes() WHERE shape = 'bid'),
          row(false, 'CREATE INDEX CONCURRENTLY ON ki.bid (("Tender ""Key"""::text))'::text, NULL::text),
          'a plain index on a bigint key does not serve the text filter: the statement indexes the column cast to text, its name quoted');
SELECT is((SELECT row(served, source_column, create_statement) FROM cleangov.key_indexes() WHERE shape = 'tender'),
          row(false, 'tender_id'::text, 'CREATE INDEX CONCURRENTLY ON ki.tender ((tender_id::text))'::text),
          'nor does a bigint primary key');
SELECT is((SELECT row(served, indexes, create_statement) FROM cleangov.key_indexes() WHERE shape = 'award'),
          row(true, '{ki_award_tender}'::text[], NULL::text),
          'a text key''s index on the base table of a bound view serves it: no statement');

-- the scoped query of a bid rule, as the watch trigger runs it for tender 77
CREATE FUNCTION ki.seq_scans() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE plan jsonb; q text;
BEGIN
  SELECT cleangov.rule_scoped_sql(d, '''{77}''::text[]') INTO q FROM cleangov.rule_definition d WHERE d.rule_code = 'PROC_SINGLE_BIDDER';
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO plan;
  RETURN ARRAY(SELECT DISTINCT n ->> 'Relation Name' FROM jsonb_path_query(plan, 'strict $.**') n
                WHERE jsonb_typeof(n) = 'object' AND n ->> 'Node Type' = 'Seq Scan' ORDER BY 1);
END $$;
SELECT ok('bid' = ANY (ki.seq_scans()) AND 'tender' = ANY (ki.seq_scans()),
          'without them, one tender''s evaluation scans the bids and the tenders whole');

-- the DBA runs the statements (CONCURRENTLY cannot run in this test's transaction)
DO $$
DECLARE s text;
BEGIN
  FOR s IN SELECT create_statement FROM cleangov.key_indexes() WHERE create_statement IS NOT NULL LOOP
    EXECUTE replace(s, ' CONCURRENTLY', '');
  END LOOP;
END $$;
ANALYZE ki.tender, ki.bid;
SELECT is((SELECT bool_and(served) AND bool_and(create_statement IS NULL) FROM cleangov.key_indexes()), true,
          'after the statements every key is served');
SELECT ok((SELECT indexes FROM cleangov.key_indexes() WHERE shape = 'bid') <> '{}'
          AND NOT 'ki_bid_plain' = ANY ((SELECT indexes FROM cleangov.key_indexes() WHERE shape = 'bid')::text[]),
          'by the new expression index, not the plain one');
SELECT is(ki.seq_scans(), '{}', 'and one tender''s evaluation reads no table whole');

-- a key mapped from an expression: no statement, a note
SELECT cleangov.bind('bid', 'ki.bid', '{"tender_id": {"expr": "src.\"Tender \"\"Key\"\"\" + 0"}}');
SELECT is((SELECT row(served, create_statement IS NULL, note LIKE '%expression%') FROM cleangov.key_indexes() WHERE shape = 'bid'),
          row(false, true, true), 'a key mapped from an expression gets a note, not a statement');
-- a view whose base table has no usable index: a note naming the view
DROP INDEX ki.ki_award_tender;
SELECT is((SELECT row(served, create_statement IS NULL, note LIKE 'ki.award is a view%') FROM cleangov.key_indexes() WHERE shape = 'award'),
          row(false, true, true), 'a view''s key without an index on its base table gets a note');

-- as a role that may not read the tables: no answer, not an error
SET LOCAL ROLE cleangov_analyst;
SELECT is((SELECT count(*) FILTER (WHERE served IS NULL AND note LIKE '%may not read%') FROM cleangov.key_indexes()), 3::bigint,
          'a caller who may not read the shapes gets a note for each key');
RESET ROLE;
SELECT is((SELECT count(*) FROM cleangov.key_indexes() WHERE shape = 'fund'), 0::bigint, 'shapes no pass reads by key are not listed');
SELECT * FROM finish();
ROLLBACK;
