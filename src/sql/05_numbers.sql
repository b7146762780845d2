-- Numbers in evidence: floats rounded to a fixed number of significant digits
-- (doc/rules.md, "Determinism").  A float computed over many rows (a sum, a
-- moment, a mean) differs in its last bits with the order in which the rows
-- or the partial aggregates of a parallel plan were combined; alerts compare
-- value and evidence exactly to tell a recurrence from the same fact again,
-- so every float a rule puts in its evidence is rounded first.

CREATE FUNCTION @extschema@.round_sig(x float8, digits int DEFAULT 12) RETURNS float8
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v numeric;
  e int;
BEGIN
  IF digits < 1 OR digits > 15 THEN
    RAISE EXCEPTION 'round_sig: digits must be between 1 and 15, not %', digits
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A float8 holds 15 significant decimal digits exactly.';
  END IF;
  IF x IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
    RAISE EXCEPTION 'round_sig: % is not a finite number', x
      USING ERRCODE = 'numeric_value_out_of_range',
            HINT = 'Evidence holds facts: a NaN or infinite value comes from bad data or a degenerate computation upstream.';
  END IF;
  IF x = 0 THEN
    RETURN 0;   -- also -0
  END IF;
  -- float8 -> numeric keeps 15 significant digits; the decimal exponent
  -- from log() is checked against exact powers of ten.
  v := abs(x)::numeric;
  e := floor(log(v))::int;
  IF v >= power(10::numeric, e + 1) THEN
    e := e + 1;
  ELSIF v < power(10::numeric, e) THEN
    e := e - 1;
  END IF;
  RETURN sign(x) * round(v, digits - 1 - e)::float8;
END
$$;
COMMENT ON FUNCTION @extschema@.round_sig(float8, int) IS
  'x rounded to digits significant decimal digits (1 to 15, default 12): the float8 nearest that decimal, so its text is that decimal. Every float in the evidence of a library rule goes through it, so that evidence compares as facts whatever the plan or the order of combination. Refuses NaN and infinities (22003).';

CREATE FUNCTION @extschema@.round_sig(x float8[], digits int DEFAULT 12) RETURNS float8[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT coalesce(array_agg(@extschema@.round_sig(e, digits) ORDER BY o), '{}')
    FROM unnest(x) WITH ORDINALITY AS u(e, o)
$$;
COMMENT ON FUNCTION @extschema@.round_sig(float8[], int) IS
  'Every element of a float8 array rounded by round_sig(float8, int); NULL elements stay NULL; the result is one-dimensional.';

-- The error of a number that must be finite, as an expression: called only
-- on the error path of a CASE, so the SQL function around it stays inlinable
-- (index_normalize).
CREATE FUNCTION @extschema@.refuse_nonfinite(x float8, what text) RETURNS float8
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  RAISE EXCEPTION '%: % is not a finite number', what, x
    USING ERRCODE = 'numeric_value_out_of_range',
          HINT = 'NaN and infinities are refused wherever a number enters cleangov; correct the source value.';
END
$$;
COMMENT ON FUNCTION @extschema@.refuse_nonfinite(float8, text) IS
  'Raises 22003 naming what and the NaN or infinite value x; never returns. Used by the SQL functions that refuse non-finite numbers. Immutable: it depends on its arguments only.';
