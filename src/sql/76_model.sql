-- Learned risk models (issue 16, doc/model.md): a model is data (a query
-- over the user's tables, alerts and kernels that returns one row per
-- subject with its label and named features), trained by the C kernel of
-- 44_logit.sql (regularised logistic regression, Newton / IRLS, one
-- aggregate per iteration), evaluated by k-fold cross-validation grouped by
-- subject, kept as versions, and used to score subjects with each
-- feature's contribution.  Views over the scores: 77_model_views.sql.
--
-- The query of a model runs with its owner's rights, never with those of
-- whoever trains or scores it: through the owner's generated function
-- cleangov_bound.model_sources_<owner oid>(model_code) (72_index_views.sql,
-- refresh_source_runners), as indicators and profile sources do.

CREATE TABLE @extschema@.model (
  model_code     text PRIMARY KEY CONSTRAINT model_code_form CHECK (model_code ~ '^[A-Za-z][A-Za-z0-9_]*$'),
  name_en        text NOT NULL,
  name_zh        text,
  grain          text NOT NULL CONSTRAINT model_grain CHECK (grain IN ('alert', 'person', 'unit', 'tender', 'enterprise')),
  query          text NOT NULL,
  features       jsonb NOT NULL,
  feature_columns text[],
  feature_types  text[],
  label_type     text,
  has_group_key  boolean,
  lambda         float8 NOT NULL DEFAULT 1
    CONSTRAINT model_lambda CHECK (lambda >= 0 AND lambda < 'infinity'),
  folds          int NOT NULL DEFAULT 5 CONSTRAINT model_folds CHECK (folds BETWEEN 2 AND 20),
  min_per_class  int NOT NULL DEFAULT 10 CONSTRAINT model_min_per_class CHECK (min_per_class >= 2),
  cutoff         float8 NOT NULL DEFAULT 0.5 CONSTRAINT model_cutoff CHECK (cutoff > 0 AND cutoff < 1),
  tolerance      float8 NOT NULL DEFAULT 1e-8 CONSTRAINT model_tolerance CHECK (tolerance > 0 AND tolerance < 1),
  max_iterations int NOT NULL DEFAULT 50 CONSTRAINT model_max_iterations CHECK (max_iterations BETWEEN 1 AND 1000),
  triage         boolean NOT NULL DEFAULT false,
  lower_rate     float8 CONSTRAINT model_lower_rate CHECK (lower_rate > 0 AND lower_rate < 1),
  description    text,
  owner          name NOT NULL DEFAULT CURRENT_USER,
  CONSTRAINT model_triage_alert CHECK (NOT triage OR grain = 'alert'),
  CONSTRAINT model_lower_alert CHECK (lower_rate IS NULL OR grain = 'alert')
);
CREATE UNIQUE INDEX model_one_triage ON @extschema@.model (triage) WHERE triage;
COMMENT ON TABLE @extschema@.model IS
  'Learned risk models (doc/model.md): grain (alert, person, unit, tender, enterprise), query returning subject_key, label (boolean or 0/1; NULL = not labelled, scored only), optionally group_key (the subject for grouped cross-validation when several rows share one, e.g. the alerts on one tender), and one column per feature (numeric or boolean), each documented in features {"name": "what it measures"}; lambda: L2 penalty on the standardised coefficients (0 = none); folds of the cross-validation; min_per_class: labels of each class needed; cutoff: probability from which a subject counts as flagged in the evaluation; triage: the alert model that orders cleangov.review_queue (at most one); lower_rate: option to lower by one step the level of open, unreviewed alerts scored in the band whose cross-validated confirmed rate is below it (an audit event; NULL = off); owner: the role whose rights the query runs with. Checked when written.';
COMMENT ON COLUMN @extschema@.model.feature_columns IS 'Derived when the model is written: the query''s feature columns, in order.';
COMMENT ON COLUMN @extschema@.model.feature_types IS 'Derived: the types of the feature columns.';
COMMENT ON COLUMN @extschema@.model.label_type IS 'Derived: the type of the label column.';
COMMENT ON COLUMN @extschema@.model.has_group_key IS 'Derived: whether the query returns group_key.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model', '');

