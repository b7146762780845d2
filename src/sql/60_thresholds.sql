-- Threshold tuning from the loop's own verdicts (issue 16, item 5;
-- doc/tuning.md): suggest_thresholds() reads the reviewed alerts of a rule
-- (with the caller's rights, so row-level security decides which verdicts
-- count) and proposes, for the threshold the alerts' value is compared with,
-- the smallest tightening that reaches a target precision;
-- apply_threshold_suggestion() is the explicit call that writes it into
-- cleangov.rule (rule_history logs the change) and records what it was based
-- on in cleangov.threshold_tuning.
--
-- Only alerts are reviewed: the repository records no reviewed near-misses
-- (the demo's truth.near_miss is ground truth of the demo generator, not a
-- verdict), so a suggestion can only move a threshold towards firing less.

CREATE TABLE @extschema@.threshold_tuning (
  tuning_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_code        text NOT NULL,
  threshold_key    text NOT NULL,
  old_value        float8,
  new_value        float8 NOT NULL,
  direction        text CHECK (direction IN ('>=', '<=')),
  verdicts         integer,
  confirmed        integer,
  false_positive   integer,
  precision_before float8,
  precision_after  float8,
  recall_kept      float8,
  note             text,
  history_id       bigint REFERENCES @extschema@.rule_history (history_id),
  applied_at       timestamptz NOT NULL DEFAULT pg_catalog.now(),
  applied_by       name NOT NULL DEFAULT @extschema@.actor()
);
CREATE INDEX threshold_tuning_rule_idx ON @extschema@.threshold_tuning (rule_code, applied_at);
COMMENT ON TABLE @extschema@.threshold_tuning IS
  'Every threshold applied by apply_threshold_suggestion(): rule, threshold key, old and new value, the direction that fires, the reviewed verdicts it was based on (as the applying role saw them: verdicts, confirmed, false_positive among the reviewed alerts the old value fires on), precision before and after and the share of confirmed alerts kept, the note, the rule_history row of the change (NULL when the value did not change), when and by whom. Append-only: UPDATE, DELETE and TRUNCATE are refused (42501).';
CREATE TRIGGER threshold_tuning_append_only BEFORE UPDATE OR DELETE ON @extschema@.threshold_tuning
  FOR EACH ROW EXECUTE FUNCTION @extschema@.append_only();
CREATE TRIGGER threshold_tuning_no_truncate BEFORE TRUNCATE ON @extschema@.threshold_tuning
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.append_only();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.threshold_tuning', '');
GRANT SELECT ON @extschema@.threshold_tuning TO cleangov_admin, cleangov_analyst;
GRANT INSERT ON @extschema@.threshold_tuning TO cleangov_admin;

-- Which threshold the alerts' threshold column carries: the definition's
-- threshold_key.  Inspectors may not read rule_definition (it holds the
-- rules' SQL), so this one fact is handed out by a definer function.
CREATE FUNCTION @extschema@.rule_threshold_key(rule_code text) RETURNS text
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp
  AS $$ SELECT d.threshold_key FROM @extschema@.rule_definition d WHERE d.rule_code = $1 $$;
COMMENT ON FUNCTION @extschema@.rule_threshold_key(text) IS
  'The threshold key of a rule''s definition (cleangov.rule_definition.threshold_key): the threshold whose value its alerts carry in their threshold column; NULL when the rule has no definition or its threshold is computed per hit. Security definer so that inspectors learn this one column and not the rule''s SQL. Stable because it reads a table.';

-- The direction that fires, told from the rule's alerts (visible to the
-- caller): value above its threshold ('>='), below it ('<='), NULL when every
-- alert's value equals its threshold or there is none; 55000 when alerts lie
-- on both sides (the threshold column is then not the cut-off of the value).
CREATE FUNCTION @extschema@.threshold_direction(rule_code text) RETURNS text
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  above bigint;
  below bigint;
BEGIN
  SELECT count(*) FILTER (WHERE a.value > a.threshold), count(*) FILTER (WHERE a.value < a.threshold)
    INTO above, below
    FROM @extschema@.alert a
   WHERE a.rule_code = threshold_direction.rule_code
     AND a.value IS NOT NULL AND a.threshold IS NOT NULL;
  IF above > 0 AND below > 0 THEN
    RAISE EXCEPTION 'rule %: the direction that fires cannot be told', rule_code
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = format('%s alerts have a value above their threshold and %s below it.', above, below),
            HINT = 'The alerts'' threshold column is not the cut-off of their value; no threshold can be suggested from the verdicts.';
  END IF;
  RETURN CASE WHEN above > 0 THEN '>=' WHEN below > 0 THEN '<=' END;
