-- The closed loop on a Citus coordinator: cleangov's tables are local there,
-- and an alert raised from distributed data is rectified, reviewed and
-- escalated as on one node; a rectification table must be a plain table of
-- the coordinator (a trigger on a distributed one would fire on the workers).
BEGIN;
SELECT plan(5);
SET LOCAL client_min_messages = warning;
CREATE SCHEMA l;
CREATE TABLE l.fix_dist (fix_id bigint, alert_id bigint, note text);
SELECT create_distributed_table('l.fix_dist', 'fix_id');
CREATE TABLE l.fix_ref (fix_id bigint, alert_id bigint, note text);
SELECT create_reference_table('l.fix_ref');
SELECT throws_ok($$SELECT cleangov.attach_rectification('l.fix_dist')$$, '0A000', NULL,
                 'attach_rectification refuses a distributed table (0A000)');
SELECT throws_ok($$SELECT cleangov.attach_rectification('l.fix_ref')$$, '0A000', NULL,
                 'and a reference table');
CREATE TABLE l.fix (fix_id bigint, alert_id bigint, note text);
SELECT lives_ok($$SELECT cleangov.attach_rectification('l.fix')$$, 'a plain table of the coordinator is attached');
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind) VALUES ('L_RULE', 'loop', 'unit');
CREATE TABLE l.a AS SELECT cleangov.raise_alert('L_RULE', 'unit', 'U1', 'U1') AS id;
INSERT INTO l.fix SELECT 1, id, 'fixed' FROM l.a;
SELECT is((SELECT status FROM cleangov.alert WHERE alert_id = (SELECT id FROM l.a)), 'closed',
          'a rectification recorded on the coordinator closes the alert');
SELECT is((SELECT count(*) FROM cleangov.alert_event WHERE alert_id = (SELECT id FROM l.a)), 2::bigint,
          'raised and closed, both in the trail');
SELECT * FROM finish();
ROLLBACK;
