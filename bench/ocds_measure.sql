-- bench/ocds.sh, with cleangov installed: bind_ocds() over ocds.releases as
-- views, ocds_problems(), ocds_coverage(), cleangov.run() of the 13 R
-- indicators (every other rule disabled); then the same with materialize =>
-- true, and refresh_ocds().  Each timed once (they are long), in bench.result.
-- The rules run one cleangov.run(code) each (bench/ocds_run.sql), each
-- cancelled after :rule_timeout (a rule whose plan goes quadratic would
-- otherwise hold the run for hours); a cancelled rule is reported as such.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
UPDATE cleangov.rule SET enabled = rule_code = ANY ('{R003,R018,R024,R025,R028,R030,R035,R036,R038,R044,R048,R055,R058}');
CREATE FUNCTION bench.timed(part text, query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
  n bigint;
BEGIN
  EXECUTE query INTO n;
  INSERT INTO bench.result VALUES (part, 1, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
  RAISE WARNING '% ms', round(extract(epoch FROM clock_timestamp() - t0) * 1000);
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
CREATE TABLE bench.run_rules (mode text, rule_code text, status text, hits int, duration_ms float8);

\echo '   bind_ocds (views)'
SELECT bench.timed('bind_ocds (views)', $$SELECT count(*) FROM cleangov.bind_ocds('ocds.releases')$$);
\echo '   ocds_problems, ocds_coverage'
SELECT bench.timed('ocds_problems', $$SELECT count(*) FROM cleangov.ocds_problems('ocds.releases')$$);
SELECT bench.timed('ocds_coverage', $$SELECT count(*) FROM cleangov.ocds_coverage('ocds.releases')$$);
\echo '   count(*) of each bound view'
SELECT bench.timed('count(*) of the 8 views', $$SELECT (SELECT count(*) FROM cleangov_bound.tender) + (SELECT count(*) FROM cleangov_bound.bid)
  + (SELECT count(*) FROM cleangov_bound.award) + (SELECT count(*) FROM cleangov_bound.contract) + (SELECT count(*) FROM cleangov_bound.item)
  + (SELECT count(*) FROM cleangov_bound.consortium_member) + (SELECT count(*) FROM cleangov_bound.party) + (SELECT count(*) FROM cleangov_bound.enterprise)$$);
\echo '   run of the 13 R indicators over the views'
\set mode views
\ir ocds_run.sql

\echo '   bind_ocds (materialized)'
SELECT bench.timed('bind_ocds (materialized)', $$SELECT count(*) FROM cleangov.bind_ocds('ocds.releases', materialize => true)$$);
\echo '   run of the 13 R indicators over the materialized relations'
\set mode materialized
\ir ocds_run.sql
\echo '   refresh_ocds'
SELECT bench.timed('refresh_ocds', $$SELECT count(*) FROM (SELECT cleangov.refresh_ocds('ocds.releases')) x$$);
SELECT bench.timed('size of the materialized relations (MB, in n)', $$SELECT (sum(pg_total_relation_size(r)) / 1048576)::bigint
  FROM cleangov.ocds_source o CROSS JOIN unnest(o.relations) r$$);
