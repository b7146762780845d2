-- bench/library.sh: one timed run, alone in its session.  :call is the run
-- (cleangov.run(), cleangov.run(rule_code => '...'), cleangov.run(incremental
-- => true)).  Prints one line:
--   ms|rules|ok|hits|run_id|bid tuples read|bid index entries read|VmHWM kB|RssShmem kB|RssAnon kB
-- How the bids read are counted: the counters of the table bound to shape bid
-- in pg_stat_user_tables, seq_tup_read + idx_tup_fetch (tuples returned by
-- sequential scans, heap tuples fetched through an index or bitmap scan),
-- after minus before the run, parallel workers included; index-only scans
-- fetch no heap tuple, so the index entries read (idx_tup_read of the bid
-- table's indexes) are given beside it.  PostgreSQL 15 flushes a backend's
-- counters to the shared statistics at the end of a transaction at most once
-- a second (and a worker's when it exits): before the second snapshot this
-- session forces the flush (pg_stat_force_next_flush(), done when the backend
-- goes idle after that statement) and drops its cached snapshot
-- (pg_stat_clear_snapshot()).
-- Memory: VmHWM (the peak resident set) of this backend from
-- /proc/self/status, read by the server (pg_read_file as the cluster's OS
-- user) in the session that ran the run.  It counts the pages of
-- shared_buffers the backend touched (RssShmem, which only grows), so the
-- private part is about VmHWM - RssShmem; parallel workers' memory is not in it.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT b.source::regclass::text AS bidtab FROM cleangov.binding b WHERE b.shape = 'bid' \gset
SELECT pg_stat_clear_snapshot() \gset
SELECT t.seq_tup_read + coalesce(t.idx_tup_fetch, 0) AS r0,
       coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = t.relid), 0) AS i0
  FROM pg_stat_user_tables t WHERE t.relid = :'bidtab'::regclass \gset
SELECT clock_timestamp() AS t0 \gset
SELECT count(*) AS rules, count(*) FILTER (WHERE l.status = 'ok') AS ok, coalesce(sum(l.hits), 0) AS hits,
       max(l.run_id) AS run_id
  FROM :call l \gset
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000) AS ms \gset
SELECT pg_read_file('/proc/self/status') AS st \gset
SELECT pg_stat_force_next_flush() \gset
SELECT pg_stat_clear_snapshot() \gset
SELECT t.seq_tup_read + coalesce(t.idx_tup_fetch, 0) - :r0 AS reads,
       coalesce((SELECT sum(i.idx_tup_read) FROM pg_stat_user_indexes i WHERE i.relid = t.relid), 0) - :i0 AS ireads
  FROM pg_stat_user_tables t WHERE t.relid = :'bidtab'::regclass \gset
SELECT concat_ws('|', :'ms', :'rules', :'ok', :'hits', :'run_id', :'reads', :'ireads',
                 substring(:'st' FROM 'VmHWM:\s+(\d+) kB'), substring(:'st' FROM 'RssShmem:\s+(\d+) kB'),
                 substring(:'st' FROM 'RssAnon:\s+(\d+) kB'));
