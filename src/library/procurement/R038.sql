-- R038: excessive disqualified bids (废标率过高), Cardinal's indicator
--
-- ratio = disqualified bids / submitted bids (status pending, valid or
-- disqualified; not invited or withdrawn) over every process, per buyer
-- (subject kind buyer), per procuring entity (procuring_entity, from
-- tender.procuring_entity_id) and per tenderer (enterprise); within each of
-- the three, flagged at ratio >= the upper fence Q3 + 1.5 IQR of that
-- group's ratios (type-8 quartiles), or >= {threshold} when it is set, only
-- when the fence is above 0 (else three quarters have no disqualified bid).
-- Tenderers with fewer than {minimum_submitted_bids} (2) submitted bids are
-- left out; buyers and procuring entities with fewer than
-- {minimum_contracting_processes} (2), which Cardinal compares with their
-- number of submitted bids (src/indicators/r038.rs: the fraction's
-- denominator), as done here.  Value: the ratio.
--
-- Left out (Cardinal's exclusions): cancelled processes, method details in
-- {exclude_procurement_method_details}, organisations without an id.
-- Deviation: a joint bid counts for its first tenderer (bid.bidder_id) only;
-- Cardinal counts it for each of its tenderers (the rule does not read
-- consortium_member).  A bid status NULL counts as valid.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/038.md at
-- 3265b5223d87491ec4ecaa05f9bb66bf15e93f33, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; the minimums and the guard from
-- src/indicators/r038.rs at fef2157aded707658a9f2a9bd33391c86b619852.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R038', 'excessive disqualified bids', '废标率过高', 'procurement', 'bid rigging', 'enterprise',
  '{"threshold": null, "minimum_submitted_bids": 2, "minimum_contracting_processes": 2, "exclude_procurement_method_details": []}', 'blue',
  'Cardinal''s R038: disqualified / submitted bids at or above the upper fence Q3 + 1.5 IQR (type-8 quartiles; or {threshold}) per buyer, per procuring entity and per tenderer (tenderers with at least {minimum_submitted_bids} submitted bids, buyers and procuring entities with at least {minimum_contracting_processes}).');

-- The bids are read from the shared pass tender_bids (55_pass.sql: cancelled
-- processes are not in it).  Its subjects are buyers, procuring entities and
-- tenderers, each compared over all its processes: evaluated whole only.
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R038',
  'set',
  $$
WITH s AS MATERIALIZED (
  SELECT b.buyer_id, b.procuring_entity_id, b.bidder_id, b.status = 'disqualified' AS dq
    FROM cleangov_pass.tender_bids b
   WHERE NOT coalesce(b.method_details = ANY ({exclude_procurement_method_details}::text[]), false)
     AND b.status NOT IN ('invited', 'withdrawn')),
r AS (
  SELECT 'buyer' AS kind, s.buyer_id AS id, count(*) AS submitted, count(*) FILTER (WHERE s.dq) AS disqualified
    FROM s WHERE s.buyer_id IS NOT NULL GROUP BY s.buyer_id HAVING count(*) >= {minimum_contracting_processes}
  UNION ALL
  SELECT 'procuring_entity', s.procuring_entity_id, count(*), count(*) FILTER (WHERE s.dq)
    FROM s WHERE s.procuring_entity_id IS NOT NULL GROUP BY s.procuring_entity_id HAVING count(*) >= {minimum_contracting_processes}
  UNION ALL
  SELECT 'enterprise', s.bidder_id, count(*), count(*) FILTER (WHERE s.dq)
    FROM s WHERE s.bidder_id IS NOT NULL GROUP BY s.bidder_id HAVING count(*) >= {minimum_submitted_bids}),
rr AS (SELECT r.*, r.disqualified::float8 / r.submitted AS ratio FROM r),
q AS (
  SELECT rr.kind, @extschema@.quantile_of(@extschema@.collect(rr.ratio), 0.25, 8) AS q1,
         @extschema@.quantile_of(@extschema@.collect(rr.ratio), 0.75, 8) AS q3
    FROM rr GROUP BY rr.kind),
f AS (SELECT q.*, coalesce({threshold}::float8, q.q3 + 1.5 * (q.q3 - q.q1)) AS fence FROM q)
SELECT rr.kind AS subject_kind, rr.id AS subject_key, NULL::text AS unit_code, '' AS period, rr.ratio AS value,
       f.fence AS threshold,
       jsonb_build_object('submitted_bids', rr.submitted, 'disqualified_bids', rr.disqualified,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3),
                          'upper_fence', @extschema@.round_sig(f.fence)) AS evidence
  FROM rr JOIN f ON f.kind = rr.kind
 WHERE f.fence > 0 AND rr.ratio >= f.fence$$,
  '{bid.status}'::text[],
  '{"tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.procuring_entity_id": "no procuring entity is flagged"}'::jsonb);