END
$$;
COMMENT ON FUNCTION @extschema@.threshold_direction(text) IS
  'The direction a rule fires in, told from its alerts visible to the caller: ''>='' (value at or above the threshold), ''<='' (at or below), NULL when no alert''s value differs from its threshold; 55000 when alerts lie on both sides. No definition declares it. Stable because it reads a table.';

-- The candidate cut-offs of a rule's threshold: one row per distinct value of
-- the reviewed alerts (visible to the caller) the current value fires on, with
-- the nearest value a cut there drops (NULL for the loosest), and how many
-- alerts and confirmed alerts it keeps.
CREATE FUNCTION @extschema@.threshold_cuts(rule_code text, direction text, current_value float8)
  RETURNS TABLE (cut float8, dropped float8, kept bigint, kept_confirmed bigint)
  LANGUAGE sql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT x.c, lag(x.c) OVER (ORDER BY x.s * x.c),
         sum(x.n) OVER (ORDER BY x.s * x.c DESC)::bigint,
         sum(x.n_ok) OVER (ORDER BY x.s * x.c DESC)::bigint
    FROM (SELECT a.value AS c, CASE $2 WHEN '>=' THEN 1.0::float8 ELSE -1.0::float8 END AS s, count(*) AS n,
                 count(*) FILTER (WHERE a.review_verdict = 'confirmed') AS n_ok
            FROM @extschema@.alert a
           WHERE a.rule_code = $1 AND a.review_verdict IS NOT NULL AND a.value IS NOT NULL
             AND CASE $2 WHEN '>=' THEN a.value >= $3 WHEN '<=' THEN a.value <= $3 END
           GROUP BY a.value) x
$$;
COMMENT ON FUNCTION @extschema@.threshold_cuts(text, text, float8) IS
  'Candidate cut-offs for suggest_thresholds(): for a rule, its direction (''>='' or ''<='') and the current threshold, one row per distinct value of the reviewed alerts the current value fires on (visible to the caller): the cut, the nearest value it drops (NULL for the loosest), the alerts and the confirmed alerts it keeps. Stable because it reads a table; runs with the caller''s rights.';

CREATE FUNCTION @extschema@.suggest_thresholds(rule_code text, target_precision float8 DEFAULT 0.8,
                                               min_verdicts integer DEFAULT 10)
  RETURNS TABLE (threshold_key text, direction text, current_value float8, suggested_value float8,
                 precision_now float8, recall_now float8, precision_at_suggested float8,
                 recall_kept float8, verdicts integer, confirmed integer, false_positive integer,
                 note text)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_variable
DECLARE
  th jsonb;
  tkey text;
  k text;
  v jsonb;
  s float8;              -- +1 for '>=', -1 for '<=': s * value >= s * cut fires
  other_threshold integer;
  beyond integer;
  best record;
  reach record;
  near text := 'no reviewed near-misses are recorded (only raised alerts are reviewed), so a suggestion only tightens';
