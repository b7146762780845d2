-- R048: heterogeneous supplier (跨行业中标)
--
-- Cardinal's R048 (open-contracting/cardinal-rs docs/cli/indicators/R/048.md,
-- commit 5475afbf, and src/indicators/r048.rs, commit b90c940f): a
-- tenderer's variety is the number of distinct classification prefixes (the
-- first {digits} characters, 2) of the items of its active awards (a NULL
-- status counts as active) across all processes; an award to several
-- suppliers is left out (Cardinal does not assume every supplier supplies
-- every item).  The fence is over the tenderers awarded in at least
-- {minimum_contracting_processes} (20) processes (a process counts when one
-- of its active awards to the tenderer has a classified item): Q3 +
-- 1.5 IQR, Q1 and Q3 of type 8 (Hyndman and Fan, statrs: Cardinal's), or
-- {threshold} when set.  Those tenderers whose variety is at or above the
-- fence are flagged; Cardinal skips no fence here (a variety is at least 1,
-- so Q1, Q3 and IQR are never all 0): when every tenderer of the population
-- has one class, the fence is 1 and every one of them is flagged.  Value:
-- the variety, as Cardinal's.  Evidence: q1, q3 and the fence with
-- cleangov.round_sig (Cardinal's Meta rounds to 4 decimals).  Left out:
-- cancelled processes, method details in {exclude_procurement_method_details}.
-- cleangov's version before issue 13 (tender.item_class, one class per
-- tender; type-7 quartiles; no fence when IQR = 0) is not kept as a variant:
-- the item shape now carries the awarded items (bind an item view over the
-- tenders' class to read one class per tender), and where Q1 = Q3 every
-- tenderer of the population really is as varied as the fence.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R048', 'heterogeneous supplier', '跨行业中标', 'procurement', 'eating off enterprises', 'enterprise',
  '{"digits": 2, "minimum_contracting_processes": 20, "threshold": null, "exclude_procurement_method_details": []}', 'blue',
  'Distinct {digits}-digit classes of the items a tenderer was awarded at or above Q3 + 1.5 IQR (type 8), or {threshold}, fence over the tenderers awarded in at least {minimum_contracting_processes} processes (Cardinal R048).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R048',
  'set',
  $$
WITH ai AS (
  SELECT a.supplier_id, a.tender_id, left(i.class_id, {digits}::int) AS class
    FROM cleangov_bound.award a
    JOIN cleangov_bound.item i ON i.award_id = a.award_id
    LEFT JOIN cleangov_bound.tender t ON t.tender_id = a.tender_id
   WHERE (a.status IS NULL OR a.status = 'active') AND coalesce(a.supplier_count, 1) = 1 AND a.supplier_id IS NOT NULL
     AND i.class_id IS NOT NULL
     AND t.status IS DISTINCT FROM 'cancelled'
     AND NOT coalesce(t.method_details = ANY ({exclude_procurement_method_details}), false)),
p AS (
  SELECT ai.supplier_id, count(DISTINCT ai.class) AS variety, count(DISTINCT ai.tender_id) AS processes
    FROM ai GROUP BY ai.supplier_id),
pop AS (SELECT p.* FROM p WHERE p.processes >= {minimum_contracting_processes}),
-- MATERIALIZED: computed once, not once per row it is joined to
q AS MATERIALIZED (
  SELECT @extschema@.quantile_of(@extschema@.collect(pop.variety::float8), 0.25, 8) AS q1,
         @extschema@.quantile_of(@extschema@.collect(pop.variety::float8), 0.75, 8) AS q3
    FROM pop),
f AS (SELECT q.q1, q.q3, coalesce({threshold}::float8, q.q3 + 1.5 * (q.q3 - q.q1)) AS fence FROM q)
SELECT pop.supplier_id AS subject_key, NULL::text AS unit_code, '' AS period, pop.variety::float8 AS value, f.fence AS threshold,
       jsonb_build_object('variety', pop.variety, 'processes', pop.processes,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3),
                          'upper_fence', @extschema@.round_sig(f.fence)) AS evidence
  FROM pop CROSS JOIN f
 WHERE pop.variety >= f.fence$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award has one supplier", "item.award_id": "no item is an awarded one: nothing is flagged", "tender.status": "cancelled tenders are not skipped", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
