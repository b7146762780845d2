-- R055: direct awards above the open-tender amount (直接授予累计超过公开招标金额)
--
-- Cardinal's R055 is a draft: its page (open-contracting/cardinal-rs
-- docs/cli/indicators/R/055.md, commit 25790f65, the only version) is the
-- empty template, and src/indicators/r055.rs (commit dc3bab5e, the only
-- version) is not yet called by the indicators command (src/lib.rs, commit
-- 1ea809d5), so Cardinal flags nothing under R055.  This rule is what the
-- draft computes, as its fields document it (src/indicators/mod.rs, commit
-- 1068872f): for each buyer and supplier, and each procuring entity and
-- supplier, the sum of the active awards (a NULL status counts as active) to
-- that one supplier (awards to several are left out) dated from
-- {start_date} to {end_date} (NULL: the 365 days up to today) in processes
-- of {procurement_methods} (direct; the draft's code does not test the
-- method yet, set [] for that); a pair is flagged when its sum is at least
-- {threshold}, by default the lowest value of an open tender whose tender
-- period started in those dates (0 when there is none, as in the draft).
-- Amounts count only in the main currency ({currency}; NULL: the most
-- frequent currency among the amounts read, ties to the smallest code;
-- a NULL currency counts as the main one).  Flagged: the buyer, the
-- procuring entity and the supplier, each with the largest sum of its
-- flagged pairs (the draft keeps the last one it meets, an order a table
-- does not have).  Left out: cancelled processes, method details in
-- {exclude_procurement_method_details}.  PROC_DIRECT_AWARDS_CUMULATIVE is
-- cleangov's rule over contracts and a fixed statutory threshold.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R055', 'direct awards above the open-tender amount', '直接授予累计超过公开招标金额', 'procurement', 'split purchase', 'buyer',
  '{"threshold": null, "start_date": null, "end_date": null, "procurement_methods": ["direct"], "currency": null, "exclude_procurement_method_details": []}', 'yellow',
  'Active awards from one buyer (or procuring entity) to one supplier in processes of {procurement_methods}, dated from {start_date} to {end_date} (default: the last 365 days), adding up to at least {threshold} (default: the lowest open tender value of those dates); the buyer, procuring entity and supplier are flagged (Cardinal''s draft R055).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R055',
  'set',
  $$
WITH w AS (
  SELECT coalesce({start_date}::date, current_date - 365) AS d0, coalesce({end_date}::date, current_date) AS d1),
t AS (
  SELECT t.* FROM cleangov_bound.tender t
   WHERE t.status IS DISTINCT FROM 'cancelled'
     AND NOT coalesce(t.method_details = ANY ({exclude_procurement_method_details}), false)),
o AS (
  SELECT t.estimated_value AS amount, t.currency
    FROM t CROSS JOIN w
   WHERE t.method = 'open' AND t.estimated_value IS NOT NULL AND t.period_start::date BETWEEN w.d0 AND w.d1),
a AS (
  SELECT t.buyer_id, t.procuring_entity_id, a.supplier_id, a.award_id, a.amount, a.currency
    FROM cleangov_bound.award a JOIN t ON t.tender_id = a.tender_id CROSS JOIN w
   WHERE (a.status IS NULL OR a.status = 'active') AND coalesce(a.supplier_count, 1) = 1 AND a.supplier_id IS NOT NULL
     AND a.amount IS NOT NULL AND a.awarded_at::date BETWEEN w.d0 AND w.d1
     AND (cardinality({procurement_methods}) = 0 OR t.method = ANY ({procurement_methods}))),
main AS (
  SELECT coalesce({currency}::text,
                  (SELECT x.currency FROM (SELECT o.currency FROM o UNION ALL SELECT a.currency FROM a) x
                    WHERE x.currency IS NOT NULL GROUP BY x.currency ORDER BY count(*) DESC, x.currency LIMIT 1)) AS currency),
lim AS (
  SELECT coalesce({threshold}::numeric,
                  (SELECT min(o.amount) FROM o CROSS JOIN main WHERE coalesce(o.currency, main.currency) IS NOT DISTINCT FROM main.currency),
                  0) AS amount),
am AS (SELECT a.* FROM a CROSS JOIN main WHERE coalesce(a.currency, main.currency) IS NOT DISTINCT FROM main.currency),
pair AS (
  SELECT 'buyer'::text AS kind, am.buyer_id AS org, am.supplier_id, sum(am.amount) AS total, count(*) AS awards
    FROM am WHERE am.buyer_id IS NOT NULL GROUP BY am.buyer_id, am.supplier_id
  UNION ALL
  SELECT 'procuring_entity', am.procuring_entity_id, am.supplier_id, sum(am.amount), count(*)
    FROM am WHERE am.procuring_entity_id IS NOT NULL GROUP BY am.procuring_entity_id, am.supplier_id),
f AS (SELECT pair.*, lim.amount AS lim FROM pair CROSS JOIN lim WHERE pair.total >= lim.amount)
SELECT f.kind AS subject_kind, f.org AS subject_key, NULL::text AS unit_code, '' AS period, max(f.total)::float8 AS value,
       min(f.lim)::float8 AS threshold,
       jsonb_build_object('suppliers', jsonb_agg(jsonb_build_object('supplier', f.supplier_id, 'total', f.total, 'awards', f.awards)
                                                 ORDER BY f.supplier_id)) AS evidence
  FROM f GROUP BY f.kind, f.org
UNION ALL
SELECT 'enterprise', f.supplier_id, NULL, '', max(f.total), min(f.lim),
       jsonb_build_object('pairs', jsonb_agg(jsonb_build_object(f.kind, f.org, 'total', f.total, 'awards', f.awards)
                                             ORDER BY f.kind, f.org))
  FROM f GROUP BY f.supplier_id$$,
  '{award.amount,award.awarded_at}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award has one supplier", "award.currency": "every award amount is in the main currency", "tender.currency": "every open tender value is in the main currency", "tender.estimated_value": "no open tender value: the threshold is 0 unless set", "tender.period_start": "no open tender is in the dates: the threshold is 0 unless set", "tender.procuring_entity_id": "procuring entities are not flagged", "tender.status": "cancelled tenders are not skipped", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
