-- The bad-input suite's generator (run by test/shell/bad_input.sh).
--
-- Every function of the extension, read from pg_proc through pg_depend at
-- test time (aggregates, procedures, trigger functions and the state types'
-- input functions included), is called with the bad values of each argument's
-- type in turn, the other arguments holding a valid value.  The calls go to
-- badin.call; badin.try(id) makes one call in a subtransaction that is always
-- rolled back (so calls that write or run DDL leave nothing behind and do not
-- depend on each other) and returns its outcome:
--   ok / ok-null       returned (a non-NULL row / only NULLs or no row)
--   E:<SQLSTATE>       raised an error (XX... is a failure: an internal error)
--   nonfinite          a float8 / numeric result (also inside a composite, an
--                      OUT column or a float8[]) is NaN or +-Infinity
--   out-of-domain      a result outside the domain of its type (badin.domain_pred)
--   accepts-nonfinite  a NaN / +-Infinity argument gave a non-NULL result
--                      instead of an error (issue 11: refused with 22003)
-- A crash is seen by the shell script (the connection is lost).
SET client_min_messages = warning;
CREATE SCHEMA badin;

-- A small world for the valid values: a unit, an alert, a plain table.
INSERT INTO cleangov.unit (unit_code, name) VALUES ('BADIN_UNIT', 'bad-input unit');
INSERT INTO cleangov.rule (rule_code, name_en, subject_kind) VALUES ('BADIN_RULE', 'bad-input rule', 'unit');
SELECT cleangov.raise_alert('BADIN_RULE', 'unit', 'k1', 'BADIN_UNIT', '2024-01', 1.5, 1);
CREATE TABLE badin.t (id int PRIMARY KEY, x numeric);
INSERT INTO badin.t VALUES (1, 1.5), (2, 2.5);

-- A valid text of each state type (state input is validated, so these come
-- from the kernels themselves).  A state type without a sample fails the run.
CREATE TABLE badin.state_sample (typ regtype, expr text);
INSERT INTO badin.state_sample VALUES
 ('cleangov.bid_screens_state', $$SELECT cleangov.bid_screens_partial(x)::text FROM (VALUES (100.0), (103.5), (98.25), (120.0), (101.0)) v(x)$$),
 ('cleangov.benford_state', $$SELECT cleangov.benford_partial(x, 'first')::text FROM (VALUES (123.0), (245.0), (1980.5), (31.0)) v(x)$$),
 ('cleangov.benford_state', $$SELECT cleangov.benford_partial(x, 'first_two')::text FROM (VALUES (123.0), (245.0), (1980.5), (31.0)) v(x)$$),
 ('cleangov.logit_state', $$SELECT cleangov.logit_pass('{0.1,0.2}'::float8[], ARRAY[x], y, '{1}'::float8[], '{2}'::float8[])::text FROM (VALUES (1.0::float8, 1.0::float8), (3.0, 0.0), (2.0, 1.0)) v(x, y)$$),
 ('cleangov.robust_state', $$SELECT cleangov.robust_trans(cleangov.robust_trans(cleangov.robust_trans(NULL, 1.5), 2.5), 10.0)::text$$),
 ('cleangov.streak_state', $$SELECT cleangov.streak_trans(cleangov.streak_trans(NULL, true, '2024-01-01', 'month'), true, '2024-02-01', 'month')::text$$),
 ('cleangov.weighted_mean_state', $$SELECT cleangov.weighted_mean_trans(cleangov.weighted_mean_trans(NULL, 1.5, 2.0), 3.0, 1.0)::text$$);

CREATE TABLE badin.state_text (typ regtype, label text, txt text);
DO $$
DECLARE
  s record;
  v text;
  n int;
  k int;
  p int;
  rep text;
  nums text[];
