-- bench/library.sh, part "realtime", after the demo is bound and one full
-- run has raised its alerts (the steady state of a watched table): the
-- templates of the new tenders and bids, the COPY file, and the bid rules
-- made realtime.  New rows are copies of the demo's own tenders and bids
-- under new keys (tender_id + c * 10^8, bid_id + c * 32 * 10^8, c >= 1: the
-- demo's bid_id is tender_id * 32 + j), so their prices, bidders and
-- patterns are the demo's.  Variables: file (the COPY file, written by the
-- server), copy_bids (bids in it).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA bench_rt;
CREATE TABLE bench_rt.tender AS SELECT * FROM gov.tender;
ALTER TABLE bench_rt.tender ADD PRIMARY KEY (tender_id);
-- pgbench: client c (0-3) inserts the bids of the template tenders whose rank
-- is c modulo 4, in order (j = 0, 1, ...); the first bid of a tender brings
-- its tender row in the same statement, so no client waits for another's.
CREATE TABLE bench_rt.bid AS
SELECT b.*, x.client, row_number() OVER (PARTITION BY x.client ORDER BY b.tender_id, b.bid_id) - 1 AS j,
       row_number() OVER (PARTITION BY b.tender_id ORDER BY b.bid_id) = 1 AS first
  FROM gov.bid b
  JOIN (SELECT tender_id, (dense_rank() OVER (ORDER BY tender_id) - 1) % 4 AS client
          FROM (SELECT DISTINCT tender_id FROM gov.bid) t) x USING (tender_id);
CREATE UNIQUE INDEX ON bench_rt.bid (client, j);
ANALYZE bench_rt.tender, bench_rt.bid;
-- every client's list is as long as the shortest; past its end a client goes
-- round again with the next key offset
SELECT min(n) AS rt_len FROM (SELECT count(*) AS n FROM bench_rt.bid GROUP BY client) c \gset
\echo '   pgbench templates:' :rt_len 'bids per client'

-- The COPY: the first :copy_bids bids in key order, offset 99; their tenders
-- are inserted before each COPY (bench_rt.copy_tenders()).
CREATE TABLE bench_rt.copy_bid AS
SELECT * FROM gov.bid ORDER BY tender_id, bid_id LIMIT :copy_bids;
COPY (SELECT bid_id + 99 * 3200000000::bigint, tender_id + 99 * 100000000::bigint, enterprise_id, price, submitted_at, status
        FROM bench_rt.copy_bid ORDER BY bid_id) TO :'file';
CREATE PROCEDURE bench_rt.copy_tenders() LANGUAGE sql AS $$
  INSERT INTO gov.tender
  SELECT t.tender_id + 99 * 100000000::bigint, t.title, t.buyer_unit_id, t.category, t.method, t.estimated_value,
         t.market_reference_price, t.published_at, t.submission_deadline, t.status
    FROM bench_rt.tender t WHERE t.tender_id IN (SELECT c.tender_id FROM bench_rt.copy_bid c)
$$;
-- back to the demo as generated (the alerts raised stay)
CREATE PROCEDURE bench_rt.reset() LANGUAGE sql AS $$
  DELETE FROM gov.bid WHERE bid_id >= 3200000000;
  DELETE FROM gov.tender WHERE tender_id >= 100000000;
$$;
SELECT format('   COPY file: %s bids of %s new tenders', count(*), count(DISTINCT tender_id)) AS c
  FROM bench_rt.copy_bid \gset
\echo :c

-- Every enabled set rule that reads shape bid is made realtime (row rules of
-- the bid shape, if any, are always watched); with rt_rules=grain only those
-- that can be evaluated for the tenders a statement reached (a grain).
\if :{?rt_rules} \else \set rt_rules all \endif
UPDATE cleangov.rule_definition d SET realtime = true
  FROM cleangov.rule r
 WHERE r.rule_code = d.rule_code AND r.enabled AND d.kind = 'set' AND 'bid' = ANY (d.reads) AND NOT d.realtime
   AND (:'rt_rules' <> 'grain' OR d.grain IS NOT NULL);
SELECT string_agg(d.rule_code, ' ' ORDER BY d.rule_code) AS rt_rules, count(*) AS rt_n
  FROM cleangov.rule_definition d JOIN cleangov.rule r USING (rule_code)
 WHERE r.enabled AND ((d.kind = 'set' AND d.realtime AND 'bid' = ANY (d.reads)) OR (d.kind = 'row' AND d.shape = 'bid')) \gset
\echo '   rules evaluated on writes to the bid table (' :rt_n '):' :rt_rules
