-- Rule engine, part 2: binding a user's table to a canonical shape.
--
-- cleangov.bind('contract', 'erp.contracts', '{"amount": "price_cny"}') makes
-- the view cleangov_bound.contract: one column per shape column, in the
-- shape's order and type, read from what the mapping says the column is:
--   "col" or {"column": "col"}     a column of the source ("t.col": of a lookup)
--   {"value": false}               a constant
--   {"expr": "fdsx * 1"}           an expression over the source row and its lookups
--   {"columns": ["nd", "bh"]}      a key made of several columns (compose_key)
-- and, on a column or an expression, "codes" (a code map from the user's
-- values to the shape column's code list) with an optional "default".
-- Lookups are related tables joined by a unique key ({"t": {"table":
-- "zb.xm", "on": {"xmbh": "xmbh"}}}), so the common conversions need no
-- hand-written view.  A shape column neither mapped nor found in the source
-- is absent: read as NULL, recorded in binding.absent, and a rule that needs
-- it does not run (absent never means false).  The select list and FROM
-- clause are kept in cleangov.binding so that the watch triggers apply the
-- same mapping to a statement's transition table.

CREATE TABLE @extschema@.binding (
  shape       text PRIMARY KEY REFERENCES @extschema@.shape,
  source      regclass NOT NULL,
  source_name text NOT NULL,
  columns     jsonb NOT NULL DEFAULT '{}',
  lookups     jsonb NOT NULL DEFAULT '{}',
  reach       jsonb NOT NULL DEFAULT '{}',
  select_list text NOT NULL,
  from_list   text NOT NULL,
  absent      text[] NOT NULL DEFAULT '{}',
  date_only   text[] NOT NULL DEFAULT '{}',
  tables      oid[] NOT NULL DEFAULT '{}',
  broken      text,
  broken_at   timestamptz,
  watched_tables text[] NOT NULL DEFAULT '{}',
  bound_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  bound_by    name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.binding IS
  'One row per bound shape: the table or view it reads (source, and its qualified name when bound), the column mapping, lookups and reach given to bind() (lookups and reach with the tables resolved), the generated select list and FROM clause (source alias src), the shape columns absent (read as NULL: not recorded), every table the binding reads (tables), and, when its source, a lookup or the view went, why it is broken (rules reading it are skipped until cleangov.rebind() or bind()) and which of its tables were watched (watched again when it is restored).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.binding', '');

-- A key made of several columns, as one text: the parts joined by '/', a '/'
-- or '\' inside a part escaped by '\', so that different parts never make the
-- same key; NULL if any part is NULL (no key).
CREATE FUNCTION @extschema@.compose_key(VARIADIC parts text[])
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN array_position(parts, NULL) IS NULL THEN
  array_to_string(ARRAY(SELECT replace(replace(p, E'\\', E'\\\\'), '/', E'\\/')
                          FROM unnest(parts) WITH ORDINALITY u(p, i) ORDER BY i), '/') END;
COMMENT ON FUNCTION @extschema@.compose_key(text[]) IS
  'A key made of several columns as one text: the parts joined by /, with / and \ inside a part escaped by \ (different parts never give the same key); NULL if a part is NULL. bind() uses it for {"columns": [...]}; use the same columns in the same order for the references to that key.';

CREATE FUNCTION @extschema@.expression_info(query text, OUT types regtype[], OUT functions regprocedure[])
AS 'MODULE_PATHNAME', 'expression_info'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.expression_info(text) IS
  'Parses and analyzes one SELECT without running it (src/expression.c): the type of each output column and every function it would call (operators'' and casts'' included); refuses several statements or a statement that is not a SELECT (42601), aggregates (42803), window functions (42P20), subqueries and set-returning functions (0A000). bind() checks mapping expressions with it. Stable because it reads the catalog.';

-- The type of a live column of a relation, NULL when it has none of that
-- name: every "does it have this column" check of a binding.
CREATE FUNCTION @extschema@.column_type(rel regclass, column_name text)
RETURNS regtype
LANGUAGE sql STABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
  SELECT a.atttypid::regtype FROM pg_catalog.pg_attribute a
   WHERE a.attrelid = rel AND a.attname = column_name AND a.attnum > 0 AND NOT a.attisdropped;
END;
COMMENT ON FUNCTION @extschema@.column_type(regclass, text) IS
  'Internal to bind(): the type of the column of that name of a relation (not dropped, not a system column), NULL when it has none. Stable because it reads the catalog.';

-- A column reference of a mapping as SQL: a column of the source (src.col),
-- or "alias.col", a lookup's.  A source column whose name holds a dot is the
-- source's: the source's own columns come first.
CREATE FUNCTION @extschema@.binding_column_ref(source regclass, ref text)
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN CASE WHEN strpos(ref, '.') > 0 AND @extschema@.column_type(source, ref) IS NULL
            THEN format('%I.%I', split_part(ref, '.', 1), substr(ref, strpos(ref, '.') + 1))
            ELSE format('src.%I', ref) END;
COMMENT ON FUNCTION @extschema@.binding_column_ref(regclass, text) IS
  'Internal to bind(): a mapping''s column reference as SQL: a column of the source as src.col (also when its name holds a dot), else "alias.col" as alias.col (a lookup''s), each part quoted as an identifier. Stable because it reads the catalog.';

-- Who may be called from a mapping expression: functions that are neither
-- volatile nor written by a user.  A bound view is read with its reader's
-- rights (a rule's owner's), so a function a binder wrote would run with the
-- rights of every rule's owner.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.binding_expression_check(shape text, column_name text, query text)
RETURNS regtype
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  info record;
  f regprocedure;
  state text;
  msg text;
BEGIN
  BEGIN
    info := @extschema@.expression_info(query);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RAISE EXCEPTION 'mapping of column "%" of shape "%": %', column_name, shape, msg
      USING ERRCODE = state;
  END;
  FOREACH f IN ARRAY info.functions LOOP
    IF (SELECT p.provolatile FROM pg_proc p WHERE p.oid = f) = 'v' THEN
      RAISE EXCEPTION 'mapping of column "%" of shape "%" calls %, which is volatile', column_name, shape, f
        USING ERRCODE = 'invalid_object_definition',
              DETAIL = 'A mapping reads the same row the same way every time: only immutable or stable functions.';
    END IF;
    IF NOT ((SELECT p.pronamespace FROM pg_proc p WHERE p.oid = f) = 'pg_catalog'::regnamespace
            OR EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = f
                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e')) THEN
      RAISE EXCEPTION 'mapping of column "%" of shape "%" calls %, which is neither built in nor part of an extension', column_name, shape, f
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Rules read a bound view with their owners'' rights; a function a user wrote would run with them.',
              HINT = 'Bind a view of your own that calls it (the view runs it with your rights).';
    END IF;
  END LOOP;
  RETURN info.types[1];
END
$$;
COMMENT ON FUNCTION @extschema@.binding_expression_check(text, text, text) IS
  'Internal to bind(): checks the query of one mapped column (a SELECT of the expression over the binding''s FROM clause) and returns its type; refuses a volatile function (42P17) and a function that is neither built in nor part of an extension (42501), and names the column in any error. Stable because it reads the catalog; parallel restricted because it catches errors (a subtransaction).';

-- The lookups of a binding, checked and resolved: each alias a related table
-- joined by columns of the source (or of another lookup) on a unique key.
-- Returns the normalised lookups ({"alias": {"table": name, "oid": oid,
-- "on": {...}, "after": [aliases it joins through]}}) in join order.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.binding_lookups(shape text, source regclass, lookups jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  l record;
  k record;
  rel regclass;
  tcol text;
  talias text;
  out_l jsonb := '{}'::jsonb;
  deps text[];
  cols text[];
BEGIN
  IF jsonb_typeof(coalesce(lookups, '{}')) <> 'object' THEN
    RAISE EXCEPTION 'the lookups of shape "%" must be a JSON object', shape
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'e.g. {"t": {"table": "zb.xm", "on": {"xmbh": "xmbh"}}}: alias, table, and the lookup''s key columns with the source columns they equal.';
  END IF;
  FOR l IN SELECT e.key AS alias, e.value AS v FROM jsonb_each(coalesce(lookups, '{}')) e LOOP
    IF l.alias !~ '^[a-z_][a-z0-9_]*$' OR l.alias = 'src' THEN
      RAISE EXCEPTION 'lookup alias "%" of shape "%" must be a lower-case name other than src', l.alias, shape
        USING ERRCODE = 'invalid_name';
    END IF;
    IF jsonb_typeof(l.v) <> 'object' OR jsonb_typeof(l.v -> 'table') IS DISTINCT FROM 'string'
       OR jsonb_typeof(l.v -> 'on') IS DISTINCT FROM 'object' OR l.v -> 'on' = '{}'
       OR EXISTS (SELECT FROM jsonb_object_keys(l.v) x WHERE x NOT IN ('table', 'on', 'oid', 'after')) THEN
      RAISE EXCEPTION 'lookup "%" of shape "%" must be {"table": "schema.table", "on": {"lookup column": "source column"}}', l.alias, shape
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    rel := to_regclass(l.v ->> 'table');
    IF rel IS NULL THEN
      RAISE EXCEPTION 'lookup "%" of shape "%": relation "%" does not exist', l.alias, shape, l.v ->> 'table'
        USING ERRCODE = 'undefined_table';
    END IF;
    IF NOT pg_catalog.has_table_privilege(rel, 'SELECT') THEN
      RAISE EXCEPTION 'permission denied for table % (lookup "%" of shape "%")', rel, l.alias, shape
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'Rules read a bound table with their owners'' rights; a role may bind only what it may read itself.';
    END IF;
    deps := '{}'; cols := '{}';
    FOR k IN SELECT e.key AS lcol, e.value AS v FROM jsonb_each(l.v -> 'on') e LOOP
      IF jsonb_typeof(k.v) <> 'string' THEN
        RAISE EXCEPTION 'lookup "%" of shape "%": "%" must equal a column name (a JSON string)', l.alias, shape, k.lcol
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF @extschema@.column_type(rel, k.lcol) IS NULL THEN
        RAISE EXCEPTION 'lookup "%" of shape "%": % has no column "%"', l.alias, shape, rel, k.lcol
          USING ERRCODE = 'undefined_column';
      END IF;
      IF strpos(k.v #>> '{}', '.') > 0 AND @extschema@.column_type(source, k.v #>> '{}') IS NULL THEN
        talias := split_part(k.v #>> '{}', '.', 1);
        tcol := substr(k.v #>> '{}', strpos(k.v #>> '{}', '.') + 1);
        IF NOT lookups ? talias OR talias = l.alias THEN
          RAISE EXCEPTION 'lookup "%" of shape "%" joins through "%", which is not another lookup', l.alias, shape, talias
            USING ERRCODE = 'undefined_object';
        END IF;
        deps := deps || talias;
      ELSE
        tcol := k.v #>> '{}';
        IF @extschema@.column_type(source, tcol) IS NULL THEN
          RAISE EXCEPTION 'lookup "%" of shape "%": % has no column "%"', l.alias, shape, source, tcol
            USING ERRCODE = 'undefined_column';
        END IF;
      END IF;
      cols := cols || k.lcol;
    END LOOP;
    -- A lookup must find at most one row, or it would multiply the source's.
    IF NOT EXISTS (SELECT FROM pg_index i
                    WHERE i.indrelid = rel AND i.indisunique AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL
                      AND NOT EXISTS (SELECT FROM unnest(i.indkey::int2[]) n
                                       WHERE NOT (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = rel AND a.attnum = n) = ANY (cols))) THEN
      RAISE EXCEPTION 'lookup "%" of shape "%": % has no unique key on (%)', l.alias, shape, rel, array_to_string(cols, ', ')
        USING ERRCODE = 'invalid_column_reference',
              DETAIL = 'A lookup joins at most one row to each source row; without a unique key on its columns it could join several and multiply the rows.',
              HINT = format('CREATE UNIQUE INDEX ON %s (%s);', rel, (SELECT string_agg(quote_ident(c), ', ') FROM unnest(cols) c));
    END IF;
    out_l := out_l || jsonb_build_object(l.alias, jsonb_build_object('table', rel::text, 'oid', rel::oid, 'on', l.v -> 'on',
                                                                     'after', to_jsonb(ARRAY(SELECT DISTINCT x FROM unnest(deps) x ORDER BY x))));
  END LOOP;
  -- no lookup may join through itself, round about
  IF EXISTS (WITH RECURSIVE p(alias, dep, path) AS (
               SELECT e.key, d.value #>> '{}', ARRAY[e.key] FROM jsonb_each(out_l) e, jsonb_array_elements(e.value -> 'after') d
               UNION ALL
               SELECT p.alias, d.value #>> '{}', p.path || p.dep FROM p, jsonb_array_elements(out_l -> p.dep -> 'after') d
                WHERE NOT p.dep = ANY (p.path))
             SELECT FROM p WHERE p.dep = p.alias) THEN
    RAISE EXCEPTION 'the lookups of shape "%" join through each other in a circle', shape
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN out_l;
END
$$;
COMMENT ON FUNCTION @extschema@.binding_lookups(text, regclass, jsonb) IS
  'Internal to bind(): checks the lookups of a binding (alias, table, key columns equal to columns of the source or of another lookup) and returns them resolved; refuses an unknown table (42P01) or column (42703), a table the binder may not read (42501), a lookup without a unique key on its columns (42P10), lookups joining in a circle (22023). Stable because it reads the catalog.';

-- The FROM clause of a binding: the source as src, each lookup LEFT JOINed
-- in dependency order.  replaced names the alias whose table is the
-- statement's transition table (cleangov_new) in a watch trigger: that
-- relation is joined INNER, so only the rows it reaches are read.
CREATE FUNCTION @extschema@.binding_from(source regclass, lookups jsonb, replaced text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  done text[] := '{}'::text[];
  out_sql text;
  l record;
  progress bool := true;
BEGIN
  out_sql := CASE WHEN replaced = 'src' THEN 'cleangov_new src' ELSE format('%s src', source) END;
  WHILE progress LOOP
    progress := false;
    FOR l IN SELECT e.key AS alias, e.value AS v FROM jsonb_each(coalesce(lookups, '{}')) e
              WHERE NOT e.key = ANY (done)
                AND NOT EXISTS (SELECT FROM jsonb_array_elements_text(e.value -> 'after') d WHERE NOT d = ANY (done))
              ORDER BY e.key LOOP
      out_sql := out_sql || format(' %s %s %I ON %s',
        CASE WHEN replaced = l.alias THEN 'JOIN' ELSE 'LEFT JOIN' END,
        CASE WHEN replaced = l.alias THEN 'cleangov_new' ELSE ((l.v ->> 'oid')::oid::regclass)::text END,
        l.alias,
        (SELECT string_agg(format('%I.%I = %s', l.alias, o.key, @extschema@.binding_column_ref(source, o.value #>> '{}')), ' AND ' ORDER BY o.key)
           FROM jsonb_each(l.v -> 'on') o));
      done := done || l.alias;
      progress := true;
    END LOOP;
  END LOOP;
  RETURN out_sql;
END
$$;
COMMENT ON FUNCTION @extschema@.binding_from(regclass, jsonb, text) IS
  'Internal to bind() and the watch triggers: the FROM clause of a binding (source as src, each lookup LEFT JOINed on its key in dependency order; the alias replaced, if any, read from the transition table cleangov_new and joined INNER). Stable because it reads the catalog.';

-- The select list (over the FROM clause of binding_from) that reads a source
-- as a canonical shape, and the shape columns that are absent.
-- stable because it reads the catalog of a user table
CREATE FUNCTION @extschema@.binding_select_list(shape text, source regclass, columns jsonb, lookups jsonb DEFAULT '{}',
                                                OUT select_list text, OUT absent text[], OUT date_only text[])
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  c record;
  v jsonb;
  form text;
  e text;
  e_type regtype;
  rel regclass;
  col text;
  items text[] := '{}'::text[];
  bad text;
  from_sql text := @extschema@.binding_from(source, lookups);
  list_name text;
BEGIN
  absent := '{}';
  date_only := '{}';
  IF NOT EXISTS (SELECT FROM @extschema@.shape s WHERE s.shape = binding_select_list.shape) THEN
    RAISE EXCEPTION 'unknown shape "%"', shape
      USING ERRCODE = 'undefined_object',
            HINT = 'The shapes are listed in cleangov.shape.';
  END IF;
  IF jsonb_typeof(coalesce(columns, '{}')) <> 'object' THEN
    RAISE EXCEPTION 'the column mapping must be a JSON object'
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'It maps shape columns to columns of the source, e.g. {"amount": "price_cny"}, or to {"value": ...}, {"expr": ...}, {"columns": [...]}, with "codes" for a code map.';
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

  FOR c IN SELECT sc.column_name, sc.type, sc.required, to_jsonb(sc) AS j FROM @extschema@.shape_column sc
            WHERE sc.shape = binding_select_list.shape ORDER BY sc.position LOOP
    v := columns -> c.column_name;
    IF v IS NULL THEN
      IF @extschema@.column_type(source, c.column_name) IS NOT NULL THEN
        v := to_jsonb(c.column_name);
      ELSIF c.required THEN
        RAISE EXCEPTION 'column "%" of shape "%" not found: % has no column "%"',
          c.column_name, shape, source, c.column_name
          USING ERRCODE = 'undefined_column',
                HINT = 'Map it: cleangov.bind(shape, source, ''{"' || c.column_name
                       || '": "your_column"}'') (or {"expr": ...}, {"value": ...}, {"columns": [...]}).';
      ELSE
        -- not recorded: NULL, and a rule that needs the fact does not run
        absent := absent || c.column_name;
        items := items || format('NULL::%s AS %I', c.type, c.column_name);
        CONTINUE;
      END IF;
    END IF;
    IF jsonb_typeof(v) = 'string' THEN
      v := jsonb_build_object('column', v);
    END IF;
    IF jsonb_typeof(v) <> 'object' THEN
      RAISE EXCEPTION 'the mapping of column "%" of shape "%" must be a column name or an object', c.column_name, shape
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = 'One of "col", {"column": "col"}, {"value": constant}, {"expr": "SQL"}, {"columns": ["a", "b"]}.';
    END IF;
    SELECT string_agg(k, ', ') INTO form FROM jsonb_object_keys(v) k WHERE k IN ('column', 'value', 'expr', 'columns');
    IF form IS NULL OR strpos(form, ',') > 0
       OR EXISTS (SELECT FROM jsonb_object_keys(v) k WHERE k NOT IN ('column', 'value', 'expr', 'columns', 'codes', 'default'))
       OR ((v ? 'codes' OR v ? 'default') AND form NOT IN ('column', 'expr'))
       OR (v ? 'default' AND NOT v ? 'codes') THEN
      RAISE EXCEPTION 'the mapping of column "%" of shape "%" must have exactly one of column, value, expr, columns (and codes, default only with column or expr)',
        c.column_name, shape
        USING ERRCODE = 'invalid_parameter_value';
    END IF;

    CASE form
    WHEN 'column' THEN
      IF jsonb_typeof(v -> 'column') <> 'string' THEN
        RAISE EXCEPTION 'the mapping of column "%" of shape "%": "column" must be a column name (a JSON string)', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      col := v ->> 'column';
      IF strpos(col, '.') > 0 AND @extschema@.column_type(source, col) IS NULL THEN
        IF NOT coalesce(lookups ? split_part(col, '.', 1), false) THEN
          RAISE EXCEPTION 'column "%" of shape "%" reads "%", but there is no lookup "%"', c.column_name, shape, col, split_part(col, '.', 1)
            USING ERRCODE = 'undefined_column', HINT = 'Declare it: bind(shape, source, columns, lookups => ''{"alias": {"table": ..., "on": {...}}}'').';
        END IF;
        rel := (lookups -> split_part(col, '.', 1) ->> 'oid')::oid::regclass;
      ELSE
        rel := source;
      END IF;
      e := @extschema@.binding_column_ref(source, col);
      IF rel <> source THEN
        col := substr(col, strpos(col, '.') + 1);
      END IF;
      e_type := @extschema@.column_type(rel, col);
      IF e_type IS NULL THEN
        RAISE EXCEPTION 'column "%" of shape "%" not found: % has no column "%"', c.column_name, shape, rel, col
          USING ERRCODE = 'undefined_column',
                HINT = 'Map it to a column of the source: cleangov.bind(shape, source, ''{"' || c.column_name || '": "your_column"}'').';
      END IF;
    WHEN 'value' THEN
      IF jsonb_typeof(v -> 'value') NOT IN ('string', 'number', 'boolean', 'null') THEN
        RAISE EXCEPTION 'the constant of column "%" of shape "%" must be a string, number, boolean or null', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      -- the same literal a threshold becomes: always data, never SQL
      e := @extschema@.rule_literal(v -> 'value', c.column_name);
      e_type := CASE jsonb_typeof(v -> 'value') WHEN 'string' THEN 'text'::regtype WHEN 'number' THEN 'numeric'::regtype
                     WHEN 'boolean' THEN 'boolean'::regtype ELSE c.type END;
      IF e_type = 'text'::regtype AND c.type <> 'text'::regtype THEN
        -- a date or time given as text: read as the shape's type now, so a bad one fails here
        BEGIN
          EXECUTE format('SELECT $1::%s', c.type) USING v ->> 'value';
        EXCEPTION WHEN OTHERS THEN
          RAISE EXCEPTION 'the constant of column "%" of shape "%" is not a %: %', c.column_name, shape, c.type, SQLERRM
            USING ERRCODE = 'datatype_mismatch';
        END;
        e_type := c.type;
      END IF;
    WHEN 'expr' THEN
      IF jsonb_typeof(v -> 'expr') <> 'string' THEN
        RAISE EXCEPTION 'the expression of column "%" of shape "%" must be SQL text (a JSON string)', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      e := '(' || (v ->> 'expr') || ')';
      e_type := @extschema@.binding_expression_check(shape, c.column_name, format('SELECT %s FROM %s', e, from_sql));
    WHEN 'columns' THEN
      IF jsonb_typeof(v -> 'columns') <> 'array' OR jsonb_array_length(v -> 'columns') < 1
         OR EXISTS (SELECT FROM jsonb_array_elements(v -> 'columns') x WHERE jsonb_typeof(x) <> 'string') THEN
        RAISE EXCEPTION 'the key of column "%" of shape "%" must be a list of column names', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      SELECT string_agg(@extschema@.binding_column_ref(source, x) || '::text', ', ' ORDER BY i)
        INTO e FROM jsonb_array_elements_text(v -> 'columns') WITH ORDINALITY a(x, i);
      e := format('@extschema@.compose_key(%s)', e);
      e_type := @extschema@.binding_expression_check(shape, c.column_name, format('SELECT %s FROM %s', e, from_sql));
    END CASE;

    -- A text column takes anything (it is cast to text); the others need the
    -- same type category (number, date/time, boolean).
    IF c.type <> 'text'::regtype AND e_type IS NOT NULL AND NOT v ? 'codes'
       AND (SELECT t.typcategory FROM pg_type t WHERE t.oid = e_type)
           IS DISTINCT FROM (SELECT t.typcategory FROM pg_type t WHERE t.oid = c.type) THEN
      RAISE EXCEPTION 'column "%" of shape "%" must be of type %, but its mapping is %',
        c.column_name, shape, c.type, e_type
        USING ERRCODE = 'datatype_mismatch',
              HINT = 'Convert it in the mapping: {"expr": "..."}.';
    END IF;

    -- A code map: the user's values to the shape column's codes.
    IF v ? 'codes' THEN
      list_name := c.j ->> 'code_list';
      IF list_name IS NULL THEN
        RAISE EXCEPTION 'column "%" of shape "%" has no code list: a code map does not apply', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      IF jsonb_typeof(v -> 'codes') <> 'object'
         OR EXISTS (SELECT FROM jsonb_each(v -> 'codes') x WHERE jsonb_typeof(x.value) NOT IN ('string', 'boolean', 'number')) THEN
        RAISE EXCEPTION 'the code map of column "%" of shape "%" must map values to codes: {"your value": "code"}', c.column_name, shape
          USING ERRCODE = 'invalid_parameter_value';
      END IF;
      SELECT x INTO bad FROM (SELECT x.value #>> '{}' AS x FROM jsonb_each(v -> 'codes') x
                              UNION ALL SELECT v ->> 'default' WHERE jsonb_typeof(v -> 'default') IS DISTINCT FROM 'null' AND v ? 'default') t
       WHERE NOT EXISTS (SELECT FROM @extschema@.code l WHERE l.list = list_name AND l.code = t.x)
       LIMIT 1;
      IF bad IS NOT NULL OR (v ? 'default' AND jsonb_typeof(v -> 'default') NOT IN ('string', 'null', 'boolean')) THEN
        RAISE EXCEPTION 'the code map of column "%" of shape "%" maps to "%", which is not a code of list %', c.column_name, shape,
          coalesce(bad, v ->> 'default'), list_name
          USING ERRCODE = 'invalid_parameter_value',
                HINT = format('The codes are in cleangov.code where list = %L.', list_name);
      END IF;
      e := format('CASE (%s)::text %s ELSE %s END', e,
                  (SELECT string_agg(format('WHEN %L THEN %L', x.key, x.value #>> '{}'), ' ' ORDER BY x.key) FROM jsonb_each(v -> 'codes') x),
                  CASE WHEN v ? 'default' THEN coalesce(quote_literal(v ->> 'default'), 'NULL') ELSE format('(%s)::text', e) END);
      e_type := 'text'::regtype;
    END IF;

    -- A date where the shape wants a time: the start of the day, or for a
    -- deadline (date_reading end) its end.
    IF c.type = 'timestamptz'::regtype AND e_type = 'date'::regtype THEN
      date_only := date_only || c.column_name;
      IF c.j ->> 'date_reading' = 'end' THEN
        e := format('((%s) + 1)::timestamptz - interval ''1 microsecond''', e);
      END IF;
    END IF;
    items := items || format('(%s)::%s AS %I', e, c.type, c.column_name);
  END LOOP;
  select_list := array_to_string(items, ', ');
  -- the whole list must plan (casts of constants and code maps included)
  PERFORM @extschema@.binding_expression_check(shape, '*', format('SELECT %s FROM %s', select_list, from_sql));
END
$$;
COMMENT ON FUNCTION @extschema@.binding_select_list(text, regclass, jsonb, jsonb) IS
  'Internal to bind(): the select list (over the FROM clause of binding_from, source alias src) that reads a source as a canonical shape, and the shape columns absent (neither mapped nor in the source: read as NULL), and the time columns read from a date (a deadline as the end of its day). Refuses, naming the column: an unknown column (42703), a wrong type (42804), a volatile expression (42P17), a non-built-in function (42501), a subquery or aggregate (0A000, 42803), a code map target not in the column''s code list (22023). Stable because it reads the catalog; parallel restricted because it catches errors (a subtransaction).';

-- volatile because it creates a view and writes cleangov.binding
CREATE FUNCTION @extschema@.bind(shape text, source regclass, columns jsonb DEFAULT '{}',
                                 lookups jsonb DEFAULT '{}', reach jsonb DEFAULT '{}')
RETURNS regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  sl record;
  lk jsonb;
  rc jsonb := '{}'::jsonb;
  r record;
  k record;
  rel regclass;
  from_sql text;
  view_name text := 'cleangov_bound.' || quote_ident(shape);
  old @extschema@.binding;
  f record;
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
  lk := @extschema@.binding_lookups(shape, source, coalesce(lookups, '{}'));
  sl := @extschema@.binding_select_list(shape, source, columns, lk);
  from_sql := @extschema@.binding_from(source, lk);

  -- Reach: how a write to a base table of a bound view reaches the view's rows.
  IF jsonb_typeof(coalesce(reach, '{}')) <> 'object' THEN
    RAISE EXCEPTION 'the reach of shape "%" must be a JSON object {"schema.table": {"view column": "table column"}}', shape
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF coalesce(reach, '{}') <> '{}' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('v', 'm') THEN
    RAISE EXCEPTION 'reach applies to a shape bound to a view; % is a table', source
      USING ERRCODE = 'wrong_object_type',
            HINT = 'A table is watched itself, and its lookups with it.';
  END IF;
  FOR r IN SELECT e.key AS t, e.value AS v FROM jsonb_each(coalesce(reach, '{}')) e LOOP
    rel := to_regclass(r.t);
    IF rel IS NULL OR (SELECT c.relkind FROM pg_class c WHERE c.oid = rel) NOT IN ('r', 'p') THEN
      RAISE EXCEPTION 'reach of shape "%": "%" is not a table', shape, r.t USING ERRCODE = 'undefined_table';
    END IF;
    IF jsonb_typeof(r.v) <> 'object' OR r.v = '{}' THEN
      RAISE EXCEPTION 'reach of shape "%": % must map view columns to its columns, e.g. {"bid_id": "id"}', shape, rel
        USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR k IN SELECT e.key AS vcol, e.value AS tcol FROM jsonb_each(r.v) e LOOP
      IF jsonb_typeof(k.tcol) <> 'string'
         OR @extschema@.column_type(source, k.vcol) IS NULL
         OR @extschema@.column_type(rel, k.tcol #>> '{}') IS NULL THEN
        RAISE EXCEPTION 'reach of shape "%": % has no column "%" or % has no column %', shape, source, k.vcol, rel, k.tcol
          USING ERRCODE = 'undefined_column';
      END IF;
    END LOOP;
    rc := rc || jsonb_build_object(rel::text, jsonb_build_object('oid', rel::oid, 'on', r.v));
  END LOOP;

  -- security_invoker: whoever reads the view (a rule, as its owner) reads
  -- the table with its own rights, never with those of the view's owner.
  EXECUTE format('CREATE OR REPLACE VIEW %s WITH (security_invoker = true) AS SELECT %s FROM %s', view_name, sl.select_list, from_sql);
  EXECUTE format('COMMENT ON VIEW %s IS %L', view_name,
    format('cleangov shape %s bound to %s by cleangov.bind()', shape, source));
  SELECT * INTO old FROM @extschema@.binding b WHERE b.shape = bind.shape;
  INSERT INTO @extschema@.binding AS b (shape, source, source_name, columns, lookups, reach, select_list, from_list,
                                        absent, date_only, tables)
  VALUES (shape, source, (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source),
          coalesce(columns, '{}'), lk, rc, sl.select_list, from_sql, sl.absent, sl.date_only,
          ARRAY[source::oid] || ARRAY(SELECT (x.value ->> 'oid')::oid FROM jsonb_each(lk) x)
                             || ARRAY(SELECT (x.value ->> 'oid')::oid FROM jsonb_each(rc) x))
  ON CONFLICT ON CONSTRAINT binding_pkey DO UPDATE
     SET source = excluded.source, source_name = excluded.source_name, columns = excluded.columns,
         lookups = excluded.lookups, reach = excluded.reach, select_list = excluded.select_list,
         from_list = excluded.from_list, absent = excluded.absent, date_only = excluded.date_only,
         tables = excluded.tables, broken = NULL, broken_at = NULL, watched_tables = '{}',
         bound_at = pg_catalog.now(), bound_by = CURRENT_USER;
  -- A binding restored after its tables went: watch again those of its
  -- tables (source, lookups, reach) that were watched, by their names.
  IF old.broken IS NOT NULL THEN
    FOR f IN SELECT to_regclass(n) AS rel FROM unnest(old.watched_tables) n LOOP
      IF f.rel IS NOT NULL AND EXISTS (SELECT FROM @extschema@.binding b WHERE b.shape = bind.shape AND f.rel::oid = ANY (b.tables))
         AND (SELECT c.relkind FROM pg_class c WHERE c.oid = f.rel) IN ('r', 'p')
         AND NOT EXISTS (SELECT FROM @extschema@.watched w WHERE w.source = f.rel) THEN
        PERFORM @extschema@.watch(f.rel);
      END IF;
    END LOOP;
  END IF;
  -- Watched tables read the new mapping from now on (every one: a realtime
  -- set rule of another table may read this shape).
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
  -- The rules' functions again, if run() made them: a query of rules that
  -- share their passes holds only the rules whose shapes are bound (56_run.sql).
  IF EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.proname ~ '^rules_[0-9]+$')
     AND has_function_privilege('@extschema@.refresh_runners()', 'EXECUTE') THEN
    PERFORM @extschema@.refresh_runners();
  END IF;
  -- What the data and the rules disagree on, said now (the whole profile:
  -- cleangov.check_binding(shape)).
  -- (one NOTICE per finding; a rule finding once per column, naming its rules)
  FOR f IN SELECT p.aspect, p.column_name, p.finding, min(p.detail) AS detail, min(p.rows) AS rows, min(p.sample) AS sample,
                  string_agg(p.sample[1], ', ' ORDER BY p.sample[1]) FILTER (WHERE p.aspect = 'rule') AS rules, count(*) AS n
             FROM @extschema@.check_binding(shape) p
            WHERE p.aspect NOT IN ('rows', 'nulls') AND NOT (p.aspect = 'rule' AND p.finding = 'runs')
            GROUP BY p.aspect, p.column_name, p.finding,
                     CASE WHEN p.aspect = 'rule' THEN NULL ELSE p.detail END, CASE WHEN p.aspect = 'rule' THEN NULL ELSE p.sample END
            ORDER BY p.aspect, p.column_name LOOP
    IF f.aspect = 'rule' THEN
      RAISE NOTICE 'cleangov: %: %: % %', shape, 'absent ' || coalesce(f.column_name, ''), f.finding, f.rules
        USING DETAIL = CASE WHEN f.n > 1 THEN format('e.g. %s', f.detail) ELSE f.detail END;
    ELSE
      RAISE NOTICE 'cleangov: %: %: %', shape, f.aspect || coalesce(' ' || f.column_name, ''), f.finding
        USING DETAIL = coalesce(f.detail, '') || coalesce(' (' || f.rows || ' rows' || coalesce('; e.g. ' || array_to_string(f.sample, ', '), '') || ')', '');
    END IF;
  END LOOP;
  PERFORM @extschema@.keep_empty_shapes();
  RETURN view_name::regclass;
END
$$;
COMMENT ON FUNCTION @extschema@.bind(text, regclass, jsonb, jsonb, jsonb) IS
  'Binds a table or view to a canonical shape, making the view cleangov_bound.<shape> that rules read (security_invoker: read with the reader''s rights, a rule''s with its owner''s). columns maps shape columns to a source column ("col", {"column": "col"}, "alias.col" of a lookup), a constant ({"value": ...}), an expression ({"expr": "..."}), a composite key ({"columns": [...]}), each column or expression optionally through a code map ({"codes": {...}, "default": ...}); lookups joins related tables by a unique key ({"alias": {"table": ..., "on": {...}}}); reach says how writes to the base tables of a bound view reach its rows (for watch()). Everything is checked here, naming the column; the profile''s findings (cleangov.check_binding) are shown as NOTICEs. Binding a broken shape again restores it (and the watches of its tables). Volatile because it creates a view; parallel unsafe because it writes.';

-- volatile because it binds
CREATE FUNCTION @extschema@.rebind(shape text)
RETURNS regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b @extschema@.binding;
  rel regclass;
  lk jsonb;
BEGIN
  SELECT * INTO b FROM @extschema@.binding x WHERE x.shape = rebind.shape;
  IF b.shape IS NULL THEN
    RAISE EXCEPTION 'shape "%" is not bound', shape USING ERRCODE = 'undefined_object';
  END IF;
  rel := to_regclass(b.source_name);
  IF rel IS NULL THEN
    RAISE EXCEPTION 'shape "%" cannot be bound again: its source % does not exist', shape, b.source_name
      USING ERRCODE = 'undefined_table',
            HINT = 'Load the table again, or bind the shape to another table with cleangov.bind().';
  END IF;
  -- the lookups and reach by their names, as given
  lk := coalesce((SELECT jsonb_object_agg(x.key, jsonb_build_object('table', x.value ->> 'table', 'on', x.value -> 'on'))
                    FROM jsonb_each(b.lookups) x), '{}');
  RETURN @extschema@.bind(shape, rel, b.columns, lk,
                          coalesce((SELECT jsonb_object_agg(x.key, x.value -> 'on') FROM jsonb_each(b.reach) x), '{}'));
END
$$;
COMMENT ON FUNCTION @extschema@.rebind(text) IS
  'Binds a shape again from its stored source name, mapping, lookups and reach (after the source was dropped and loaded again, or to pick up a changed table); restores a broken binding and its watch. Volatile because it binds; parallel unsafe because it writes.';

-- The shapes that read as empty while unbound (shape.unbound_reads_empty)
-- get an empty view in cleangov_bound, so that rules reading them plan and
-- run; bind() replaces it (CREATE OR REPLACE: same columns), unbind() puts
-- it back.
-- volatile because it creates views
CREATE FUNCTION @extschema@.keep_empty_shapes()
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s record;
BEGIN
  FOR s IN SELECT x.shape,
                  (SELECT string_agg(format('NULL::%s AS %I', c.type, c.column_name), ', ' ORDER BY c.position)
                     FROM @extschema@.shape_column c WHERE c.shape = x.shape) AS cols
             FROM @extschema@.shape x
            WHERE x.unbound_reads_empty
              AND NOT EXISTS (SELECT FROM @extschema@.binding b WHERE b.shape = x.shape)
              AND to_regclass(format('cleangov_bound.%I', x.shape)) IS NULL
            ORDER BY x.shape LOOP
    EXECUTE format('CREATE VIEW cleangov_bound.%I WITH (security_invoker = true) AS SELECT %s WHERE false', s.shape, s.cols);
    EXECUTE format('COMMENT ON VIEW cleangov_bound.%I IS %L', s.shape,
      format('cleangov shape %s, not bound: read as empty (shape.unbound_reads_empty) until cleangov.bind() binds it', s.shape));
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.keep_empty_shapes() IS
  'Creates the empty view cleangov_bound.<shape> of every unbound shape that reads as empty while unbound (shape.unbound_reads_empty: consortium_member), so that the rules reading it run; called by bind() and unbind(). Volatile because it creates views; parallel unsafe because it writes the catalog.';

-- volatile because it drops a view and writes cleangov.binding
CREATE FUNCTION @extschema@.unbind(shape text)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  DELETE FROM @extschema@.binding b WHERE b.shape = unbind.shape;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'shape "%" is not bound', shape USING ERRCODE = 'undefined_object';
  END IF;
  EXECUTE format('DROP VIEW IF EXISTS cleangov_bound.%I', shape);
  PERFORM @extschema@.keep_empty_shapes();
  PERFORM @extschema@.rewatch(w.source) FROM @extschema@.watched w;
  -- The rules' functions again, if run() made them: a query of rules that
  -- share their passes holds only the rules whose shapes are bound (56_run.sql).
  IF EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = 'cleangov_bound'::regnamespace AND p.proname ~ '^rules_[0-9]+$')
     AND has_function_privilege('@extschema@.refresh_runners()', 'EXECUTE') THEN
    PERFORM @extschema@.refresh_runners();
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.unbind(text) IS
  'Removes the binding of a shape (broken or not) and its view; rules reading the shape are skipped from then on (a shape that reads as empty while unbound, shape.unbound_reads_empty, gets its empty view back). Volatile because it drops a view; parallel unsafe because it writes.';

-- The profile of a binding: what the data holds and what the rules make of
-- it.  Every finding a row: aspect rows (the count), nulls (per column),
-- codes (values outside the column's code list), key (not unique or NULL),
-- dates (a time read from a date), period (not YYYY, YYYY-MM or YYYY-MM-DD),
-- broken, source (renamed), and per rule reading the shape: runs, degraded
-- (an optional column is absent, and what that changes) or does not run (a
-- column it needs is absent).
-- stable because it reads the bound data
CREATE FUNCTION @extschema@.check_binding(shape_name text)
RETURNS TABLE (shape text, aspect text, column_name text, finding text, rows bigint, sample text[], detail text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  b @extschema@.binding;
  s @extschema@.shape;
  v regclass;
  n bigint;
  counts bigint[];
  c record;
  d @extschema@.rule_definition;
  cur_name text;
  outside jsonb;
  lacks text[];
  weak text[];
BEGIN
  SELECT * INTO b FROM @extschema@.binding x WHERE x.shape = check_binding.shape_name;
  IF b.shape IS NULL THEN
    RAISE EXCEPTION 'shape "%" is not bound', check_binding.shape_name USING ERRCODE = 'undefined_object',
      HINT = 'The bound shapes are in cleangov.binding.';
  END IF;
  SELECT * INTO s FROM @extschema@.shape x WHERE x.shape = b.shape;
  IF b.broken IS NULL THEN
    v := format('cleangov_bound.%I', b.shape)::regclass;
    -- source renamed: the binding follows it (by its oid)
    cur_name := (SELECT format('%I.%I', ns.nspname, cl.relname) FROM pg_class cl JOIN pg_namespace ns ON ns.oid = cl.relnamespace
                  WHERE cl.oid = b.source);
    IF cur_name IS DISTINCT FROM b.source_name THEN
      RETURN QUERY SELECT b.shape, 'source'::text, NULL::text, 'renamed'::text, NULL::bigint, NULL::text[],
        format('bound as %s, now %s: the binding follows the table; cleangov.rebind() would look for %s', b.source_name, cur_name, b.source_name);
    END IF;
    EXECUTE format('SELECT ARRAY[count(*), %s] FROM %s',
                   (SELECT string_agg(format('count(%I)', sc.column_name), ', ' ORDER BY sc.position)
                      FROM @extschema@.shape_column sc WHERE sc.shape = b.shape), v) INTO counts;
    n := counts[1];
    RETURN QUERY SELECT b.shape, 'rows'::text, NULL::text, 'rows'::text, n, NULL::text[], NULL::text;
    RETURN QUERY
      SELECT b.shape, 'nulls'::text, sc.column_name,
             CASE WHEN sc.column_name = ANY (b.absent) THEN 'absent' ELSE 'null rate' END,
             n - counts[sc.position + 1], NULL::text[],
             CASE WHEN sc.column_name = ANY (b.absent) THEN 'not mapped and not in the source: not recorded (read as NULL)'
                  WHEN n = 0 THEN NULL
                  ELSE round((n - counts[sc.position + 1])::numeric / n, 4)::text END
        FROM @extschema@.shape_column sc WHERE sc.shape = b.shape ORDER BY sc.position;
    -- coded columns: the values outside the code list, most frequent first
    FOR c IN SELECT sc.column_name, sc.code_list FROM @extschema@.shape_column sc
              WHERE sc.shape = b.shape AND sc.code_list IS NOT NULL AND NOT sc.column_name = ANY (b.absent)
              ORDER BY sc.position LOOP
      EXECUTE format('SELECT jsonb_agg(jsonb_build_array(q.val, q.n) ORDER BY q.n DESC, q.val) FROM ('
                     'SELECT q0.val, count(*) AS n FROM (SELECT x.%I::text AS val FROM %s x) q0 WHERE q0.val IS NOT NULL'
                     ' AND NOT EXISTS (SELECT FROM @extschema@.code l WHERE l.list = $1 AND l.code = q0.val)'
                     ' GROUP BY 1) q', c.column_name, v) INTO outside USING c.code_list;
      IF outside IS NOT NULL THEN
        RETURN QUERY SELECT b.shape, 'codes'::text, c.column_name, 'outside the code list'::text,
          (SELECT sum((e ->> 1)::bigint)::bigint FROM jsonb_array_elements(outside) e),
          ARRAY(SELECT e ->> 0 FROM jsonb_array_elements(outside) WITH ORDINALITY o(e, i) WHERE i <= 5 ORDER BY i),
          format('values not in code list %s (%s); rules comparing %s with its codes do not see these rows as any code: map them with "codes"',
                 c.code_list, (SELECT string_agg(format('%s: %s', e ->> 0, e ->> 1), ', ' ORDER BY i)
                                 FROM jsonb_array_elements(outside) WITH ORDINALITY o(e, i) WHERE i <= 10), c.column_name);
      END IF;
    END LOOP;
    -- the key
    IF s.key_column IS NOT NULL THEN
      EXECUTE format('SELECT count(*), (array_agg(q.k ORDER BY q.k))[1:5] FROM (SELECT q0.k FROM (SELECT x.%I AS k FROM %s x) q0'
                     ' WHERE q0.k IS NOT NULL GROUP BY 1 HAVING count(*) > 1) q', s.key_column, v) INTO n, lacks;
      IF n > 0 THEN
        RETURN QUERY SELECT b.shape, 'key'::text, s.key_column, 'not unique'::text, n, lacks,
          format('%s keys occur more than once: alerts of one key fold the rows together; map %s to the columns that identify a row: {"columns": [...]}', n, s.key_column);
      END IF;
      n := counts[1] - counts[(SELECT sc.position FROM @extschema@.shape_column sc WHERE sc.shape = b.shape AND sc.column_name = s.key_column) + 1];
      IF n > 0 THEN
        RETURN QUERY SELECT b.shape, 'key'::text, s.key_column, 'null'::text, n,
          NULL::text[], 'rows without a key are left out by every rule';
      END IF;
    END IF;
    -- periods
    IF EXISTS (SELECT FROM @extschema@.shape_column sc WHERE sc.shape = b.shape AND sc.column_name = 'period') THEN
      EXECUTE format('SELECT count(*), (array_agg(DISTINCT x.period))[1:5] FROM %s x'
                     ' WHERE x.period !~ ''^\d{4}(-\d{2}(-\d{2})?)?$''', v) INTO n, lacks;
      IF n > 0 THEN
        RETURN QUERY SELECT b.shape, 'period'::text, 'period'::text, 'not a period'::text, n, lacks,
          'periods are YYYY, YYYY-MM or YYYY-MM-DD; these join no streak and match no other shape''s period: convert them with {"expr": ...}';
      END IF;
    END IF;
  ELSE
    RETURN QUERY SELECT b.shape, 'broken'::text, NULL::text, b.broken, NULL::bigint, NULL::text[],
      format('since %s; rules reading %s are skipped; load %s again and call cleangov.rebind(%L), or cleangov.unbind(%L)',
             b.broken_at, b.shape, b.source_name, b.shape, b.shape);
  END IF;
  -- time columns read from a date
  RETURN QUERY SELECT b.shape, 'dates'::text, x, 'date only'::text, NULL::bigint, NULL::text[],
    CASE WHEN (SELECT sc.date_reading FROM @extschema@.shape_column sc WHERE sc.shape = b.shape AND sc.column_name = x) = 'end'
         THEN 'a date is read as the end of that day (23:59:59.999999): a deadline date includes the whole day'
         ELSE 'a date is read as the start of that day (00:00)' END
    FROM unnest(b.date_only) x;
  -- the rules that read the shape
  FOR d IN SELECT x.* FROM @extschema@.rule_definition x WHERE b.shape = ANY (x.reads) ORDER BY x.rule_code LOOP
    IF b.broken IS NOT NULL THEN
      RETURN QUERY SELECT b.shape, 'rule'::text, NULL::text, 'does not run'::text, NULL::bigint, ARRAY[d.rule_code],
        format('%s: the binding of %s is broken', d.rule_code, b.shape);
      CONTINUE;
    END IF;
    -- the rule's declared columns absent here (rule_absent reads every binding)
    lacks := ARRAY(SELECT split_part(a.column_name, '.', 2) FROM @extschema@.rule_absent(d) a
                    WHERE a.needed AND split_part(a.column_name, '.', 1) = b.shape ORDER BY 1);
    weak := ARRAY(SELECT split_part(a.column_name, '.', 2) FROM @extschema@.rule_absent(d) a
                   WHERE NOT a.needed AND split_part(a.column_name, '.', 1) = b.shape ORDER BY 1);
    IF cardinality(lacks) > 0 THEN
      RETURN QUERY SELECT b.shape, 'rule'::text, l, 'does not run'::text, NULL::bigint, ARRAY[d.rule_code],
        format('%s needs %s.%s, which is not bound: the fact is not recorded, and absent is not false; map it, or set it: {"%s": {"value": ...}}',
               d.rule_code, b.shape, l, l)
        FROM unnest(lacks) l;
    ELSIF cardinality(weak) > 0 THEN
      RETURN QUERY SELECT b.shape, 'rule'::text, l, 'degraded'::text, NULL::bigint, ARRAY[d.rule_code],
        format('%s without %s.%s: %s', d.rule_code, b.shape, l, d.degrades ->> (b.shape || '.' || l))
        FROM unnest(weak) l;
    ELSE
      RETURN QUERY SELECT b.shape, 'rule'::text, NULL::text, 'runs'::text, NULL::bigint, ARRAY[d.rule_code],
        CASE WHEN (SELECT r.enabled FROM @extschema@.rule r WHERE r.rule_code = d.rule_code) THEN d.rule_code
             ELSE d.rule_code || ' (disabled)' END;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.check_binding(text) IS
  'The profile of a binding, one row per finding: rows; per column its null rate (or absent); values of a coded column outside its code list, with counts and samples; keys that are not unique or NULL; periods not of the form YYYY[-MM[-DD]]; time columns read from a date and how; a renamed or broken source; and per rule reading the shape whether it runs, runs degraded (an optional column is absent, and what that changes) or does not run (a column it needs is absent). bind() shows the findings as NOTICEs. Reads the data with the caller''s rights. Stable because it reads the data.';

CREATE VIEW @extschema@.binding_profile WITH (security_invoker = true) AS
SELECT p.* FROM @extschema@.binding b CROSS JOIN LATERAL @extschema@.check_binding(b.shape) p;
COMMENT ON VIEW @extschema@.binding_profile IS
  'cleangov.check_binding() over every binding: where the data and the rules disagree (codes outside the lists, keys not unique, dates read as times, absent columns and the rules they stop or degrade, broken bindings). Reads the bound data with the reader''s rights.';
