-- REL_RELATIVE_SUPPLIER_OVERLAP: relatives'' firms in the official''s area (亲属企业承揽分管领域业务)
--
-- Share of the contracts won by firms of an official's relatives (kinship
-- first, at most {max_hops} relations) that the official's unit bought in the
-- official's areas of responsibility, at or above {min_ratio} (seed 001:
-- overlap of 70 % or more).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('REL_RELATIVE_SUPPLIER_OVERLAP', 'relatives'' firms in the official''s area', '亲属企业承揽分管领域业务', 'relations', 'conflict of interest', 'person',
  '{"min_ratio": 0.7, "max_hops": 2, "as_of": null}', 'yellow',
  'Share of the contracts won by firms of an official''s relatives (kinship first, at most {max_hops} relations) that the official''s unit bought in the official''s areas of responsibility, at or above {min_ratio} (seed 001: overlap of 70 % or more).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key, needs, degrades) VALUES (
  'REL_RELATIVE_SUPPLIER_OVERLAP',
  'set',
  $$
SELECT h.subject_key, h.unit_code, h.period, h.value, h.threshold, h.evidence, h.source_key
  FROM @extschema@.detect_relative_supplier_overlap('cleangov_bound.person', 'cleangov_bound.relation',
                                                     'cleangov_bound.responsibility', 'cleangov_bound.contract',
                                                     {min_ratio}::float8, {max_hops}::int, {as_of}::date) h$$,
  'min_ratio',
  '{person.unit_code,contract.item_class}'::text[],
  '{"contract.unit_code": "a contract''s unit is its buyer_id", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold"}'::jsonb);
