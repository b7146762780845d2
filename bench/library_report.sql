-- bench/library.sh: the figures, from the results database.  :per_rule_scale
-- is the scale at which each rule was also run alone.
\set ON_ERROR_STOP on
\pset footer off
SET client_min_messages = warning;

\echo '== run: cleangov.run() of the library against count(*) of every table under the bindings once'
SELECT b.scale AS tenders, b.tables, b.table_rows, b.bid_rows, round(b.count_ms) AS count_ms,
       string_agg(round(r.ms)::text, ' / ' ORDER BY r.rep) AS run_ms,
       round(min(r.ms) / b.count_ms, 1) AS ratio,
       string_agg(round(r.bid_reads::numeric / b.bid_rows, 2)::text, ' / ' ORDER BY r.rep) AS bids_read_x,
       string_agg(round(r.bid_index_reads::numeric / b.bid_rows, 2)::text, ' / ' ORDER BY r.rep) AS bid_index_entries_x,
       max(r.hits) AS hits, min(r.ok) || '/' || max(r.rules) AS ok
  FROM baseline b JOIN run_result r ON r.part = 'run' AND r.label = 'full' AND r.scale = b.scale
 GROUP BY b.scale, b.tables, b.table_rows, b.bid_rows, b.count_ms ORDER BY b.scale;

\echo '== run: peak memory of the backend that ran run() (MB; VmHWM counts the shared_buffers pages it touched, RssShmem)'
SELECT r.scale AS tenders, r.rep, round(r.vmhwm_kb / 1024.0) AS vmhwm_mb, round(r.rssshmem_kb / 1024.0) AS rssshmem_mb,
       round((r.vmhwm_kb - r.rssshmem_kb) / 1024.0) AS vmhwm_minus_shmem_mb, round(r.rssanon_kb / 1024.0) AS rssanon_after_mb
  FROM run_result r WHERE r.part = 'run' AND r.label = 'full' ORDER BY r.scale, r.rep;

\echo '== run: per rule at the first scale (ms in the fastest full run; bids read when the rule runs alone, over the bid rows)'
WITH best AS (
  SELECT DISTINCT ON (r.scale) r.scale, r.run_id FROM run_result r
   WHERE r.part = 'run' AND r.label = 'full' AND r.scale = :per_rule_scale ORDER BY r.scale, r.ms)
SELECT l.rule_code, l.status, l.hits, round(l.ms) AS ms, round(a.ms) AS alone_ms,
       round(a.bid_reads::numeric / b.bid_rows, 2) AS bids_read_x,
       round(a.bid_index_reads::numeric / b.bid_rows, 2) AS bid_index_entries_x
  FROM best JOIN rule_log l USING (scale, run_id)
  JOIN baseline b USING (scale)
  LEFT JOIN run_result a ON a.part = 'rule' AND a.scale = best.scale AND a.label = l.rule_code
 ORDER BY l.ms DESC;
SELECT b.scale AS tenders, round(sum(a.bid_reads)::numeric / b.bid_rows, 2) AS bids_read_x_sum_of_rules_alone,
       count(*) FILTER (WHERE a.bid_reads >= b.bid_rows / 2) AS rules_reading_half_the_bids_or_more
  FROM run_result a JOIN baseline b USING (scale) WHERE a.part = 'rule' GROUP BY b.scale, b.bid_rows;

\echo '== incremental'
SELECT item, value FROM inc_result ORDER BY item;
SELECT r.label, round(r.ms) AS ms, r.ok || '/' || r.rules AS ok, r.hits, r.bid_reads,
       round(r.ms / nullif((SELECT f.ms FROM run_result f WHERE f.part = 'incremental' AND f.label = 'full'), 0), 3) AS ratio_to_full
  FROM run_result r WHERE r.part = 'incremental' ORDER BY r.label;

\echo '== realtime: watched (every bid rule realtime) against unwatched, best of 2'
SELECT part, string_agg(mode || ' ' || value || CASE part WHEN 'insert' THEN ' TPS' ELSE ' ms' END
                        || ' (' || rows || ' bids, ' || alerts || ' alerts)', '; ' ORDER BY mode, rep) AS runs,
       CASE part WHEN 'insert' THEN round(max(value) FILTER (WHERE mode = 'watched') / nullif(max(value) FILTER (WHERE mode = 'unwatched'), 0), 4)
                 ELSE round(min(value) FILTER (WHERE mode = 'watched') / nullif(min(value) FILTER (WHERE mode = 'unwatched'), 0), 2) END AS ratio,
       CASE part WHEN 'insert' THEN '>= 0.5' ELSE '<= 2' END AS target,
       string_agg(note, '; ') AS notes
  FROM rt_result GROUP BY part ORDER BY part DESC;
