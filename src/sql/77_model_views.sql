-- Learned risk models, part 2 (issue 16, doc/model.md): what people and BI
-- tools read: the review queue ordered by the triage model, the portraits
-- (each subject's score and its largest contributions) and the rankings of
-- domains, scenarios, rules, posts, units and regions by predicted risk.
-- Scores only order and explain; they never close or dismiss an alert.

CREATE VIEW @extschema@.review_queue WITH (security_invoker = true) AS
SELECT rank() OVER (ORDER BY s.probability DESC NULLS LAST, a.level DESC, a.raised_at, a.alert_id) AS queue_position,
       a.alert_id, a.rule_code, r.name_zh AS rule_zh, r.name_en AS rule_en, r.domain, a.subject_kind, a.subject_key,
       a.unit_code, a.level, a.value, a.threshold, a.raised_at, a.due_at,
       s.probability AS triage_score, s.model_code, s.version,
       (SELECT jsonb_agg(jsonb_build_object('feature', t.feature, 'contribution', round(t.contribution::numeric, 4))
                         ORDER BY abs(t.contribution) DESC, t.feature)
          FROM (SELECT u.feature, u.contribution FROM unnest(v.features, s.contributions) u(feature, contribution)
                 ORDER BY abs(u.contribution) DESC, u.feature LIMIT 3) t) AS top_contributions
  FROM @extschema@.alert a
  JOIN @extschema@.rule r ON r.rule_code = a.rule_code
  LEFT JOIN @extschema@.model m ON m.triage
  LEFT JOIN @extschema@.model_score s ON s.model_code = m.model_code AND s.subject_key = a.alert_id::text
  LEFT JOIN @extschema@.model_version v ON v.model_code = s.model_code AND v.version = s.version
 WHERE a.status = 'open' AND a.review_verdict IS NULL
 ORDER BY 1;
COMMENT ON VIEW @extschema@.review_queue IS
  'The review queue (人工复核): open alerts not yet reviewed, ordered by the triage model''s probability that a review confirms them (model.triage; alerts it has not scored yet last, then by level and age), with its three largest contributions. Without a triage model the order is level then age. The score orders the queue only: every alert is still reviewed by a person. Inspectors see the alerts of their units.';
COMMENT ON COLUMN @extschema@.review_queue.triage_score IS 'Probability that a review confirms the alert, by the triage model (NULL: not scored yet; cleangov.score_model() scores new alerts).';
COMMENT ON COLUMN @extschema@.review_queue.top_contributions IS 'The three features that moved the score most: [{"feature", "contribution"}] (contribution to the logit; positive raises it).';

CREATE VIEW @extschema@.model_portrait WITH (security_invoker = true) AS
SELECT s.model_code, m.name_zh AS model_zh, m.name_en AS model_en, s.version, s.grain, s.subject_key,
       coalesce(p.name_zh, p.name, u.name_zh) AS subject_name, coalesce(p.unit_code, u.unit_code) AS unit_code,
       p.position, s.probability, s.probability >= m.cutoff AS flagged,
       rank() OVER (PARTITION BY s.model_code ORDER BY s.probability DESC, s.subject_key) AS risk_rank,
       round(percent_rank() OVER (PARTITION BY s.model_code ORDER BY s.probability)::numeric, 4) AS percentile,
       (SELECT jsonb_agg(jsonb_build_object('feature', t.feature, 'description', m.features ->> t.feature,
                                            'contribution', round(t.contribution::numeric, 4))
                         ORDER BY abs(t.contribution) DESC, t.feature)
          FROM (SELECT x.feature, x.contribution FROM unnest(v.features, s.contributions) x(feature, contribution)
                 WHERE x.contribution > 0 ORDER BY x.contribution DESC, x.feature LIMIT 3) t) AS risk_points,
       s.label, s.scored_at
  FROM @extschema@.model_score s
  JOIN @extschema@.model m ON m.model_code = s.model_code
  JOIN @extschema@.model_version v ON v.model_code = s.model_code AND v.version = s.version
  LEFT JOIN @extschema@.index_person p ON s.grain = 'person' AND p.person_key = s.subject_key
  LEFT JOIN @extschema@.unit u ON s.grain = 'unit' AND u.unit_code = s.subject_key
 WHERE s.grain <> 'alert';
COMMENT ON VIEW @extschema@.model_portrait IS
  'The integrity portrait (廉政画像) by the models of persons, units, tenders and enterprises: each subject''s predicted risk, whether it reaches the model''s cut-off, its rank and percentile in the model, and its risk points: the (at most three) features that raise its risk most, with their documentation and contribution to the logit. cleangov.person_profile() shows the same as its section model.';

CREATE VIEW @extschema@.model_risk_ranking WITH (security_invoker = true) AS
WITH g AS (
  SELECT s.model_code, d.dimension, d.group_key, s.probability, m.cutoff
    FROM @extschema@.model_score s
    JOIN @extschema@.model m ON m.model_code = s.model_code
    LEFT JOIN @extschema@.alert a ON s.grain = 'alert' AND a.alert_id::text = s.subject_key
    LEFT JOIN @extschema@.rule r ON r.rule_code = a.rule_code
    LEFT JOIN @extschema@.index_person p ON s.grain = 'person' AND p.person_key = s.subject_key
    LEFT JOIN @extschema@.unit u ON u.unit_code = CASE s.grain WHEN 'unit' THEN s.subject_key
                                                               WHEN 'person' THEN p.unit_code ELSE a.unit_code END
   CROSS JOIN LATERAL (VALUES ('domain', r.domain), ('scenario', r.scenario), ('rule', a.rule_code),
                              ('post', p.position), ('unit', CASE WHEN s.grain <> 'unit' THEN u.unit_code END),
                              ('region', u.region_code)) d(dimension, group_key)
   WHERE d.group_key IS NOT NULL AND (s.grain <> 'alert' OR a.status = 'open')
)
SELECT g.model_code, g.dimension, g.group_key, count(*) AS subjects,
       round(avg(g.probability)::numeric, 4) AS mean_probability,
       count(*) FILTER (WHERE g.probability >= g.cutoff) AS flagged,
       rank() OVER (PARTITION BY g.model_code, g.dimension ORDER BY avg(g.probability) DESC, g.group_key) AS risk_rank
  FROM g
 GROUP BY g.model_code, g.dimension, g.group_key;
COMMENT ON VIEW @extschema@.model_risk_ranking IS
  'High-risk domains, behaviour patterns, posts and places by predicted risk: per model and dimension (domain, scenario and rule of the open alerts an alert model scores; post and unit of the persons a person model scores; region of units and persons), the subjects, their mean predicted probability, how many reach the cut-off, and the rank within the dimension.';

-- Access: the admin defines and trains, everyone reads what it may see.
GRANT SELECT ON @extschema@.model, @extschema@.model_version TO cleangov_admin, cleangov_analyst, cleangov_inspector;
GRANT SELECT ON @extschema@.model_score TO cleangov_admin, cleangov_analyst, cleangov_inspector;
GRANT INSERT, UPDATE, DELETE ON @extschema@.model TO cleangov_admin;
GRANT INSERT ON @extschema@.model_version TO cleangov_admin;
GRANT INSERT, DELETE ON @extschema@.model_score TO cleangov_admin;
GRANT SELECT ON @extschema@.review_queue TO cleangov_admin, cleangov_analyst, cleangov_inspector;
-- the portraits and rankings read the persons of the index (index_person),
-- which an inspector does not read
GRANT SELECT ON @extschema@.model_portrait, @extschema@.model_risk_ranking TO cleangov_admin, cleangov_analyst;
ALTER TABLE @extschema@.model_score ENABLE ROW LEVEL SECURITY;
CREATE POLICY model_score_admin ON @extschema@.model_score FOR ALL
  TO cleangov_admin USING (true) WITH CHECK (true);
CREATE POLICY model_score_analyst ON @extschema@.model_score FOR SELECT
  TO cleangov_analyst USING (true);
-- an inspector sees the scores of the alerts it sees (alert RLS), and the others
CREATE POLICY model_score_inspector ON @extschema@.model_score FOR SELECT TO cleangov_inspector
  USING (grain <> 'alert' OR subject_key IN (SELECT a.alert_id::text FROM @extschema@.alert a));
