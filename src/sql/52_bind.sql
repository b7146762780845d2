-- Rule engine, part 2: binding a user's table to a canonical shape.
--
-- cleangov.bind('contract', 'erp.contracts', '{"amount": "price_cny"}') makes
-- the view cleangov_bound.contract: one column per shape column, in the
-- shape's order and type, read from the mapped column of the user's table
-- (by default the column of the same name).  Unmapped optional columns read as
-- NULL.  The select list is kept in cleangov.binding so that the watch
-- triggers can apply the same mapping to a statement's transition table.

CREATE TABLE @extschema@.binding (
  shape       text PRIMARY KEY REFERENCES @extschema@.shape,
  source      regclass NOT NULL,
  columns     jsonb NOT NULL DEFAULT '{}',
  select_list text NOT NULL,
  bound_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  bound_by    name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.binding IS
  'One row per bound shape: the user table it reads, the column mapping given to bind(), and the generated select list (over alias src).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.binding', '');

-- stable because it reads the catalog of a user table
CREATE FUNCTION @extschema@.binding_select_list(shape text, source regclass, columns jsonb)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
  src_col text;
  src_type oid;
  items text[] := '{}';
  bad text;
BEGIN
  IF NOT EXISTS (SELECT FROM @extschema@.shape s WHERE s.shape = binding_select_list.shape) THEN
    RAISE EXCEPTION 'unknown shape "%"', shape
      USING ERRCODE = 'undefined_object',
            HINT = 'The shapes are listed in cleangov.shape.';
  END IF;
  IF jsonb_typeof(coalesce(columns, '{}')) <> 'object' THEN
    RAISE EXCEPTION 'the column mapping must be a JSON object'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'It maps shape columns to columns of the source, e.g. {"amount": "price_cny"}.';
  END IF;
  SELECT k INTO bad FROM jsonb_object_keys(coalesce(columns, '{}')) k
   WHERE NOT EXISTS (SELECT FROM @extschema@.shape_column sc
                      WHERE sc.shape = binding_select_list.shape AND sc.column_name = k)
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'shape "%" has no column "%"', shape, bad
      USING ERRCODE = 'undefined_column',
            HINT = 'The columns of each shape are listed in cleangov.shape_column.';
  END IF;
  SELECT k INTO bad FROM jsonb_each(coalesce(columns, '{}')) e(k, v)
   WHERE jsonb_typeof(v) <> 'string' LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'the mapping of column "%" must be a column name (a JSON string)', bad
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  FOR c IN SELECT sc.column_name, sc.type, sc.required FROM @extschema@.shape_column sc
            WHERE sc.shape = binding_select_list.shape ORDER BY sc.position LOOP
    src_col := coalesce(columns ->> c.column_name, c.column_name);
    SELECT a.atttypid INTO src_type FROM pg_attribute a
     WHERE a.attrelid = source AND a.attname = src_col AND a.attnum > 0 AND NOT a.attisdropped;
    IF src_type IS NULL THEN
      IF c.required OR columns ? c.column_name THEN
        RAISE EXCEPTION 'column "%" of shape "%" not found: % has no column "%"',
          c.column_name, shape, source, src_col
          USING ERRCODE = 'undefined_column',
                HINT = 'Map it to a column of the source: cleangov.bind(shape, source, ''{"'
                       || c.column_name || '": "your_column"}'').';
      END IF;
      items := items || format('NULL::%s AS %I', c.type, c.column_name);
      CONTINUE;
    END IF;
    -- A text column takes anything (it is cast to text); the others need a
    -- source column of the same type category (number, date/time, boolean).
    IF c.type <> 'text'::regtype
       AND (SELECT t.typcategory FROM pg_type t WHERE t.oid = src_type)
           IS DISTINCT FROM (SELECT t.typcategory FROM pg_type t WHERE t.oid = c.type) THEN
      RAISE EXCEPTION 'column "%" of shape "%" must be of type %, but %.% is %',
        c.column_name, shape, c.type, source, quote_ident(src_col), src_type::regtype
        USING ERRCODE = 'datatype_mismatch',
              HINT = 'Bind a view of the table that converts the column.';
    END IF;
    items := items || format('src.%I::%s AS %I', src_col, c.type, c.column_name);
  END LOOP;
  RETURN array_to_string(items, ', ');