BEGIN
  FOR s IN SELECT t.oid::regtype AS typ FROM pg_type t JOIN pg_depend d ON d.classid = 'pg_type'::regclass
             AND d.objid = t.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid
            WHERE e.extname = 'cleangov' AND t.typtype = 'b' AND t.typname LIKE '%state' LOOP
    IF NOT EXISTS (SELECT FROM badin.state_sample x WHERE x.typ = s.typ) THEN
      RAISE EXCEPTION 'bad_input.sql: no valid sample of state type % in badin.state_sample: add one', s.typ;
    END IF;
  END LOOP;
  FOR s IN SELECT * FROM badin.state_sample LOOP
    EXECUTE s.expr INTO v;
    n := length(v);
    INSERT INTO badin.state_text VALUES (s.typ, 'valid', v);
    -- character mutations at the start, the middle and the end
    FOREACH p IN ARRAY ARRAY[1, n / 2, n] LOOP
      INSERT INTO badin.state_text VALUES
        (s.typ, 'del@' || p, overlay(v placing '' from p for 1)),
        (s.typ, 'ins@' || p, overlay(v placing 'x' from p for 0)),
        (s.typ, 'nine@' || p, overlay(v placing '9' from p for 1)),
        (s.typ, 'comma@' || p, overlay(v placing ',' from p for 0));
    END LOOP;
    INSERT INTO badin.state_text VALUES (s.typ, 'half', left(v, n / 2)), (s.typ, 'twice', v || v),
      (s.typ, 'trailing', v || ' x');
    -- each of the first eight numbers replaced by a huge, negative or non-finite one
    SELECT array_agg(m[1]) INTO nums FROM regexp_matches(v, '-?[0-9][0-9.e+-]*', 'g') m;
    FOR k IN 1 .. least(coalesce(array_length(nums, 1), 0), 8) LOOP
      FOREACH rep IN ARRAY ARRAY['1e308', '-1', 'NaN', 'Infinity', '-Infinity', '9223372036854775807',
                                 '99999999999999999999', '4.9e-324', '0'] LOOP
        INSERT INTO badin.state_text VALUES (s.typ, format('num%s=%s', k, rep),
          regexp_replace(v, '-?[0-9][0-9.e+-]*', rep, 1, k));
      END LOOP;
    END LOOP;
  END LOOP;
  -- malformed texts, for every state type
  INSERT INTO badin.state_text
  SELECT typ, l, t FROM (SELECT DISTINCT typ FROM badin.state_sample) x,
    (VALUES ('empty', ''), ('open', '('), ('close', ')'), ('unit', '()'), ('commas', '(,,,,,,,)'),
            ('garbage', 'garbage'), ('short', '(1,2)'), ('nested', '((1),{2})'),
            ('braces', '(1,0,0,{1,2,3})'), ('long', '(' || repeat('1,', 5000) || '1)')) m(l, t);
END $$;

-- Bad values per type: SQL expressions.  nonfinite marks NaN / +-Infinity.
CREATE TABLE badin.bad_value (typ regtype, label text, expr text, nonfinite boolean DEFAULT false);
INSERT INTO badin.bad_value (typ, label, expr, nonfinite)
SELECT t, l, e, nf FROM unnest(ARRAY['float8', 'float4']::regtype[]) t,
  (VALUES ('NaN', '''NaN''', true), ('Infinity', '''Infinity''', true), ('-Infinity', '''-Infinity''', true),
          ('0', '0', false), ('-1', '-1', false), ('1e300', '1e300', false), ('-1e300', '-1e300', false),
          ('1e-300', '1e-300', false), ('4.9e-324', '4.9e-324', false), ('-4.9e-324', '-4.9e-324', false),
          ('max', '1.7976931348623157e308', false)) v(l, e, nf)
UNION ALL
SELECT 'numeric', l, e, nf FROM
  (VALUES ('NaN', '''NaN''', true), ('Infinity', '''Infinity''', true), ('-Infinity', '''-Infinity''', true),
          ('0', '0', false), ('-1', '-1', false), ('1e300', '1e300', false), ('-1e300', '-1e300', false),
          ('1e-300', '1e-300', false), ('1e-1000', '(''1e-1000'')', false), ('1e1000', '(''1e1000'')', false)) v(l, e, nf)
UNION ALL
SELECT t, l, e, false FROM unnest(ARRAY['int2', 'int4']::regtype[]) t,
  (VALUES ('0', '0'), ('-1', '-1'), ('min', '-32768'), ('max', '32767')) v(l, e)
