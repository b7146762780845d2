-- Cardinal's R030, late bid won: cases written from
-- docs/cli/indicators/R/030.md (cardinal-rs 2897b2d0) as OCDS compiled
-- releases.  A valid bid after tenderPeriod.endDate by a supplier of an
-- active award; joint bids and consortium awards by their members; pending
-- and disqualified bids, pending awards, a missing deadline; the process and
-- the tenderers flagged.
BEGIN;
SELECT plan(9);
\ir ocds_cases.psql

-- A release with a deadline, bids (tenderers separated by '+', date, status)
-- and awards (suppliers separated by '+', status).
CREATE FUNCTION card.rel(ocid text, deadline text, bids text[][], awards text[][], status text DEFAULT NULL)
RETURNS jsonb LANGUAGE sql AS $$
  SELECT jsonb_build_object('ocid', ocid, 'buyer', jsonb_build_object('id', 'B1'),
           'tender', jsonb_strip_nulls(jsonb_build_object('id', ocid, 'procurementMethod', 'open', 'status', status,
                                                          'tenderPeriod', jsonb_strip_nulls(jsonb_build_object('endDate', deadline)))),
           'bids', jsonb_build_object('details', (SELECT jsonb_agg(jsonb_build_object('id', 'b' || i, 'date', bids[i][2], 'status', bids[i][3],
                      'value', jsonb_build_object('amount', 100 * i, 'currency', 'USD'),
                      'tenderers', (SELECT jsonb_agg(jsonb_build_object('id', t)) FROM unnest(string_to_array(bids[i][1], '+')) t)) ORDER BY i)
                    FROM generate_subscripts(bids, 1) i)),
           'awards', (SELECT jsonb_agg(jsonb_build_object('id', 'a' || i, 'status', awards[i][2],
                        'suppliers', (SELECT jsonb_agg(jsonb_build_object('id', t)) FROM unnest(string_to_array(awards[i][1], '+')) t)) ORDER BY i)
                        FROM generate_subscripts(awards, 1) i)) $$;
INSERT INTO card.releases (data) VALUES
  (card.rel('late-won',  '2024-03-01T10:00:00Z', '{{A,2024-03-01T10:30:00Z,valid},{B,2024-03-01T09:00:00Z,valid}}', '{{A,active}}')),
  (card.rel('on-time',   '2024-03-01T10:00:00Z', '{{A,2024-03-01T10:00:00Z,valid}}', '{{A,active}}')),       -- on the deadline
  (card.rel('late-lost', '2024-03-01T10:00:00Z', '{{A,2024-03-01T09:00:00Z,valid},{B,2024-03-02T09:00:00Z,valid}}', '{{A,active}}')),
  (card.rel('late-dq',   '2024-03-01T10:00:00Z', '{{A,2024-03-02T09:00:00Z,disqualified}}', '{{A,active}}')),   -- not a valid bid
  (card.rel('late-pend', '2024-03-01T10:00:00Z', '{{A,2024-03-02T09:00:00Z,pending}}', '{{A,active}}')),
  (card.rel('award-pend','2024-03-01T10:00:00Z', '{{A,2024-03-02T09:00:00Z,valid}}', '{{A,pending}}')),        -- not an active award
  (card.rel('joint-bid', '2024-03-01T10:00:00Z', '{{C+D,2024-03-02T09:00:00Z,valid}}', '{{D,active}}')),      -- D, a member, won
  (card.rel('consortium','2024-03-01T10:00:00Z', '{{E,2024-03-02T09:00:00Z,valid}}', '{{F+E,active}}')),      -- E is in the consortium
  (card.rel('no-deadline', NULL,               '{{A,2024-03-02T09:00:00Z,valid}}', '{{A,active}}')),
  (card.rel('cancelled', '2024-03-01T10:00:00Z', '{{A,2024-03-02T09:00:00Z,valid}}', '{{A,active}}', 'cancelled')),
  (card.rel('again',     '2024-04-01T00:00:00Z', '{{A,2024-04-02T12:00:00Z,valid}}', '{{A,active},{G,cancelled}}'));
SELECT cleangov.bind_ocds('card.releases');

SELECT results_eq($$SELECT subject_kind, subject_key, value FROM card.hits('R030')$$,
  $$VALUES ('enterprise', 'A', 1::numeric), ('enterprise', 'D', 1), ('enterprise', 'E', 1),
           ('tender', 'again', 1), ('tender', 'consortium', 1), ('tender', 'joint-bid', 1), ('tender', 'late-won', 1)$$,
  'a valid late bid of an active award''s supplier fires, the process and the tenderer (1.0); on the deadline, a late loser, a disqualified or pending bid, a pending award, no deadline, cancelled do not');
SELECT is(card.evidence('R030', 'tender', 'late-won'),
          '{"deadline": "2024-03-01T10:00:00+00:00", "tenderers": ["A"], "hours_late": 0.50, "submitted_at": "2024-03-01T10:30:00+00:00"}',
          'evidence: the deadline, the late bid, the hours late');
SELECT is(card.evidence('R030', 'enterprise', 'A'), '{"tenders": ["again", "late-won"]}', 'a tenderer''s evidence: its processes');
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R030') WHERE subject_key IN ('C', 'F')),
          'only the member of the joint bid that won (D) and the consortium member that bid late (E) are flagged');
SELECT card.set('R030', '{"exclude_procurement_method_details": ["Sorteo"]}');
UPDATE card.releases SET data = jsonb_set(data, '{tender,procurementMethodDetails}', '"Sorteo"') WHERE data->>'ocid' = 'again';
SELECT ok(NOT EXISTS (SELECT FROM card.hits('R030') WHERE subject_key = 'again') AND EXISTS (SELECT FROM card.hits('R030') WHERE subject_key = 'late-won'),
          'exclude_procurement_method_details');
SELECT is((card.evidence('R030', 'enterprise', 'A')), '{"tenders": ["late-won"]}', 'and the tenderer''s evidence without it');
-- the pending bid becomes valid: flagged
UPDATE card.releases SET data = jsonb_set(data, '{bids,details,0,status}', '"valid"') WHERE data->>'ocid' = 'late-pend';
SELECT ok(EXISTS (SELECT FROM card.hits('R030') WHERE subject_key = 'late-pend'), 'the same bid once valid fires');
SELECT is((SELECT status || ':' || hits FROM cleangov.run('R030')), 'ok:7', 'run() raises 4 processes and 3 tenderers');
SELECT results_eq($$SELECT DISTINCT level::text, value FROM cleangov.alert WHERE rule_code = 'R030'$$, $$VALUES ('red', 1::float8)$$,
                  'red, value 1.0');

SELECT * FROM finish();
ROLLBACK;
