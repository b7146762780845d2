-- R030: late bid won (逾期投标中标)
--
-- A bid received after the submission deadline belongs to the supplier of an
-- active award (Cardinal R030).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R030', 'late bid won', '逾期投标中标', 'procurement', 'bid rigging', 'tender',
  '{}', 'red',
  'A bid received after the submission deadline belongs to the supplier of an active award (Cardinal R030).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R030',
  'set',
  $$
SELECT DISTINCT ON (t.tender_id) t.tender_id AS subject_key, t.unit_code, '' AS period,
       extract(epoch FROM b.submitted_at - t.period_end)::float8 / 3600 AS value, 0::float8 AS threshold,
       jsonb_build_object('bidder_id', b.bidder_id, 'submitted_at', b.submitted_at, 'deadline', t.period_end) AS evidence
  FROM cleangov_bound.tender t
  JOIN cleangov_bound.bid b ON b.tender_id = t.tender_id AND b.submitted_at > t.period_end
  JOIN cleangov_bound.award a ON a.tender_id = t.tender_id AND a.supplier_id = b.bidder_id AND a.status IS DISTINCT FROM 'cancelled'
 WHERE t.status IS DISTINCT FROM 'cancelled'
 ORDER BY t.tender_id, b.submitted_at DESC, b.bidder_id$$,
  '{bid.submitted_at,tender.period_end}'::text[],
  '{"award.status": "every award counts as active", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit"}'::jsonb);
