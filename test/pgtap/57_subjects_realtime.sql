-- Set rules in real time for the subjects a statement reaches (issue 15):
-- the four price-gap rules (one shared pass, population statistics) watched
-- on the tender, bid and award tables.  Tenders 1-300 are loaded and run()
-- stores the statistics; tenders 301-360 are then written row by row and
-- 361-420 in one statement per table.  The tender alerts the watch triggers
-- raise must be exactly the hits of a whole evaluation over all the data
-- with the same statistics, and a batch run keeping them must then raise and
-- refresh no tender alert.
BEGIN;
SELECT plan(10);
\ir subjects_data.psql
SET client_min_messages = warning;

SELECT rt.load(1, 300);
SELECT is((SELECT count(*) FROM cleangov.run() WHERE status = 'ok'), 4::bigint, 'run(): the four price-gap rules run');
SELECT is((SELECT count(*) FROM cleangov.rule_statistic), 4::bigint, 'run() stores the statistics of the four rules');
SELECT is((SELECT count(*) FROM cleangov.run_log WHERE message LIKE 'evaluated in one query with%'), 4::bigint,
          'the four rules share their pass: one query');
SELECT is((SELECT array_agg(rule_code ORDER BY rule_code) FROM cleangov.rule_definition WHERE grain = 'tender'),
          ARRAY['PROC_BID_RIGGING_SCREEN', 'PROC_CLOSE_SECOND_BID', 'PROC_DISCOUNTED_WINNER', 'PROC_SINGLE_BIDDER', 'R024', 'R035', 'R036', 'R058'],
          'the four rules have the grain tender (and the bid rules of pass tender_bids whose subjects are tenders: 57_bid_pass.sql)');

UPDATE cleangov.rule_definition SET realtime = true WHERE rule_code IN ('R024', 'R058', 'PROC_CLOSE_SECOND_BID', 'PROC_DISCOUNTED_WINNER');
SELECT cleangov.watch(t) FROM unnest(ARRAY['rt.tender', 'rt.bid', 'rt.award']::regclass[]) t;
CREATE TEMP TABLE before_rt AS SELECT alert_id FROM cleangov.alert;
SELECT rt.load_rows(301, 360);
SELECT rt.load(361, 420);

-- The expected hits: every rule evaluated whole with the statistics stored.
CREATE TEMP TABLE expected (rule_code text, subject_key text, value float8, threshold float8, evidence jsonb);
DO $$
DECLARE d cleangov.rule_definition;
BEGIN
  FOR d IN SELECT x.* FROM cleangov.rule_definition x JOIN cleangov.rule r USING (rule_code) WHERE x.grain = 'tender' AND r.enabled LOOP
    EXECUTE 'INSERT INTO expected SELECT (h).rule_code, (h).subject_key, (h).value, (h).threshold, (h).evidence FROM ('
            || cleangov.rule_scoped_sql(d, NULL) || ') x WHERE (h).subject_kind = ''tender'' AND (h).subject_key > ''T0300''';
  END LOOP;
END $$;
SELECT cmp_ok((SELECT count(*) FROM expected WHERE subject_key <= 'T0360'), '>', 0::bigint, 'the tenders written row by row have hits');
SELECT cmp_ok((SELECT count(*) FROM expected WHERE subject_key > 'T0360'), '>', 0::bigint, 'the tenders written in one statement have hits');
SELECT set_eq($$SELECT rule_code, subject_key, value, threshold, evidence FROM cleangov.alert
                 WHERE subject_kind = 'tender' AND NOT alert_id IN (SELECT alert_id FROM before_rt)$$,
              $$SELECT * FROM expected$$,
              'the watch triggers raise exactly the whole evaluation''s tender hits, row by row and in one statement');
SELECT is((SELECT count(*) FROM cleangov.alert a WHERE subject_kind = 'tender' AND NOT alert_id IN (SELECT alert_id FROM before_rt)
             AND evidence ->> 'statistics_refresh' IS DISTINCT FROM (SELECT s.refresh_id::text FROM cleangov.rule_statistic s WHERE s.rule_code = a.rule_code)),
          0::bigint, 'each real-time alert names the refresh of the statistics it used');
-- Real time raises the tenders' alerts only: the tenderers R024 and R058 flag
-- over all their processes wait for a whole run.
SELECT is((SELECT count(*) FROM cleangov.alert WHERE subject_kind <> 'tender' AND NOT alert_id IN (SELECT alert_id FROM before_rt)),
          0::bigint, 'no tenderer alert in real time');
CREATE TEMP TABLE before_run AS SELECT max(event_id) AS e FROM cleangov.alert_event;
SELECT cleangov.run(refresh_statistics => false);
SELECT is((SELECT count(*) FROM cleangov.alert_event v JOIN cleangov.alert a USING (alert_id)
            WHERE a.subject_kind = 'tender' AND v.event_id > (SELECT e FROM before_run) AND v.event IN ('raised', 'refreshed')),
          0::bigint, 'a batch run with the same statistics raises and refreshes no tender alert');
SELECT * FROM finish();
ROLLBACK;
