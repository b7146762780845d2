-- Rule engine, part 3: how a rule is evaluated.
--
-- cleangov.rule (the closed loop's table) says what a rule is; this table
-- says how the engine computes its hits.  Two kinds:
--   row: a condition and a measured value over one row of a bound shape,
--        evaluated in batch and on every statement that writes a watched
--        table (over the statement's transition table);
--   set: a query returning subject_key, unit_code, period, value, evidence
--        (and optionally threshold, level, subject_kind, source_key).
-- Both may name an exemption (a boolean SQL expression over the hit h) and a
-- streak condition (only hits whose subject breached in streak_min consecutive
-- periods count).  {name} in any SQL text is replaced by the rule's threshold
-- of that name (cleangov.rule.thresholds), so tuning a threshold needs no
-- change of SQL.  Every definition is compiled when it is written.

CREATE TABLE @extschema@.rule_definition (
  rule_code     text PRIMARY KEY REFERENCES @extschema@.rule ON DELETE CASCADE ON UPDATE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('row', 'set')),
  shape         text REFERENCES @extschema@.shape,
  condition     text,
  value_expr    text,
  subject_expr  text,
  unit_expr     text,
  period_expr   text,
  evidence_expr text,
  query         text,
  statistics    text,
  statistics_columns text,
  threshold_key text,
  threshold_expr text,
  exemption     text,
  streak_min    int CHECK (streak_min >= 1),
  streak_step   text CHECK (streak_step IN ('day', 'month', 'year')),
  realtime      bool NOT NULL DEFAULT false,
  reads         text[] NOT NULL DEFAULT '{}',
  passes        text[] NOT NULL DEFAULT '{}',
  grain         text,
  query_columns text[] NOT NULL DEFAULT '{}',
  needs         text[] NOT NULL DEFAULT '{}',
  degrades      jsonb NOT NULL DEFAULT '{}',
  reads_columns text[] NOT NULL DEFAULT '{}',
  quarantined_at timestamptz,
  created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  created_by    name NOT NULL DEFAULT CURRENT_USER,
  owner         name NOT NULL DEFAULT CURRENT_USER,
  shipped       boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  CHECK (kind <> 'row' OR (shape IS NOT NULL AND condition IS NOT NULL AND value_expr IS NOT NULL AND query IS NULL)),
  CHECK (kind <> 'set' OR (query IS NOT NULL AND shape IS NULL AND condition IS NULL AND value_expr IS NULL AND threshold_expr IS NULL)),
  CHECK (statistics IS NULL OR (kind = 'set' AND streak_min IS NULL)),
  CHECK (threshold_key IS NULL OR threshold_expr IS NULL),
  CHECK ((streak_min IS NULL) = (streak_step IS NULL))
);
COMMENT ON TABLE @extschema@.rule_definition IS
  'How the engine evaluates a rule of cleangov.rule: a row rule (condition and value over one row of a shape) or a set rule (a query), with optional exemption and streak; checked when written. realtime: a set rule is also evaluated by the watch triggers (row rules always are); threshold_key or threshold_expr (a row rule''s threshold per row; a set rule returns a threshold column): the threshold stored with each alert, in the unit of value; reads: the shapes read (derived, with those of its passes); passes: the shared passes its query and statistics read as cleangov_pass.<name> (derived; cleangov.pass); statistics: a set rule''s population statistics, a query whose rows the rule''s query reads as cleangov_statistics (computed by a whole evaluation, stored in cleangov.rule_statistic, read from there when some subjects only are evaluated); statistics_columns: their column list (derived); grain: the subject kind a set rule can be evaluated for some subjects of (derived: its query reads the shapes only through passes of that grain that take {subjects}; the watch triggers and incremental runs then evaluate only the subjects a write reached); reads_columns: the optional shape columns read, as shape.column (derived by probing); needs: the shape columns the rule cannot run without; degrades: for each other optional column read, what changes when it is absent; quarantined_at: set when the rule failed at run time; owner: the role whose rights the rule''s SQL runs with (its author, or a role the author is a member of; shipped rules: the extension''s owner). Shipped definitions are left out of pg_dump until changed.';
CREATE TRIGGER rule_definition_changed BEFORE UPDATE ON @extschema@.rule_definition
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER rule_definition_restore BEFORE INSERT ON @extschema@.rule_definition
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('rule_code');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_definition', 'WHERE NOT shipped');

CREATE TABLE @extschema@.rule_exemption (
  exemption_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_code    text NOT NULL REFERENCES @extschema@.rule ON DELETE CASCADE ON UPDATE CASCADE,
  subject_key  text NOT NULL,
  period       text,
  reason       text NOT NULL,
  valid_until  date,
  created_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  created_by   name NOT NULL DEFAULT CURRENT_USER
);
CREATE INDEX ON @extschema@.rule_exemption (rule_code, subject_key);
COMMENT ON TABLE @extschema@.rule_exemption IS
  'Accepted exemptions: a hit of the rule for this subject (and period, or every period when NULL) does not count, until valid_until.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rule_exemption', '');

-- Period of a hit as an integer on the streak's step, so that consecutive
-- periods differ by one: 'YYYY-MM' on 'month', 'YYYY' on 'year', a date on 'day'.
-- False for a period text of the step's form that names no real period.
CREATE FUNCTION @extschema@.period_possible(period text, step text)
RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  WHEN step = 'month' AND period ~ '^\d{4}-\d{2}' THEN substr(period, 6, 2)::int BETWEEN 1 AND 12
  WHEN step = 'day' AND period ~ '^\d{4}-\d{2}-\d{2}' THEN
    substr(period, 1, 4)::int >= 1 AND substr(period, 6, 2)::int BETWEEN 1 AND 12
    AND substr(period, 9, 2)::int BETWEEN 1 AND
        extract(day FROM make_date(greatest(substr(period, 1, 4)::int, 1), least(greatest(substr(period, 6, 2)::int, 1), 12), 1)
                         + interval '1 month - 1 day')::int
  ELSE true
END;
COMMENT ON FUNCTION @extschema@.period_possible(text, text) IS
  'False for a period of the step''s form (month: YYYY-MM, day: YYYY-MM-DD) that is no real period: month 00 or 13, day 00 or after the month''s last, year 0000 of a day; true otherwise (also for text not of the form, which period_ordinal maps to NULL).';

CREATE FUNCTION @extschema@.period_ordinal(period text, step text)
RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
  -- of the form but impossible (2024-13, 2024-02-30): refused, never mapped
  -- onto another period (2024-13 is not 2025-01)
  WHEN NOT @extschema@.period_possible(period, step)
    THEN @extschema@.raise_error('22007', format('period "%s" is not a real %s', period, step),
                                 'Months are 01 to 12 and days exist in their month: 2024-03, 2024-02-29.', 0)
  WHEN step = 'month' AND period ~ '^\d{4}-\d{2}' THEN substr(period, 1, 4)::int * 12 + substr(period, 6, 2)::int - 1
  WHEN step = 'year' AND period ~ '^\d{4}' THEN substr(period, 1, 4)::int
  WHEN step = 'day' AND period ~ '^\d{4}-\d{2}-\d{2}' THEN substr(period, 1, 10)::date - date '2000-01-01'
