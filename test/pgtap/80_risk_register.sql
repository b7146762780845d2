-- The risk catalogue (seed 001's risk map) and the risk registers: every
-- transition legal and refused with its SQLSTATE, the coverage view, the
-- report, row-level security as the inspector, the analyst and the admin.
BEGIN;
SELECT plan(62);

-- The catalogue: 8 domains on the map, seed 001's 23 scenarios and seed 004's
-- directed matching in them, every rule held to it.
SELECT is((SELECT count(*)::int FROM cleangov.domain_info WHERE map_position IS NOT NULL), 8,
          'eight high-risk domains on the risk map');
SELECT is((SELECT count(*)::int FROM cleangov.risk_catalogue WHERE on_map), 24,
          'twenty-four scenarios in the eight domains (seed 001''s 23 and seed 004''s directed matching)');
SELECT is((SELECT array_agg(scenario ORDER BY scenario) FROM cleangov.risk_scenario WHERE scenario IN ('bid rigging', 'eating off enterprises', 'favouring relatives')),
          '{"bid rigging","eating off enterprises","favouring relatives"}', 'the three scenarios seed 001 names are in it');
SELECT is((SELECT count(*)::int FROM cleangov.rule r WHERE r.shipped AND r.scenario IS NOT NULL
            AND NOT EXISTS (SELECT FROM cleangov.risk_scenario s WHERE s.scenario = r.scenario)), 0,
          'every shipped rule''s scenario is in the catalogue');
SELECT is((SELECT count(*)::int FROM cleangov.rule r WHERE r.shipped AND r.scenario IS NULL), 0,
          'every shipped rule has a scenario');
SELECT throws_ok($$INSERT INTO cleangov.rule (rule_code, name_en, scenario) VALUES ('CAT_X', 'x', 'no such scenario')$$,
                 '23503', NULL, 'a rule''s scenario must be in the catalogue');
SELECT lives_ok($$INSERT INTO cleangov.rule (rule_code, name_en, domain, scenario) VALUES ('CAT_Y', 'y', 'anything', NULL)$$,
                'a rule without a scenario and with a domain of its own stays valid');
SELECT throws_ok($$DELETE FROM cleangov.risk_scenario WHERE scenario = 'bid rigging'$$,
                 '23503', NULL, 'a scenario that rules use cannot be deleted');
SELECT lives_ok($$INSERT INTO cleangov.risk_scenario (scenario, domain, label_en, label_zh) VALUES ('my scenario', 'funds', 'mine', '自定')$$,
                'a user adds a scenario of its own');
SELECT is((SELECT shipped FROM cleangov.risk_scenario WHERE scenario = 'my scenario'), false, '... not shipped (so it is dumped)');
SELECT throws_ok($$INSERT INTO cleangov.risk_scenario (scenario, domain, label_en, label_zh) VALUES ('other', 'no domain', 'o', 'o')$$,
                 '23503', NULL, 'a scenario''s domain must be a domain');

CREATE ROLE t_insp_a IN ROLE cleangov_inspector;
CREATE ROLE t_insp_b IN ROLE cleangov_inspector;
CREATE ROLE t_analyst IN ROLE cleangov_analyst;
INSERT INTO cleangov.unit (unit_code, parent_code, name, name_zh, region_code) VALUES
  ('RR-CITY', NULL, 'City', '市', 'R1'), ('RR-A', 'RR-CITY', 'Bureau A', 'A局', 'R1'), ('RR-B', 'RR-CITY', 'Town B', 'B镇', 'R2');
INSERT INTO cleangov.unit_assignment VALUES ('t_insp_a', 'RR-A'), ('t_insp_b', 'RR-B');
-- only the test's rules count in the coverage below
UPDATE cleangov.rule SET enabled = false WHERE rule_code NOT IN ('CAT_Y');
INSERT INTO cleangov.rule (rule_code, name_en, scenario) VALUES
  ('RR_FEE', 'fee collection rule', 'fee collection'), ('RR_WAIVE', 'waiver rule', 'fee waiver');

SET ROLE t_insp_a;
SELECT throws_ok($$SELECT cleangov.open_register(NULL)$$, '22004', NULL, 'open_register: NULL unit refused');
SELECT throws_ok($$SELECT cleangov.open_register('RR-A', 0)$$, '22023', NULL, 'open_register: review_days 0 refused');
SELECT throws_ok($$SELECT cleangov.open_register('RR-NONE')$$, '42704', NULL, 'open_register: unknown unit refused');
SELECT throws_ok($$SELECT cleangov.open_register('RR-B')$$, '42704', 'unit ''RR-B'' does not exist',
                 'open_register: a unit not assigned is refused like a missing one');
SELECT is((cleangov.open_register('RR-A', 365, 'first register')).unit_code, 'RR-A', 'open_register: the inspector opens its unit''s register');
SELECT throws_ok($$SELECT cleangov.open_register('RR-A')$$, '42710', NULL, 'open_register: a second register is refused');
SELECT is((SELECT by_role::text FROM cleangov.risk_register_event WHERE unit_code = 'RR-A' AND event = 'opened'), 't_insp_a',
          'the opening is an event by the inspector');

SELECT throws_ok($$SELECT cleangov.add_risk_point('RR-A', 'fee waiver', 'fees waived', 'Wang', '')$$, '22004', NULL,
                 'add_risk_point: no measures refused');
SELECT throws_ok($$SELECT cleangov.add_risk_point('RR-A', 'no such', 'x', 'Wang', 'm')$$, '42704', NULL,
                 'add_risk_point: a scenario not in the catalogue refused');
SELECT throws_ok($$SELECT cleangov.add_risk_point('RR-A', 'fee waiver', 'x', 'Wang', 'm', NULL, NULL, ARRAY['NO_RULE'])$$, '42704', NULL,
                 'add_risk_point: an unknown rule refused');
SELECT throws_ok($$SELECT cleangov.add_risk_point('RR-CITY', 'fee waiver', 'x', 'Wang', 'm')$$, '42704', NULL,
                 'add_risk_point: a unit without a (visible) register refused');
SELECT is((cleangov.add_risk_point('RR-A', 'fee waiver', 'fees waived for a developer', 'Wang (deputy head)',
                                   'collective decision; publish every waiver', 'Land office', 'Fee clerk')).layer,
          'post', 'add_risk_point: a point at post level');
SELECT is((cleangov.add_risk_point('RR-A', 'fee collection', 'fees left uncollected', 'Li (head)', 'monthly collection report', 'Land office')).layer,
          'office', 'add_risk_point: a point at office level');
SELECT is((cleangov.add_risk_point('RR-A', 'selective enforcement', 'inspections skipped for friends', 'Zhao', 'random inspection lists')).layer,
          'unit', 'add_risk_point: a point at unit level');
\set selective `echo "(SELECT point_id FROM cleangov.risk_point WHERE scenario = 'selective enforcement')"`
SELECT is((SELECT count(*)::int FROM cleangov.risk_register_event WHERE unit_code = 'RR-A' AND event = 'point_added'), 3,
          'every point added is an event');

-- coverage: RR_WAIVE and RR_FEE watch their points by scenario; nothing
-- watches the selective-enforcement point; CAT_Y watches nothing.
SELECT is((SELECT array_agg(gap || ':' || coalesce(rule_code, scenario) ORDER BY gap, rule_code, scenario) FROM cleangov.risk_coverage),
          '{unplaced_rule:CAT_Y,"unwatched_point:selective enforcement"}', 'coverage: one unwatched point, one unplaced rule');
SELECT is(cleangov.link_rule(:selective, 'CAT_Y'), true, 'link_rule: a new link');
SELECT is(cleangov.link_rule(:selective, 'CAT_Y'), false, 'link_rule: the same link again changes nothing');
SELECT throws_ok($$SELECT cleangov.link_rule(1e12::bigint, 'CAT_Y')$$, '42704', NULL, 'link_rule: unknown point refused');
SELECT throws_ok(format($$SELECT cleangov.link_rule(%s, 'NO_RULE')$$, :selective), '42704', NULL, 'link_rule: unknown rule refused');
SELECT is((SELECT count(*)::int FROM cleangov.risk_coverage), 0, 'coverage: the link closes both gaps');
SELECT is((SELECT how FROM cleangov.risk_point_watch WHERE point_id = :selective), 'linked', 'the watch is by link');
RESET ROLE;
UPDATE cleangov.rule SET enabled = false WHERE rule_code = 'RR_WAIVE';
SET ROLE t_insp_a;
SELECT is((SELECT array_agg(gap || ':' || coalesce(rule_code, scenario)) FROM cleangov.risk_coverage),
          '{"unwatched_point:fee waiver"}', 'coverage: a disabled rule watches nothing');
SELECT ok(cleangov.risk_register_report('RR-A') ~ '违规减免土地出让金 / land-transfer fees waived against the rules'
          AND cleangov.risk_register_report('RR-A') ~ '岗位 post Land office / Fee clerk'
          AND cleangov.risk_register_report('RR-A') ~ 'Watched by: 无 none \(coverage gap\)'
          AND cleangov.risk_register_report('RR-A') ~ 'Watched by: CAT_Y \(linked\)'
          AND cleangov.risk_register_report('RR-A') ~ 'Last review: 未复核 never',
          'the report shows the points by layer, their watchers and the gaps');
SELECT is(cleangov.unlink_rule(:selective, 'CAT_Y'), true, 'unlink_rule: removes the link');
SELECT is(cleangov.unlink_rule(:selective, 'CAT_Y'), false, 'unlink_rule: nothing left to remove');

SELECT throws_ok(format($$SELECT cleangov.retire_risk_point(%s, NULL)$$, :selective), '22004', NULL, 'retire_risk_point: no note refused');
SELECT is((cleangov.retire_risk_point(:selective, 'inspections now drawn by lot')).status, 'retired', 'retire_risk_point: retired');
SELECT throws_ok(format($$SELECT cleangov.retire_risk_point(%s, 'again')$$, :selective), '55000', NULL,
                 'retire_risk_point: a retired point cannot be retired again');
SELECT throws_ok(format($$SELECT cleangov.link_rule(%s, 'CAT_Y')$$, :selective), '55000', NULL,
                 'link_rule: a retired point takes no link');
SELECT ok(cleangov.risk_register_report('RR-A') !~ 'inspections skipped', 'the report leaves retired points out');

SELECT throws_ok($$SELECT cleangov.review_register('RR-A', '')$$, '22004', NULL, 'review_register: no note refused');
SELECT throws_ok($$SELECT cleangov.review_register('RR-A', 'n', now() + interval '1 day')$$, '22023', NULL,
                 'review_register: a review in the future refused');
SELECT throws_ok($$SELECT cleangov.review_register('RR-A', 'n', now() - interval '1 day')$$, '22023', NULL,
                 'review_register: a review before the opening refused');
SELECT throws_ok($$SELECT cleangov.review_register('RR-B', 'n')$$, '42704', NULL, 'review_register: a hidden register refused');
SELECT is((cleangov.review_register('RR-A', 'yearly review')).last_reviewed_by::text, 't_insp_a', 'review_register: recorded');
SELECT ok(cleangov.risk_register_report('RR-A') ~ ('Last review: ' || to_char(now(), 'YYYY-MM-DD') || ' \(t_insp_a\)'),
          'the report shows the last review');

-- the trail is append-only; the tables take no direct writes
SELECT throws_ok($$UPDATE cleangov.risk_register_event SET note = 'x'$$, '42501', NULL, 'the register trail takes no UPDATE');
SELECT throws_ok($$INSERT INTO cleangov.risk_point (unit_code, scenario, description, responsible, measures)
                   VALUES ('RR-A', 'fee waiver', 'x', 'y', 'z')$$, '42501', NULL, 'no direct INSERT into risk_point');
RESET ROLE;
SELECT throws_ok($$DELETE FROM cleangov.risk_register_event$$, '42501', NULL, 'the register trail takes no DELETE, also for the owner');

-- overdue: a register last reviewed 400 days ago with a yearly review
SELECT cleangov.open_register('RR-B', 365);
UPDATE cleangov.risk_register SET opened_at = now() - interval '400 days' WHERE unit_code = 'RR-B';
SELECT is((SELECT array_agg(unit_code) FROM cleangov.risk_coverage WHERE gap = 'register_overdue'), '{RR-B}',
          'coverage: the register past its review is overdue; the one just reviewed is not');
SELECT ok(cleangov.risk_register_report('RR-B') ~ '已逾期 OVERDUE' AND cleangov.risk_register_report('RR-B') ~ 'no active risk points',
          'the report of an overdue, empty register says so');
SELECT cleangov.review_register('RR-B', 'caught up');
SELECT is((SELECT count(*)::int FROM cleangov.risk_coverage WHERE gap = 'register_overdue'), 0, 'coverage: reviewed, no longer overdue');
-- near miss: 364 days after the last review is not overdue
UPDATE cleangov.risk_register SET last_reviewed_at = now() - interval '364 days' WHERE unit_code = 'RR-B';
SELECT is((SELECT count(*)::int FROM cleangov.risk_coverage WHERE gap = 'register_overdue'), 0, 'coverage: 364 days is not overdue');

-- row-level security
SELECT point_id AS waive_id FROM cleangov.risk_point WHERE scenario = 'fee waiver' \gset
SET ROLE t_insp_b;
SELECT is((SELECT count(*)::int FROM cleangov.risk_point), 0, 'inspector B sees no point of A');
SELECT is((SELECT array_agg(DISTINCT unit_code) FROM cleangov.risk_register_event), '{RR-B}', 'inspector B sees only its unit''s trail');
SELECT throws_ok($$SELECT cleangov.risk_register_report('RR-A')$$, '42704', NULL, 'inspector B cannot read A''s register');
SELECT throws_ok($$SELECT cleangov.add_risk_point('RR-A', 'fee waiver', 'x', 'y', 'z')$$, '42704', NULL,
                 'inspector B cannot add to A''s register');
SELECT throws_ok(format($$SELECT cleangov.retire_risk_point(%s, 'n')$$, :waive_id), '42704', NULL,
                 'inspector B cannot retire A''s point (hidden = missing)');
SET ROLE t_analyst;
SELECT is((SELECT count(*)::int FROM cleangov.risk_point), 3, 'the analyst reads every point');
SELECT throws_ok($$SELECT cleangov.review_register('RR-A', 'n')$$, '42501', NULL, 'the analyst changes nothing');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
