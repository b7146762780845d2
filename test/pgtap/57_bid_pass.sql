-- The shared bid pass (issue 15, part 2): the bid rules that read the passes
-- tender_bids and processes (55_pass.sql) are evaluated by run() in one
-- query that reads the bids once, and give the hits each gives alone; those
-- whose subjects are tenders (R035, R036, PROC_SINGLE_BIDDER,
-- PROC_BID_RIGGING_SCREEN) are evaluated in real time for the tenders a
-- statement touched, with the population statistics run() stored, and
-- raise exactly the tender hits of a whole evaluation.  The data is
-- generated, not designed for the rules: 300 tenders of three methods, 1 to
-- 7 bids each with statuses, currencies, late bids and repeated amounts, an
-- award to the lowest valid bid (or none, or a pending one).
BEGIN;
SELECT plan(13);
SET client_min_messages = warning;
CREATE SCHEMA bp;
CREATE TABLE bp.tender (tender_id text PRIMARY KEY, buyer_id text, unit_code text, method text, period_end timestamptz,
                        procuring_entity_id text);
CREATE TABLE bp.bid (bid_id text PRIMARY KEY, tender_id text NOT NULL, bidder_id text, amount numeric, status text,
                     currency text, submitted_at timestamptz);
CREATE INDEX ON bp.bid (tender_id);
CREATE TABLE bp.award (award_id text PRIMARY KEY, tender_id text NOT NULL, supplier_id text, status text);
CREATE INDEX ON bp.award (tender_id);
SELECT setseed(0.27);
CREATE TABLE bp.g_tender AS
SELECT i, 'T' || lpad(i::text, 4, '0') AS tender_id, 'B' || (i % 7) AS buyer_id, 'U' || (i % 5) AS unit_code,
       (ARRAY['open', 'selective', 'limited'])[1 + i % 3] AS method,
       timestamptz '2026-01-01 12:00+00' + i * interval '1 day' AS period_end, 'P' || (i % 4) AS procuring_entity_id,
       round((1000 + random() * 9000)::numeric, 2) AS w,
       CASE WHEN random() < 0.15 THEN 1 ELSE 2 + floor(random() * 6)::int END AS n
  FROM generate_series(1, 300) i;
CREATE TABLE bp.g_bid AS
SELECT g.i, g.tender_id || '/' || k AS bid_id, g.tender_id, 'F' || ((g.i * 7 + k * 13) % 40) AS bidder_id,
       -- the first bid at w; every 20th tender: the second bid repeats it
       CASE WHEN k = 1 OR (g.i % 20 = 0 AND k = 2) THEN g.w
            ELSE round((g.w * (1 + 0.03 * (k - 1) + random() * 0.2))::numeric, 2) END AS amount,
       -- F3 is always disqualified (R038)
       CASE WHEN (g.i * 7 + k * 13) % 40 = 3 OR random() < 0.12 THEN 'disqualified' WHEN random() < 0.04 THEN 'invited'
            WHEN random() < 0.04 THEN 'withdrawn' WHEN random() < 0.05 THEN NULL ELSE 'valid' END AS status,
       CASE WHEN random() < 0.05 THEN NULL WHEN random() < 0.04 THEN 'USD' ELSE 'CNY' END AS currency,
       g.period_end - (random() * 200) * interval '1 hour' + CASE WHEN random() < 0.05 THEN interval '30 hours' ELSE interval '0' END AS submitted_at
  FROM bp.g_tender g CROSS JOIN LATERAL generate_series(1, g.n) k;
-- the award: to the lowest bid that is valid (status NULL counts as valid);
-- every 25th tender has none, every 31st a pending one
CREATE TABLE bp.g_award AS
SELECT g.i, g.tender_id || '/a' AS award_id, g.tender_id,
       (SELECT b.bidder_id FROM bp.g_bid b WHERE b.i = g.i AND coalesce(b.status, 'valid') = 'valid' ORDER BY b.amount, b.bid_id LIMIT 1) AS supplier_id,
       CASE WHEN g.i % 31 = 0 THEN 'pending' ELSE 'active' END AS status
  FROM bp.g_tender g WHERE g.i % 25 <> 0;