CREATE TABLE @extschema@.model_version (
  model_code     text NOT NULL REFERENCES @extschema@.model (model_code) ON UPDATE CASCADE ON DELETE CASCADE,
  version        int NOT NULL,
  trained_at     timestamptz NOT NULL DEFAULT now(),
  trained_by     name NOT NULL DEFAULT @extschema@.actor(),
  query          text NOT NULL,
  features       text[] NOT NULL,
  mean           float8[] NOT NULL,
  sd             float8[] NOT NULL,
  beta           float8[] NOT NULL,
  lambda         float8 NOT NULL,
  iterations     int NOT NULL,
  converged      boolean NOT NULL,
  rows_labelled  int NOT NULL,
  positives      int NOT NULL,
  base_rate      float8 NOT NULL,
  missing        jsonb NOT NULL,
  evaluation     jsonb NOT NULL,
  beats_base_rate boolean NOT NULL,
  lower_cutoff   float8,
  PRIMARY KEY (model_code, version)
);
COMMENT ON TABLE @extschema@.model_version IS
  'Every training of a model: the query and features it used, the standardisation (mean, population sd of each feature over the labelled rows), the coefficients beta (intercept first, on the standardised scale), lambda, Newton iterations and convergence, labelled rows, positives, base rate, the share of missing values per feature (scored as the mean), the cross-validated evaluation (evaluation: folds, AUC, log loss and the base rate''s, Brier score, precision and recall at the cut-off, calibration table, per fold), whether it beats the base rate, and the calibrated cut-off below which alerts may be lowered (lower_rate). The newest version scores.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.model_version', '');

CREATE TABLE @extschema@.model_score (
  model_code     text NOT NULL,
  version        int NOT NULL,
  grain          text NOT NULL,
  subject_key    text NOT NULL,
  label          float8,
  probability    float8 NOT NULL,
  contributions  float8[] NOT NULL,
  scored_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_code, subject_key),
  FOREIGN KEY (model_code, version) REFERENCES @extschema@.model_version (model_code, version) ON DELETE CASCADE
);
CREATE INDEX model_score_grain ON @extschema@.model_score (grain, subject_key);
COMMENT ON TABLE @extschema@.model_score IS
  'The newest scores of every row of a model''s query (labelled or not): probability and each feature''s contribution to the logit (beta_j x standardised value; in the order of model_version.features; the intercept is beta[1]). Written by cleangov.train_model() and cleangov.score_model(). Inspectors see the scores of the alerts they see.';

-- The columns of a query, as its owner sees them: planned in a rolled-back
-- subtransaction as a temporary view.
-- volatile because it creates (and rolls back) a view
CREATE FUNCTION @extschema@.query_columns(owner name, query text, OUT names text[], OUT types text[])
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
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
    EXECUTE 'CREATE TEMP VIEW cleangov_query_columns AS ' || query;
    -- a view is created without the rights to read what it reads: run it
    -- (no rows) to check them, as the owner
    EXECUTE 'SELECT FROM pg_temp.cleangov_query_columns LIMIT 0';
    SELECT array_agg(a.attname::text ORDER BY a.attnum), array_agg(format_type(a.atttypid, NULL) ORDER BY a.attnum)
      INTO names, types
      FROM pg_attribute a
     WHERE a.attrelid = 'pg_temp.cleangov_query_columns'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
    RAISE EXCEPTION USING ERRCODE = 'CGOK0', MESSAGE = 'described';
  EXCEPTION WHEN SQLSTATE 'CGOK0' THEN
    NULL;   -- the view and the role are rolled back; the columns are kept
  END;
END
$$;
COMMENT ON FUNCTION @extschema@.query_columns(name, text) IS
  'Internal to the check of models: the names and types of the columns of a query, planned with the owner''s rights (the caller must be a member of it, 42501 otherwise) in a rolled-back subtransaction; the planner''s own error for a query that does not plan. Volatile because it creates a view (rolled back); parallel unsafe because it switches roles.';

-- Definition-time checks of a model.  Every refusal has its own SQLSTATE:
--   42P10 subject_key or label missing, or no feature column
--   42804 a feature or the label of a type that is not numeric or boolean
--   22023 a feature not documented in features, or documented but not returned
--   others: the query's own error (42601 syntax, 42P01 no such table, 42501 a right the owner lacks)
CREATE FUNCTION @extschema@.model_check() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  c record;
  numeric_types text[] := ARRAY['smallint', 'integer', 'bigint', 'numeric', 'real', 'double precision', 'boolean'];
  undocumented text;
  extra text;
