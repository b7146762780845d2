-- PROC_CLOSE_SECOND_BID: second bid close to the winning bid, per method
-- (次低价与中标价过近, 按采购方式), cleangov's tuned variant of Cardinal's R024
--
-- d = (second-lowest valid bid - winning bid) / winning bid, the processes
-- and bids as Cardinal's R024 reads them (cleangov.cardinal_price_gaps,
-- src/sql/57_cardinal.sql); flagged at d <= {max_d} (0.005: half a per cent,
-- Cardinal's fixed-threshold option, tuned on the demo); with max_d null, at
-- d <= Q1 - {k}*IQR over the processes of the same procurement method, for a
-- method with at least {min_peers} such processes and IQR > 0.
--
-- Why a variant: the gap between the two lowest bids depends on how many
-- firms bid, which the method largely sets (in the demo, open: median gap
-- 3 %; limited, 3-5 bids: 6 %); a fence over every process mixes them and
-- flags the small-field methods' ordinary tenders, and quartiles of a few
-- values are too unstable to call anything an outlier (doc/rules.md,
-- "Defaults of the fence rules, and why").  This was R024's definition before
-- issue 13 gave R024 Cardinal's.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROC_CLOSE_SECOND_BID', 'second bid close to the winning bid', '次低价与中标价过近(按采购方式)', 'procurement', 'bid rigging', 'tender',
  '{"k": 1.5, "max_d": 0.005, "min_peers": 30}', 'yellow',
  '(second-lowest valid bid - winning bid) / winning bid at or below {max_d}; with max_d null, at or below Q1 - k*IQR over the processes of the same method (methods with at least {min_peers} of them, IQR > 0); processes and bids as Cardinal''s R024 reads them.');

INSERT INTO @extschema@.rule_definition (rule_code, kind, statistics, query, needs, degrades) VALUES (
  'PROC_CLOSE_SECOND_BID',
  'set',
  $$SELECT d.method, count(*) AS peers, percentile_cont(0.25) WITHIN GROUP (ORDER BY d.difference) AS q1,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY d.difference) AS q3
      FROM cleangov_pass.price_gaps d GROUP BY d.method HAVING count(*) >= {min_peers}$$,
  $$
WITH d AS (SELECT * FROM cleangov_pass.price_gaps),
f AS (SELECT * FROM cleangov_statistics)
SELECT d.tender_id AS subject_key, d.unit_code, '' AS period, d.difference AS value,
       coalesce({max_d}::float8, f.q1 - {k} * (f.q3 - f.q1))::float8 AS threshold,
       jsonb_build_object('winning_bid', d.winning_bid, 'second_bid', d.second_bid, 'method', d.method, 'peers', f.peers,
                          'q1', @extschema@.round_sig(f.q1), 'q3', @extschema@.round_sig(f.q3)) AS evidence
  FROM d LEFT JOIN f ON f.method IS NOT DISTINCT FROM d.method
 WHERE CASE WHEN {max_d}::float8 IS NOT NULL THEN d.difference <= {max_d}::float8
            ELSE f.q3 > f.q1 AND d.difference <= f.q1 - {k} * (f.q3 - f.q1) END$$,
  '{}'::text[],
  '{"award.status": "every award counts as active", "award.supplier_count": "every award counts as made to one supplier", "bid.status": "every bid counts as valid", "bid.currency": "every amount counts as in the main currency", "bid.tenderer_count": "every bid counts as one tenderer''s", "tender.status": "cancelled processes are not skipped", "tender.method_details": "no process is left out by its method details", "tender.unit_code": "alerts carry no unit"}'::jsonb);