BEGIN
  IF rule_code IS NULL OR target_precision IS NULL OR min_verdicts IS NULL THEN
    RAISE EXCEPTION 'rule_code, target_precision and min_verdicts must not be NULL'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT (target_precision > 0 AND target_precision <= 1) THEN
    RAISE EXCEPTION 'target_precision must be in (0, 1], not %', target_precision
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF min_verdicts < 1 THEN
    RAISE EXCEPTION 'min_verdicts must be at least 1, not %', min_verdicts
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT r.thresholds INTO th FROM @extschema@.rule r WHERE r.rule_code = suggest_thresholds.rule_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rule % does not exist', rule_code USING ERRCODE = 'undefined_object';
  END IF;
  tkey := @extschema@.rule_threshold_key(rule_code);

  FOR k, v IN SELECT e.key, e.value FROM jsonb_each(th) e WHERE jsonb_typeof(e.value) = 'number' ORDER BY e.key LOOP
    threshold_key := k;
    current_value := v::float8;
    direction := NULL; suggested_value := NULL; precision_now := NULL; recall_now := NULL;
    precision_at_suggested := NULL; recall_kept := NULL; verdicts := NULL; confirmed := NULL;
    false_positive := NULL;
    IF tkey IS DISTINCT FROM k THEN
      note := CASE WHEN tkey IS NULL
                   THEN 'the rule''s definition names no threshold_key (no definition, or the threshold is computed per hit): the verdicts cannot be tied to this threshold'
                   ELSE format('not the threshold the alerts'' value is compared with (that is %s): the verdicts say nothing about it', tkey) END;
      RETURN NEXT;
      CONTINUE;
    END IF;
    direction := @extschema@.threshold_direction(rule_code);
    IF direction IS NULL THEN
      note := 'the direction that fires cannot be told: no alert visible to you has a value different from its threshold';
      RETURN NEXT;
      CONTINUE;
    END IF;
    s := CASE direction WHEN '>=' THEN 1.0::float8 ELSE -1.0::float8 END;

    -- The reviewed alerts the current value fires on, whatever threshold they
    -- were raised at: the cut is on value.  Reviewed alerts raised at an older,
    -- looser threshold lie beyond the current value and are left out.
    SELECT count(*) FILTER (WHERE s * a.value >= s * current_value)::int,
           count(*) FILTER (WHERE s * a.value >= s * current_value AND a.review_verdict = 'confirmed')::int,
           count(*) FILTER (WHERE s * a.value >= s * current_value AND a.review_verdict = 'false_positive')::int,
           count(*) FILTER (WHERE s * a.value >= s * current_value AND a.threshold IS DISTINCT FROM current_value)::int,
           count(*) FILTER (WHERE s * a.value < s * current_value)::int
      INTO verdicts, confirmed, false_positive, other_threshold, beyond
      FROM @extschema@.alert a
     WHERE a.rule_code = suggest_thresholds.rule_code
       AND a.review_verdict IS NOT NULL AND a.value IS NOT NULL;
    IF verdicts > 0 THEN
      precision_now := confirmed::float8 / verdicts;
      recall_now := 1.0;
    END IF;
    note := near;
    IF other_threshold > 0 THEN
      note := note || format('; %s of the verdicts are on alerts raised at another threshold, counted by their value', other_threshold);
    END IF;
    IF beyond > 0 THEN
      note := note || format('; %s reviewed alerts raised at an older, looser threshold are not fired on by the current value and not counted', beyond);
    END IF;

    IF verdicts < min_verdicts OR confirmed = 0 OR false_positive = 0 THEN
      note := format('too few verdicts: %s (%s confirmed, %s false positive); at least %s with one of each are needed; ',
                     verdicts, confirmed, false_positive, min_verdicts) || note;
      RETURN NEXT;
      CONTINUE;
    END IF;
    IF precision_now >= target_precision THEN
      suggested_value := current_value;
      precision_at_suggested := precision_now;
      recall_kept := 1.0;
      note := format('the target %s is met at the current value; ', target_precision) || note;
      RETURN NEXT;
      CONTINUE;
    END IF;

    -- Candidate cut-offs at the reviewed values: cut c keeps the alerts with
    -- s * value >= s * c.  The smallest move is the first c (from the current
    -- value outwards) whose kept alerts reach the target; the suggestion is
    -- midway between c and the nearest value it drops, which gives the same
    -- verdicts whether the rule compares with >= or >.
    SELECT g.cut AS c, g.dropped AS prev, g.kept, g.kept_confirmed AS kept_ok INTO reach
      FROM @extschema@.threshold_cuts(rule_code, direction, current_value) g
     WHERE g.kept_confirmed::float8 / g.kept >= target_precision
     ORDER BY s * g.cut
     LIMIT 1;
    IF FOUND THEN
      suggested_value := (reach.prev + reach.c) / 2;
      precision_at_suggested := reach.kept_ok::float8 / reach.kept;
      recall_kept := reach.kept_ok::float8 / confirmed;
      note := format('keeps %s of the %s reviewed alerts (%s confirmed); any value between %s and %s gives the same verdicts; ',
                     reach.kept, verdicts, reach.kept_ok, reach.prev, reach.c) || note;
    ELSE
      SELECT g.cut AS c, g.kept, g.kept_confirmed AS kept_ok INTO best
        FROM @extschema@.threshold_cuts(rule_code, direction, current_value) g
       WHERE g.kept_confirmed > 0
       ORDER BY g.kept_confirmed::float8 / g.kept DESC, s * g.cut
       LIMIT 1;
      note := format('the target %s is unreachable among the reviewed alerts: the best cut-off, %s, keeps %s alerts at precision %s; ',
                     target_precision, best.c, best.kept, round((best.kept_ok::float8 / best.kept)::numeric, 3)) || note;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.suggest_thresholds(text, float8, integer) IS
  'Threshold suggestions from reviewed alerts (doc/tuning.md): one row per numeric threshold of the rule. For the threshold the alerts'' value is compared with (the definition''s threshold_key; direction ''>='' or ''<='' told from the alerts), among the reviewed alerts the current value fires on (visible to the caller: row-level security applies): precision now, recall now (1.0 among reviewed alerts by construction), the smallest tightening that reaches target_precision (candidate cut-offs at the reviewed values, suggested midway to the nearest value dropped), its precision and the share of confirmed alerts it keeps, the verdict counts. suggested_value is NULL with the reason in note when there are fewer than min_verdicts verdicts or not one of each, when the target is unreachable, and for the other thresholds. 22004 NULL argument, 22023 target outside (0, 1] or min_verdicts < 1, 42704 unknown rule, 55000 alerts on both sides of their threshold. Stable because it reads tables; runs with the caller''s rights.';

