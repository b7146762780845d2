-- Bid-rigging screens (Imhof, Karagoek & Rutz 2018): the aggregate
-- cleangov.bid_screens(price float8), its state type and its result type.
-- See doc/kernels.md.

CREATE TYPE @extschema@.bid_screens_state;

CREATE FUNCTION @extschema@.bid_screens_state_in(cstring) RETURNS @extschema@.bid_screens_state
  AS 'MODULE_PATHNAME', 'bid_screens_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bid_screens_state_in(cstring) IS
  'Text input of bid_screens_state: (n,b1,b2,bn,s1,s1lo,s2,s2lo,s3,s3lo,s4,s4lo); refuses states no bids could produce (22P02).';

CREATE FUNCTION @extschema@.bid_screens_state_out(@extschema@.bid_screens_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'bid_screens_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bid_screens_state_out(@extschema@.bid_screens_state) IS
  'Text output of bid_screens_state; every double in its shortest form that reads back bit for bit.';

CREATE TYPE @extschema@.bid_screens_state (
  INPUT = @extschema@.bid_screens_state_in,
  OUTPUT = @extschema@.bid_screens_state_out,
  INTERNALLENGTH = 96,
  ALIGNMENT = double,
  STORAGE = plain
);
COMMENT ON TYPE @extschema@.bid_screens_state IS
  'Partial state of bid_screens: bid count, lowest, second lowest and highest bid, and the sums of the first four powers of (bid - b2) over the bids other than the lowest, as double-doubles (106 bits), so that the screens do not depend on the order of bids or of combination (doc/kernels.md). Text form (n,b1,b2,bn,s1,s1lo,s2,s2lo,s3,s3lo,s4,s4lo) round-trips exactly.';

CREATE TYPE @extschema@.bid_screens_result AS (
  n bigint,
  mean float8,
  sd float8,
  cv float8,
  skewness float8,
  kurtosis float8,
  d float8,
  rd float8,
  normd float8,
  spd float8,
  b1 float8,
  b2 float8,
  bn float8
);
COMMENT ON TYPE @extschema@.bid_screens_result IS
  'Result of bid_screens: n bids, mean, sample sd, cv, adjusted skewness (n >= 3), sample excess kurtosis (n >= 4), d, rd (n >= 3), normd, spd, and the lowest (b1), second lowest (b2) and highest (bn) bid. A field whose n is too small or whose denominator is 0 is NULL.';

CREATE FUNCTION @extschema@.bid_screens_transfn(@extschema@.bid_screens_state, float8)
  RETURNS @extschema@.bid_screens_state
  AS 'MODULE_PATHNAME', 'bid_screens_transfn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bid_screens_transfn(@extschema@.bid_screens_state, float8) IS
  'Transition function of bid_screens: adds one bid to the state (refuses NaN, infinities (22003) and negative prices (22023)).';

CREATE FUNCTION @extschema@.bid_screens_combine(@extschema@.bid_screens_state, @extschema@.bid_screens_state)
  RETURNS @extschema@.bid_screens_state
  AS 'MODULE_PATHNAME', 'bid_screens_combinefn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bid_screens_combine(@extschema@.bid_screens_state, @extschema@.bid_screens_state) IS
  'Combine function of bid_screens: merges two partial states (parallel workers, or states shipped as text between nodes).';

CREATE FUNCTION @extschema@.bid_screens_final(@extschema@.bid_screens_state)
  RETURNS @extschema@.bid_screens_result
  AS 'MODULE_PATHNAME', 'bid_screens_finalfn'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bid_screens_final(@extschema@.bid_screens_state) IS
  'Final function of bid_screens: the screens from a (possibly combined) state.';

CREATE AGGREGATE @extschema@.bid_screens(price float8) (
  SFUNC = @extschema@.bid_screens_transfn,
  STYPE = @extschema@.bid_screens_state,
  INITCOND = '(0,0,0,0,0,0,0,0,0,0,0,0)',
  FINALFUNC = @extschema@.bid_screens_final,
  COMBINEFUNC = @extschema@.bid_screens_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bid_screens(float8) IS
  'Bid-rigging screens over the bids of one tender (Imhof, Karagok & Rutz 2018): n, mean, sd, cv, skewness, kurtosis, d, rd, normd, spd, b1, b2, bn. NULL bids are skipped; NaN and infinities are refused (22003), negative prices too (22023).';

-- The state of bid_screens without the final function: for shipping partial
-- states as text and combining them elsewhere (Citus-style) and for tests.
CREATE AGGREGATE @extschema@.bid_screens_partial(price float8) (
  SFUNC = @extschema@.bid_screens_transfn,
  STYPE = @extschema@.bid_screens_state,
  INITCOND = '(0,0,0,0,0,0,0,0,0,0,0,0)',
  COMBINEFUNC = @extschema@.bid_screens_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bid_screens_partial(float8) IS
  'The partial state of bid_screens over a set of bids, without the final step; merge states with bid_screens_combine (or the aggregate bid_screens_merge) and finish with bid_screens_final.';

CREATE AGGREGATE @extschema@.bid_screens_merge(@extschema@.bid_screens_state) (
  SFUNC = @extschema@.bid_screens_combine,
  STYPE = @extschema@.bid_screens_state,
  INITCOND = '(0,0,0,0,0,0,0,0,0,0,0,0)',
  FINALFUNC = @extschema@.bid_screens_final,
  COMBINEFUNC = @extschema@.bid_screens_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bid_screens_merge(@extschema@.bid_screens_state) IS
  'Merges partial bid_screens states (from bid_screens_partial, possibly shipped as text) and returns the screens, equal to bid_screens over all the bids.';