END;
COMMENT ON FUNCTION @extschema@.period_ordinal(text, text) IS
  'Position of a period on a step (month: YYYY-MM, year: YYYY, day: YYYY-MM-DD, each possibly followed by more text) such that consecutive periods differ by 1; NULL for a period not of that form (it joins no streak); 22007 for one of the form that is no real period (month 00 or 13, day 2024-02-30, year 0000 of a day).';

-- Working days (Monday to Friday) after date a up to and including date b;
-- public holidays are not known and count as working days.
CREATE FUNCTION @extschema@.working_days(a date, b date)
RETURNS int
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN b <= a THEN 0 ELSE
  ((b - a) / 7) * 5
  + (SELECT count(*)::int FROM generate_series(1, (b - a) % 7) i
      WHERE extract(isodow FROM a + i) < 6)
END;
COMMENT ON FUNCTION @extschema@.working_days(date, date) IS
  'Working days (Monday to Friday) in (a, b]: the days elapsed counted as a statutory limit in working days counts them; holidays are not known.';

-- Where a rule's SQL holds placeholders, by PostgreSQL's lexical rules:
-- {name} inside a string literal, a quoted identifier or a comment is text
-- the author wrote, not a placeholder (src/rule_render.c).
CREATE FUNCTION @extschema@.rule_sql_split(sql text)
RETURNS text[]
AS 'MODULE_PATHNAME', 'rule_sql_split'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rule_sql_split(text) IS
  'A rule''s SQL cut at its {name} placeholders: {sql, name, sql, name, ..., sql}. Placeholders inside string literals (''..'', E''..'', $tag$..$tag$), quoted identifiers and comments are not placeholders and stay as written.';

