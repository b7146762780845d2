-- Built-in rule library, relationships and identities (issue 7's detections
-- as engine rules): favouring relatives among subsidy recipients (seed 003,
-- 优亲厚友), relatives' firms inside an official's area of responsibility
-- (seed 001: overlap of 70 % or more), related bidders in one tender (围标串标),
-- and one person under several identities.
--
-- One implementation: each rule is a set rule whose query calls the
-- detection function of 42_relations.sql over the bound shapes, so a rule
-- run, a direct call of the function and the function's own tests all see
-- the same logic.  The regclass literals name the bound views; the engine
-- reads the shapes they name (cleangov_bound.<shape>) to know what a rule
-- reads, skips the rule while one of them is unbound, and gives unbound shapes
-- empty stand-ins when a definition is checked.
--
-- {as_of}: NULL walks relations of any time; a date (or 'today') only the
-- relations valid that day (valid_from <= as_of <= valid_to, NULL ends open).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('REL_FAVOURING_RELATIVES', 'favouring relatives among subsidy recipients', '优亲厚友', 'subsidies', 'favouring relatives', 'person',
  '{"as_of": null}', 'yellow',
  'An official, an official''s relative (one kinship relation) or a fiscally paid staff member receives subsidy payments, matched on the normalised identity number (seed 003; value = payments).'),
 ('REL_RELATIVE_SUPPLIER_OVERLAP', 'relatives'' firms in the official''s area', '亲属企业承揽分管领域业务', 'relations', 'conflict of interest', 'person',
  '{"min_ratio": 0.7, "max_hops": 2, "as_of": null}', 'yellow',
  'Share of the contracts won by firms of an official''s relatives (kinship first, at most {max_hops} relations) that the official''s unit bought in the official''s areas of responsibility, at or above {min_ratio} (seed 001: overlap of 70 % or more).'),
 ('REL_RELATED_BIDDERS', 'related bidders', '关联企业围标', 'procurement', 'bid rigging', 'tender',
  '{"as_of": null}', 'red',
  'Two bidders in one tender share a legal representative, shareholder or director, a registered address, a telephone or an e-mail (value = related pairs; cancelled tenders skipped).'),
 ('ID_MULTIPLE_IDENTITIES', 'multiple identities', '一人多身份', 'personnel', 'identity fraud', 'person',
  '{}', 'yellow',
  'A person record whose identity number an earlier record holds under another name, or who shares name, sex, birth date and telephone with an earlier record under another identity number (value = findings).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, threshold_key) VALUES
 ('REL_FAVOURING_RELATIVES', 'set', $$
SELECT h.subject_key, h.unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_favouring_relatives('cleangov_bound.person', 'cleangov_bound.relation',
                                               'cleangov_bound.subsidy_payment', {as_of}::date) h$$, NULL),
 ('REL_RELATIVE_SUPPLIER_OVERLAP', 'set', $$
SELECT h.subject_key, h.unit_code, h.period, h.value, h.threshold, h.evidence, h.source_key
  FROM @extschema@.detect_relative_supplier_overlap('cleangov_bound.person', 'cleangov_bound.relation',
                                                     'cleangov_bound.responsibility', 'cleangov_bound.contract',
                                                     {min_ratio}::float8, {max_hops}::int, {as_of}::date) h$$, 'min_ratio'),
 ('REL_RELATED_BIDDERS', 'set', $$
SELECT h.subject_key, coalesce(h.unit_code, t.unit_code) AS unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_related_bidders('cleangov_bound.bid', 'cleangov_bound.enterprise',
                                           'cleangov_bound.relation', {as_of}::date) h
  JOIN cleangov_bound.tender t ON t.tender_id = h.subject_key
 WHERE t.status IS DISTINCT FROM 'cancelled'$$, NULL),
 ('ID_MULTIPLE_IDENTITIES', 'set', $$
SELECT h.subject_key, h.unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_multiple_identities('cleangov_bound.person') h$$, NULL);

-- needs and degrades (see 60_library_procurement.sql); the columns the
-- detection functions require (require_columns) are needs.
UPDATE @extschema@.rule_definition d SET needs = v.needs, degrades = v.degrades
  FROM (VALUES
 ('REL_FAVOURING_RELATIVES', '{person.id_number,person.is_official}'::text[],
  '{"person.fiscally_paid": "fiscally paid staff are not found, only officials and their relatives", "person.unit_code": "alerts carry no unit", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold"}'::jsonb),
 ('REL_RELATIVE_SUPPLIER_OVERLAP', '{person.unit_code,contract.item_class}',
  '{"contract.unit_code": "a contract''s unit is its buyer_id", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold"}'),
 ('REL_RELATED_BIDDERS', '{}',
  '{"bid.status": "withdrawn bids are not left out", "enterprise.legal_rep_id": "shared legal representatives are found only through relations", "enterprise.address": "shared addresses are not found", "enterprise.phone": "shared telephones are not found", "enterprise.email": "shared e-mails are not found", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'),
 ('ID_MULTIPLE_IDENTITIES', '{person.name,person.id_number}',
  '{"person.sex": "sex is read from the identity number", "person.birth_date": "the birth date is read from the identity number", "person.phone": "the second test (same name, sex, birth date and telephone under another identity number) finds nothing", "person.unit_code": "alerts carry no unit"}')
  ) v(rule_code, needs, degrades)
 WHERE d.rule_code = v.rule_code;
