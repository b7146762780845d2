-- The indexes that evaluating a rule for some subjects needs (issue 15).
--
-- A watch trigger and an incremental run evaluate a rule with a grain for
-- the subjects a statement touched: the passes read each bound shape
-- filtered by the key of the subject (pass.grain_keys, e.g. bid.tender_id).
-- The bound view exposes that key as the shape's type, text: a bigint
-- tender_id becomes (src.tender_id)::text, and the filter
-- (tender_id)::text = ANY (keys) cannot use an index on tender_id.  Without
-- an index that serves it, every single-row INSERT scans the shape's whole
-- table: at 20,000 demo tenders 42 ms a statement, against 8 ms with one
-- (doc/performance.md), and the gap grows with the table.
--
-- cleangov does not create indexes on the user's tables (CREATE INDEX
-- blocks writes, CONCURRENTLY cannot run inside a function): it says which
-- are missing and gives the statement.  Whether an index serves the filter
-- is asked of the planner itself, so an index the DBA made another way
-- (a view's base table, an expression index, a text key's plain index)
-- counts as well.

CREATE FUNCTION @extschema@.key_indexes(
  OUT shape text, OUT key_column text, OUT source regclass, OUT source_column text,
  OUT served boolean, OUT indexes text[], OUT create_statement text, OUT note text)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
-- the probe: a plan that still needs a sequential scan costs at least
-- disable_cost (1e10) more than one that does not
SET enable_seqscan = off
AS $$
DECLARE
  k record;
  m jsonb;
  t regtype;
  plan jsonb;
BEGIN
  FOR k IN SELECT DISTINCT b.shape, g.key AS key_column, b.source, b.columns
             FROM @extschema@.binding b
             JOIN @extschema@.pass p ON p.grain_keys ? b.shape
             CROSS JOIN LATERAL (SELECT p.grain_keys ->> b.shape AS key) g
            WHERE b.broken IS NULL
              AND NOT g.key = ANY (b.absent)
            ORDER BY 1, 2 LOOP
    shape := k.shape; key_column := k.key_column; source := k.source;
    source_column := NULL; create_statement := NULL; note := NULL;
    -- the planner's answer for one key
    BEGIN
      EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM cleangov_bound.%I v WHERE v.%I = ANY (%L::text[])',
                     k.shape, k.key_column, '{cleangov_probe}') INTO plan;
      -- served: the key's filter is an index condition (not a filter over a
      -- whole index) and no table is read whole
      indexes := ARRAY(SELECT DISTINCT n ->> 'Index Name' FROM jsonb_path_query(plan, 'strict $.**') n
                        WHERE jsonb_typeof(n) = 'object' AND strpos(n ->> 'Index Cond', '{cleangov_probe}') > 0 ORDER BY 1);
      served := (plan -> 0 -> 'Plan' ->> 'Total Cost')::float8 < 1e9 AND cardinality(indexes) > 0;
    EXCEPTION WHEN insufficient_privilege THEN
      served := NULL; indexes := NULL;
      note := 'the caller may not read the shape''s tables: ask a role that may';
    WHEN OTHERS THEN
      served := NULL; indexes := NULL;
      note := 'the planner could not be asked: ' || SQLERRM;
    END;
    -- the statement, where the key is a column of the source table itself
    m := k.columns -> k.key_column;
    IF m IS NULL THEN
      source_column := k.key_column;
    ELSIF jsonb_typeof(m) = 'string' THEN
      source_column := m #>> '{}';
    ELSIF jsonb_typeof(m) = 'object' AND m ? 'column' AND NOT m ? 'codes' THEN
      source_column := m ->> 'column';
    END IF;
    t := CASE WHEN source_column IS NOT NULL THEN @extschema@.column_type(k.source, source_column) END;
    IF served THEN
      NULL;   -- nothing to do
    ELSIF t IS NULL THEN
      source_column := NULL;
      note := coalesce(note, 'the key is mapped from an expression, a lookup or a code map: index that expression, cast to text, on its table');
    ELSIF (SELECT c.relkind FROM pg_class c WHERE c.oid = k.source) NOT IN ('r', 'p', 'm') THEN
      note := coalesce(note, format('%s is a view: index the column it reads %s from on its base table (cast to text unless it is text)',
                                    k.source, source_column));
    ELSE
      create_statement := format('CREATE INDEX CONCURRENTLY ON %s (%s)', k.source,
                                 CASE WHEN t IN ('text'::regtype, 'character varying'::regtype)
                                      THEN quote_ident(source_column)
                                      ELSE format('(%I::text)', source_column) END);
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.key_indexes() IS
  'The subject keys by which the watch triggers and incremental runs read each bound shape (the grain keys of the shared passes, cleangov.pass.grain_keys), whether the planner can read one subject''s rows without a sequential scan (served, and the indexes it would use), and for a key that is a column of a table and not served, the CREATE INDEX CONCURRENTLY to run (the bound view casts keys to text, so an index on a bigint column does not serve; one on the column cast to text does). cleangov never creates these itself. Volatile because it runs EXPLAIN with enable_seqscan off; parallel unsafe because it does.';