-- A threshold value as an SQL literal: always data, never SQL.
CREATE FUNCTION @extschema@.rule_literal(v jsonb, name text, rule_code text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  kinds text[];
BEGIN
  CASE jsonb_typeof(v)
    WHEN 'number' THEN
      -- a jsonb number is a numeric already; read back as one all the same
      RETURN quote_literal((v #>> '{}')::numeric::text) || '::numeric';
    WHEN 'string' THEN
      RETURN quote_literal(v #>> '{}');
    WHEN 'boolean' THEN
      RETURN CASE WHEN (v #>> '{}')::boolean THEN 'true' ELSE 'false' END;
    WHEN 'null' THEN
      RETURN 'NULL';
    WHEN 'array' THEN
      kinds := ARRAY(SELECT DISTINCT jsonb_typeof(e) FROM jsonb_array_elements(v) e);
      IF kinds && ARRAY['array', 'object'] THEN
        RAISE EXCEPTION 'rule %: threshold "%" is an array holding arrays or objects', coalesce(rule_code, '?'), name
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'An array threshold holds numbers or strings.';
      END IF;
      IF kinds <@ ARRAY['number', 'null'] AND 'number' = ANY (kinds) THEN
        RETURN format('ARRAY[%s]::numeric[]', (SELECT string_agg(
                 CASE WHEN jsonb_typeof(e) = 'null' THEN 'NULL' ELSE quote_literal((e #>> '{}')::numeric::text) END,
                 ',' ORDER BY i) FROM jsonb_array_elements(v) WITH ORDINALITY x(e, i)));
      END IF;
      RETURN format('ARRAY[%s]::text[]', (SELECT coalesce(string_agg(quote_nullable(e #>> '{}'), ',' ORDER BY i), '')
                                           FROM jsonb_array_elements(v) WITH ORDINALITY x(e, i)));
    WHEN 'object' THEN
      -- a map (R003's days per procurement method details): the jsonb
      -- itself, quoted as one literal, read by the rule with -> and ->>
      IF EXISTS (SELECT FROM jsonb_each(v) e WHERE jsonb_typeof(e.value) IN ('array', 'object')) THEN
        RAISE EXCEPTION 'rule %: threshold "%" is an object holding arrays or objects', coalesce(rule_code, '?'), name
          USING ERRCODE = 'invalid_parameter_value',
                HINT = 'An object threshold maps names to numbers or strings, e.g. {"Licitación": 10}.';
      END IF;
      RETURN quote_literal(v::text) || '::jsonb';
    ELSE
      RAISE EXCEPTION 'rule %: threshold "%" must be a number, string, boolean, null, array or object', coalesce(rule_code, '?'), name
        USING ERRCODE = 'invalid_parameter_value';
  END CASE;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_literal(jsonb, text, text) IS
  'A threshold value as an SQL literal: a number as a quoted numeric, a string quoted, a boolean, NULL, an array element by element (numeric[] or text[]), an object of scalars as one quoted jsonb literal (R003''s days per procurement method details); a nested array, or an array or object holding arrays or objects, is refused (22023).';

-- Replaces {name} by the rule's threshold of that name as an SQL literal,
-- only where the author wrote SQL (see rule_sql_split).  Called on SQL the
-- rule's author wrote and on nothing else: text the engine quoted itself
-- (the rule code, the subject kind) never goes through it.
CREATE FUNCTION @extschema@.rule_render(sql text, thresholds jsonb, rule_code text DEFAULT NULL, subjects text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  parts text[];
  out_sql text;
BEGIN
  IF sql IS NULL THEN
    RETURN NULL;
  END IF;
  parts := @extschema@.rule_sql_split(sql);
  out_sql := parts[1];
  FOR i IN 1 .. (cardinality(parts) - 1) / 2 LOOP
    -- {subjects}: the keys a scoped evaluation reads (SQL the engine made:
    -- a variable of a generated function), NULL for every subject
    IF parts[2 * i] = 'subjects' THEN
      out_sql := out_sql || ' (' || coalesce(subjects, 'NULL') || ')::text[] ' || parts[2 * i + 1];
      CONTINUE;
    END IF;
    IF NOT coalesce(thresholds ? parts[2 * i], false) THEN
      RAISE EXCEPTION 'rule %: threshold "%" is used but not set', coalesce(rule_code, '?'), parts[2 * i]
        USING ERRCODE = 'undefined_object',
              HINT = 'Add it to cleangov.rule.thresholds, e.g. {"' || parts[2 * i] || '": 10}.';
    END IF;
    -- spaces keep the literal a token of its own (no "x{a}" gluing it on)
    out_sql := out_sql || ' ' || @extschema@.rule_literal(thresholds -> parts[2 * i], parts[2 * i], rule_code)
               || ' ' || parts[2 * i + 1];
  END LOOP;
  RETURN out_sql;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_render(text, jsonb, text, text) IS
  'Replaces each {name} placeholder of a rule''s SQL (outside string literals, quoted identifiers and comments) by the threshold of that name as a literal (cleangov.rule_literal: always data, never SQL); {subjects} (reserved) by the engine''s SQL of the subject keys evaluated, (NULL)::text[] when none is given (every subject); an unset threshold raises 42704, a nested array or object 22023.';

-- The eleven fields of a row rule's hit (in cleangov.hit's order) as SQL
-- expressions over the row r of its shape, thresholds substituted.  Shared by
-- rule_sql() and the generated watch triggers.
CREATE FUNCTION @extschema@.row_rule_fields(d @extschema@.rule_definition, thresholds jsonb DEFAULT NULL)
RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r @extschema@.rule;
  s @extschema@.shape;
  has_unit bool;
BEGIN
  SELECT * INTO r FROM @extschema@.rule x WHERE x.rule_code = d.rule_code;
  IF r.rule_code IS NULL THEN
    RAISE EXCEPTION 'rule "%" is not in cleangov.rule', d.rule_code USING ERRCODE = 'undefined_object';
  END IF;
  -- thresholds: those of a tiered standard (59_standards.sql); NULL: the rule's
  r.thresholds := coalesce(row_rule_fields.thresholds, r.thresholds);
  SELECT * INTO s FROM @extschema@.shape x WHERE x.shape = d.shape;
  has_unit := EXISTS (SELECT FROM @extschema@.shape_column c WHERE c.shape = d.shape AND c.column_name = 'unit_code');
  -- Only the author's expressions are rendered; what the engine quotes
  -- itself (rule code, subject kind, threshold, source) is added after
  -- rendering, so no value is ever read as SQL or breaks out of its quotes.
  RETURN ARRAY[
    quote_literal(d.rule_code) || '::text',
    quote_literal(r.subject_kind) || '::text',
    '(' || coalesce(@extschema@.rule_render(d.subject_expr, r.thresholds, d.rule_code),
                    'r.' || quote_ident(s.key_column)) || ')::text',
    '(' || coalesce(@extschema@.rule_render(d.unit_expr, r.thresholds, d.rule_code),
                    CASE WHEN has_unit THEN 'r.unit_code' ELSE 'NULL' END) || ')::text',
    'coalesce((' || coalesce(@extschema@.rule_render(d.period_expr, r.thresholds, d.rule_code), 'NULL') || ')::text, '''')',
    '(' || @extschema@.rule_render(d.value_expr, r.thresholds, d.rule_code) || ')::float8',
    CASE WHEN d.threshold_expr IS NOT NULL THEN '(' || @extschema@.rule_render(d.threshold_expr, r.thresholds, d.rule_code) || ')::float8'
         WHEN d.threshold_key IS NULL THEN 'NULL::float8'
         ELSE format('%L::float8', r.thresholds ->> d.threshold_key) END,
    'NULL::@extschema@.level',
    coalesce(@extschema@.rule_render(d.evidence_expr, r.thresholds, d.rule_code), 'to_jsonb(r)'),
    coalesce(quote_literal((SELECT b.source::text FROM @extschema@.binding b WHERE b.shape = d.shape)), 'NULL') || '::text',
    coalesce('(r.' || quote_ident(s.key_column) || ')::text', 'NULL::text')];
END
$$;
COMMENT ON FUNCTION @extschema@.row_rule_fields(@extschema@.rule_definition, jsonb) IS
  'The fields of a row rule''s hit as SQL expressions over the shape row r (thresholds substituted: the given ones, those of a tiered standard, or NULL for the rule''s), in the order of cleangov.hit. Stable because it reads the rule tables.';

-- The rows of cleangov.rule_exemption that exempt a hit h, as a condition
-- over h (true: no row exempts it): a row of the hit's rule and subject, of
-- the hit's period or of every period (period NULL), not expired.  rule_code
-- NULL: the hit's own rule (h.rule_code), for a query over the hits of
-- several rules (the watch triggers' one-pass query).  Written at the top
-- level of a WHERE clause (ANDed with the other conditions), NOT EXISTS is
-- pulled up by the planner into ONE anti-join of the hits against the
-- exemption rows (a hash anti-join for many hits, an index probe for a few),
-- never a subquery run per hit; under a CASE, an OR or a NOT it would be one
-- (test/pgtap/57_exemption_set.sql walks the plans).
CREATE FUNCTION @extschema@.exemption_rows_sql(rule_code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN 'NOT EXISTS (SELECT FROM @extschema@.rule_exemption e WHERE e.rule_code = '
       || coalesce(quote_literal(rule_code), 'h.rule_code') || ' AND e.subject_key = h.subject_key'
       || ' AND (e.period IS NULL OR e.period = h.period) AND (e.valid_until IS NULL OR e.valid_until >= current_date))';
COMMENT ON FUNCTION @extschema@.exemption_rows_sql(text) IS
  'The rows of cleangov.rule_exemption that exempt a hit h (of rule rule_code; NULL: of the hit''s own rule h.rule_code) as a NOT EXISTS condition over h, to be ANDed at the top of a WHERE clause, where the planner makes it one anti-join against the exemption rows rather than a subquery per hit. Non-strict: NULL means the hit''s own rule.';

-- Exemptions of a rule as an SQL condition over a hit h (true: the hit
-- counts): the rows of cleangov.rule_exemption (exemption_rows_sql) and the
-- definition's own exemption.  with_rows false: the definition's own
-- exemption alone, NULL when it has none (the watch triggers check the rows
-- once for all their row rules).
CREATE FUNCTION @extschema@.rule_exemption_sql(d @extschema@.rule_definition, with_rows boolean DEFAULT true,
                                               thresholds jsonb DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  own text;
BEGIN
  IF d.exemption IS NOT NULL THEN
    own := 'NOT coalesce((' || @extschema@.rule_render(d.exemption,
             coalesce(rule_exemption_sql.thresholds, (SELECT r.thresholds FROM @extschema@.rule r WHERE r.rule_code = d.rule_code)),
             d.rule_code) || '), false)';
  END IF;
  IF NOT with_rows THEN
    RETURN own;
  END IF;
  RETURN @extschema@.exemption_rows_sql(d.rule_code) || coalesce(' AND ' || own, '');
END
$$;
COMMENT ON FUNCTION @extschema@.rule_exemption_sql(@extschema@.rule_definition, boolean, jsonb) IS
  'The exemptions of a rule (rows of cleangov.rule_exemption, checked as one anti-join, and the definition''s own exemption) as an SQL condition over a hit h; with_rows false: the definition''s own exemption alone (NULL when it has none); thresholds: those of a tiered standard (NULL: the rule''s). Stable because it reads the rule tables.';

-- The SQL that yields the rule's hits as one column h of type cleangov.hit.
-- source replaces a row rule's bound view (the watch triggers pass the
-- statement's transition table read through the binding).
CREATE FUNCTION @extschema@.rule_sql(d @extschema@.rule_definition, source text DEFAULT NULL,
                                     with_passes boolean DEFAULT true, subjects text DEFAULT NULL,
                                     statistics_row boolean DEFAULT false, stored_statistics boolean DEFAULT false,
                                     thresholds jsonb DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r @extschema@.rule;
  f text[];
  names text[] := ARRAY['rule_code', 'subject_kind', 'subject_key', 'unit_code', 'period', 'value',
                        'threshold', 'level', 'evidence', 'source_table', 'source_key'];
  inner_sql text;
  cols text[] := d.query_columns;
  thr text;
  out_sql text;
  ctes text := '';
  st record;
BEGIN
  SELECT * INTO r FROM @extschema@.rule x WHERE x.rule_code = d.rule_code;
  IF r.rule_code IS NULL THEN
    RAISE EXCEPTION 'rule "%" is not in cleangov.rule', d.rule_code USING ERRCODE = 'undefined_object';
  END IF;
  -- Tiered standards that set thresholds (59_standards.sql): the rule is
  -- evaluated once with its own thresholds and once per such standard, and
  -- each evaluation keeps the hits of the units whose applicable standard it
  -- is (the rule's own: the units no such standard applies to).  A
  -- standard's evaluation computes its own passes (their thresholds are its).
  IF rule_sql.thresholds IS NULL AND EXISTS (
       SELECT FROM @extschema@.rule_standard x WHERE x.rule_code = d.rule_code AND x.thresholds <> '{}') THEN
    out_sql := format('SELECT b.h FROM (%s) b WHERE @extschema@.rule_threshold_standard(%L, (b.h).unit_code) IS NULL',
                      @extschema@.rule_sql(d, source, with_passes, subjects, statistics_row, stored_statistics, r.thresholds),
                      d.rule_code);
    FOR st IN SELECT x.standard_code, x.thresholds FROM @extschema@.rule_standard x
               WHERE x.rule_code = d.rule_code AND x.thresholds <> '{}' ORDER BY x.standard_code LOOP
      out_sql := out_sql || format(' UNION ALL SELECT b.h FROM (%s) b WHERE @extschema@.rule_threshold_standard(%L, (b.h).unit_code) = %L',
                                   @extschema@.rule_sql(d, source, true, subjects, false, stored_statistics, r.thresholds || st.thresholds),
                                   d.rule_code, st.standard_code);
    END LOOP;
    RETURN out_sql;
  END IF;
  r.thresholds := coalesce(rule_sql.thresholds, r.thresholds);
  IF d.kind = 'row' THEN
    f := @extschema@.row_rule_fields(d, r.thresholds);
    inner_sql := format('SELECT %s FROM %s r WHERE (%s)',
      (SELECT string_agg(e || ' AS ' || n, ', ' ORDER BY i) FROM unnest(f, names) WITH ORDINALITY u(e, n, i)),
      coalesce(source, 'cleangov_bound.' || quote_ident(d.shape)),
      @extschema@.rule_render(d.condition, r.thresholds, d.rule_code));
  ELSE
    thr := CASE WHEN d.threshold_key IS NULL THEN 'NULL::float8'
                ELSE format('%L::float8', r.thresholds ->> d.threshold_key) END;
    inner_sql := format(
      'SELECT %L::text AS rule_code, %s AS subject_kind, h.subject_key::text AS subject_key, h.unit_code::text AS unit_code,'
      ' coalesce(h.period::text, '''') AS period, h.value::float8 AS value, %s AS threshold, %s AS level,'
      ' h.evidence AS evidence, NULL::text AS source_table, %s AS source_key FROM (%s) h',
      d.rule_code,
      CASE WHEN 'subject_kind' = ANY (cols) THEN format('coalesce(h.subject_kind::text, %L)', r.subject_kind)
           ELSE format('%L::text', r.subject_kind) END,
      CASE WHEN 'threshold' = ANY (cols) THEN 'coalesce(h.threshold::float8, ' || thr || ')' ELSE thr END,
      CASE WHEN 'level' = ANY (cols) THEN 'h.level' ELSE 'NULL::@extschema@.level' END,
      CASE WHEN 'source_key' = ANY (cols) THEN 'h.source_key::text' ELSE 'NULL::text' END,
      @extschema@.rule_render(@extschema@.pass_refs(d.query), r.thresholds, d.rule_code, subjects));
    -- the shared passes it reads, computed before it (55_pass.sql); left
    -- out when a query of several rules computes them once for all
    IF with_passes AND cardinality(d.passes) > 0 THEN
      ctes := array_to_string(@extschema@.pass_ctes(d.passes, r.thresholds, d.rule_code, subjects), ', ') || ', ';
    END IF;
    IF d.statistics IS NOT NULL THEN
      ctes := ctes || @extschema@.statistics_ctes(d, r.thresholds, subjects IS NOT NULL OR stored_statistics) || ', ';
    END IF;
  END IF;

  -- The rule's own query is fenced off (a MATERIALIZED CTE, planned and run
  -- on its own) before the exemptions are applied to its hits: the
  -- exemption check reads cleangov.rule_exemption, and on Citus a
  -- correlated subquery joining a coordinator-local table to a distributed
  -- one is refused, while a fenced query over distributed tables runs on the
  -- workers and its hits are checked on the coordinator (doc/citus.md).
  -- On one node it costs a tuplestore of the hits, which are few.
  out_sql := format('WITH %s cleangov_hits AS MATERIALIZED (%s) SELECT * FROM cleangov_hits h WHERE h.subject_key IS NOT NULL AND %s',
                    ctes, inner_sql, @extschema@.rule_exemption_sql(d, true, r.thresholds));
  -- A whole evaluation hands its statistics to run(), which stores them:
  -- one more row, of subject kind cleangov:statistics, never an alert.
  IF statistics_row AND d.statistics IS NOT NULL AND subjects IS NULL AND NOT stored_statistics THEN
    out_sql := out_sql || format(' UNION ALL SELECT %L::text, ''cleangov:statistics''::text, ''''::text, NULL::text, ''''::text,'
                                 ' NULL::float8, NULL::float8, NULL::@extschema@.level, cleangov_sj.j, NULL::text, NULL::text FROM cleangov_statistics_json cleangov_sj',
                                 d.rule_code);
  END IF;
  -- Streak: only periods closing a run of at least streak_min consecutive
  -- breaches of the same subject count (gaps and islands on the period's
  -- ordinal; a missing period breaks the run).  Islands and lengths are
  -- functions of the periods alone: dense_rank gives two hits of one period
  -- the same rank (row_number would number such ties in any order and split
  -- the island), and a streak's length is the number of periods from the
  -- island's first to this one, not of hits.
  IF d.streak_min IS NOT NULL THEN
    out_sql := format(
      'SELECT * FROM (SELECT g.*, g.cleangov_ord - min(g.cleangov_ord) OVER (PARTITION BY g.subject_key, g.cleangov_island) + 1 AS cleangov_streak'
      ' FROM (SELECT o.*, o.cleangov_ord - dense_rank() OVER (PARTITION BY o.subject_key ORDER BY o.cleangov_ord) AS cleangov_island'
      ' FROM (SELECT x.*, @extschema@.period_ordinal(x.period, %L) AS cleangov_ord FROM (%s) x) o WHERE o.cleangov_ord IS NOT NULL) g) h'
      ' WHERE h.cleangov_streak >= %s',
      d.streak_step, out_sql, d.streak_min);
  END IF;
  RETURN format(
    'SELECT ROW(h.rule_code, h.subject_kind, h.subject_key, h.unit_code, h.period, h.value, h.threshold, h.level, %s,'
    ' h.source_table, h.source_key)::@extschema@.hit AS h FROM (%s) h',
    CASE WHEN d.streak_min IS NOT NULL THEN 'h.evidence || jsonb_build_object(''streak'', h.cleangov_streak)'
         ELSE 'h.evidence' END,
    out_sql);
END
$$;
COMMENT ON FUNCTION @extschema@.rule_sql(@extschema@.rule_definition, text, boolean, text, boolean, boolean, jsonb) IS
  'The SQL that computes the hits of a rule definition (one column h of type cleangov.hit), thresholds substituted (thresholds: these; NULL: the rule''s, and where tiered standards set thresholds, one evaluation per standard, each keeping the hits of the units it applies to), exemptions and streak applied; source replaces a row rule''s shape view; with_passes false leaves out the CTEs of its shared passes (a query of several rules computes them once); subjects: SQL of the subject keys to evaluate ({subjects}; NULL: all; the statistics are then read from cleangov.rule_statistic); statistics_row: a whole evaluation adds one row of subject kind cleangov:statistics whose evidence is the statistics computed (for run() to store); stored_statistics: read the statistics from cleangov.rule_statistic even for every subject. Stable because it reads the rule tables.';

CREATE FUNCTION @extschema@.rule_sql(rule_code text, source text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  d @extschema@.rule_definition;
BEGIN
  SELECT * INTO d FROM @extschema@.rule_definition x WHERE x.rule_code = rule_sql.rule_code;
  IF d.rule_code IS NULL THEN
    RAISE EXCEPTION 'rule "%" has no definition', rule_code
      USING ERRCODE = 'undefined_object', HINT = 'Definitions are in cleangov.rule_definition.';
  END IF;
  RETURN @extschema@.rule_sql(d, source);
END
$$;
COMMENT ON FUNCTION @extschema@.rule_sql(text, text) IS
  'The SQL that computes a rule''s hits (one column h of type cleangov.hit): what cleangov.run() executes; useful to read or EXPLAIN a rule. Stable because it reads the rule tables.';

-- The SQL of a rule definition, of a SQL-defined indicator and of a profile
-- source runs with its owner's rights, never with the caller's (doc/alerts.md,
-- "Whose rights a rule runs with"; doc/index.md, "Whose rights a source query
-- runs with"): the owner is the role that wrote the SQL, or a role the writer
-- is a member of.  The one place that decides it, for all three.  Returns the owner to record: a writer who
-- changes the SQL of a source owned by a role it is not a member of becomes
-- its owner; changing anything else keeps the owner.  old_owner is NULL for
-- a new row.
-- stable because it reads roles
CREATE FUNCTION @extschema@.source_owner(what text, owner name, old_owner name, sql_changed boolean)
  RETURNS name
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = owner) THEN
    RAISE EXCEPTION '%: its owner % is not a role', what, owner USING ERRCODE = 'undefined_object';
  END IF;
  IF pg_has_role(current_user, owner, 'MEMBER') THEN
    RETURN owner;
  END IF;
  IF owner = old_owner THEN
    RETURN CASE WHEN sql_changed THEN current_user ELSE owner END;
  END IF;
  RAISE EXCEPTION '%: % may not make % its owner', what, current_user, owner
    USING ERRCODE = 'insufficient_privilege',
          DETAIL = 'Its SQL runs with its owner''s rights; the owner is its author or a role the author is a member of.';
END
$$;
COMMENT ON FUNCTION @extschema@.source_owner(text, name, name, boolean) IS
  'Internal to the checks of rule definitions, indicators and profile sources: the owner to record for their SQL (the given owner if the writer is a member of it; the writer, if it changes the SQL of a source owned by a role it is not a member of); 42501 for an owner the writer is not a member of, 42704 for one that is not a role. Stable because it reads roles.';

-- A stand-in for a shape: a SELECT of NULLs of the shape's columns but those
-- left out, followed by tail (' WHERE false': no rows; ' OFFSET 0': one row
-- the planner cannot fold).
-- stable because it reads the catalog tables
CREATE FUNCTION @extschema@.shape_stand_in(shape text, left_out text[], tail text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT 'SELECT ' || string_agg(format('NULL::%s AS %I', c.type, c.column_name), ', ' ORDER BY c.position) || tail
    FROM @extschema@.shape_column c
   WHERE c.shape = shape_stand_in.shape AND NOT c.column_name = ANY (left_out);
END;
COMMENT ON FUNCTION @extschema@.shape_stand_in(text, text[], text) IS
  'Internal to rule_columns_read: the SQL of a stand-in for a shape (NULLs of its columns but left_out, then tail). Stable because it reads the catalog tables.';

-- Which optional shape columns a rule reads, by probing: every shape the
-- rule reads is replaced by an empty stand-in, and one shape at a time loses
-- its optional columns; planning the rule then fails naming a column it
-- reads (42703), which is given back, until it plans.  A rule that hands a
-- bound view to a function by name (the relationship rules'
-- 'cleangov_bound.person') is run over stand-in views
-- (cleangov_bound.cleangov_probe_<shape>, one row of NULLs each) instead of
-- planned, so that the function's own SQL is probed too (column_or raises
-- 42703 on a probe stand-in instead of falling back).
-- Called by rule_definition_check inside its rolled-back subtransaction.
-- The views are ordinary views, not temporary ones: a transaction that
-- touched a temporary object cannot be prepared, and on Citus CREATE
-- EXTENSION runs the shipped rules' checks on every worker inside a
-- two-phase commit (doc/citus.md).
CREATE FUNCTION @extschema@.rule_columns_read(d @extschema@.rule_definition, shapes text[])
RETURNS text[]
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  tpl text;
  probe text;
  sh text;
  s2 text;
  missing text[];
  found text[] := '{}'::text[];
  run_it boolean;
  col text;
  msg text;
  state text;
BEGIN
  tpl := @extschema@.rule_sql(d);
  -- A function handed a bound view by name: run the rule, in the order
  -- written (nested loops, FROM order), over stand-in views of one row of
  -- NULLs, so that every join reaches the function (OFFSET 0 keeps the
  -- planner from folding the NULLs into the joins: a join on NULL is
  -- constant false and would remove the function from the plan).  Otherwise
  -- plan it with each cleangov_bound.<shape> written as an inline subquery:
  -- no views to create.
  run_it := tpl ~ '''cleangov_bound\.';
  IF run_it THEN
    SET LOCAL enable_hashjoin = off;
    SET LOCAL enable_mergejoin = off;
    SET LOCAL join_collapse_limit = 1;
    FOREACH sh IN ARRAY shapes LOOP
      EXECUTE format('CREATE VIEW cleangov_bound.%I AS %s', 'cleangov_probe_' || sh, @extschema@.shape_stand_in(sh, '{}', ' OFFSET 0'));
    END LOOP;
  END IF;
  FOREACH sh IN ARRAY shapes LOOP
    -- Planned SQL reads a column only by naming it: only the optional columns
    -- whose names occur in it are taken away (a shape naming none costs no
    -- probe).  A function reads columns named in its own SQL: all of them.
    missing := ARRAY(SELECT c.column_name FROM @extschema@.shape_column c
                      WHERE c.shape = sh AND NOT c.required
                        AND (run_it OR tpl ~ ('\m' || c.column_name || '\M'))
                      ORDER BY c.position);
    CONTINUE WHEN missing = '{}';
    LOOP
      IF run_it THEN
        EXECUTE format('DROP VIEW cleangov_bound.%I', 'cleangov_probe_' || sh);
        EXECUTE format('CREATE VIEW cleangov_bound.%I AS %s', 'cleangov_probe_' || sh, @extschema@.shape_stand_in(sh, missing, ' OFFSET 0'));
        probe := 'SELECT count(*) FROM (' || regexp_replace(tpl, 'cleangov_bound\.(\w+)', 'cleangov_bound.cleangov_probe_\1', 'g') || ') cleangov_probe';
      ELSE
        probe := tpl;
        FOREACH s2 IN ARRAY shapes LOOP
          probe := regexp_replace(probe, 'cleangov_bound\.' || s2 || '\M',
                                  '(' || @extschema@.shape_stand_in(s2, CASE WHEN s2 = sh THEN missing ELSE '{}' END, ' WHERE false') || ')', 'g');
        END LOOP;
        probe := 'EXPLAIN (COSTS OFF) ' || probe;
      END IF;
      BEGIN
        EXECUTE probe;
        EXIT;       -- runs without the columns still missing: it does not read them
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, state = RETURNED_SQLSTATE;
        -- the planner's "column t.x does not exist", require_columns' "... lacks column(s) x, y"
        col := CASE WHEN state = '42703' THEN coalesce(substring(msg FROM '^column (?:[^ ]*\.)?"?(\w+)"? does not exist'),
                                                       substring(msg FROM ' lacks column\(s\) "?(\w+)')) END;
        IF col IS NULL OR NOT col = ANY (missing) THEN
          -- a failure that names no missing column (a reference the inline
          -- form cannot take, such as cleangov_bound.tender without an
          -- alias): count them all as read, so that a declaration has to
          -- classify them (never fewer than read)
          found := found || ARRAY(SELECT sh || '.' || m FROM unnest(missing) m);
          EXIT;
        END IF;
        found := found || ARRAY[sh || '.' || col];
        missing := array_remove(missing, col);
        EXIT WHEN missing = '{}';
      END;
    END LOOP;
    IF run_it THEN
      EXECUTE format('DROP VIEW cleangov_bound.%I', 'cleangov_probe_' || sh);
      EXECUTE format('CREATE VIEW cleangov_bound.%I AS %s', 'cleangov_probe_' || sh, @extschema@.shape_stand_in(sh, '{}', ' OFFSET 0'));
    END IF;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT f FROM unnest(found) f ORDER BY f);
END
$$;
COMMENT ON FUNCTION @extschema@.rule_columns_read(@extschema@.rule_definition, text[]) IS
  'Internal to rule_definition_check: the optional shape columns (shape.column) the rule reads, found by planning it over empty stand-ins that lack them (or, for a rule passing a bound view to a function, running it over stand-in views); creates views in cleangov_bound (ordinary ones, so that the transaction can be prepared: Citus installs in two-phase commits), so call it only inside a subtransaction that is rolled back. Volatile because it creates views; parallel unsafe because it writes the catalog.';

-- A rule's needs and degrades must name optional shape columns it reads.
-- stable because it reads the catalog tables
CREATE FUNCTION @extschema@.rule_declarations_check(d @extschema@.rule_definition)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  e text;
BEGIN
  IF jsonb_typeof(d.degrades) <> 'object' THEN
    RAISE EXCEPTION 'rule %: degrades must be a JSON object', d.rule_code
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'It maps shape.column to what changes when the column is absent, e.g. {"tender.unit_code": "alerts carry no unit"}.';
  END IF;
  SELECT k INTO e FROM jsonb_each(d.degrades) x(k, v) WHERE jsonb_typeof(v) <> 'string' OR v #>> '{}' = '' LIMIT 1;
  IF e IS NOT NULL THEN
    RAISE EXCEPTION 'rule %: degrades "%" must say what changes (a non-empty string)', d.rule_code, e
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOR e IN SELECT n FROM unnest(d.needs) n UNION ALL SELECT k FROM jsonb_object_keys(d.degrades) k LOOP
    IF e IS NULL OR NOT EXISTS (SELECT FROM @extschema@.shape_column c WHERE c.shape || '.' || c.column_name = e) THEN
      RAISE EXCEPTION 'rule %: "%" is not a shape column', d.rule_code, coalesce(e, 'NULL')
        USING ERRCODE = 'undefined_column',
              HINT = 'Name it as shape.column, e.g. tender.random_draw; the columns are in cleangov.shape_column.';
    END IF;
    IF NOT e = ANY (d.reads_columns) THEN
      RAISE EXCEPTION 'rule %: % is declared but the rule does not read it', d.rule_code, e
        USING ERRCODE = 'invalid_parameter_value',
              DETAIL = format('The optional columns it reads: %s.', coalesce(nullif(array_to_string(d.reads_columns, ', '), ''), 'none')),
              HINT = 'needs and degrades name optional columns the rule reads (required columns are always bound).';
    END IF;
  END LOOP;
  e := (SELECT n FROM unnest(d.needs) n WHERE d.degrades ? n LIMIT 1);
  IF e IS NOT NULL THEN
    RAISE EXCEPTION 'rule %: % is both needed and degrading', d.rule_code, e
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A rule either cannot run without a column (needs) or runs with less (degrades).';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_declarations_check(@extschema@.rule_definition) IS
  'Internal to rule_definition_check: refuses needs and degrades entries that are not shape columns (42703) or not optional columns the rule reads, a degrades that is not an object of non-empty strings, or a column both needed and degrading (22023). Stable because it reads the catalog tables.';

-- Compiles a definition without running it: the shapes it reads get empty
-- stand-in views when they are not bound, the query is planned, its columns
-- checked, and everything is rolled back.
CREATE FUNCTION @extschema@.rule_definition_check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  all_sql text;
  shapes text[];
  sh text;
  cols text[];
  col record;
  want record;
  th jsonb;
BEGIN
  -- Quarantine and release change nothing that needs compiling.
  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - 'quarantined_at' - 'shipped' = to_jsonb(OLD) - 'quarantined_at' - 'shipped' THEN
    RETURN NEW;
  END IF;
  -- Nor do declarations: they are checked against the columns read.
  IF TG_OP = 'UPDATE' AND to_jsonb(NEW) - ARRAY['quarantined_at', 'shipped', 'needs', 'degrades', 'reads_columns']
                        = to_jsonb(OLD) - ARRAY['quarantined_at', 'shipped', 'needs', 'degrades', 'reads_columns'] THEN
    NEW.reads_columns := OLD.reads_columns;
    PERFORM @extschema@.rule_declarations_check(NEW);
    RETURN NEW;
  END IF;
  -- The rule's SQL runs with its owner's rights (source_owner): an author
  -- who changes a rule owned by a role it does not have becomes the owner.
  NEW.owner := @extschema@.source_owner(format('rule %s', NEW.rule_code), NEW.owner,
                                         CASE WHEN TG_OP = 'UPDATE' THEN OLD.owner END, true);
  IF NEW.kind = 'set' AND (NEW.subject_expr IS NOT NULL OR NEW.unit_expr IS NOT NULL
                           OR NEW.period_expr IS NOT NULL OR NEW.evidence_expr IS NOT NULL) THEN
    RAISE EXCEPTION 'rule %: a set rule''s query returns subject, unit, period and evidence itself', NEW.rule_code
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Leave subject_expr, unit_expr, period_expr and evidence_expr NULL.';
  END IF;
  SELECT r.thresholds INTO th FROM @extschema@.rule r WHERE r.rule_code = NEW.rule_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rule % is not in cleangov.rule', NEW.rule_code
      USING ERRCODE = 'foreign_key_violation', HINT = 'Insert the rule into cleangov.rule first.';
  END IF;
  IF NEW.threshold_key IS NOT NULL AND NOT coalesce(th ? NEW.threshold_key, false) THEN
    RAISE EXCEPTION 'rule %: threshold_key "%" is not among the rule''s thresholds', NEW.rule_code, NEW.threshold_key
      USING ERRCODE = 'undefined_object';
  END IF;
  NEW.passes := CASE WHEN NEW.kind = 'set' THEN @extschema@.passes_read(concat_ws(' ', NEW.query, NEW.statistics)) ELSE '{}' END;
  sh := (SELECT n FROM unnest(NEW.passes) n WHERE NOT EXISTS (SELECT FROM @extschema@.pass p WHERE p.pass = n) LIMIT 1);
  IF sh IS NOT NULL THEN
    RAISE EXCEPTION 'rule %: unknown pass "%"', NEW.rule_code, sh
      USING ERRCODE = 'undefined_object', HINT = 'The passes are listed in cleangov.pass.';
  END IF;
  -- Evaluable for some subjects: the query reads the shapes only through
  -- passes of one grain, each of which takes {subjects}, and the rule's
  -- subjects are of that grain (R025 flags tenderers over all their
  -- processes: no tender's rows alone can tell).
  NEW.grain := CASE WHEN NEW.kind = 'set' AND cardinality(@extschema@.passes_read(NEW.query)) > 0
                          AND NEW.query !~ 'cleangov_bound\.'
                          AND NOT EXISTS (SELECT FROM @extschema@.rule r JOIN @extschema@.pass p ON p.pass = ANY (@extschema@.passes_read(NEW.query))
                                           WHERE r.rule_code = NEW.rule_code AND r.subject_kind IS DISTINCT FROM p.grain)
                          AND NOT EXISTS (SELECT FROM @extschema@.pass p WHERE p.pass = ANY (@extschema@.passes_read(NEW.query))
                                             AND NOT 'subjects' = ANY (@extschema@.rule_sql_split(p.query)))
                     THEN (SELECT CASE WHEN count(DISTINCT p.grain) = 1 THEN min(p.grain) END
                             FROM @extschema@.pass p WHERE p.pass = ANY (@extschema@.passes_read(NEW.query))) END;
  all_sql := concat_ws(' ', NEW.condition, NEW.value_expr, NEW.threshold_expr, NEW.subject_expr, NEW.unit_expr,
                       NEW.period_expr, NEW.evidence_expr, NEW.query, NEW.exemption, NEW.statistics,
                       (SELECT string_agg(p.query, ' ') FROM @extschema@.pass p WHERE p.pass = ANY (NEW.passes)));
  SELECT coalesce(array_agg(DISTINCT m[1]), '{}') INTO shapes
    FROM regexp_matches(all_sql, 'cleangov_bound\.(\w+)', 'g') m;
  IF NEW.kind = 'row' AND NOT NEW.shape = ANY (shapes) THEN
    shapes := shapes || NEW.shape;
  END IF;
  sh := (SELECT s FROM unnest(shapes) s WHERE NOT EXISTS (SELECT FROM @extschema@.shape x WHERE x.shape = s) LIMIT 1);
  IF sh IS NOT NULL THEN
    RAISE EXCEPTION 'rule %: unknown shape "%"', NEW.rule_code, sh
      USING ERRCODE = 'undefined_object', HINT = 'The shapes are listed in cleangov.shape.';
  END IF;
  NEW.reads := ARRAY(SELECT s FROM unnest(shapes) s ORDER BY s);

  BEGIN
    -- The views made here are rolled back with the subtransaction.  They
    -- are ordinary views (a transaction that touched a temporary object
    -- cannot be prepared, and Citus installs in two-phase commits), and on
    -- Citus they stay on this node (no DDL propagation: nothing to undo on
    -- the workers).
    IF current_setting('citus.enable_ddl_propagation', true) IS NOT NULL THEN
      PERFORM set_config('citus.enable_ddl_propagation', 'off', true);
    END IF;
    -- Stand-in views for unbound shapes, so that a rule can be written
    -- before (or without) the user's tables being bound.
    FOREACH sh IN ARRAY shapes LOOP
      IF to_regclass('cleangov_bound.' || quote_ident(sh)) IS NULL THEN
        EXECUTE format('CREATE VIEW cleangov_bound.%I AS SELECT %s WHERE false', sh,
          (SELECT string_agg(format('NULL::%s AS %I', c.type, c.column_name), ', ' ORDER BY c.position)
             FROM @extschema@.shape_column c WHERE c.shape = sh));
      END IF;
    END LOOP;
    IF NEW.statistics IS NOT NULL THEN
      -- the statistics' columns, as the rule reads them back from jsonb
      EXECUTE 'CREATE VIEW cleangov_bound.cleangov_statistics_check AS '
        || CASE WHEN cardinality(NEW.passes) > 0
                THEN 'WITH ' || array_to_string(@extschema@.pass_ctes(NEW.passes, th, NEW.rule_code), ', ') || ' ' ELSE '' END
        || 'SELECT * FROM (' || @extschema@.rule_render(@extschema@.pass_refs(NEW.statistics), th, NEW.rule_code) || ') cleangov_q';
      NEW.statistics_columns := (SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' ORDER BY a.attnum)
                                   FROM pg_attribute a
                                  WHERE a.attrelid = 'cleangov_bound.cleangov_statistics_check'::regclass AND a.attnum > 0);
    ELSE
      NEW.statistics_columns := NULL;
    END IF;
    IF NEW.kind = 'set' THEN
      EXECUTE 'CREATE VIEW cleangov_bound.cleangov_rule_check AS '
        || CASE WHEN cardinality(NEW.passes) > 0 OR NEW.statistics IS NOT NULL
                THEN 'WITH ' || array_to_string(@extschema@.pass_ctes(NEW.passes, th, NEW.rule_code)
                                                || CASE WHEN NEW.statistics IS NOT NULL THEN @extschema@.statistics_ctes(NEW, th) END, ', ')
                     || ' SELECT * FROM (' || @extschema@.rule_render(@extschema@.pass_refs(NEW.query), th, NEW.rule_code) || ') cleangov_q'
                ELSE @extschema@.rule_render(NEW.query, th, NEW.rule_code) END;
      cols := '{}';
      FOR col IN SELECT a.attname::text AS name, a.atttypid::regtype AS type,
                        (SELECT t.typcategory FROM pg_type t WHERE t.oid = a.atttypid) AS cat
                   FROM pg_attribute a
                  WHERE a.attrelid = 'cleangov_bound.cleangov_rule_check'::regclass AND a.attnum > 0 LOOP
        cols := cols || col.name;
        SELECT * INTO want FROM (VALUES
          ('subject_key', 'S', 'text'), ('unit_code', 'S', 'text'), ('period', 'S', 'text'),
          ('value', 'N', 'a number'), ('evidence', 'U', 'jsonb'), ('threshold', 'N', 'a number'),
          ('level', 'E', 'cleangov.level'), ('subject_kind', 'S', 'text'), ('source_key', 'S', 'text'))
          v(name, cat, label) WHERE v.name = col.name;
        IF want.name IS NOT NULL AND (col.cat <> want.cat
             OR (want.name = 'evidence' AND col.type <> 'jsonb'::regtype)
             OR (want.name = 'level' AND col.type <> '@extschema@.level'::regtype)) THEN
          RAISE EXCEPTION 'rule %: column "%" of the query must be %, not %', NEW.rule_code, col.name, want.label, col.type
            USING ERRCODE = 'datatype_mismatch';
        END IF;
      END LOOP;
      sh := (SELECT c FROM unnest(ARRAY['subject_key', 'unit_code', 'period', 'value', 'evidence']) c
              WHERE NOT c = ANY (cols) LIMIT 1);
      IF sh IS NOT NULL THEN
        RAISE EXCEPTION 'rule %: the query returns no column "%"', NEW.rule_code, sh
          USING ERRCODE = 'undefined_column',
                HINT = 'A set rule''s query returns subject_key, unit_code, period, value and evidence (and may return threshold, level, subject_kind, source_key).';
      END IF;
      NEW.query_columns := cols;
    ELSE
      NEW.query_columns := '{}';
    END IF;
    -- The whole hit query must plan (this checks the row rule's expressions,
    -- the exemption and the streak, with thresholds substituted).
    EXECUTE 'EXPLAIN ' || @extschema@.rule_sql(NEW);
    NEW.reads_columns := @extschema@.rule_columns_read(NEW, shapes);
    RAISE EXCEPTION USING ERRCODE = 'CGOK0', MESSAGE = 'compiled';
  EXCEPTION WHEN SQLSTATE 'CGOK0' THEN
    NULL;   -- compiled; the stand-ins and the trial row are rolled back
  END;
  PERFORM @extschema@.rule_declarations_check(NEW);
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.rule_definition_check() IS
  'Trigger: a rule definition is compiled when written (thresholds substituted, query planned, columns and types checked), its shapes and the optional columns it reads recorded (reads, reads_columns), and its needs and degrades checked against them; an error names the rule. Volatile because it creates and rolls back stand-in views; parallel unsafe because it writes.';

CREATE TRIGGER rule_definition_check
  BEFORE INSERT OR UPDATE ON @extschema@.rule_definition
  FOR EACH ROW EXECUTE FUNCTION @extschema@.rule_definition_check();

-- Absent columns: a binding reads the shape columns it neither maps nor finds
-- in its source as NULL (52_bind.sql fills binding.absent); a rule that needs
-- one does not run, a rule that degrades without one runs and says so.
COMMENT ON COLUMN @extschema@.binding.absent IS
  'Shape columns the binding neither maps nor finds in its source: read as NULL, "not recorded".';

-- stable because it reads the bindings
CREATE FUNCTION @extschema@.rule_absent(d @extschema@.rule_definition)
RETURNS TABLE (column_name text, needed boolean, effect text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT x.column_name, x.needed, x.effect
    FROM (SELECT n AS column_name, true AS needed,
                 format('does not run: %s is not bound', n) AS effect
            FROM unnest(d.needs) n
          UNION ALL
          SELECT k, false, e.v #>> '{}' FROM jsonb_each(d.degrades) e(k, v)) x
    JOIN @extschema@.binding b ON b.shape = split_part(x.column_name, '.', 1)
   WHERE split_part(x.column_name, '.', 2) = ANY (b.absent)
   ORDER BY x.needed DESC, x.column_name;
END;
COMMENT ON FUNCTION @extschema@.rule_absent(@extschema@.rule_definition) IS
  'The columns a rule needs or degrades without (rule_definition.needs, degrades) that are absent in the current bindings (binding.absent): needed (the rule does not run; effect ''does not run: shape.column is not bound'') or not (effect: what changes). Stable because it reads the bindings.';
