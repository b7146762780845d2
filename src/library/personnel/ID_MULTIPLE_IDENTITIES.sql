-- ID_MULTIPLE_IDENTITIES: multiple identities (一人多身份)
--
-- A person record whose identity number an earlier record holds under another
-- name, or who shares name, sex, birth date and telephone with an earlier
-- record under another identity number (value = findings).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('ID_MULTIPLE_IDENTITIES', 'multiple identities', '一人多身份', 'personnel', 'identity fraud', 'person',
  '{}', 'yellow',
  'A person record whose identity number an earlier record holds under another name, or who shares name, sex, birth date and telephone with an earlier record under another identity number (value = findings).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'ID_MULTIPLE_IDENTITIES',
  'set',
  $$
SELECT h.subject_key, h.unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_multiple_identities('cleangov_bound.person') h$$,
  '{person.name,person.id_number}'::text[],
  '{"person.sex": "sex is read from the identity number", "person.birth_date": "the birth date is read from the identity number", "person.phone": "the second test (same name, sex, birth date and telephone under another identity number) finds nothing", "person.unit_code": "alerts carry no unit"}'::jsonb);
