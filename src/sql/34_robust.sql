-- Robust outliers: median, MAD, quartiles and IQR fences (src/robust.c, doc/robust.md).

CREATE TYPE @extschema@.robust_state;

CREATE FUNCTION @extschema@.robust_state_in(cstring) RETURNS @extschema@.robust_state
  AS 'MODULE_PATHNAME', 'cleangov_robust_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_state_in(cstring) IS
  'Text input of cleangov.robust_state: k=<k>;n=<n>;<v1>,<v2>,... (refuses non-finite values, 22P02).';

CREATE FUNCTION @extschema@.robust_state_out(@extschema@.robust_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'cleangov_robust_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_state_out(@extschema@.robust_state) IS
  'Text output of cleangov.robust_state, every value in its shortest exact decimal, so it reads back to the same state.';

CREATE TYPE @extschema@.robust_state (
  INPUT = @extschema@.robust_state_in,
  OUTPUT = @extschema@.robust_state_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE @extschema@.robust_state IS
  'Transition state of median, mad and robust_stats: the fence multiplier k and every value of the group (exact quantiles need them all; 8 bytes per value).';

CREATE TYPE @extschema@.robust_summary AS (
  n bigint,
  median float8,
  mad float8,
  mad_scaled float8,
  q1 float8,
  q3 float8,
  iqr float8,
  lower_fence float8,
  upper_fence float8
);
COMMENT ON TYPE @extschema@.robust_summary IS
  'Result of cleangov.robust_stats: n, median, MAD (raw and x1.4826), quartiles (percentile_cont), IQR and the fences Q1 - k*IQR, Q3 + k*IQR (NULL when Q1, Q3 and IQR are all 0).';

CREATE FUNCTION @extschema@.robust_trans(@extschema@.robust_state, float8)
  RETURNS @extschema@.robust_state
  AS 'MODULE_PATHNAME', 'cleangov_robust_trans'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_trans(@extschema@.robust_state, float8) IS
  'Transition function of median, mad and robust_stats: appends a value (NULL skipped; NaN and infinities refused, 22003).';

CREATE FUNCTION @extschema@.robust_trans(@extschema@.robust_state, float8, float8)
  RETURNS @extschema@.robust_state
  AS 'MODULE_PATHNAME', 'cleangov_robust_trans_k'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_trans(@extschema@.robust_state, float8, float8) IS
  'Transition function of robust_stats(value, k): appends a value; k must be finite, not negative and the same on every row (22023).';

CREATE FUNCTION @extschema@.robust_combine(@extschema@.robust_state, @extschema@.robust_state)
  RETURNS @extschema@.robust_state
  AS 'MODULE_PATHNAME', 'cleangov_robust_combine'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_combine(@extschema@.robust_state, @extschema@.robust_state) IS
  'Combine function of median, mad and robust_stats: the union of two groups'' values.';

CREATE FUNCTION @extschema@.robust_stats_final(@extschema@.robust_state)
  RETURNS @extschema@.robust_summary
  AS 'MODULE_PATHNAME', 'cleangov_robust_stats_final'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_stats_final(@extschema@.robust_state) IS
  'Final function of robust_stats: the robust_summary of a state (n = 0 and NULL fields for no values).';

CREATE FUNCTION @extschema@.median_final(@extschema@.robust_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_median_final'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.median_final(@extschema@.robust_state) IS
  'Final function of cleangov.median: percentile_cont(0.5) of the values of a state.';

CREATE FUNCTION @extschema@.mad_final(@extschema@.robust_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_mad_final'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.mad_final(@extschema@.robust_state) IS
  'Final function of cleangov.mad: the raw median absolute deviation of the values of a state.';

-- The final functions sort the values in place; that changes how the state is
-- laid out, not the multiset it holds, so READ_ONLY is true to the contract:
-- more values may be added afterwards and the final function called again
-- (which is what a window frame does).
CREATE AGGREGATE @extschema@.robust_stats(float8) (
  SFUNC = @extschema@.robust_trans,
  STYPE = @extschema@.robust_state,
  FINALFUNC = @extschema@.robust_stats_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.robust_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.robust_stats(float8) IS
  'Median, MAD (raw and x1.4826), quartiles equal to percentile_cont, IQR and fences Q1 - 1.5*IQR, Q3 + 1.5*IQR (none when Q1, Q3 and IQR are all 0). Exact: keeps every value (8 bytes each). Usable as a window function.';

CREATE AGGREGATE @extschema@.robust_stats(float8, k float8) (
  SFUNC = @extschema@.robust_trans,
  STYPE = @extschema@.robust_state,
  FINALFUNC = @extschema@.robust_stats_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.robust_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.robust_stats(float8, float8) IS
  'robust_stats with fences Q1 - k*IQR, Q3 + k*IQR; k finite, not negative and the same on every row (22023).';

CREATE AGGREGATE @extschema@.median(float8) (
  SFUNC = @extschema@.robust_trans,
  STYPE = @extschema@.robust_state,
  FINALFUNC = @extschema@.median_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.robust_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.median(float8) IS
  'Median, equal to percentile_cont(0.5) WITHIN GROUP (ORDER BY value); parallel, combinable and usable as a window function.';

CREATE AGGREGATE @extschema@.mad(float8) (
  SFUNC = @extschema@.robust_trans,
  STYPE = @extschema@.robust_state,
  FINALFUNC = @extschema@.mad_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.robust_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.mad(float8) IS
  'Raw median absolute deviation: the median of |value - median| (multiply by 1.4826 for a normal-consistent scale).';

-- The values of a group as a robust_state, for quantile_of(): parallel and
-- combinable like median (the state is robust_state, with a text form).
CREATE AGGREGATE @extschema@.collect(float8) (
  SFUNC = @extschema@.robust_trans,
  STYPE = @extschema@.robust_state,
  COMBINEFUNC = @extschema@.robust_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.collect(float8) IS
  'The values of a group (NULLs left out) as a robust_state, to take quantiles of with cleangov.quantile_of(state, p, type); parallel and combinable; NULL for no rows.';

CREATE FUNCTION @extschema@.quantile_of(state @extschema@.robust_state, p float8, type int DEFAULT 7) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_quantile_of'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.quantile_of(@extschema@.robust_state, float8, integer) IS
  'The p-quantile of the values of a state (cleangov.collect) by Hyndman and Fan''s definition 7 (percentile_cont, bit for bit) or 8 (h = (n + 1/3) p + 1/3: the quartiles of Open Contracting''s Cardinal, through the Rust crate statrs); NULL for no values; 22023 for p outside [0, 1] or another type.';

CREATE FUNCTION @extschema@.robust_z(value float8, median float8, mad float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'cleangov_robust_z'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.robust_z(float8, float8, float8) IS
  'Robust z of a value: (value - median) / (1.4826 * mad) with the raw MAD; NULL when mad is 0; negative mad refused (22023).';

CREATE FUNCTION @extschema@.robust_z(value float8, stats @extschema@.robust_summary) RETURNS float8
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN @extschema@.robust_z(value, (stats).median, (stats).mad);
COMMENT ON FUNCTION @extschema@.robust_z(float8, @extschema@.robust_summary) IS
  'Robust z of a value against a robust_stats result: (value - median) / mad_scaled; NULL when the MAD is 0 or n is 0.';
