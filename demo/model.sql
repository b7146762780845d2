-- The learned triage model over the demo's reviews (issue 16, doc/model.md;
-- run by scripts/demo-in-cluster.sh after demo/loop.sql).  The loop's
-- reviewer judged every alert of the scored rules, erring on one in twenty.
-- The model learns from the verdicts on half of the subjects (chosen by the
-- md5 of the subject, so that no subject is on both sides) and orders the
-- other half; there its order is compared with the planted truth: the share
-- of planted cases at the top of the queue (the first k alerts, k = the
-- planted ones among them) against the share among all, per rule family, and
-- the AUC.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

INSERT INTO cleangov.model (model_code, name_en, name_zh, grain, triage, lambda, description, features, query)
VALUES ('DEMO_TRIAGE', 'alert triage from the reviews', '预警复核优先级', 'alert', true, 1,
  'Probability that a review confirms an alert, learned from the verdicts on half of the subjects (the other half is held out by the md5 of the subject).',
  '{"margin": "how far the value is past the threshold: ln(1 + |value - threshold| / |threshold|)",
    "hit_level": "the level the rule gave the hit (1 green ... 5 red)",
    "other_rules": "how many other rules flagged the same subject",
    "subject_alerts": "ln(1 + alerts on the subject, all rules)",
    "unit_alerts": "ln(1 + alerts of the unit, all rules)",
    "bid_rigging": "the rule is of the bid-rigging scenario",
    "screen_cv": "the bid screens'' coefficient of variation of the bids (PROC_BID_RIGGING_SCREEN; missing for other rules)",
    "screen_rd": "the bid screens'' relative distance of the two lowest bids (PROC_BID_RIGGING_SCREEN; missing for other rules)"}',
  $q$
WITH s AS (SELECT subject_kind, subject_key, count(DISTINCT rule_code) AS rules, count(*) AS n
             FROM cleangov.alert GROUP BY subject_kind, subject_key),
     u AS (SELECT unit_code, count(*) AS n FROM cleangov.alert GROUP BY unit_code)
SELECT a.alert_id AS subject_key,
       a.subject_kind || ':' || a.subject_key AS group_key,
       CASE WHEN md5('half' || a.subject_kind || a.subject_key) < '8' THEN a.review_verdict = 'confirmed' END AS label,
       ln(1 + abs(a.value - a.threshold) / greatest(abs(a.threshold), 1e-9)) AS margin,
       array_position(enum_range(NULL::cleangov.level), a.hit_level) AS hit_level,
       s.rules - 1 AS other_rules,
       ln(1 + s.n) AS subject_alerts,
       ln(1 + coalesce(u.n, 0)) AS unit_alerts,
       coalesce(r.scenario = 'bid rigging', false) AS bid_rigging,
       (a.evidence ->> 'cv')::float8 AS screen_cv,
       (a.evidence ->> 'rd')::float8 AS screen_rd
  FROM cleangov.alert a
  JOIN cleangov.rule r ON r.rule_code = a.rule_code
  JOIN s ON s.subject_kind = a.subject_kind AND s.subject_key = a.subject_key
  LEFT JOIN u ON u.unit_code IS NOT DISTINCT FROM a.unit_code
 WHERE a.review_verdict IS NOT NULL OR a.status = 'open'
$q$);

\echo '== the learned triage model (cleangov.train_model): cross-validated on the training half'
SELECT version, rows_labelled, positives, round(base_rate::numeric, 3) AS base_rate, iterations, converged,
       evaluation ->> 'auc' AS cv_auc, evaluation ->> 'log_loss' AS cv_log_loss,
       evaluation ->> 'base_log_loss' AS base_log_loss, beats_base_rate
  FROM cleangov.train_model('DEMO_TRIAGE');

