-- Scoring helpers: normalize_score, pct_over, weighted_mean (src/scoring.c, doc/robust.md).

CREATE FUNCTION @extschema@.normalize_score(value float8, worst float8, best float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_normalize_score'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.normalize_score(float8, float8, float8) IS
  'Score 0-100: 100 * (value - worst) / (best - worst), clamped; best may be below worst (lower is better); worst = best refused (22023).';

CREATE FUNCTION @extschema@.pct_over(value float8, reference float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_pct_over'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.pct_over(float8, float8) IS
  'Percent over a reference: 100 * (value - reference) / |reference|; NULL when the reference is 0.';

CREATE TYPE @extschema@.weighted_mean_state;

CREATE FUNCTION @extschema@.weighted_mean_state_in(cstring) RETURNS @extschema@.weighted_mean_state
  AS 'MODULE_PATHNAME', 'cleangov_wmean_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weighted_mean_state_in(cstring) IS
  'Text input of cleangov.weighted_mean_state: n=<n>;w=<hi>,<lo>;wv=<hi>,<lo>;max=<pos>,<neg> (double-double sums of weights and of weight * value, the largest positive and negative weight * value); refuses malformed states and states no rows could produce (22P02).';

CREATE FUNCTION @extschema@.weighted_mean_state_out(@extschema@.weighted_mean_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'cleangov_wmean_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weighted_mean_state_out(@extschema@.weighted_mean_state) IS
  'Text output of cleangov.weighted_mean_state in shortest exact decimals; reads back to the same state.';

CREATE TYPE @extschema@.weighted_mean_state (
  INPUT = @extschema@.weighted_mean_state_in,
  OUTPUT = @extschema@.weighted_mean_state_out,
  INTERNALLENGTH = 56,
  ALIGNMENT = double
);
COMMENT ON TYPE @extschema@.weighted_mean_state IS
  'Transition state of cleangov.weighted_mean: rows counted, the sums of the weights and of weight * value as double-doubles (106 bits), and the largest positive and negative weight * value (exact in any order), so the mean does not depend on the order of rows or of combination (doc/robust.md). Text form n=<n>;w=<hi>,<lo>;wv=<hi>,<lo>;max=<pos>,<neg> round-trips exactly.';

CREATE FUNCTION @extschema@.weighted_mean_trans(@extschema@.weighted_mean_state, float8, float8)
  RETURNS @extschema@.weighted_mean_state
  AS 'MODULE_PATHNAME', 'cleangov_wmean_trans'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weighted_mean_trans(@extschema@.weighted_mean_state, float8, float8) IS
  'Transition function of weighted_mean: skips rows whose value or weight is NULL; negative weight 22023; NaN or infinity, a subnormal weight, weight * value that overflows or underflows, a sum beyond float8, or more than 2^63 - 1 rows 22003.';

CREATE FUNCTION @extschema@.weighted_mean_combine(@extschema@.weighted_mean_state, @extschema@.weighted_mean_state)
  RETURNS @extschema@.weighted_mean_state
  AS 'MODULE_PATHNAME', 'cleangov_wmean_combine'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weighted_mean_combine(@extschema@.weighted_mean_state, @extschema@.weighted_mean_state) IS
  'Combine function of weighted_mean: adds two partial states (sums beyond float8 or counts beyond bigint 22003).';

CREATE FUNCTION @extschema@.weighted_mean_final(@extschema@.weighted_mean_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_wmean_final'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.weighted_mean_final(@extschema@.weighted_mean_state) IS
  'Final function of weighted_mean: the mean, NULL when the weights present sum to 0.';

CREATE AGGREGATE @extschema@.weighted_mean(value float8, weight float8) (
  SFUNC = @extschema@.weighted_mean_trans,
  STYPE = @extschema@.weighted_mean_state,
  FINALFUNC = @extschema@.weighted_mean_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.weighted_mean_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weighted_mean(float8, float8) IS
  'Weighted mean of the values present: sum(weight * value) / sum(weight) over rows where both are not NULL (the CRI convention: missing components are left out, the rest re-weighted); NULL when no weight is left.';

-- The state of weighted_mean without the final step, and its merge: for
-- shipping partial states as text (Citus-style) and for tests.
CREATE AGGREGATE @extschema@.weighted_mean_partial(value float8, weight float8) (
  SFUNC = @extschema@.weighted_mean_trans,
  STYPE = @extschema@.weighted_mean_state,
  INITCOND = 'n=0;w=0,0;wv=0,0;max=0,0',
  COMBINEFUNC = @extschema@.weighted_mean_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weighted_mean_partial(float8, float8) IS
  'The partial state of weighted_mean, without the final step; merge states with weighted_mean_merge.';

CREATE AGGREGATE @extschema@.weighted_mean_merge(@extschema@.weighted_mean_state) (
  SFUNC = @extschema@.weighted_mean_combine,
  STYPE = @extschema@.weighted_mean_state,
  INITCOND = 'n=0;w=0,0;wv=0,0;max=0,0',
  FINALFUNC = @extschema@.weighted_mean_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.weighted_mean_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.weighted_mean_merge(@extschema@.weighted_mean_state) IS
  'Merges partial weighted_mean states (from weighted_mean_partial, possibly shipped as text) into the weighted mean, bit for bit that of weighted_mean over all the rows.';
