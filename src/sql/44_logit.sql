-- Regularised logistic regression by Newton / IRLS (issue 16, doc/model.md):
-- the aggregate cleangov.logit_pass (one pass of the rows per iteration, its
-- state a plain type with a combine function and an exact text form, so it
-- runs in parallel and as partial aggregates on Citus), the Newton step,
-- the driver logit_fit, and scoring with each feature's contribution.

CREATE TYPE @extschema@.logit_state;

CREATE FUNCTION @extschema@.logit_state_in(cstring) RETURNS @extschema@.logit_state
  AS 'MODULE_PATHNAME', 'logit_state_in'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_state_in(cstring) IS
  'Text input of logit_state: (k,n,positives,loglik,{gradient then the upper triangle of X''WX}); refuses malformed or impossible states (22P02).';

CREATE FUNCTION @extschema@.logit_state_out(@extschema@.logit_state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'logit_state_out'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_state_out(@extschema@.logit_state) IS
  'Text output of logit_state; reads back to the same state, bit for bit.';

CREATE TYPE @extschema@.logit_state (
  INPUT = @extschema@.logit_state_in,
  OUTPUT = @extschema@.logit_state_out,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = plain
);
COMMENT ON TYPE @extschema@.logit_state IS
  'Partial state of logit_pass: coefficients k (intercept + features), rows n, positives, log-likelihood at the pass''s beta, its gradient and X''WX (W = p(1-p)), upper triangle. Text form (k,n,positives,loglik,{...}) round-trips exactly.';

CREATE FUNCTION @extschema@.logit_accum(@extschema@.logit_state, float8[], float8[], float8, float8[], float8[])
  RETURNS @extschema@.logit_state
  AS 'MODULE_PATHNAME', 'logit_accum'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_accum(@extschema@.logit_state, float8[], float8[], float8, float8[], float8[]) IS
  'Transition function of logit_pass (state, beta, x, y, mean, sd).';

CREATE FUNCTION @extschema@.logit_combine(@extschema@.logit_state, @extschema@.logit_state)
  RETURNS @extschema@.logit_state
  AS 'MODULE_PATHNAME', 'logit_combine'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_combine(@extschema@.logit_state, @extschema@.logit_state) IS
  'Combine function of logit_pass: adds two partial states (parallel workers, Citus partial aggregates).';

CREATE AGGREGATE @extschema@.logit_pass(beta float8[], x float8[], y float8, mean float8[], sd float8[]) (
  SFUNC = @extschema@.logit_accum,
  STYPE = @extschema@.logit_state,
  COMBINEFUNC = @extschema@.logit_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.logit_pass(float8[], float8[], float8, float8[], float8[]) IS
  'One pass of Newton / IRLS for logistic regression at coefficients beta (intercept first): each row''s features x are standardised, z = (x - mean) / sd (a NULL element is missing: z = 0, the mean); sums the log-likelihood, its gradient and X''WX. A row with NULL y is skipped; y must be 0 or 1 (22023); x, mean and sd of one value per feature (2202E); sd > 0 (22023: a constant feature); NULL beta, mean, sd or x 22004. Feed the state to logit_newton.';

CREATE FUNCTION @extschema@.logit_newton(state @extschema@.logit_state, beta float8[], lambda float8)
  RETURNS float8[]
  AS 'MODULE_PATHNAME', 'logit_newton'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_newton(@extschema@.logit_state, float8[], float8) IS
  'One Newton step of the penalised log-likelihood loglik - lambda/2 * sum of beta_j^2 for j >= 1 (the intercept is not penalised): beta + (X''WX + lambda P)^-1 (g - lambda P beta), solved by Cholesky. 22000 when the system is singular (collinear or constant features, or separated classes without a penalty: use lambda > 0); 22023 for lambda < 0 or not finite; 2202E when beta does not match the state.';

CREATE FUNCTION @extschema@.logit_loglik(@extschema@.logit_state) RETURNS float8
  AS 'MODULE_PATHNAME', 'logit_loglik'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_loglik(@extschema@.logit_state) IS
  'The log-likelihood (no penalty) of a logit_pass state at its beta.';

CREATE FUNCTION @extschema@.logit_rows(@extschema@.logit_state) RETURNS bigint
  AS 'MODULE_PATHNAME', 'logit_rows'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_rows(@extschema@.logit_state) IS
  'The rows (labelled) a logit_pass state summed.';

CREATE FUNCTION @extschema@.logit_positives(@extschema@.logit_state) RETURNS bigint
  AS 'MODULE_PATHNAME', 'logit_positives'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_positives(@extschema@.logit_state) IS
  'The rows with y = 1 a logit_pass state summed.';

CREATE FUNCTION @extschema@.logit_score(beta float8[], x float8[], mean float8[], sd float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'logit_score'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_score(float8[], float8[], float8[], float8[]) IS
  'The probability 1 / (1 + exp(-(beta_0 + sum beta_j z_j))) of one row, z = (x - mean) / sd, a NULL element of x as the mean (z = 0); NULL for a NULL x. No table access: the scoring path for triggers. Errors as logit_pass.';

CREATE FUNCTION @extschema@.logit_contributions(beta float8[], x float8[], mean float8[], sd float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME', 'logit_contributions'
  LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.logit_contributions(float8[], float8[], float8[], float8[]) IS
  'Each feature''s contribution beta_j z_j to the logit of one row (the explanation of its score: the contributions and beta_0 add up to the logit); NULL for a NULL x.';

-- Newton iterations to convergence over the caller's rows.
-- volatile because it runs the caller's query
CREATE FUNCTION @extschema@.logit_fit(rows_sql text, lambda float8, mean float8[], sd float8[],
                                      tolerance float8 DEFAULT 1e-10, max_iterations int DEFAULT 50,
                                      OUT beta float8[], OUT iterations int, OUT loglik float8, OUT converged boolean)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  st @extschema@.logit_state;
  nb float8[];
  step float8;
  n bigint;
  pos bigint;
BEGIN
  IF rows_sql IS NULL OR lambda IS NULL OR mean IS NULL OR sd IS NULL OR tolerance IS NULL OR max_iterations IS NULL THEN
    RAISE EXCEPTION 'the arguments of logit_fit must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT (tolerance > 0) OR max_iterations < 1 THEN
    RAISE EXCEPTION 'tolerance must be above 0 and max_iterations at least 1' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  beta := array_fill(0::float8, ARRAY[cardinality(mean) + 1]);
  converged := false;
  iterations := 0;
  WHILE iterations < max_iterations LOOP
    EXECUTE format('SELECT @extschema@.logit_pass($1, q.x, q.y, $2, $3) FROM (%s) q', rows_sql)
      INTO st USING beta, mean, sd;
    IF st IS NULL THEN
      RAISE EXCEPTION 'logit_fit: the query returned no labelled row' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF iterations = 0 THEN
      n := @extschema@.logit_rows(st);
      pos := @extschema@.logit_positives(st);
      IF pos = 0 OR pos = n THEN
        RAISE EXCEPTION 'logit_fit: all % labelled rows are of one class (y = %)', n, CASE WHEN pos = 0 THEN 0 ELSE 1 END
          USING ERRCODE = 'invalid_parameter_value', HINT = 'A model needs labels of both classes.';
      END IF;
    END IF;
    loglik := @extschema@.logit_loglik(st);
    nb := @extschema@.logit_newton(st, beta, lambda);
    iterations := iterations + 1;
    step := (SELECT max(abs(a - b)) FROM unnest(nb, beta) u(a, b));
    beta := nb;
    -- without a penalty, separated classes drive the coefficients (on the
    -- standardised scale) and the log-likelihood to their limits
    IF lambda = 0 AND ((SELECT max(abs(b)) FROM unnest(beta) b) > 1e3 OR (loglik > -1e-6 AND iterations > 3)) THEN
      RAISE EXCEPTION 'logit_fit: the classes are (almost) perfectly separated: the coefficients grow without bound'
        USING ERRCODE = 'data_exception', HINT = 'Use lambda > 0 (a penalty keeps the coefficients finite).';
    END IF;
    IF step < tolerance THEN
      converged := true;
      EXIT;
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.logit_fit(text, float8, float8[], float8[], float8, int) IS
  'Fits regularised logistic regression by Newton / IRLS: rows_sql is the caller''s own query returning columns x (float8[]) and y (0/1; NULL rows skipped), run with the caller''s rights, one logit_pass aggregate per iteration (parallel where the query is), starting from beta = 0, until the largest change of a coefficient is below tolerance (converged) or max_iterations (converged false). Features standardised by mean and sd; lambda the L2 penalty (intercept not penalised; = 1/C of scikit-learn''s LogisticRegression on the standardised features). 22023 for rows of one class or none, 22000 for separated classes without a penalty or a singular system. Volatile because it runs the caller''s query; parallel unsafe because it does.';