UNION ALL
SELECT 'int4', l, e, false FROM (VALUES ('min4', '-2147483648'), ('max4', '2147483647')) v(l, e)
UNION ALL
SELECT 'int8', l, e, false FROM
  (VALUES ('0', '0'), ('-1', '-1'), ('min', '-9223372036854775808'), ('max', '9223372036854775807')) v(l, e)
UNION ALL
SELECT t, l, e, false FROM unnest(ARRAY['text', 'varchar', 'cstring']::regtype[]) t,
  (VALUES ('empty', ''''''), ('1MB', 'repeat(''x'', 1048576)'), ('1MB-zh', 'repeat(''中'', 349526)'),
          ('NaN', '''NaN'''), ('-1', '''-1'''), ('quote', $q$'x''); SELECT 1; --'$q$),
          ('brace', '''{'''), ('format', '''%s %I %L {x}'''), ('digits', 'repeat(''9'', 400)'),
          ('ctrl', 'E''\x01\t\n''')) v(l, e)
UNION ALL
SELECT 'name', l, e, false FROM
  (VALUES ('empty', ''''''), ('no-role', '''no_such_role'''), ('long', 'repeat(''n'', 63)')) v(l, e)
UNION ALL
SELECT 'date', l, e, false FROM
  (VALUES ('infinity', '''infinity'''), ('-infinity', '''-infinity'''), ('min', '''4713-01-01 BC'''),
          ('max', '''5874897-12-31''')) v(l, e)
UNION ALL
SELECT 'timestamptz', l, e, false FROM
  (VALUES ('infinity', '''infinity'''), ('-infinity', '''-infinity'''), ('min', '''4713-01-01 00:00+00 BC'''),
          ('max', '''294276-12-31 23:59:59+00''')) v(l, e)
UNION ALL
SELECT 'interval', l, e, false FROM
  (VALUES ('0', '''0'''), ('-1mon', '''-1 mon'''), ('huge', '''178000000 years'''),
          ('-huge', '''-178000000 years'''), ('1us', '''1 microsecond''')) v(l, e)
UNION ALL
SELECT 'jsonb', l, e, false FROM
  (VALUES ('null', '''null'''), ('array', '''[]'''), ('string', '''"x"'''), ('number', '''123'''),
          ('nested', '''{"a": {"b": [1, {"c": null}]}}'''), ('NaN-string', '''{"pct": "NaN", "limit": "Infinity"}'''),
          ('huge', '''{"pct": 1e300, "limit": -1e300}'''), ('malformed', '''{'''),
          ('deep', '(repeat(''['', 5000) || repeat('']'', 5000))'),
          ('1MB', 'jsonb_build_object(''x'', repeat(''x'', 1048576))'),
          ('quote', $q$'{"x": "''); SELECT 1; --"}'$q$)) v(l, e)
UNION ALL
SELECT 'regclass', l, e, false FROM
  (VALUES ('0', '0::oid'), ('catalog', '''pg_catalog.pg_class'''), ('ext-table', '''cleangov.rule'''),
          ('view', '''cleangov.alert_detail'''), ('sequence', '''cleangov.run_id_seq''')) v(l, e)
UNION ALL
SELECT t, l, e, nf FROM unnest(ARRAY['float8[]', 'float4[]', 'numeric[]']::regtype[]) t,
  (VALUES ('{NaN}', '''{NaN}''', true), ('{Infinity}', '''{Infinity}''', true), ('{-Infinity}', '''{-Infinity}''', true),
          ('{1e300}', '''{1e300,1e300}''', false), ('{4.9e-324}', '''{4.9e-324}''', false), ('{-1}', '''{-1}''', false),
          ('{0}', '''{0}''', false), ('2-d', '''{{1,2},{3,4}}''', false), ('lbound0', '''[0:1]={1,2}''', false),
          ('100k', 'array_fill(1.5, ARRAY[100000])', false)) v(l, e, nf)
UNION ALL
SELECT t, l, e, false FROM unnest(ARRAY['int4[]', 'int8[]', 'int2[]']::regtype[]) t,
  (VALUES ('{-1}', '''{-1}'''), ('{0}', '''{0}'''), ('{max}', '''{32767}'''), ('{1,1}', '''{1,1}'''),
          ('2-d', '''{{1,2},{3,4}}'''), ('lbound0', '''[0:1]={0,1}'''), ('100k', 'array_fill(1, ARRAY[100000])')) v(l, e)
