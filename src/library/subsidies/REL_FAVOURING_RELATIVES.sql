-- REL_FAVOURING_RELATIVES: favouring relatives among subsidy recipients (优亲厚友)
--
-- An official, an official's relative (one kinship relation) or a fiscally
-- paid staff member receives subsidy payments, matched on the normalised
-- identity number (seed 003; value = payments).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('REL_FAVOURING_RELATIVES', 'favouring relatives among subsidy recipients', '优亲厚友', 'subsidies', 'favouring relatives', 'person',
  '{"as_of": null}', 'yellow',
  'An official, an official''s relative (one kinship relation) or a fiscally paid staff member receives subsidy payments, matched on the normalised identity number (seed 003; value = payments).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'REL_FAVOURING_RELATIVES',
  'set',
  $$
SELECT h.subject_key, h.unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_favouring_relatives('cleangov_bound.person', 'cleangov_bound.relation',
                                               'cleangov_bound.subsidy_payment', {as_of}::date) h$$,
  '{person.id_number,person.is_official}'::text[],
  '{"person.fiscally_paid": "fiscally paid staff are not found, only officials and their relatives", "person.unit_code": "alerts carry no unit", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold"}'::jsonb);
