-- bench/ocds.sh, before cleangov is installed: the baselines (count(*) of the
-- jsonb table, and count(data -> 'ocid'), which reads every release, best of 3) and the load (COPY of the releases as JSON Lines
-- from a file into an empty jsonb table, best of 2), kept in bench.result.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA bench;
CREATE TABLE bench.result (part text, rep int, ms float8, n bigint);
CREATE TABLE ocds.loaded (data jsonb);
SELECT set_config('bench.file', :'file', false);
DO $$
DECLARE
  t0 timestamptz;
  n bigint;
BEGIN
  EXECUTE format('COPY (SELECT data FROM ocds.releases) TO %L', current_setting('bench.file'));
  FOR rep IN 1..3 LOOP
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM ocds.releases;
    INSERT INTO bench.result VALUES ('count(*)', rep, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
    -- a second baseline that reads every release's JSON (count(*) does not)
    t0 := clock_timestamp();
    SELECT count(data -> 'ocid') INTO n FROM ocds.releases;
    INSERT INTO bench.result VALUES ('count(data -> ''ocid'')', rep, extract(epoch FROM clock_timestamp() - t0) * 1000, n);
  END LOOP;
END
$$;
-- each COPY in its own transaction, as a load is
TRUNCATE ocds.loaded;
SELECT clock_timestamp() AS t0 \gset
COPY ocds.loaded FROM :'file';
INSERT INTO bench.result SELECT 'load (COPY of JSON Lines)', 1, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, count(*) FROM ocds.loaded;
TRUNCATE ocds.loaded;
SELECT clock_timestamp() AS t0 \gset
COPY ocds.loaded FROM :'file';
INSERT INTO bench.result SELECT 'load (COPY of JSON Lines)', 2, extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, count(*) FROM ocds.loaded;
DROP TABLE ocds.loaded;