UNION ALL
SELECT 'text[]', l, e, false FROM
  (VALUES ('{""}', '''{""}'''), ('2-d', '''{{a,b},{c,d}}'''), ('1MB', 'ARRAY[repeat(''x'', 1048576)]')) v(l, e);

-- Arrays of every element type: empty, one NULL.
CREATE FUNCTION badin.values_of(t regtype) RETURNS TABLE (label text, expr text, nonfinite boolean)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  ty pg_type;
  a record;
  nan jsonb;
BEGIN
  SELECT * INTO ty FROM pg_type WHERE oid = t;
  RETURN QUERY SELECT 'NULL', 'NULL', false;
  RETURN QUERY SELECT b.label, b.expr, b.nonfinite FROM badin.bad_value b WHERE b.typ = t;
  IF ty.typcategory = 'A' THEN
    RETURN QUERY SELECT '{}', '''{}''', false UNION ALL SELECT '{NULL}', '''{NULL}''', false;
    IF (SELECT typrelid FROM pg_type WHERE oid = ty.typelem) <> 0 THEN
      -- arrays of a composite: one all-NULL row, one valid row with NaN floats
      RETURN QUERY SELECT '{row of NULLs}', format('ARRAY[jsonb_populate_record(NULL::%s, ''{}'')]', ty.typelem::regtype), false;
      nan := (SELECT jsonb_object_agg(attname, 'NaN') FROM pg_attribute
               WHERE attrelid = (SELECT typrelid FROM pg_type WHERE oid = ty.typelem) AND attnum > 0
                 AND atttypid IN ('float8'::regtype, 'numeric'::regtype));
      IF nan IS NOT NULL THEN
        RETURN QUERY SELECT '{row with NaN}', format('ARRAY[jsonb_populate_record((%s)[1], %L)]',
                                                     badin.valid_of(t, NULL), nan), true;
      END IF;
    END IF;
  ELSIF ty.typrelid <> 0 THEN
    RETURN QUERY SELECT 'row of NULLs', format('jsonb_populate_record(NULL::%s, ''{}'')', t), false;
    nan := (SELECT jsonb_object_agg(attname, 'NaN') FROM pg_attribute
             WHERE attrelid = ty.typrelid AND attnum > 0 AND atttypid IN ('float8'::regtype, 'numeric'::regtype));
    IF nan IS NOT NULL THEN
      RETURN QUERY SELECT 'row with NaN', format('jsonb_populate_record(%s, %L)', badin.valid_of(t, NULL), nan), true;
    END IF;
  END IF;
  IF EXISTS (SELECT FROM badin.state_text s WHERE s.typ = t) THEN
    RETURN QUERY SELECT 'state:' || s.label, quote_literal(s.txt), s.label LIKE '%NaN' OR s.label LIKE '%Infinity'
                   FROM badin.state_text s WHERE s.typ = t AND s.label <> 'valid';
  END IF;
END $$;

