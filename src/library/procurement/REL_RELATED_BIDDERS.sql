-- REL_RELATED_BIDDERS: related bidders (关联企业围标)
--
-- Two bidders in one tender share a legal representative, shareholder or
-- director, a registered address, a telephone or an e-mail (value = related
-- pairs; cancelled tenders skipped).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('REL_RELATED_BIDDERS', 'related bidders', '关联企业围标', 'procurement', 'bid rigging', 'tender',
  '{"as_of": null}', 'red',
  'Two bidders in one tender share a legal representative, shareholder or director, a registered address, a telephone or an e-mail (value = related pairs; cancelled tenders skipped).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'REL_RELATED_BIDDERS',
  'set',
  $$
SELECT h.subject_key, coalesce(h.unit_code, t.unit_code) AS unit_code, h.period, h.value, 1::float8 AS threshold, h.evidence, h.source_key
  FROM @extschema@.detect_related_bidders('cleangov_bound.bid', 'cleangov_bound.enterprise',
                                           'cleangov_bound.relation', {as_of}::date) h
  JOIN cleangov_bound.tender t ON t.tender_id = h.subject_key
 WHERE t.status IS DISTINCT FROM 'cancelled'$$,
  '{}'::text[],
  '{"bid.status": "withdrawn bids are not left out", "enterprise.legal_rep_id": "shared legal representatives are found only through relations", "enterprise.address": "shared addresses are not found", "enterprise.phone": "shared telephones are not found", "enterprise.email": "shared e-mails are not found", "relation.valid_from": "relations hold since always", "relation.valid_to": "relations still hold", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