BEGIN
  NEW.owner := @extschema@.source_owner(format('model %s', NEW.model_code), NEW.owner,
                                        CASE WHEN TG_OP = 'UPDATE' THEN OLD.owner END,
                                        TG_OP = 'INSERT' OR NEW.query IS DISTINCT FROM OLD.query);
  IF jsonb_typeof(NEW.features) IS DISTINCT FROM 'object' THEN
    RAISE EXCEPTION 'features of model % must be a JSON object {"feature": "what it measures"}', NEW.model_code
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT * INTO c FROM @extschema@.query_columns(NEW.owner, NEW.query);
  IF NOT 'subject_key' = ANY (c.names) OR NOT 'label' = ANY (c.names) THEN
    RAISE EXCEPTION 'the query of model % must return the columns subject_key and label', NEW.model_code
      USING ERRCODE = 'invalid_column_reference',
            HINT = 'One row per subject: subject_key, label (boolean or 0/1, NULL when not labelled), optionally group_key, then one column per feature.';
  END IF;
  NEW.label_type := c.types[array_position(c.names, 'label')];
  IF NOT NEW.label_type = ANY (numeric_types) OR NEW.label_type IN ('real', 'double precision') THEN
    RAISE EXCEPTION 'the label of model % is of type %: it must be boolean or an integer or numeric 0/1', NEW.model_code, NEW.label_type
      USING ERRCODE = 'datatype_mismatch';
  END IF;
  NEW.has_group_key := 'group_key' = ANY (c.names);
  SELECT array_agg(n ORDER BY i), array_agg(t ORDER BY i) INTO NEW.feature_columns, NEW.feature_types
    FROM unnest(c.names, c.types) WITH ORDINALITY u(n, t, i)
   WHERE n NOT IN ('subject_key', 'label', 'group_key');
  IF NEW.feature_columns IS NULL THEN
    RAISE EXCEPTION 'the query of model % returns no feature column', NEW.model_code
      USING ERRCODE = 'invalid_column_reference';
  END IF;
  SELECT string_agg(format('%s (%s)', n, t), ', ') INTO extra
    FROM unnest(NEW.feature_columns, NEW.feature_types) u(n, t) WHERE NOT t = ANY (numeric_types);
  IF extra IS NOT NULL THEN
    RAISE EXCEPTION 'features of model % must be numeric or boolean: %', NEW.model_code, extra
      USING ERRCODE = 'datatype_mismatch', HINT = 'Turn a category into indicator columns (CASE WHEN ... THEN 1 ELSE 0 END).';
  END IF;
  SELECT string_agg(n, ', ') INTO undocumented FROM unnest(NEW.feature_columns) n
   WHERE coalesce(btrim(NEW.features ->> n), '') = '';
  SELECT string_agg(k, ', ') INTO extra FROM jsonb_object_keys(NEW.features) k WHERE NOT k = ANY (NEW.feature_columns);
  IF undocumented IS NOT NULL OR extra IS NOT NULL THEN
    RAISE EXCEPTION 'model %: %', NEW.model_code,
      concat_ws('; ', 'features not documented in features: ' || undocumented, 'documented but not returned by the query: ' || extra)
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Every feature column is named and documented: features {"column": "what it measures"}.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.model_check() IS
  'Trigger: checks a model when written: its owner (42501 for an owner the writer is not a member of), its query planned with the owner''s rights (the planner''s SQLSTATE), the columns subject_key and label (42P10), label and features numeric or boolean (42804), every feature documented in features and nothing else (22023); derives feature_columns, feature_types, label_type, has_group_key. Volatile because it is a trigger; parallel unsafe because it is a trigger.';
CREATE TRIGGER model_check BEFORE INSERT OR UPDATE ON @extschema@.model
  FOR EACH ROW EXECUTE FUNCTION @extschema@.model_check();
CREATE TRIGGER source_runners_refresh AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.model
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.source_runners_refresh();

-- The SQL the owner's generated function runs for a model: one row per
-- subject, (subject_key, group_key, label, x float8[]).
-- immutable: text from the arguments only
CREATE FUNCTION @extschema@.model_rows_sql(m @extschema@.model)
  RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
  SELECT format('SELECT q.subject_key::text, %s, %s, ARRAY[%s]::float8[] FROM (%s) q',
                CASE WHEN m.has_group_key THEN 'coalesce(q.group_key::text, q.subject_key::text)' ELSE 'q.subject_key::text' END,
                CASE WHEN m.label_type = 'boolean' THEN 'q.label::int::float8' ELSE 'q.label::float8' END,
                (SELECT string_agg(CASE WHEN t = 'boolean' THEN format('q.%I::int::float8', n) ELSE format('q.%I::float8', n) END,
                                   ', ' ORDER BY i)
                   FROM unnest(m.feature_columns, m.feature_types) WITH ORDINALITY u(n, t, i)),
                m.query);
