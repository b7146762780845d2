-- Checksum of the demo data set: one line per table of schemas gov and truth
-- (row count and an order-independent hash of the rows' text), then the total.
-- Two runs of demo/generate.sql with the same seed and scale must print the
-- same total.
--   psql -f demo/checksum.sql
\set ON_ERROR_STOP on
CREATE OR REPLACE FUNCTION pg_temp.demo_checksum()
RETURNS TABLE (tbl text, nrows bigint, hash numeric)
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT table_schema, table_name FROM information_schema.tables
           WHERE table_schema IN ('gov', 'truth') AND table_type = 'BASE TABLE'
           ORDER BY 1, 2
  LOOP
    tbl := r.table_schema || '.' || r.table_name;
    EXECUTE format('SELECT count(*), coalesce(sum(hashtextextended(x::text, 0)::numeric), 0) FROM %I.%I x',
                   r.table_schema, r.table_name) INTO nrows, hash;
    RETURN NEXT;
  END LOOP;
END $$;
SELECT * FROM pg_temp.demo_checksum();
SELECT md5(string_agg(tbl || ':' || nrows || ':' || hash, ',' ORDER BY tbl)) AS demo_checksum FROM pg_temp.demo_checksum();
