-- Integrity index, part 1: the indicator hierarchy and its values, as data,
-- validated when defined (doc/index.md).

CREATE TABLE @extschema@.index_framework (
  framework_code text PRIMARY KEY
    CONSTRAINT index_framework_code_form CHECK (framework_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
  name          text NOT NULL,
  name_zh       text,
  period_kind   text NOT NULL DEFAULT 'year'
    CONSTRAINT index_framework_period_kind CHECK (period_kind IN ('month', 'quarter', 'year')),
  scheme_code   text NOT NULL DEFAULT 'index3' REFERENCES @extschema@.band_scheme (scheme_code),
  person_rule   text NOT NULL DEFAULT 'mean'
    CONSTRAINT index_framework_person_rule CHECK (person_rule IN ('none', 'mean', 'share', 'worst')),
  person_share  float8 NOT NULL DEFAULT 0.5
    CONSTRAINT index_framework_person_share CHECK (person_share > 0 AND person_share < 1),
  person_level  @extschema@.level NOT NULL DEFAULT 'yellow',
  description   text
);
COMMENT ON TABLE @extschema@.index_framework IS
  'An indicator framework (指标体系) of the integrity index: period kind, banding scheme, and the rule by which persons'' scores feed their unit''s (person_rule: none, mean, share = 100 x share of persons below person_level, worst; person_share = weight of that part beside the unit''s own indicators).';

CREATE TABLE @extschema@.indicator (
  framework_code  text NOT NULL REFERENCES @extschema@.index_framework ON DELETE CASCADE,
  indicator_code  text NOT NULL
    CONSTRAINT indicator_code_form CHECK (indicator_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]*$'),
  parent_code     text,
  name            text NOT NULL,
  name_zh         text,
  dimension       text,
  domain          text,
  weight          float8 NOT NULL DEFAULT 1,
  higher_is       text NOT NULL DEFAULT 'riskier'
    CONSTRAINT indicator_higher_is CHECK (higher_is IN ('riskier', 'safer')),
  unit_of_measure text,
  method          text
    CONSTRAINT indicator_method CHECK (method IN ('bounds', 'target', 'percentile', 'robust_z')),
  worst           float8,
  best            float8,
  target          float8,
  valid_min       float8,
  valid_max       float8,
  subject_kinds   text[] NOT NULL DEFAULT '{unit,person}',
  period_kind     text
    CONSTRAINT indicator_period_kind CHECK (period_kind IN ('month', 'quarter', 'year')),
  source_query    text,
  sort_order      int NOT NULL DEFAULT 0,
  owner           name NOT NULL DEFAULT CURRENT_USER,
  PRIMARY KEY (framework_code, indicator_code),
  FOREIGN KEY (framework_code, parent_code) REFERENCES @extschema@.indicator (framework_code, indicator_code)
);
CREATE INDEX indicator_parent ON @extschema@.indicator (framework_code, parent_code);
COMMENT ON TABLE @extschema@.indicator IS
  'One indicator of a framework, at any depth: parent (NULL = first level), weight among its siblings, direction (higher_is riskier or safer), normalisation of a leaf to 0-100 (method NULL for an inner node; bounds: between worst and best; target: attainment of target; percentile: rank among peers; robust_z: robust z among peers, scored between worst and best z), sensible range of values, subject kinds, period kind, and optionally a SQL query that supplies its values; owner: the role whose rights that query runs with (its author, or a role the author is a member of; the shipped Pizhou framework: the extension''s owner). Checked when defined (doc/index.md lists the SQLSTATEs).';

-- Persons scored by the index and the unit their score feeds.
CREATE TABLE @extschema@.index_person (
  person_key  text PRIMARY KEY,
  unit_code   text NOT NULL REFERENCES @extschema@.unit (unit_code),
  name        text,
  name_zh     text,
  position    text
);
CREATE INDEX index_person_unit ON @extschema@.index_person (unit_code);
COMMENT ON TABLE @extschema@.index_person IS
  'Persons scored by the integrity index and the unit each belongs to (fill it from any person table); a person''s score feeds this unit''s.';

CREATE TABLE @extschema@.indicator_value (
  framework_code  text NOT NULL,
  indicator_code  text NOT NULL,
  period          text NOT NULL,
  subject_kind    text NOT NULL,
  subject_key     text NOT NULL,
  value           float8 NOT NULL,
  source          text NOT NULL DEFAULT 'measured'
    CONSTRAINT indicator_value_source CHECK (source IN ('measured', 'query')),
  PRIMARY KEY (framework_code, period, subject_kind, subject_key, indicator_code)
);
-- Peer-relative indicators read their own values only.
CREATE INDEX indicator_value_indicator ON @extschema@.indicator_value (framework_code, indicator_code, period);
COMMENT ON TABLE @extschema@.indicator_value IS
  'Measured values of leaf indicators per subject and period (source measured), and the values the SQL-defined indicators produced (source query). Checked per statement: the indicator exists and is a leaf for that subject kind, the subject exists, the period has the indicator''s period kind, the value is finite and within the indicator''s sensible range.';

-- Period text of each kind, and the dates it covers.
-- immutable: a pure function of its argument
-- The three period functions are small and called per row (index
-- computation), where SET search_path would add a setting change to every
-- call: their bodies are SQL-standard (RETURN ...) instead, parsed when the
-- function is created, so no name in them is looked up at call time and the
-- caller's search_path cannot change what they call.
CREATE FUNCTION @extschema@.period_kind(period text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE WHEN left(period, 4) = '0000' THEN NULL   -- there is no year 0
              WHEN period ~ '^[0-9]{4}$' THEN 'year'
              WHEN period ~ '^[0-9]{4}-Q[1-4]$' THEN 'quarter'
              WHEN period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN 'month' END;
COMMENT ON FUNCTION @extschema@.period_kind(text) IS
  'Kind of a period text: year (2024), quarter (2024-Q2), month (2024-03, months 01 to 12); NULL for anything else (year 0000 and month 13 included), which the callers refuse with 22007.';

CREATE FUNCTION @extschema@.period_range(period text) RETURNS daterange
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE @extschema@.period_kind(period)
    WHEN 'year' THEN daterange(make_date(left(period, 4)::int, 1, 1), make_date(left(period, 4)::int + 1, 1, 1))
    WHEN 'quarter' THEN daterange(make_date(left(period, 4)::int, right(period, 1)::int * 3 - 2, 1),
                                  (make_date(left(period, 4)::int, right(period, 1)::int * 3 - 2, 1) + interval '3 months')::date)
    WHEN 'month' THEN daterange(make_date(left(period, 4)::int, right(period, 2)::int, 1),
                                (make_date(left(period, 4)::int, right(period, 2)::int, 1) + interval '1 month')::date)
  END;
COMMENT ON FUNCTION @extschema@.period_range(text) IS
  'Dates a period text covers, [first day, first day after); NULL when the text is not a year, quarter or month.';

CREATE FUNCTION @extschema@.period_rank(kind text) RETURNS int
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE kind WHEN 'month' THEN 1 WHEN 'quarter' THEN 2 WHEN 'year' THEN 3 END;
COMMENT ON FUNCTION @extschema@.period_rank(text) IS
  'Order of period kinds from finest: month 1, quarter 2, year 3.';

-- Plans and runs a probe of a source query (its SQL wrapped in WHERE false)
-- with the owner's rights, and rolls everything back: a query its owner may
-- not run is refused when it is written.  Not security definer: it switches
-- to the owner (SET LOCAL ROLE, undone with the rollback of the block) only
-- when the caller is a member of it.
-- volatile because it runs SQL and switches roles
CREATE FUNCTION @extschema@.compile_as(owner name, probe text, arg text)
  RETURNS void
  LANGUAGE plpgsql VOLATILE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT pg_has_role(current_user, owner, 'MEMBER') THEN
    RAISE EXCEPTION '% may not act as %', current_user, owner USING ERRCODE = 'insufficient_privilege';
  END IF;
  BEGIN
    IF owner <> current_user THEN
      PERFORM set_config('role', owner, true);
    END IF;
    EXECUTE probe USING arg;
    RAISE EXCEPTION USING ERRCODE = 'CGOK0', MESSAGE = 'compiled';
  EXCEPTION WHEN SQLSTATE 'CGOK0' THEN
    NULL;   -- planned and run; the role and anything the probe did are rolled back
  END;
END
$$;
COMMENT ON FUNCTION @extschema@.compile_as(name, text, text) IS
  'Internal to the checks of indicators and profile sources: runs a probe of a source query with $1 = arg as its owner (the caller must be a member of it, 42501 otherwise) and rolls it back; the query''s own error (42501 for a right the owner lacks) otherwise. Volatile because it runs SQL; parallel unsafe because it switches roles.';

-- Definition-time checks of an indicator.  Every refusal has its own SQLSTATE:
--   22023 weight not a positive finite number, bounds inconsistent with the
--         direction, bad subject kinds or period kind, parent cannot have children
--   23502 a normalisation bound the method needs is missing
--   42P17 the parent chain would form a cycle
--   others: the source query's own error (42601 syntax, 42P01 no such table, ...)
CREATE FUNCTION @extschema@.indicator_check() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  fw record;
  par record;
  anc text;
  depth int := 0;
BEGIN
  SELECT * INTO fw FROM @extschema@.index_framework WHERE framework_code = NEW.framework_code;
  IF NEW.weight IS NULL OR NOT (NEW.weight > 0) OR NEW.weight = 'Infinity' OR NEW.weight = 'NaN' THEN
    RAISE EXCEPTION 'weight of indicator % must be a positive finite number, not %', NEW.indicator_code, NEW.weight
      USING ERRCODE = '22023', HINT = 'Siblings need not sum to 1: scores are re-weighted over the siblings that have a value.';
  END IF;
  IF 'NaN' IN (NEW.worst, NEW.best, NEW.target, NEW.valid_min, NEW.valid_max)
     OR 'Infinity' IN (abs(NEW.worst), abs(NEW.best), abs(NEW.target), abs(NEW.valid_min), abs(NEW.valid_max)) THEN
    RAISE EXCEPTION 'bounds of indicator % must be finite numbers', NEW.indicator_code USING ERRCODE = '22023';
  END IF;
  IF NEW.valid_min > NEW.valid_max THEN
    RAISE EXCEPTION 'sensible range of indicator % is empty: valid_min % > valid_max %',
      NEW.indicator_code, NEW.valid_min, NEW.valid_max USING ERRCODE = '22023';
  END IF;
  IF NEW.method IN ('bounds', 'robust_z') AND (NEW.worst IS NULL OR NEW.best IS NULL) THEN
    RAISE EXCEPTION 'indicator % has no normalisation bounds', NEW.indicator_code
      USING ERRCODE = '23502',
            DETAIL = format('Method %s needs both worst and best (%s).', NEW.method,
                            CASE NEW.method WHEN 'bounds' THEN 'the values scored 0 and 100'
                                            ELSE 'the robust z scored 0 and 100' END),
            HINT = 'Give worst and best, or choose method target, percentile or robust_z.';
  END IF;
  IF NEW.method = 'target' AND NEW.target IS NULL THEN
    RAISE EXCEPTION 'indicator % has no normalisation bounds', NEW.indicator_code
      USING ERRCODE = '23502', DETAIL = 'Method target needs a target.';
  END IF;
  IF NEW.method = 'target' AND NOT NEW.target > 0 THEN
    RAISE EXCEPTION 'target of indicator % must be positive, not %', NEW.indicator_code, NEW.target
      USING ERRCODE = '22023';
  END IF;
  IF NEW.method = 'bounds' AND NOT (CASE NEW.higher_is WHEN 'riskier' THEN NEW.worst > NEW.best
                                                       ELSE NEW.worst < NEW.best END) THEN
    RAISE EXCEPTION 'bounds of indicator % contradict its direction: worst %, best %, higher is %',
      NEW.indicator_code, NEW.worst, NEW.best, NEW.higher_is
      USING ERRCODE = '22023', HINT = 'When higher is riskier, worst > best; when higher is safer, worst < best.';
  END IF;
  IF NEW.method = 'robust_z' AND NOT NEW.worst > NEW.best THEN
    RAISE EXCEPTION 'robust z bounds of indicator % must have worst > best (z counts towards risk), not worst %, best %',
      NEW.indicator_code, NEW.worst, NEW.best USING ERRCODE = '22023';
  END IF;
  IF cardinality(NEW.subject_kinds) IS DISTINCT FROM array_length(NEW.subject_kinds, 1)
     OR coalesce(array_length(NEW.subject_kinds, 1), 0) = 0
     OR EXISTS (SELECT FROM unnest(NEW.subject_kinds) k WHERE k IS NULL OR k !~ '^[a-z][a-z_]*$') THEN
    RAISE EXCEPTION 'subject kinds of indicator % must be a non-empty list of lower-case names, not %',
      NEW.indicator_code, NEW.subject_kinds USING ERRCODE = '22023';
  END IF;
  IF @extschema@.period_rank(coalesce(NEW.period_kind, fw.period_kind)) > @extschema@.period_rank(fw.period_kind) THEN
    RAISE EXCEPTION 'indicator % is measured per %, coarser than its framework''s %',
      NEW.indicator_code, NEW.period_kind, fw.period_kind USING ERRCODE = '22023';
  END IF;

  IF NEW.parent_code IS NOT NULL THEN
    IF NEW.parent_code = NEW.indicator_code THEN
      RAISE EXCEPTION 'indicator % cannot be its own parent', NEW.indicator_code USING ERRCODE = '42P17';
    END IF;
    SELECT * INTO par FROM @extschema@.indicator
     WHERE framework_code = NEW.framework_code AND indicator_code = NEW.parent_code;
    IF FOUND THEN
      -- Walk up from the parent: meeting the new row again is a cycle.
      anc := par.parent_code;
      WHILE anc IS NOT NULL LOOP
        IF anc = NEW.indicator_code THEN
          RAISE EXCEPTION 'making % the parent of % would form a cycle in framework %',
            NEW.parent_code, NEW.indicator_code, NEW.framework_code USING ERRCODE = '42P17';
        END IF;
        depth := depth + 1;
        IF depth > 1000 THEN
          RAISE EXCEPTION 'indicator hierarchy of framework % is deeper than 1000 levels', NEW.framework_code
            USING ERRCODE = '42P17';
        END IF;
        SELECT parent_code INTO anc FROM @extschema@.indicator
         WHERE framework_code = NEW.framework_code AND indicator_code = anc;
      END LOOP;
      IF NOT NEW.subject_kinds <@ par.subject_kinds THEN
        RAISE EXCEPTION 'indicator % applies to % but its parent % only to %',
          NEW.indicator_code, NEW.subject_kinds, par.indicator_code, par.subject_kinds USING ERRCODE = '22023';
      END IF;
      IF par.source_query IS NOT NULL THEN
        RAISE EXCEPTION 'indicator % takes its values from a query and cannot have children', par.indicator_code
          USING ERRCODE = '22023';
      END IF;
      IF EXISTS (SELECT FROM @extschema@.indicator_value v
                  WHERE v.framework_code = NEW.framework_code AND v.indicator_code = NEW.parent_code) THEN
        RAISE EXCEPTION 'indicator % has measured values and cannot have children', NEW.parent_code
          USING ERRCODE = '22023', HINT = 'Delete its values first, or add a new leaf beside it.';
      END IF;
    END IF;
    -- (a missing parent is refused by the foreign key, 23503)
  END IF;

  IF NEW.source_query IS NOT NULL THEN
    IF EXISTS (SELECT FROM @extschema@.indicator c
                WHERE c.framework_code = NEW.framework_code AND c.parent_code = NEW.indicator_code) THEN
      RAISE EXCEPTION 'indicator % has children and cannot take its values from a query', NEW.indicator_code
        USING ERRCODE = '22023';
    END IF;
  END IF;
  IF NEW.source_query IS NOT NULL OR TG_OP = 'UPDATE' THEN
    NEW.owner := @extschema@.source_owner(format('indicator %s of framework %s', NEW.indicator_code, NEW.framework_code),
                                          NEW.owner, CASE WHEN TG_OP = 'UPDATE' THEN OLD.owner END,
                                          TG_OP = 'INSERT' OR NEW.source_query IS DISTINCT FROM OLD.source_query);
  END IF;
  IF NEW.source_query IS NOT NULL
     AND (TG_OP = 'INSERT' OR NEW.source_query IS DISTINCT FROM OLD.source_query OR NEW.owner <> OLD.owner) THEN
    -- Plan and run it now with its owner's rights, with $1 = a period,
    -- reading the three columns it must give.
    BEGIN
      PERFORM @extschema@.compile_as(NEW.owner,
        format('SELECT q.subject_kind::text, q.subject_key::text, q.value::float8 FROM (%s) q WHERE false', NEW.source_query),
        '2000');
    EXCEPTION WHEN OTHERS THEN
      DECLARE st text; msg text;
      BEGIN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RAISE EXCEPTION 'source query of indicator % is not valid: %', NEW.indicator_code, msg
          USING ERRCODE = st,
                HINT = 'The query gets the period as $1 (text) and returns columns subject_kind, subject_key and value.';
      END;
    END;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.indicator_check() IS
  'Trigger: refuses an indicator whose weight, bounds, subject kinds, period kind, parent (cycles) or source query is invalid, the source query compiled with its owner''s rights (an owner the writer is not a member of: 42501). Volatile because it is a trigger that runs the source query; parallel unsafe because it is a trigger.';
CREATE TRIGGER indicator_check BEFORE INSERT OR UPDATE ON @extschema@.indicator
  FOR EACH ROW EXECUTE FUNCTION @extschema@.indicator_check();

-- Values of a deleted indicator go with it (a statement-level stand-in for a
-- foreign key, which would cost one lookup per value on loads of millions).
CREATE FUNCTION @extschema@.indicator_drop_values() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  DELETE FROM @extschema@.indicator_value v USING old_rows o
   WHERE v.framework_code = o.framework_code AND v.indicator_code = o.indicator_code;
  RETURN NULL;
END
$$;
COMMENT ON FUNCTION @extschema@.indicator_drop_values() IS
  'Trigger: deletes the values of deleted indicators. Volatile because it deletes rows; parallel unsafe because it is a trigger.';
CREATE TRIGGER indicator_drop_values AFTER DELETE ON @extschema@.indicator
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.indicator_drop_values();

-- Checks of a whole statement's new values in one join (a row trigger would
-- cost seconds per million values).  SQLSTATEs:
--   23503 no such indicator, unit or person
--   22023 the indicator has children or does not apply to the subject kind
--   23502 the indicator has no normalisation method
--   22007 the period is not of the indicator's period kind
--   22003 the value is not finite or outside the indicator's sensible range
CREATE FUNCTION @extschema@.indicator_value_check() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  bad record;
BEGIN
  SELECT n.*, i.indicator_code IS NULL AS no_indicator,
         i.valid_min, i.valid_max, i.subject_kinds, i.method,
         coalesce(i.period_kind, f.period_kind) AS want_kind,
         EXISTS (SELECT FROM @extschema@.indicator c
                  WHERE c.framework_code = n.framework_code AND c.parent_code = n.indicator_code) AS has_children,
         CASE n.subject_kind
           WHEN 'unit' THEN NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = n.subject_key)
           WHEN 'person' THEN NOT EXISTS (SELECT FROM @extschema@.index_person p WHERE p.person_key = n.subject_key)
           ELSE false END AS no_subject
    INTO bad
    FROM new_rows n
    LEFT JOIN @extschema@.indicator i USING (framework_code, indicator_code)
    LEFT JOIN @extschema@.index_framework f ON f.framework_code = n.framework_code
   WHERE i.indicator_code IS NULL
      OR n.value = 'NaN' OR abs(n.value) = 'Infinity'
      OR n.value < i.valid_min OR n.value > i.valid_max
      OR NOT n.subject_kind = ANY (i.subject_kinds)
      OR i.method IS NULL
      OR @extschema@.period_kind(n.period) IS DISTINCT FROM coalesce(i.period_kind, f.period_kind)
      OR (n.subject_kind = 'unit' AND NOT EXISTS (SELECT FROM @extschema@.unit u WHERE u.unit_code = n.subject_key))
      OR (n.subject_kind = 'person' AND NOT EXISTS (SELECT FROM @extschema@.index_person p WHERE p.person_key = n.subject_key))
      OR EXISTS (SELECT FROM @extschema@.indicator c
                  WHERE c.framework_code = n.framework_code AND c.parent_code = n.indicator_code)
   LIMIT 1;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  IF bad.no_indicator THEN
    RAISE EXCEPTION 'no indicator % in framework %', bad.indicator_code, bad.framework_code USING ERRCODE = '23503';
  ELSIF bad.has_children THEN
    RAISE EXCEPTION 'indicator % has children: values belong to its leaves', bad.indicator_code USING ERRCODE = '22023';
  ELSIF bad.method IS NULL THEN
    RAISE EXCEPTION 'indicator % has no normalisation: values cannot be scored', bad.indicator_code USING ERRCODE = '23502',
      HINT = 'Set its method (bounds, target, percentile or robust_z) and the bounds the method needs.';
  ELSIF NOT bad.subject_kind = ANY (bad.subject_kinds) THEN
    RAISE EXCEPTION 'indicator % does not apply to subject kind % (only %)', bad.indicator_code, bad.subject_kind, bad.subject_kinds
      USING ERRCODE = '22023';
  ELSIF bad.no_subject THEN
    RAISE EXCEPTION 'no % %', bad.subject_kind, bad.subject_key USING ERRCODE = '23503',
      HINT = CASE bad.subject_kind WHEN 'unit' THEN 'Add it to cleangov.unit.' ELSE 'Add it to cleangov.index_person.' END;
  ELSIF @extschema@.period_kind(bad.period) IS DISTINCT FROM bad.want_kind THEN
    RAISE EXCEPTION 'period % of a value of indicator % is not a %', bad.period, bad.indicator_code, bad.want_kind
      USING ERRCODE = '22007', HINT = 'Periods are written 2024 (year), 2024-Q2 (quarter) or 2024-03 (month).';
  ELSE
    RAISE EXCEPTION 'value % of indicator % for % % is outside its sensible range [%, %]',
      bad.value, bad.indicator_code, bad.subject_kind, bad.subject_key,
      coalesce(bad.valid_min::text, '-inf'), coalesce(bad.valid_max::text, 'inf')
      USING ERRCODE = '22003';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.indicator_value_check() IS
  'Trigger: refuses a statement''s new indicator values if one names no leaf indicator, unit or person, has a period of the wrong kind, or is not finite or outside the indicator''s sensible range. Stable because it only reads; parallel unsafe because it is a trigger.';
CREATE TRIGGER indicator_value_check_insert AFTER INSERT ON @extschema@.indicator_value
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.indicator_value_check();
CREATE TRIGGER indicator_value_check_update AFTER UPDATE ON @extschema@.indicator_value
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.indicator_value_check();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.index_framework', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.indicator', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.index_person', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.indicator_value', '');