END;
COMMENT ON FUNCTION @extschema@.model_rows_sql(@extschema@.model) IS
  'Internal to refresh_source_runners: the SQL that turns a model''s query into rows (subject_key, group_key, label, x float8[]) with the features in order (booleans as 0/1). Immutable: text from its argument only.';

-- The rows of a model's query into the temporary table
-- pg_temp.cleangov_model_rows (subject_key, group_key, label, x, fold), run
-- with the owner's rights; refuses duplicates and labels that are not 0/1.
-- volatile because it creates a temporary table
CREATE FUNCTION @extschema@.model_load_rows(m @extschema@.model)
  RETURNS void
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  runner text;
  dup text;
  bad_label float8;
BEGIN
  IF to_regprocedure(format('cleangov_bound.%I(text)', 'model_sources_' || (SELECT r.oid FROM pg_roles r WHERE r.rolname = m.owner))) IS NULL
     AND has_function_privilege('@extschema@.refresh_source_runners()', 'EXECUTE') THEN
    PERFORM @extschema@.refresh_source_runners();
  END IF;
  runner := @extschema@.source_runner('model_sources', format('model %s', m.model_code), m.owner);
  DROP TABLE IF EXISTS pg_temp.cleangov_model_rows;
  -- folds: whole groups, dealt round-robin in an order no subject chose
  -- (the md5 of the group key), so that no group is on both sides
  EXECUTE format('CREATE TEMP TABLE cleangov_model_rows ON COMMIT DROP AS
                  SELECT r.subject_key, r.group_key, r.label, r.x,
                         (dense_rank() OVER (ORDER BY md5(r.group_key), r.group_key) - 1) %% $2 AS fold
                    FROM %s($1) r', runner)
    USING m.model_code, m.folds;
  SELECT x.subject_key INTO dup FROM pg_temp.cleangov_model_rows x GROUP BY x.subject_key HAVING count(*) > 1 LIMIT 1;
  IF dup IS NOT NULL THEN
    RAISE EXCEPTION 'the query of model % returns subject % more than once', m.model_code, dup
      USING ERRCODE = 'cardinality_violation', HINT = 'One row per subject: aggregate the features per subject_key.';
  END IF;
  SELECT x.subject_key, x.label INTO dup, bad_label FROM pg_temp.cleangov_model_rows x WHERE x.label NOT IN (0, 1) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the label of subject % of model % is %, not 0 or 1', dup, m.model_code, bad_label
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT x.subject_key INTO dup FROM pg_temp.cleangov_model_rows x WHERE x.subject_key IS NULL LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'the query of model % returns a row without subject_key', m.model_code
      USING ERRCODE = 'not_null_violation';
  END IF;
  ANALYZE pg_temp.cleangov_model_rows;
END
$$;
COMMENT ON FUNCTION @extschema@.model_load_rows(@extschema@.model) IS
  'Internal to train_model and score_model: runs the model''s query with its owner''s rights (through cleangov_bound.model_sources_<owner oid>) into the temporary table cleangov_model_rows with a fold per group (round-robin over the md5 of the group key: no group in two folds); 21000 for a subject returned twice, 22023 for a label not 0 or 1, 23502 for a row without subject_key. Volatile because it creates a table; parallel unsafe because it does.';

-- Standardisation of the labelled rows (of the folds but one, or all):
-- mean and population sd of every feature over its non-missing values.
-- volatile because it reads the temporary table of model_load_rows
CREATE FUNCTION @extschema@.model_moments(m @extschema@.model, skip_fold int,
                                           OUT mean float8[], OUT sd float8[], OUT missing float8[])
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  bad text;
BEGIN
  SELECT array_agg(s.mu ORDER BY s.i), array_agg(s.sigma ORDER BY s.i), array_agg(s.miss ORDER BY s.i)
    INTO mean, sd, missing
    FROM (SELECT u.i, avg(u.v) AS mu, stddev_pop(u.v) AS sigma, 1 - count(u.v)::float8 / count(*) AS miss
            FROM pg_temp.cleangov_model_rows x CROSS JOIN LATERAL unnest(x.x) WITH ORDINALITY u(v, i)
           WHERE x.label IS NOT NULL AND x.fold IS DISTINCT FROM skip_fold
           GROUP BY u.i) s;
  SELECT string_agg(n, ', ') INTO bad FROM unnest(m.feature_columns, sd) u(n, s) WHERE s IS NULL OR NOT s > 0;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'model %: feature % is constant (or missing) over the labelled rows%', m.model_code, bad,
      CASE WHEN skip_fold IS NOT NULL THEN format(' outside fold %s', skip_fold + 1) ELSE '' END
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'A feature that does not vary cannot be learned from: leave it out of the query.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.model_moments(@extschema@.model, int) IS
  'Internal to train_model: the mean, population standard deviation and missing share of every feature over the labelled rows outside skip_fold (NULL: all); 22023 naming a feature that is constant or missing. Volatile because it reads a temporary table of this transaction; parallel unsafe because it does.';

-- Train, evaluate and keep a new version of a model; score every row.
-- volatile because it writes
CREATE FUNCTION @extschema@.train_model(model_code text)
  RETURNS @extschema@.model_version
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  m @extschema@.model;
  v @extschema@.model_version;
  mo record;
  f record;
  n_lab int;
  n_pos int;
  fold_eval jsonb := '[]'::jsonb;
  ev jsonb;
  rows_sql text := 'SELECT x.x, x.label AS y FROM pg_temp.cleangov_model_rows x WHERE x.label IS NOT NULL AND x.fold IS DISTINCT FROM %s';
BEGIN
  IF model_code IS NULL THEN
    RAISE EXCEPTION 'model_code must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO m FROM @extschema@.model x WHERE x.model_code = train_model.model_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'model % does not exist', model_code USING ERRCODE = 'undefined_object';
  END IF;
  PERFORM @extschema@.model_load_rows(m);
  SELECT count(*), count(*) FILTER (WHERE x.label = 1) INTO n_lab, n_pos FROM pg_temp.cleangov_model_rows x WHERE x.label IS NOT NULL;
  IF n_pos < m.min_per_class OR n_lab - n_pos < m.min_per_class THEN
    RAISE EXCEPTION 'model % has % positive and % negative labels: it needs at least % of each (min_per_class)',
                    m.model_code, n_pos, n_lab - n_pos, m.min_per_class
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Review more alerts (or label more subjects) before training; a model of a few labels only learns noise.';
  END IF;
  -- cross-validation: each fold scored by a model fitted on the others
  DROP TABLE IF EXISTS pg_temp.cleangov_model_oof;
  CREATE TEMP TABLE cleangov_model_oof (fold int, label float8, p float8, base float8) ON COMMIT DROP;
  FOR k IN 0 .. m.folds - 1 LOOP
    IF (SELECT count(DISTINCT x.label) FROM pg_temp.cleangov_model_rows x WHERE x.label IS NOT NULL AND x.fold <> k) < 2 THEN
      RAISE EXCEPTION 'model %: the folds but fold % hold labels of one class only', m.model_code, k + 1
        USING ERRCODE = 'invalid_parameter_value', HINT = 'Fewer folds, or more labels of the rarer class.';
    END IF;
    mo := @extschema@.model_moments(m, k);
    f := @extschema@.logit_fit(format(rows_sql, k), m.lambda, mo.mean, mo.sd, m.tolerance, m.max_iterations);
    INSERT INTO pg_temp.cleangov_model_oof
    SELECT k, x.label, @extschema@.logit_score(f.beta, x.x, mo.mean, mo.sd),
           (SELECT avg(y.label) FROM pg_temp.cleangov_model_rows y WHERE y.label IS NOT NULL AND y.fold <> k)
      FROM pg_temp.cleangov_model_rows x WHERE x.label IS NOT NULL AND x.fold = k;
    fold_eval := fold_eval || jsonb_build_object('fold', k + 1, 'iterations', f.iterations, 'converged', f.converged,
                                                 'rows', (SELECT count(*) FROM pg_temp.cleangov_model_oof o WHERE o.fold = k));
  END LOOP;
  ev := @extschema@.model_evaluation(m.cutoff) || jsonb_build_object('folds', m.folds, 'per_fold', fold_eval);
  -- the model itself: every labelled row
  mo := @extschema@.model_moments(m, NULL);
  f := @extschema@.logit_fit(format(rows_sql, 'NULL'), m.lambda, mo.mean, mo.sd, m.tolerance, m.max_iterations);
  INSERT INTO @extschema@.model_version AS x
         (model_code, version, query, features, mean, sd, beta, lambda, iterations, converged,
          rows_labelled, positives, base_rate, missing, evaluation, beats_base_rate, lower_cutoff)
  VALUES (m.model_code,
          coalesce((SELECT max(y.version) FROM @extschema@.model_version y WHERE y.model_code = m.model_code), 0) + 1,
          m.query, m.feature_columns, mo.mean, mo.sd, f.beta, m.lambda, f.iterations, f.converged,
          n_lab, n_pos, n_pos::float8 / n_lab,
          (SELECT jsonb_object_agg(n, round(s::numeric, 4)) FROM unnest(m.feature_columns, mo.missing) u(n, s)),
          ev, (ev ->> 'auc')::float8 > 0.5 AND (ev ->> 'log_loss')::float8 < (ev ->> 'base_log_loss')::float8,
          CASE WHEN m.lower_rate IS NOT NULL THEN @extschema@.model_lower_cutoff(m.lower_rate, m.min_per_class) END)
  RETURNING * INTO v;
  IF NOT v.beats_base_rate THEN
    RAISE WARNING 'model % version % does not beat the base rate: cross-validated AUC %, log loss % against the base rate''s %',
                  m.model_code, v.version, ev ->> 'auc', ev ->> 'log_loss', ev ->> 'base_log_loss'
      USING HINT = 'Its scores order nothing better than chance: better features, or more labels.';
  END IF;
  IF NOT v.converged THEN
    RAISE WARNING 'model % version %: Newton did not converge in % iterations (tolerance %)',
                  m.model_code, v.version, v.iterations, m.tolerance;
  END IF;
  PERFORM @extschema@.model_store_scores(m, v);
  RETURN v;
END
$$;
COMMENT ON FUNCTION @extschema@.train_model(text) IS
  'Trains a new version of a model (doc/model.md): runs its query with the owner''s rights, refuses too few labels of a class (22023), a constant feature (22023), duplicate subjects (21000); k-fold cross-validation grouped by group_key (no group in both training and test: each fold scored by a model fitted on the others with their own standardisation), then the fit on every labelled row (standardised features, L2 penalty lambda, Newton / IRLS by cleangov.logit_fit); keeps the version with its evaluation (AUC, log loss against the base rate''s, Brier, precision and recall at the cut-off, calibration) and scores every row into model_score. WARNING when it does not beat the base rate or did not converge. 42704 for an unknown model. Volatile because it writes; parallel unsafe because it does.';

-- The evaluation of the out-of-fold predictions in pg_temp.cleangov_model_oof.
-- volatile because it reads a temporary table of this transaction
CREATE FUNCTION @extschema@.model_evaluation(cutoff float8)
  RETURNS jsonb
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  RETURN (
  WITH o AS (
    SELECT o.label, least(greatest(o.p, 1e-15), 1 - 1e-15) AS p, least(greatest(o.base, 1e-15), 1 - 1e-15) AS base
      FROM pg_temp.cleangov_model_oof o
  ), g AS (   -- AUC: the Mann-Whitney statistic, ties counted half
    SELECT o.p, count(*) FILTER (WHERE o.label = 1) AS pos, count(*) FILTER (WHERE o.label = 0) AS neg FROM o GROUP BY o.p
  ), auc AS (
    SELECT sum(x.pos * x.below + 0.5 * x.pos * x.neg) AS u
      FROM (SELECT g.pos, g.neg, coalesce(sum(g.neg) OVER (ORDER BY g.p ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below
              FROM g) x
  ), t AS (
    SELECT count(*) AS n, count(*) FILTER (WHERE o.label = 1) AS pos,
           -avg(o.label * ln(o.p) + (1 - o.label) * ln(1 - o.p)) AS log_loss,
           -avg(o.label * ln(o.base) + (1 - o.label) * ln(1 - o.base)) AS base_log_loss,
           avg((o.p - o.label) ^ 2) AS brier,
           count(*) FILTER (WHERE o.p >= cutoff) AS flagged,
           count(*) FILTER (WHERE o.p >= cutoff AND o.label = 1) AS hits
      FROM o
  ), cal AS (
    SELECT jsonb_agg(jsonb_build_object('bin', b.bin, 'from', (b.bin - 1) / 10.0, 'to', b.bin / 10.0, 'rows', b.n,
                                        'mean_probability', round(b.mp::numeric, 4), 'observed_rate', round(b.rate::numeric, 4))
                     ORDER BY b.bin) AS calibration
      FROM (SELECT least(width_bucket(o.p, 0, 1, 10), 10) AS bin, count(*) AS n, avg(o.p) AS mp, avg(o.label) AS rate
              FROM o GROUP BY 1) b
  )
  SELECT jsonb_build_object(
           'rows', t.n, 'positives', t.pos,
           'auc', round((auc.u / nullif(t.pos * (t.n - t.pos), 0))::numeric, 6),
           'log_loss', round(t.log_loss::numeric, 6), 'base_log_loss', round(t.base_log_loss::numeric, 6),
           'brier', round(t.brier::numeric, 6),
           'cutoff', cutoff, 'flagged', t.flagged,
           'precision', round((t.hits::float8 / nullif(t.flagged, 0))::numeric, 6),
           'recall', round((t.hits::float8 / nullif(t.pos, 0))::numeric, 6),
           'calibration', cal.calibration)
    FROM t, auc, cal);
END
$$;
COMMENT ON FUNCTION @extschema@.model_evaluation(float8) IS
  'Internal to train_model: the evaluation of the cross-validated predictions: AUC (Mann-Whitney, ties half), log loss and the log loss of the training folds'' base rate, Brier score, precision and recall at the cut-off, calibration table in tenths of probability. Volatile because it reads a temporary table of this transaction; parallel unsafe because it does.';

-- The calibrated cut-off for lowering alerts: the highest cross-validated
-- probability p such that the rows scored at or below p (at least
-- min_rows of them) were confirmed at a rate below rate.
-- volatile because it reads a temporary table of this transaction
CREATE FUNCTION @extschema@.model_lower_cutoff(rate float8, min_rows int)
  RETURNS float8
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  RETURN (SELECT max(c.p)
    FROM (SELECT g.p, sum(g.n) OVER w AS n, sum(g.pos) OVER w AS pos
            FROM (SELECT o.p, count(*) AS n, count(*) FILTER (WHERE o.label = 1) AS pos
                    FROM pg_temp.cleangov_model_oof o GROUP BY o.p) g
          WINDOW w AS (ORDER BY g.p)) c
   WHERE c.n >= min_rows AND c.pos::float8 / c.n < rate);
END
$$;
COMMENT ON FUNCTION @extschema@.model_lower_cutoff(float8, int) IS
  'Internal to train_model: the calibrated cut-off of the lower_rate option: the highest cross-validated probability at or below which at least min_rows rows were confirmed at a rate below rate (NULL when none). Volatile because it reads a temporary table of this transaction; parallel unsafe because it does.';

-- Scores of every row of pg_temp.cleangov_model_rows by version v.
-- volatile because it writes
CREATE FUNCTION @extschema@.model_store_scores(m @extschema@.model, v @extschema@.model_version)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  n bigint;
BEGIN
  DELETE FROM @extschema@.model_score s WHERE s.model_code = m.model_code;
  INSERT INTO @extschema@.model_score (model_code, version, grain, subject_key, label, probability, contributions)
  SELECT m.model_code, v.version, m.grain, x.subject_key, x.label,
         @extschema@.logit_score(v.beta, x.x, v.mean, v.sd), @extschema@.logit_contributions(v.beta, x.x, v.mean, v.sd)
    FROM pg_temp.cleangov_model_rows x;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.model_store_scores(@extschema@.model, @extschema@.model_version) IS
  'Internal to train_model and score_model: replaces the model''s rows in model_score by the scores of version v of every row of its query. Volatile because it writes; parallel unsafe because it does.';

-- Score every subject of a model by its newest version (new alerts, changed
-- features) and apply the lower_rate option.
-- volatile because it writes
CREATE FUNCTION @extschema@.score_model(model_code text)
  RETURNS TABLE (scored bigint, lowered bigint)
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  m @extschema@.model;
  v @extschema@.model_version;
BEGIN
  IF model_code IS NULL THEN
    RAISE EXCEPTION 'model_code must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT * INTO m FROM @extschema@.model x WHERE x.model_code = score_model.model_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'model % does not exist', model_code USING ERRCODE = 'undefined_object';
  END IF;
  SELECT * INTO v FROM @extschema@.model_version x WHERE x.model_code = m.model_code ORDER BY x.version DESC LIMIT 1;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'model % is not trained', m.model_code
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'cleangov.train_model() trains it.';
  END IF;
  IF v.features IS DISTINCT FROM m.feature_columns OR v.query IS DISTINCT FROM m.query THEN
    RAISE EXCEPTION 'model % changed since version % was trained', m.model_code, v.version
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'Train it again: cleangov.train_model().';
  END IF;
  PERFORM @extschema@.model_load_rows(m);
  scored := @extschema@.model_store_scores(m, v);
  lowered := 0;
  IF m.lower_rate IS NOT NULL AND v.lower_cutoff IS NOT NULL AND v.beats_base_rate THEN
    lowered := @extschema@.model_lower_alerts(m, v);
  END IF;
  RETURN NEXT;
END
$$;
COMMENT ON FUNCTION @extschema@.score_model(text) IS
  'Scores every row of a model''s query by its newest version into model_score (run after cleangov.run() so that new alerts get a triage score; schedulable with pg_cron) and, with the lower_rate option, lowers alerts (cleangov.model_lower_alerts). 42704 unknown model, 55000 not trained or changed since its last training. Volatile because it writes; parallel unsafe because it does.';

-- The lower_rate option: open, unreviewed alerts scored at or below the
-- calibrated cut-off go down one level (never below blue), once per alert
-- and version, each an audit event.  Scores never close or dismiss.
-- volatile because it writes
CREATE FUNCTION @extschema@.model_lower_alerts(m @extschema@.model, v @extschema@.model_version)
  RETURNS bigint
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  n bigint;
BEGIN
  WITH low AS (
    SELECT a.alert_id, a.level, s.probability,
           (enum_range(NULL::@extschema@.level))[array_position(enum_range(NULL::@extschema@.level), a.level) - 1] AS lower_level
      FROM @extschema@.model_score s
      JOIN @extschema@.alert a ON a.alert_id::text = s.subject_key
     WHERE s.model_code = m.model_code AND s.version = v.version AND s.probability <= v.lower_cutoff
       AND a.status = 'open' AND a.review_verdict IS NULL AND a.level > 'blue'
       AND NOT EXISTS (SELECT FROM @extschema@.alert_event e
                        WHERE e.alert_id = a.alert_id AND e.event = 'level_changed'
                          AND e.detail @> jsonb_build_object('model', m.model_code, 'version', v.version))
     FOR UPDATE OF a
  ), up AS (
    UPDATE @extschema@.alert a SET previous_level = a.level, level = low.lower_level
      FROM low WHERE a.alert_id = low.alert_id
    RETURNING a.alert_id, low.level AS from_level, low.lower_level AS to_level, low.probability
  )
  INSERT INTO @extschema@.alert_event (alert_id, event, from_status, to_status, from_level, to_level, note, detail)
  SELECT up.alert_id, 'level_changed', 'open', 'open', up.from_level, up.to_level,
         format('lowered by model %s version %s: probability %s at or below its calibrated cut-off %s',
                m.model_code, v.version, round(up.probability::numeric, 4), round(v.lower_cutoff::numeric, 4)),
         jsonb_build_object('model', m.model_code, 'version', v.version, 'probability', up.probability,
                            'cutoff', v.lower_cutoff, 'lower_rate', m.lower_rate)
    FROM up;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.model_lower_alerts(@extschema@.model, @extschema@.model_version) IS
  'Internal to score_model (the lower_rate option): lowers by one level (never below blue) each open, unreviewed alert that version v scores at or below its calibrated cut-off, once per alert and version, each with a level_changed event naming the model, version, probability and cut-off. Scores never close or dismiss an alert; a later hit of the rule may raise the level again (raise_alerts keeps the higher), and the next score_model lowers it once more only for a new version. Security definer: it updates alerts, which only the extension writes. Volatile because it writes; parallel unsafe because it does.';

-- One subject's score and each feature's contribution, largest first.
-- stable because it reads tables
CREATE FUNCTION @extschema@.explain_score(model_code text, subject_key text)
  RETURNS TABLE (feature text, description text, contribution float8, probability float8, version int)
  LANGUAGE sql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  BEGIN ATOMIC
  SELECT u.feature, m.features ->> u.feature, u.contribution, s.probability, s.version
    FROM @extschema@.model_score s
    JOIN @extschema@.model_version v ON v.model_code = s.model_code AND v.version = s.version
    JOIN @extschema@.model m ON m.model_code = s.model_code
   CROSS JOIN LATERAL unnest(v.features, s.contributions) u(feature, contribution)
   WHERE s.model_code = explain_score.model_code AND s.subject_key = explain_score.subject_key
   ORDER BY abs(u.contribution) DESC, u.feature;
END;
COMMENT ON FUNCTION @extschema@.explain_score(text, text) IS
  'The explanation of a subject''s score (the portrait''s risk points): each feature, its documentation and its contribution to the logit (beta_j x the standardised value; positive raises the risk), largest first, with the probability and the version that scored it. Stable because it reads tables.';
