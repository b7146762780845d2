-- Benford's law tests (Nigrini 2012): the aggregates cleangov.benford(amount
-- numeric [, test text]) and (amount float8 [, test text]), their state type,
-- result type and the chi-square tail.  See doc/kernels.md.

CREATE TYPE @extschema@.benford_state;

CREATE FUNCTION @extschema@.benford_state_in(cstring) RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_state_in(cstring) IS
  'Text input of benford_state: () or (test,skipped_zero,skipped_small,{count per digit}); refuses malformed states (22P02).';

CREATE FUNCTION @extschema@.benford_state_out(@extschema@.benford_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'benford_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_state_out(@extschema@.benford_state) IS
  'Text output of benford_state; reads back to the same state.';

CREATE TYPE @extschema@.benford_state (
  INPUT = @extschema@.benford_state_in,
  OUTPUT = @extschema@.benford_state_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = plain
);
COMMENT ON TYPE @extschema@.benford_state IS
  'Partial state of benford: the test, the amounts skipped as zero and as too small, and the count per leading digit(s). Text form (test,skipped_zero,skipped_small,{counts}) round-trips exactly; () before any row.';

CREATE TYPE @extschema@.benford_result AS (
  test text,
  n bigint,
  skipped_zero bigint,
  skipped_small bigint,
  mad float8,
  chi2 float8,
  p_value float8,
  max_z float8,
  max_z_digit int,
  conformity text,
  observed float8[],
  counts bigint[]
);
COMMENT ON TYPE @extschema@.benford_result IS
  'Result of benford: test, amounts tested (n), amounts skipped as zero and as too small, MAD, chi-square and its p-value, the largest per-digit Z and its digit, Nigrini''s conformity (close, acceptable, marginal, nonconformity), and observed proportions and counts indexed by digit ([1:9], [0:9] or [10:99]).';

CREATE FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, numeric)
  RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_numeric_transfn'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, numeric) IS
  'Transition function of benford(numeric), first-digit test: counts the amount''s exact leading digit.';

CREATE FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, numeric, text)
  RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_numeric_transfn'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, numeric, text) IS
  'Transition function of benford(numeric, test): counts the amount''s exact leading digits for the test.';

CREATE FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, float8)
  RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_float8_transfn'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, float8) IS
  'Transition function of benford(float8), first-digit test: counts the leading digit of the amount''s shortest exact decimal form.';

CREATE FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, float8, text)
  RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_float8_transfn'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_transfn(@extschema@.benford_state, float8, text) IS
  'Transition function of benford(float8, test): counts the leading digits of the amount''s shortest exact decimal form for the test.';

CREATE FUNCTION @extschema@.benford_combine(@extschema@.benford_state, @extschema@.benford_state)
  RETURNS @extschema@.benford_state
  AS 'MODULE_PATHNAME', 'benford_combinefn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_combine(@extschema@.benford_state, @extschema@.benford_state) IS
  'Combine function of benford: adds the counts of two partial states of the same test (22023 if the tests differ).';

CREATE FUNCTION @extschema@.benford_final(@extschema@.benford_state)
  RETURNS @extschema@.benford_result
  AS 'MODULE_PATHNAME', 'benford_finalfn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.benford_final(@extschema@.benford_state) IS
  'Final function of benford: proportions, MAD and conformity, chi-square and p-value, largest Z, from a (possibly combined) state.';

CREATE FUNCTION @extschema@.chi2_p(chi2 float8, df int) RETURNS float8
  AS 'MODULE_PATHNAME', 'benford_chi2_p'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.chi2_p(float8, int) IS
  'Upper tail of the chi-square distribution: P(X >= chi2) with df degrees of freedom (the regularised upper incomplete gamma Q(df/2, chi2/2)), as used for the benford p-value. 22023 for df < 1 or chi2 < 0.';

CREATE AGGREGATE @extschema@.benford(amount numeric) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  FINALFUNC = @extschema@.benford_final,
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford(numeric) IS
  'Benford first-digit test over exact numeric amounts (Nigrini 2012): n, MAD, chi2, p_value (df 8), max_z, conformity, observed proportions. Zero, NULL skipped; |x| < 1 skipped and counted; sign ignored; NaN and infinities refused (22003).';

CREATE AGGREGATE @extschema@.benford(amount numeric, test text) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  FINALFUNC = @extschema@.benford_final,
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford(numeric, text) IS
  'Benford test over exact numeric amounts; test ''first'' (df 8), ''second'' (df 9) or ''first_two'' (df 89); unknown test 22023, NULL test 22004. Amounts too small for the test''s digits (|x| < 1, or < 10 for second and first_two) are skipped and counted.';

CREATE AGGREGATE @extschema@.benford(amount float8) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  FINALFUNC = @extschema@.benford_final,
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford(float8) IS
  'Benford first-digit test over float8 amounts, digits of each amount''s shortest exact decimal form. Zero, NULL skipped; |x| < 1 skipped and counted; sign ignored; NaN and infinities refused (22003).';

CREATE AGGREGATE @extschema@.benford(amount float8, test text) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  FINALFUNC = @extschema@.benford_final,
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford(float8, text) IS
  'Benford test over float8 amounts (shortest exact decimal digits); test ''first'', ''second'' or ''first_two''; unknown test 22023, NULL test 22004.';

-- Partial states without the final step, and their merge: for shipping
-- states as text between nodes (Citus-style) and for tests.
CREATE AGGREGATE @extschema@.benford_partial(amount numeric, test text) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford_partial(numeric, text) IS
  'The partial state of benford(numeric, test) without the final step; merge with benford_merge.';

CREATE AGGREGATE @extschema@.benford_partial(amount float8, test text) (
  SFUNC = @extschema@.benford_transfn,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford_partial(float8, text) IS
  'The partial state of benford(float8, test) without the final step; merge with benford_merge.';

CREATE AGGREGATE @extschema@.benford_merge(@extschema@.benford_state) (
  SFUNC = @extschema@.benford_combine,
  STYPE = @extschema@.benford_state,
  INITCOND = '()',
  FINALFUNC = @extschema@.benford_final,
  COMBINEFUNC = @extschema@.benford_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.benford_merge(@extschema@.benford_state) IS
  'Merges partial benford states (from benford_partial, possibly shipped as text) and returns the test result, equal to benford over all the amounts.';
