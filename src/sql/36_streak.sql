-- Streaks: consecutive breaches of a periodic metric (src/streak.c, doc/robust.md).

CREATE TYPE @extschema@.streak_state;

CREATE FUNCTION @extschema@.streak_state_in(cstring) RETURNS @extschema@.streak_state
  AS 'MODULE_PATHNAME', 'cleangov_streak_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_state_in(cstring) IS
  'Text input of cleangov.streak_state: <width> day|month;latest=<bucket>;runs=<start>:<end>,... (22P02 if malformed).';

CREATE FUNCTION @extschema@.streak_state_out(@extschema@.streak_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'cleangov_streak_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_state_out(@extschema@.streak_state) IS
  'Text output of cleangov.streak_state; reads back to the same state.';

CREATE TYPE @extschema@.streak_state (
  INPUT = @extschema@.streak_state_in,
  OUTPUT = @extschema@.streak_state_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE @extschema@.streak_state IS
  'Transition state of cleangov.streak: the step, the latest period bucket seen and the breached buckets as sorted runs (16 bytes a run); independent of row order.';

CREATE FUNCTION @extschema@.streak_trans(@extschema@.streak_state, boolean, date, text)
  RETURNS @extschema@.streak_state
  AS 'MODULE_PATHNAME', 'cleangov_streak_trans'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_trans(@extschema@.streak_state, boolean, date, text) IS
  'Transition function of streak(breach, period, step text): rows with a NULL breach or period are skipped; unknown step 22023.';

CREATE FUNCTION @extschema@.streak_trans(@extschema@.streak_state, boolean, date, interval)
  RETURNS @extschema@.streak_state
  AS 'MODULE_PATHNAME', 'cleangov_streak_trans_interval'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_trans(@extschema@.streak_state, boolean, date, interval) IS
  'Transition function of streak(breach, period, step interval): the interval is whole days or whole months (22023 otherwise).';

CREATE FUNCTION @extschema@.streak_combine(@extschema@.streak_state, @extschema@.streak_state)
  RETURNS @extschema@.streak_state
  AS 'MODULE_PATHNAME', 'cleangov_streak_combine'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_combine(@extschema@.streak_state, @extschema@.streak_state) IS
  'Combine function of streak: merges the breached runs and keeps the later latest period; steps must match (22023).';

CREATE FUNCTION @extschema@.streak_final(@extschema@.streak_state) RETURNS integer
  AS 'MODULE_PATHNAME', 'cleangov_streak_final'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.streak_final(@extschema@.streak_state) IS
  'Final function of streak: length of the run of breached periods ending at the latest period (0 if the latest is not breached).';

CREATE AGGREGATE @extschema@.streak(breach boolean, period date, step text) (
  SFUNC = @extschema@.streak_trans,
  STYPE = @extschema@.streak_state,
  FINALFUNC = @extschema@.streak_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.streak_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.streak(boolean, date, text) IS
  'Consecutive breached periods ending at the latest period; step ''day'', ''week'', ''month'', ''quarter'' or ''year''; a missing period breaks the run; a period is breached if any of its rows is. Order-independent; as a window ordered by period it gives the running streak.';

CREATE AGGREGATE @extschema@.streak(breach boolean, period date, step interval) (
  SFUNC = @extschema@.streak_trans,
  STYPE = @extschema@.streak_state,
  FINALFUNC = @extschema@.streak_final,
  FINALFUNC_MODIFY = READ_ONLY,
  COMBINEFUNC = @extschema@.streak_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.streak(boolean, date, interval) IS
  'streak with a step of whole days (counted from Monday 2000-01-03) or whole months (counted from January of year 0), e.g. ''14 days'' or ''6 months''.';