CREATE FUNCTION @extschema@.apply_threshold_suggestion(rule_code text, threshold_key text, value float8,
                                                       note text DEFAULT NULL)
  RETURNS @extschema@.threshold_tuning
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_variable
DECLARE
  th jsonb;
  old_value float8;
  dir text;
  s float8;
  t @extschema@.threshold_tuning;
  hid bigint;
  n integer;
  n_ok integer;
  n_fp integer;
  kept integer;
  kept_ok integer;
BEGIN
  IF rule_code IS NULL OR threshold_key IS NULL OR value IS NULL THEN
    RAISE EXCEPTION 'rule_code, threshold_key and value must not be NULL'
      USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT pg_catalog.has_table_privilege('@extschema@.rule', 'UPDATE') THEN
    RAISE EXCEPTION 'permission denied to change the thresholds of rule %', rule_code
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Rules are changed by cleangov_admin.';
  END IF;
  IF value IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8) THEN
    RAISE EXCEPTION 'a threshold must be a finite number, not %', value
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  SELECT r.thresholds INTO th FROM @extschema@.rule r
   WHERE r.rule_code = apply_threshold_suggestion.rule_code FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'rule % does not exist', rule_code USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT th ? threshold_key THEN
    RAISE EXCEPTION 'rule % has no threshold "%"', rule_code, threshold_key
      USING ERRCODE = 'undefined_object',
            DETAIL = format('Its thresholds: %s.', th);
  END IF;
  IF jsonb_typeof(th -> threshold_key) <> 'number' THEN
    RAISE EXCEPTION 'threshold "%" of rule % is not a number: %', threshold_key, rule_code, th -> threshold_key
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  old_value := (th -> threshold_key)::float8;

  -- What the change is based on: the reviewed alerts the old value fires on,
  -- and those of them the new value still fires on.
  IF @extschema@.rule_threshold_key(rule_code) = threshold_key THEN
    dir := @extschema@.threshold_direction(rule_code);
  END IF;
  IF dir IS NOT NULL THEN
    s := CASE dir WHEN '>=' THEN 1.0::float8 ELSE -1.0::float8 END;
    SELECT count(*)::int,
           count(*) FILTER (WHERE a.review_verdict = 'confirmed')::int,
           count(*) FILTER (WHERE a.review_verdict = 'false_positive')::int,
           count(*) FILTER (WHERE s * a.value >= s * value)::int,
           count(*) FILTER (WHERE s * a.value >= s * value AND a.review_verdict = 'confirmed')::int
      INTO n, n_ok, n_fp, kept, kept_ok
      FROM @extschema@.alert a
     WHERE a.rule_code = apply_threshold_suggestion.rule_code
       AND a.review_verdict IS NOT NULL AND a.value IS NOT NULL
       AND s * a.value >= s * old_value;
  END IF;

  UPDATE @extschema@.rule r SET thresholds = jsonb_set(r.thresholds, ARRAY[threshold_key], to_jsonb(value))
   WHERE r.rule_code = apply_threshold_suggestion.rule_code;
  IF old_value IS DISTINCT FROM value THEN
    SELECT max(h.history_id) INTO hid FROM @extschema@.rule_history h
     WHERE h.rule_code = apply_threshold_suggestion.rule_code;
  END IF;

  INSERT INTO @extschema@.threshold_tuning AS x
         (rule_code, threshold_key, old_value, new_value, direction, verdicts, confirmed, false_positive,
          precision_before, precision_after, recall_kept, note, history_id)
  VALUES (rule_code, threshold_key, old_value, value, dir, n, n_ok, n_fp,
          n_ok::float8 / nullif(n, 0), kept_ok::float8 / nullif(kept, 0), kept_ok::float8 / nullif(n_ok, 0),
          note, hid)
  RETURNING x.* INTO t;
  RETURN t;
END
$$;
COMMENT ON FUNCTION @extschema@.apply_threshold_suggestion(text, text, float8, text) IS
  'Sets a numeric threshold of a rule (cleangov.rule.thresholds, so rule_history records old and new, who and when) and records the change in cleangov.threshold_tuning with the note and the verdicts it was based on (reviewed alerts the old value fires on, as the caller sees them; NULL when the key is not the one the alerts'' value is compared with or the direction cannot be told). Runs with the caller''s rights: 42501 unless the caller may update cleangov.rule (cleangov_admin); 22004 NULL rule, key or value; 42704 unknown rule or key; 22023 non-finite value or non-numeric threshold; 55000 alerts on both sides of their threshold. Volatile because it writes; parallel unsafe because it writes.';
