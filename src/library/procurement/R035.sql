-- R035: all except winning bid disqualified (除中标人外均被废标), Cardinal's indicator
--
-- A contracting process is flagged when exactly one tenderer has valid bids
-- (status valid), it is the supplier of every active award (and they name no
-- other), and at least {threshold} (1; Cardinal raises a smaller one to 1)
-- other tenderers have disqualified bids.  Value: the number of those other
-- tenderers; the winner is flagged too, as a tenderer (subject kind
-- enterprise), with Cardinal's value 0.0 (evidence: the processes).
--
-- Left out (Cardinal's exclusions): cancelled processes, method details in
-- {exclude_procurement_method_details}, a process with a pending (or
-- non-OCDS) award status (cleangov.cardinal_processes, src/sql/57_cardinal.sql).
-- A joint valid bid (tenderer_count above 1) is several tenderers: not
-- flagged, as Cardinal.  Deviation: the members of a joint disqualified bid
-- beyond its first tenderer are counted as distinct other tenderers
-- (tenderer_count - 1 each), since the rule does not read consortium_member;
-- Cardinal counts distinct ids.  Bid and award statuses NULL count as valid
-- and active.
--
-- Source: open-contracting/cardinal-rs docs/cli/indicators/R/035.md at
-- df5f523689f699eabbc9220ea2042521bf58efa9, docs/cli/indicators/index.md at
-- 685343ad47a88775721c6795da4a361fe23e2add; the sets compared and the
-- threshold's minimum from src/indicators/r035.rs at
-- fef2157aded707658a9f2a9bd33391c86b619852.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R035', 'all except winning bid disqualified', '除中标人外均被废标', 'procurement', 'bid rigging', 'tender',
  '{"threshold": 1, "exclude_procurement_method_details": []}', 'yellow',
  'Cardinal''s R035: exactly one tenderer has valid bids, it is the supplier of every active award, and at least {threshold} other tenderers have disqualified bids (value: their number); the winner is flagged too (value 0). Processes with a pending award are left out.');

-- The processes and the bids are read from the shared passes processes and
-- tender_bids (55_pass.sql), so R035 is evaluable for the tenders a
-- statement touched (its tenderers wait for a whole run).
INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R035',
  'set',
  $$
WITH p AS MATERIALIZED (
  SELECT p.tender_id, p.unit_code, p.active_supplier
    FROM cleangov_pass.processes p
   WHERE p.awards_final AND p.active_supplier IS NOT NULL
     AND NOT coalesce(p.method_details = ANY ({exclude_procurement_method_details}::text[]), false)),
g AS (
  SELECT p.tender_id, p.unit_code, p.active_supplier AS winner,
         count(DISTINCT b.bidder_id) FILTER (WHERE b.status = 'valid') AS valid_tenderers,
         min(b.bidder_id) FILTER (WHERE b.status = 'valid') AS valid_tenderer,
         bool_or(b.status = 'valid' AND b.tenderer_count > 1) AS joint_valid,
         count(DISTINCT b.bidder_id) FILTER (WHERE b.status = 'disqualified' AND b.bidder_id <> p.active_supplier)
           + coalesce(sum(b.tenderer_count - 1) FILTER (WHERE b.status = 'disqualified' AND b.tenderer_count > 1), 0) AS others
    FROM p JOIN cleangov_pass.tender_bids b ON b.tender_id = p.tender_id
   WHERE b.bidder_id IS NOT NULL
     -- a one-time filter: the probe of the columns read reaches the function
     -- in pass processes whatever the plan (rule_columns_read)
     AND EXISTS (SELECT FROM p)
   GROUP BY p.tender_id, p.unit_code, p.active_supplier),
hit AS (
  SELECT g.* FROM g
   WHERE g.valid_tenderers = 1 AND NOT g.joint_valid AND g.valid_tenderer = g.winner
     AND g.others >= greatest({threshold}::numeric, 1))
SELECT 'tender' AS subject_kind, hit.tender_id AS subject_key, hit.unit_code, '' AS period, hit.others::float8 AS value,
       greatest({threshold}::numeric, 1)::float8 AS threshold,
       jsonb_build_object('winner', hit.winner, 'disqualified_tenderers', hit.others) AS evidence
  FROM hit
UNION ALL
SELECT 'enterprise', hit.winner, NULL, '', 0::float8, greatest({threshold}::numeric, 1)::float8,
       jsonb_build_object('processes', array_agg(hit.tender_id ORDER BY hit.tender_id))
  FROM hit GROUP BY hit.winner$$,
  '{bid.status}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
