-- The upper tail of the binomial distribution (src/binomial.c): the test of
-- the rotation rule PROJ_ROTATION_MATCH (src/library/approval/).

CREATE FUNCTION @extschema@.binomial_upper_p(x bigint, n bigint, p float8) RETURNS float8
  AS 'MODULE_PATHNAME', 'binomial_upper_p'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.binomial_upper_p(bigint, bigint, float8) IS
  'Upper tail of the binomial distribution: P(X >= x) for X ~ Binomial(n, p), the p-value of x or more successes in n trials of probability p (1 for x <= 0, 0 for x > n). 22023 for n < 0 or p outside [0, 1] (or NaN); 22003 for n above 2^31 - 1. Near the mode it sums up to about 40 standard deviations of terms (a few hundred thousand at two billion trials), in the far tails a few dozen.';