-- A valid value of a type for an argument named argname: a value of the
-- extension table column of that name and type, else a fixed one per type.
CREATE FUNCTION badin.valid_of(t regtype, argname text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  q text;
  v text;
BEGIN
  v := CASE argname WHEN 'step' THEN 'month' WHEN 'period' THEN '2024-01' WHEN 'kind' THEN 'month'
                    WHEN 'lang' THEN 'en' WHEN 'method' THEN 'bounds' WHEN 'higher_is' THEN 'safer'
                    WHEN 'periods' THEN '{2024-01}' WHEN 'shape' THEN 'contract' END;
  IF v IS NOT NULL THEN
    RETURN format('%L::%s', v, t);
  END IF;
  SELECT format('SELECT %I::text FROM %s WHERE %I IS NOT NULL ORDER BY 1 LIMIT 1', a.attname, c.oid::regclass, a.attname)
    INTO q
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
    JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cleangov'
   WHERE a.attname = argname AND a.atttypid = t AND a.attnum > 0
   ORDER BY c.relname LIMIT 1;
  IF q IS NOT NULL THEN
    EXECUTE q INTO v;
    IF v IS NOT NULL THEN
      RETURN format('%L::%s', v, t);
    END IF;
  END IF;
  SELECT s.txt INTO v FROM badin.state_text s WHERE s.typ = t AND s.label = 'valid' LIMIT 1;
  IF v IS NOT NULL THEN
    RETURN format('%L::%s', v, t);
  END IF;
  RETURN CASE t
    WHEN 'text'::regtype THEN '''x''::text'
    WHEN 'cstring'::regtype THEN '''x''::cstring'
    WHEN 'name'::regtype THEN 'current_user'
    WHEN 'float8'::regtype THEN '1.5::float8'
    WHEN 'numeric'::regtype THEN '123.45::numeric'
    WHEN 'int4'::regtype THEN '1'
    WHEN 'int8'::regtype THEN '1::bigint'
    WHEN 'bool'::regtype THEN 'true'
    WHEN 'date'::regtype THEN '''2024-01-15''::date'
    WHEN 'timestamptz'::regtype THEN '''2024-06-01 00:00+00''::timestamptz'
    WHEN 'interval'::regtype THEN '''1 mon''::interval'
    WHEN 'jsonb'::regtype THEN '''{}''::jsonb'
    WHEN 'regclass'::regtype THEN '''badin.t''::regclass'
    WHEN 'float8[]'::regtype THEN '''{1.5,2.5}''::float8[]'
    WHEN 'int4[]'::regtype THEN '''{0,1}''::int4[]'
    WHEN 'text[]'::regtype THEN '''{2024-01}''::text[]'
    WHEN 'cleangov.level'::regtype THEN '''blue''::cleangov.level'
    WHEN 'cleangov.level[]'::regtype THEN '''{green,blue,yellow,orange,red}''::cleangov.level[]'
    WHEN 'cleangov.hit[]'::regtype THEN
      $h$ARRAY[ROW('BADIN_RULE', 'unit', 'k2', 'BADIN_UNIT', '2024-01', 1.5, 1, 'blue', '{}', NULL, NULL)::cleangov.hit]$h$
    WHEN 'cleangov.robust_summary'::regtype THEN
      '(SELECT cleangov.robust_stats(x) FROM (VALUES (1.0::float8), (2.0), (4.0)) v(x))'
    WHEN 'cleangov.rule_definition'::regtype THEN
      '(SELECT d FROM cleangov.rule_definition d ORDER BY rule_code LIMIT 1)'
    ELSE format('jsonb_populate_record(NULL::%s, ''{}'')', t) END;
END $$;

-- The predicate "this value of type t is NaN or +-Infinity" (NULL: no float in it).
CREATE FUNCTION badin.nonfinite_pred(t regtype, x text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN t IN ('float8'::regtype, 'float4'::regtype, 'numeric'::regtype)
      THEN format('(%s)::float8 IN (''NaN'', ''Infinity'', ''-Infinity'')', x)
    WHEN t IN ('float8[]'::regtype, 'float4[]'::regtype, 'numeric[]'::regtype)
      THEN format('EXISTS (SELECT FROM unnest(%s) e WHERE e::float8 IN (''NaN'', ''Infinity'', ''-Infinity''))', x)
    WHEN (SELECT typrelid FROM pg_type WHERE oid = t) <> 0
      THEN (SELECT string_agg(badin.nonfinite_pred(a.atttypid, format('(%s).%I', x, a.attname)), ' OR ')
              FROM pg_attribute a WHERE a.attrelid = (SELECT typrelid FROM pg_type WHERE oid = t)
               AND a.attnum > 0 AND NOT a.attisdropped)
  END
$$;

-- Out of domain, by the name of a result (or of a composite's column):
-- a count (n, skipped_*, *_count) is never negative; a p-value (p, *_p) is in
-- [0, 1]; a 0-100 score (normalize_score, index_normalize) is in [0, 100];
-- a streak length and a MAD are never negative.
CREATE FUNCTION badin.domain_pred(fn text, t regtype, x text, col text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN col IS NULL AND fn IN ('normalize_score', 'index_normalize') THEN format('(%s) NOT BETWEEN 0 AND 100', x)
    WHEN col IS NULL AND fn = 'chi2_p' THEN format('(%s) NOT BETWEEN 0 AND 1', x)
    WHEN col IS NULL AND fn IN ('streak', 'streak_final', 'mad', 'mad_final') THEN format('(%s) < 0', x)
    WHEN col IS NOT NULL AND t IN ('int4'::regtype, 'int8'::regtype)
         AND (col IN ('n', 'count') OR col LIKE 'skipped%' OR col LIKE '%\_count' OR col LIKE 'n\_%')
      THEN format('(%s) < 0', x)
    WHEN col IS NOT NULL AND t = 'float8'::regtype AND (col = 'p' OR col LIKE '%\_p' OR col LIKE 'p\_%')
      THEN format('(%s) NOT BETWEEN 0 AND 1', x)
    WHEN col IS NOT NULL AND t = 'float8'::regtype AND col = 'mad' THEN format('(%s) < 0', x)
    WHEN col IS NULL AND (SELECT typrelid FROM pg_type WHERE oid = t) <> 0
      THEN (SELECT string_agg(badin.domain_pred(fn, a.atttypid, format('(%s).%I', x, a.attname), a.attname::text), ' OR ')
              FROM pg_attribute a WHERE a.attrelid = (SELECT typrelid FROM pg_type WHERE oid = t)
               AND a.attnum > 0 AND NOT a.attisdropped)
  END
$$;

CREATE TABLE badin.call (
  id        serial PRIMARY KEY,
  fn        regprocedure NOT NULL,
  label     text NOT NULL,
  sql       text NOT NULL,
  body      text,
  is_call   boolean NOT NULL DEFAULT false,
  nonfinite boolean NOT NULL DEFAULT false
);

-- Generate the calls: per function, per argument position, per bad value of
-- its type (at most cap per position), plus one all-valid call; each
-- aggregate over two rows (the bad one and a valid one) and over no row.
CREATE FUNCTION badin.generate(cap int) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  f record;
  v record;
  i int;
  j int;
  args text[];
  valid text[];
  res_t regtype;
  nf_pred text;
  dom_pred text;
  body text;
BEGIN
  FOR f IN SELECT p.oid, p.oid::regprocedure AS sig, p.proname::text AS name, p.prokind, p.prorettype,
                  ARRAY(SELECT unnest(p.proargtypes::oid[])) AS argtypes, p.proargnames, p.proallargtypes, p.proargmodes, p.proretset
             FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
             JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cleangov'
            ORDER BY p.oid::regprocedure::text LOOP
    IF f.prorettype = 'trigger'::regtype THEN
      INSERT INTO badin.call (fn, label, sql, body)
      VALUES (f.sig, 'direct', format('SELECT count(*), 0, 0, 0 FROM (SELECT %s()) s', f.sig::oid::regproc),
              format('SELECT %s()', f.sig::oid::regproc));
      CONTINUE;
    END IF;
    valid := ARRAY[]::text[];
    FOR i IN 1 .. coalesce(array_length(f.argtypes, 1), 0) LOOP
      valid := valid || badin.valid_of(f.argtypes[i]::regtype, f.proargnames[i]);
    END LOOP;
    -- the result's checks, on s.r
    nf_pred := NULL;
    dom_pred := NULL;
    IF f.prokind <> 'p' THEN
      IF f.prorettype = 'record'::regtype AND f.proallargtypes IS NOT NULL THEN
        SELECT string_agg(badin.nonfinite_pred(t::regtype, format('(s.r).%I', nm)), ' OR '),
               string_agg(badin.domain_pred(f.name, t::regtype, format('(s.r).%I', nm), nm), ' OR ')
          INTO nf_pred, dom_pred
          FROM unnest(f.proallargtypes, f.proargmodes, f.proargnames) u(t, m, nm) WHERE m IN ('o', 't', 'b');
      ELSE
        nf_pred := badin.nonfinite_pred(f.prorettype, 's.r');
        dom_pred := badin.domain_pred(f.name, f.prorettype, 's.r', NULL);
      END IF;
    END IF;
    FOR i IN 0 .. coalesce(array_length(f.argtypes, 1), 0) LOOP
      -- at most cap values per position, spread evenly over the list (NULL always)
      FOR v IN SELECT b.label, b.expr, b.nonfinite
                 FROM (SELECT x.*, row_number() OVER () AS rn, count(*) OVER () AS cnt
                         FROM badin.values_of(f.argtypes[i]::regtype) x) b
                WHERE i > 0 AND (b.rn = 1 OR b.cnt <= cap OR b.rn % ceil(b.cnt::numeric / cap)::int = 0)
               UNION ALL SELECT 'valid', NULL, false WHERE i = 0 LOOP
        args := valid;
        IF i > 0 THEN
          args[i] := format('(%s)::%s', v.expr, f.argtypes[i]::regtype);
        END IF;
        IF f.prokind = 'a' THEN
          body := format('SELECT %s(%s) FROM (VALUES (%s), (%s)) v(%s)', f.sig::oid::regproc,
                         (SELECT string_agg('a' || k, ', ') FROM generate_series(1, array_length(args, 1)) k),
                         array_to_string(args, ', '), array_to_string(valid, ', '),
                         (SELECT string_agg('a' || k, ', ') FROM generate_series(1, array_length(args, 1)) k));
        ELSE
          body := format('SELECT %s(%s)', f.sig::oid::regproc, array_to_string(args, ', '));
        END IF;
        IF f.prokind = 'p' THEN
          body := format('CALL %s(%s)', f.sig::oid::regproc, array_to_string(args, ', '));
          INSERT INTO badin.call (fn, label, sql, body, is_call)
          VALUES (f.sig, CASE WHEN i = 0 THEN 'valid' ELSE format('arg%s=%s', i, v.label) END, body, body, true);
        ELSE
          INSERT INTO badin.call (fn, label, sql, body, nonfinite)
          VALUES (f.sig, CASE WHEN i = 0 THEN 'valid' ELSE format('arg%s=%s', i, v.label) END,
                  format('SELECT count(*), count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s), count(*) FILTER (WHERE s.r IS NOT NULL) FROM (%s) s(r)',
                         coalesce(nf_pred, 'false'), coalesce(dom_pred, 'false'), body),
                  body, v.nonfinite);
        END IF;
      END LOOP;
    END LOOP;
    IF f.prokind = 'a' THEN
      INSERT INTO badin.call (fn, label, sql, body)
      VALUES (f.sig, 'no rows', format('SELECT count(*), count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s), count(*) FILTER (WHERE s.r IS NOT NULL) FROM (SELECT %s(%s) FROM (VALUES (%s)) v(%s) WHERE false) s(r)',
                         coalesce(nf_pred, 'false'), coalesce(dom_pred, 'false'), f.sig::oid::regproc,
                         (SELECT string_agg('a' || k, ', ') FROM generate_series(1, array_length(valid, 1)) k),
                         array_to_string(valid, ', '),
                         (SELECT string_agg('a' || k, ', ') FROM generate_series(1, array_length(valid, 1)) k)),
              format('%s over no rows', f.sig));
    END IF;
  END LOOP;
  RETURN (SELECT count(*) FROM badin.call);
END $$;

-- One call, in a subtransaction that is always rolled back; the outcome as
-- id <tab> outcome <tab> detail.
CREATE FUNCTION badin.try(call_id int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  c badin.call;
  n bigint;
  nf bigint;
  od bigint;
  nn bigint;
  st text;
  msg text;
BEGIN
  SELECT * INTO c FROM badin.call WHERE id = call_id;
  BEGIN
    IF c.is_call THEN
      EXECUTE c.sql;
      nn := 0;
    ELSE
      EXECUTE c.sql INTO n, nf, od, nn;
    END IF;
    RAISE SQLSTATE 'ZZBAD';  -- undo what the call did
  EXCEPTION
    WHEN SQLSTATE 'ZZBAD' THEN
      NULL;
    WHEN query_canceled THEN
      RETURN format(E'%s\tE:57014\tstatement timeout', call_id);
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RETURN format(E'%s\tE:%s\t%s', call_id, st, left(regexp_replace(msg, '[[:cntrl:][:space:]]+', ' ', 'g'), 160));
  END;
  RETURN format(E'%s\t%s\t', call_id,
                CASE WHEN nf > 0 THEN 'nonfinite' WHEN od > 0 THEN 'out-of-domain'
                     WHEN c.nonfinite AND nn > 0 THEN 'accepts-nonfinite'
                     WHEN nn > 0 THEN 'ok' ELSE 'ok-null' END);
END $$;
