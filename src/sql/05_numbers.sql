-- Numbers in evidence: floats rounded to a fixed number of significant digits
-- (doc/rules.md, "Determinism").  A float computed over many rows (a sum, a
-- moment, a mean) differs in its last bits with the order in which the rows
-- or the partial aggregates of a parallel plan were combined; alerts compare
-- value and evidence exactly to tell a recurrence from the same fact again,
-- so every float a rule puts in its evidence is rounded first.

-- An error as an expression, for the error arm of a CASE in an SQL function
-- that stays inlinable (round_sig, index_normalize, period_ordinal); the
-- last argument only gives the type of the arm.  Never returns.
CREATE FUNCTION @extschema@.raise_error(code text, message text, hint text, result anyelement)
  RETURNS anyelement
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  -- only data exceptions: it refuses values, and must not forge XX000 or 42501
  IF code IS NULL OR code !~ '^22[0-9A-Z]{3}$' THEN
    RAISE EXCEPTION 'raise_error: % is not a data exception SQLSTATE (class 22)', coalesce(code, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RAISE EXCEPTION USING ERRCODE = code, MESSAGE = coalesce(message, 'invalid value'), HINT = coalesce(hint, '');
END
$$;
COMMENT ON FUNCTION @extschema@.raise_error(text, text, text, anyelement) IS
  'Raises the error (a class-22 SQLSTATE, else 22023; message, hint) and never returns; result only types the call, so that an SQL function can refuse a value in one arm of a CASE and stay inlinable. Immutable: it depends on its arguments only.';

-- Pure SQL, inlined into the rule queries on purpose: as PL/pgSQL with a
-- pinned search_path it cost 13 us a call (4 s for the screens of 100,000
-- tenders).  It cannot be hijacked: every function is schema-qualified and
-- the operators are on float8, int and numeric, resolved in pg_catalog first.
-- Not STRICT and no format() (stable), so that it inlines; NULL in gives NULL out.  float8 -> numeric
-- keeps 15 significant digits; the exponent from log10 is exact for powers of
-- ten, and anywhere else one off would only round to one digit more or less,
-- still a function of x alone.
CREATE FUNCTION @extschema@.round_sig(x float8, digits int DEFAULT 12) RETURNS float8
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN CASE
    WHEN digits < 1 OR digits > 15
      THEN @extschema@.raise_error('22023', 'round_sig: digits must be between 1 and 15, not ' || coalesce(digits::text, 'NULL'),
                                   'A float8 holds 15 significant decimal digits exactly.', x)
    WHEN x IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)
      THEN @extschema@.raise_error('22003', 'round_sig: ' || x::text || ' is not a finite number',
                                   'Evidence holds facts: a NaN or infinite value comes from bad data or a degenerate computation upstream.', x)
    WHEN x = 0 THEN 0::float8   -- also -0
    ELSE pg_catalog.round(x::numeric, digits - 1 - pg_catalog.floor(pg_catalog.log(pg_catalog.abs(x)))::int)::float8
  END;
COMMENT ON FUNCTION @extschema@.round_sig(float8, int) IS
  'x rounded to digits significant decimal digits (1 to 15, default 12): the float8 nearest that decimal, so its text is that decimal. Every float in the evidence of a library rule goes through it, so that evidence compares as facts whatever the plan or the order of combination. Refuses NaN and infinities (22003) and digits outside 1..15 (22023); NULL gives NULL. Pure SQL, inlined on purpose (every name qualified).';

CREATE FUNCTION @extschema@.round_sig(x float8[], digits int DEFAULT 12) RETURNS float8[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT coalesce(array_agg(@extschema@.round_sig(e, digits) ORDER BY o), '{}')
    FROM unnest(x) WITH ORDINALITY AS u(e, o)
$$;
COMMENT ON FUNCTION @extschema@.round_sig(float8[], int) IS
  'Every element of a float8 array rounded by round_sig(float8, int); NULL elements stay NULL; the result is one-dimensional.';