END
$$;
COMMENT ON FUNCTION @extschema@.binding_select_list(text, regclass, jsonb) IS
  'Select list (over alias src) that reads a source table as a canonical shape; refuses a missing column (42703) or a column of the wrong type (42804), naming it. Stable because it reads the catalog.';

-- volatile because it creates a view and writes cleangov.binding
CREATE FUNCTION @extschema@.bind(shape text, source regclass, columns jsonb DEFAULT '{}')
RETURNS regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  list text;
  view_name text := 'cleangov_bound.' || quote_ident(shape);
BEGIN
  IF shape IS NULL OR source IS NULL THEN
    RAISE EXCEPTION 'shape and source must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('r', 'p', 'v', 'm', 'f') THEN
    RAISE EXCEPTION '% is not a table or view', source USING ERRCODE = 'wrong_object_type';
  END IF;
  -- Rules read a bound table with their owners' rights (shipped rules: the
  -- extension owner's), and their evidence lands in alerts: binding a table
  -- the binder may not read would let it read that table through them.
  IF NOT pg_catalog.has_table_privilege(source, 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for table %', (SELECT c.relname FROM pg_class c WHERE c.oid = source)
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'Rules read a bound table with their owners'' rights; a role may bind only what it may read itself.',
            HINT = 'Bind it as a role with SELECT on the table.';
  END IF;
  list := @extschema@.binding_select_list(shape, source, columns);
  -- security_invoker: whoever reads the view (a rule, as its owner) reads
  -- the table with its own rights, never with those of the view's owner.
  EXECUTE format('CREATE OR REPLACE VIEW %s WITH (security_invoker = true) AS SELECT %s FROM %s src', view_name, list, source);
  EXECUTE format('COMMENT ON VIEW %s IS %L', view_name,
    format('cleangov shape %s bound to %s by cleangov.bind()', shape, source));
  INSERT INTO @extschema@.binding AS b (shape, source, columns, select_list)
  VALUES (shape, source, coalesce(columns, '{}'), list)
  ON CONFLICT ON CONSTRAINT binding_pkey DO UPDATE
     SET source = excluded.source, columns = excluded.columns, select_list = excluded.select_list,
         bound_at = pg_catalog.now(), bound_by = CURRENT_USER;
  -- Watched tables read the new mapping from now on (every one: a realtime
  -- set rule of another table may read this shape).
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
  RETURN view_name::regclass;
END
$$;
COMMENT ON FUNCTION @extschema@.bind(text, regclass, jsonb) IS
  'Binds a table or view to a canonical shape through a column mapping {"shape column": "source column"}, making the view cleangov_bound.<shape> that rules read (security_invoker: read with the reader''s rights, a rule''s with its owner''s). Volatile because it creates a view; parallel unsafe because it writes.';

-- volatile because it drops a view and writes cleangov.binding
CREATE FUNCTION @extschema@.unbind(shape text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  old_source regclass;
BEGIN
  DELETE FROM @extschema@.binding b WHERE b.shape = unbind.shape RETURNING b.source INTO old_source;
  IF old_source IS NULL THEN
    RAISE EXCEPTION 'shape "%" is not bound', shape USING ERRCODE = 'undefined_object';
  END IF;
  EXECUTE format('DROP VIEW IF EXISTS cleangov_bound.%I', shape);
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
END
$$;
COMMENT ON FUNCTION @extschema@.unbind(text) IS
  'Removes the binding of a shape and its view; rules reading the shape are skipped from then on. Volatile because it drops a view; parallel unsafe because it writes.';