CREATE FUNCTION bp.load(a int, b int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO bp.tender SELECT tender_id, buyer_id, unit_code, method, period_end, procuring_entity_id FROM bp.g_tender WHERE i BETWEEN a AND b;
  INSERT INTO bp.bid SELECT bid_id, tender_id, bidder_id, amount, status, currency, submitted_at FROM bp.g_bid WHERE i BETWEEN a AND b;
  INSERT INTO bp.award SELECT award_id, tender_id, supplier_id, status FROM bp.g_award WHERE i BETWEEN a AND b;
$$;
-- one tender at a time: the tender, its bids in one statement, its award
CREATE FUNCTION bp.load_tenders(a int, b int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN a .. b LOOP
    PERFORM bp.load(i, i);
  END LOOP;
END $$;
SELECT cleangov.bind('tender', 'bp.tender');
SELECT cleangov.bind('bid', 'bp.bid');
SELECT cleangov.bind('award', 'bp.award');
UPDATE cleangov.rule SET enabled = rule_code IN ('R025', 'R028', 'R030', 'R035', 'R036', 'R038', 'PROC_SINGLE_BIDDER', 'PROC_BID_RIGGING_SCREEN');
-- fences over the 100 tenders of a method, not 30 of the demo's thousands
UPDATE cleangov.rule SET thresholds = thresholds || '{"min_peers": 20, "min_screens": 1}' WHERE rule_code = 'PROC_BID_RIGGING_SCREEN';

SELECT is((SELECT count(DISTINCT cleangov.pass_group(d)) FROM cleangov.rule_definition d
            WHERE d.rule_code IN ('R025', 'R028', 'R030', 'R035', 'R036', 'R038', 'PROC_SINGLE_BIDDER', 'PROC_BID_RIGGING_SCREEN')),
          1::bigint, 'the rules reading tender_bids, or tender_bids and processes, are one group: passes without thresholds join any group');
SELECT isnt((SELECT cleangov.pass_group(d) FROM cleangov.rule_definition d WHERE d.rule_code = 'R024'),
            (SELECT cleangov.pass_group(d) FROM cleangov.rule_definition d WHERE d.rule_code = 'R028'),
            'a rule reading a pass with thresholds (price_gaps) is in a group of its own');

-- Whole runs: one query, the bids read once, the same hits as each alone.
SELECT bp.load(1, 200);
CREATE TEMP TABLE alone AS SELECT (NULL::cleangov.hit).* LIMIT 0;
DO $$
DECLARE d cleangov.rule_definition;
BEGIN
  FOR d IN SELECT x.* FROM cleangov.rule_definition x JOIN cleangov.rule r USING (rule_code) WHERE r.enabled LOOP
    EXECUTE 'INSERT INTO alone SELECT (h).* FROM (' || cleangov.rule_sql(d.rule_code) || ') x';
  END LOOP;
END $$;
SELECT cmp_ok((SELECT count(DISTINCT rule_code) FROM alone), '>=', 7::bigint, 'at least seven of the eight rules have hits on the data (R025''s fence is rarely above 0)');
CREATE TEMP TABLE reads_before AS SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) AS n FROM pg_stat_xact_user_tables WHERE relid = 'bp.bid'::regclass;
SELECT is((SELECT count(*) FROM cleangov.run() WHERE status = 'ok'), 8::bigint, 'run(): the eight rules run');
SELECT is((SELECT count(*) FROM cleangov.run_log WHERE message LIKE 'evaluated in one query with%'), 8::bigint,
          'the eight rules are evaluated in one query');
SELECT cmp_ok((SELECT (x.seq_tup_read + coalesce(x.idx_tup_fetch, 0) - (SELECT n FROM reads_before))::float8 / (SELECT count(*) FROM bp.bid)
                 FROM pg_stat_xact_user_tables x WHERE x.relid = 'bp.bid'::regclass),
              '<=', 2::float8, 'the bids are read at most twice by run(): once by the pass, once counted (eight times before the pass)');
SELECT set_eq($$SELECT rule_code, subject_kind, subject_key, value, threshold, evidence - 'statistics_refresh' FROM cleangov.alert$$,
              $$SELECT rule_code, subject_kind, subject_key, value, threshold, evidence FROM alone$$,
              'the one query raises exactly the hits each rule gives alone');
SELECT is((SELECT count(*) FROM cleangov.rule_statistic WHERE rule_code IN ('R036', 'PROC_BID_RIGGING_SCREEN')), 2::bigint,
          'run() stores the main currency of R036 and the fences of the screens');
SELECT is((SELECT statistics -> 0 ->> 'currency' FROM cleangov.rule_statistic WHERE rule_code = 'R036'), 'CNY', 'the main currency is CNY');

-- Real time: the four rules with the grain tender, watched on the three tables.
SELECT is((SELECT array_agg(rule_code ORDER BY rule_code) FROM cleangov.rule_definition x JOIN cleangov.rule r USING (rule_code)
            WHERE r.enabled AND x.grain = 'tender'),
          ARRAY['PROC_BID_RIGGING_SCREEN', 'PROC_SINGLE_BIDDER', 'R035', 'R036'],
          'the rules of the pass whose subjects are tenders have the grain tender; R025, R038 (other subjects), R028 and R030 (consortium members read directly) not');
UPDATE cleangov.rule_definition SET realtime = true WHERE rule_code IN ('R035', 'R036', 'PROC_SINGLE_BIDDER', 'PROC_BID_RIGGING_SCREEN');
SELECT cleangov.watch(t) FROM unnest(ARRAY['bp.tender', 'bp.bid', 'bp.award']::regclass[]) t;
CREATE TEMP TABLE before_rt AS SELECT alert_id FROM cleangov.alert;
SELECT bp.load_tenders(201, 250);
SELECT bp.load(251, 300);
CREATE TEMP TABLE expected (rule_code text, subject_key text, value float8, threshold float8, evidence jsonb);
DO $$
DECLARE d cleangov.rule_definition;
BEGIN
  FOR d IN SELECT x.* FROM cleangov.rule_definition x WHERE x.realtime AND x.grain = 'tender' LOOP
    EXECUTE 'INSERT INTO expected SELECT (h).rule_code, (h).subject_key, (h).value, (h).threshold, (h).evidence FROM ('
            || cleangov.rule_scoped_sql(d, NULL) || ') x WHERE (h).subject_kind = ''tender'' AND (h).subject_key > ''T0200''';
  END LOOP;
END $$;
SELECT cmp_ok((SELECT count(DISTINCT rule_code) FROM expected), '>=', 3::bigint, 'the written tenders have hits of at least three of the four rules');
SELECT set_eq($$SELECT rule_code, subject_key, value, threshold, evidence FROM cleangov.alert
                 WHERE subject_kind = 'tender' AND NOT alert_id IN (SELECT alert_id FROM before_rt)$$,
              $$SELECT * FROM expected$$,
              'the watch triggers raise exactly the whole evaluation''s tender hits, tender by tender and in one statement');
SELECT is((SELECT count(*) FROM cleangov.alert a WHERE a.rule_code IN ('R036', 'PROC_BID_RIGGING_SCREEN') AND NOT alert_id IN (SELECT alert_id FROM before_rt)
             AND evidence ->> 'statistics_refresh' IS DISTINCT FROM (SELECT s.refresh_id::text FROM cleangov.rule_statistic s WHERE s.rule_code = a.rule_code)),
          0::bigint, 'each real-time alert of R036 and the screens names the refresh of the statistics it used');
SELECT * FROM finish();
ROLLBACK;
