-- R030: late bid won (逾期投标中标)
--
-- Cardinal's R030 (open-contracting/cardinal-rs docs/cli/indicators/R/030.md,
-- commit 2897b2d0, and src/indicators/r030.rs, commit fef2157a): a
-- contracting process is flagged when a valid bid (status valid; a NULL
-- status counts as valid) was received after the submission deadline
-- (tenderPeriod.endDate) and one of its tenderers (a joint bid's: its
-- consortium members) is a supplier of an active award (NULL status counts
-- as active; an award to a consortium: any of its members).  Those tenderers
-- are flagged too.  Cardinal assumes the late bid is the winning one.  Left
-- out: cancelled processes, method details in
-- {exclude_procurement_method_details}.  Value: 1.0 per process and per
-- tenderer, as Cardinal's; the hours late are the evidence.  "After" compares
-- instants; Cardinal compares the date strings, the same when both are
-- written alike (one offset, one precision).

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R030', 'late bid won', '逾期投标中标', 'procurement', 'bid rigging', 'tender',
  '{"exclude_procurement_method_details": []}', 'red',
  'A valid bid received after the submission deadline belongs to a supplier of an active award; the process and that tenderer are flagged (Cardinal R030).');

-- The bids are read from the shared pass tender_bids (55_pass.sql: cancelled
-- processes are not in it); the awards and a joint bid's tenderers directly.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R030',
  'set',
  $$
WITH late AS (
  SELECT b.tender_id, b.unit_code, b.period_end, b.submitted_at,
         CASE WHEN b.tenderer_count > 1 THEN m.member_id ELSE b.bidder_id END AS tenderer_id
    FROM cleangov_pass.tender_bids b
    LEFT JOIN cleangov_bound.consortium_member m ON b.tenderer_count > 1 AND m.of_kind = 'bid' AND m.of_id = b.bid_id
   WHERE b.period_end IS NOT NULL AND b.submitted_at > b.period_end AND b.status = 'valid'
     AND NOT coalesce(b.method_details = ANY ({exclude_procurement_method_details}), false)),
won AS (
  SELECT a.tender_id, CASE WHEN coalesce(a.supplier_count, 1) > 1 THEN m.member_id ELSE a.supplier_id END AS supplier_id
    FROM cleangov_bound.award a
    LEFT JOIN cleangov_bound.consortium_member m ON coalesce(a.supplier_count, 1) > 1 AND m.of_kind = 'award' AND m.of_id = a.award_id
   WHERE a.status IS NOT DISTINCT FROM 'active' OR a.status IS NULL),
f AS (
  SELECT l.tender_id, l.unit_code, l.tenderer_id, max(l.submitted_at) AS submitted_at, min(l.period_end) AS deadline
    FROM late l
   WHERE l.tenderer_id IS NOT NULL
     AND EXISTS (SELECT FROM won w WHERE w.tender_id = l.tender_id AND w.supplier_id = l.tenderer_id)
   GROUP BY l.tender_id, l.unit_code, l.tenderer_id)
SELECT 'tender' AS subject_kind, f.tender_id AS subject_key, f.unit_code, '' AS period, 1::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('tenderers', jsonb_agg(f.tenderer_id ORDER BY f.tenderer_id), 'deadline', min(f.deadline),
                          'submitted_at', max(f.submitted_at),
                          'hours_late', round((extract(epoch FROM max(f.submitted_at) - min(f.deadline)) / 3600)::numeric, 2)) AS evidence
  FROM f GROUP BY f.tender_id, f.unit_code
UNION ALL
SELECT 'enterprise', f.tenderer_id, NULL, '', 1, 1, jsonb_build_object('tenders', jsonb_agg(f.tender_id ORDER BY f.tender_id))
  FROM f GROUP BY f.tenderer_id$$,
  '{bid.submitted_at,tender.period_end}'::text[],
  '{"award.status": "every award counts as active", "bid.status": "every bid counts as valid", "bid.tenderer_count": "every bid has one tenderer (joint bids are read as their first tenderer)", "award.supplier_count": "every award has one supplier (consortium awards are read as their first supplier)", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
