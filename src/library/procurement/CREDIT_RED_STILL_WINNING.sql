-- CREDIT_RED_STILL_WINNING: an enterprise whose integrity score is in the red
-- band keeps winning contracts (失信仍中标; seed 002: the market credit
-- platform scores enterprises "to keep bad market players from distorting
-- the market and breeding corruption"; issue 18).
--
-- For every period in which the enterprise's score (framework {framework},
-- doc/enterprise-credit.md) fell in the worst band of its scheme, the
-- awards to it (not cancelled, not unsuccessful) dated from the day after
-- the last record the red score counts (from the period's start when the
-- period before was red too) up to the period's end, or to the next
-- period's end while that period has no score yet
-- (cleangov.enterprise_credit_red).  Fires when they are at least
-- {min_awards}.  Value: the awards; threshold: {min_awards}; evidence: the
-- composite, the dates the red band stood, the awards and their amount.
-- {min_awards} 1 is cleangov's default: a firm in the red band should win
-- nothing (joint punishment of dishonest parties, State Council Guideline
-- Guo Fa [2016] No. 33, restricts their participation in public procurement).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('CREDIT_RED_STILL_WINNING', 'firm in the red credit band still winning contracts', '失信仍中标', 'procurement',
  'dishonest firm winning', 'enterprise',
  '{"framework": "enterprise_credit", "min_awards": 1}', 'yellow',
  'At least {min_awards} awards to an enterprise dated after its integrity score (framework {framework}) fell in the red band: from the day after the last record the red score counts until the period''s end, or the next period''s end while that one has no score (seed 002, market credit; doc/enterprise-credit.md).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'CREDIT_RED_STILL_WINNING',
  'set',
  $$
WITH red AS (
  SELECT * FROM @extschema@.enterprise_credit_red({framework})),
aw AS (
  SELECT a.award_id, a.tender_id, a.supplier_id, a.awarded_at, a.amount, t.unit_code
    FROM cleangov_bound.award a
    LEFT JOIN cleangov_bound.tender t ON t.tender_id = a.tender_id
   WHERE a.awarded_at IS NOT NULL AND coalesce(a.status, 'active') NOT IN ('cancelled', 'unsuccessful')),
h AS (
  SELECT red.enterprise_id, red.period, red.composite, red.red_since, red.red_until,
         aw.award_id, aw.tender_id, aw.awarded_at, aw.amount, aw.unit_code
    FROM red JOIN aw ON aw.supplier_id = red.enterprise_id
                    AND aw.awarded_at::date >= red.red_since AND aw.awarded_at::date < red.red_until)
SELECT h.enterprise_id AS subject_key,
       (array_agg(h.unit_code ORDER BY h.awarded_at DESC, h.award_id DESC))[1] AS unit_code,
       h.period, count(*)::float8 AS value, {min_awards}::float8 AS threshold,
       jsonb_build_object('framework', {framework}, 'composite', round(h.composite::numeric, 2),
                          'red_since', h.red_since, 'red_until', h.red_until, 'amount', sum(h.amount),
                          'awards', jsonb_agg(jsonb_build_object('award_id', h.award_id, 'tender_id', h.tender_id,
                                                                 'awarded_at', h.awarded_at, 'amount', h.amount)
                                              ORDER BY h.awarded_at, h.award_id)) AS evidence
  FROM h
 GROUP BY h.enterprise_id, h.period, h.composite, h.red_since, h.red_until
HAVING count(*) >= {min_awards}$$,
  '{award.awarded_at}'::text[],
  '{"award.status": "every award counts as active", "award.amount": "evidence lacks the amounts", "tender.unit_code": "alerts carry no unit"}'::jsonb);