\echo '== its coefficients (standardised features)'
SELECT f.feature, round(f.beta::numeric, 3) AS beta, m.features ->> f.feature AS what
  FROM cleangov.model_version v JOIN cleangov.model m USING (model_code),
       unnest(v.features, v.beta[2:]) f(feature, beta)
 WHERE v.model_code = 'DEMO_TRIAGE' AND v.version = (SELECT max(version) FROM cleangov.model_version WHERE model_code = 'DEMO_TRIAGE')
 ORDER BY abs(f.beta) DESC;

-- The held-out half: alerts whose subject the model never saw a verdict on,
-- judged against the planted truth (not the reviewer's noisy verdicts); the
-- reviewed ones only (the index warnings nobody reviews are no case of truth).
CREATE TEMP TABLE demo_heldout AS
SELECT a.alert_id, coalesce(r.scenario, r.domain) AS family, s.probability,
       EXISTS (SELECT 1 FROM truth.planted p JOIN truth.pattern pt USING (pattern)
                WHERE a.rule_code = ANY (pt.rule_codes)
                  AND p.subject_kind = a.subject_kind AND p.subject_key = a.subject_key) AS planted
  FROM cleangov.model_score s
  JOIN cleangov.alert a ON a.alert_id::text = s.subject_key
  JOIN cleangov.rule r ON r.rule_code = a.rule_code
 WHERE s.model_code = 'DEMO_TRIAGE' AND s.label IS NULL AND a.review_verdict IS NOT NULL;

\echo '== held-out half: the share of planted cases among the alerts (before) and at the top of the queue (after: the first k by triage score, k = the planted ones), and the AUC'
WITH r AS (
  SELECT h.*, row_number() OVER (PARTITION BY h.family ORDER BY h.probability DESC, h.alert_id) AS pos_family,
         row_number() OVER (ORDER BY h.probability DESC, h.alert_id) AS pos_all
    FROM demo_heldout h
), fam AS (
  SELECT r.family, count(*) AS alerts, count(*) FILTER (WHERE r.planted) AS planted,
         round(avg(r.planted::int)::numeric, 3) AS precision_before,
         round((count(*) FILTER (WHERE r.planted AND r.pos_family <= (SELECT count(*) FROM r r2 WHERE r2.family = r.family AND r2.planted)))::numeric
               / nullif(count(*) FILTER (WHERE r.planted), 0), 3) AS precision_after,
         round(((SELECT count(*) FROM r p, r n WHERE p.family = r.family AND n.family = r.family AND p.planted AND NOT n.planted
                    AND p.probability > n.probability)
               + 0.5 * (SELECT count(*) FROM r p, r n WHERE p.family = r.family AND n.family = r.family AND p.planted AND NOT n.planted
                          AND p.probability = n.probability))::numeric
               / nullif(count(*) FILTER (WHERE r.planted) * count(*) FILTER (WHERE NOT r.planted), 0), 3) AS auc
    FROM r GROUP BY r.family
)
SELECT * FROM fam
UNION ALL
SELECT 'all', count(*), count(*) FILTER (WHERE planted), round(avg(planted::int)::numeric, 3),
       round((count(*) FILTER (WHERE planted AND pos_all <= (SELECT count(*) FROM demo_heldout WHERE planted)))::numeric
             / nullif(count(*) FILTER (WHERE planted), 0), 3),
       round(((SELECT count(*) FROM demo_heldout p, demo_heldout n WHERE p.planted AND NOT n.planted AND p.probability > n.probability)
             + 0.5 * (SELECT count(*) FROM demo_heldout p, demo_heldout n WHERE p.planted AND NOT n.planted AND p.probability = n.probability))::numeric
             / nullif(count(*) FILTER (WHERE planted) * count(*) FILTER (WHERE NOT planted), 0), 3)
  FROM r
 ORDER BY 1;

\echo '== the review queue, top five (cleangov.review_queue)'
SELECT queue_position, alert_id, rule_code, level, round(triage_score::numeric, 3) AS triage_score, top_contributions
  FROM cleangov.review_queue LIMIT 5;
