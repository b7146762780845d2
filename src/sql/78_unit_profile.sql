-- The archive of a unit (单位政治生态档案) in one row set, the counterpart of
-- person_profile: who the unit is, its index scores and the indicators that
-- took points off, the alerts routed to it with their review and
-- rectification, the learned models' portrait of the unit and of its
-- persons.  Read with the caller's rights: row-level security decides which
-- alerts an inspector sees.  doc/model.md, doc/index.md.

CREATE FUNCTION @extschema@.unit_profile(unit_code text)
  RETURNS TABLE (section text, item text, period text, value float8, level @extschema@.level, detail jsonb)
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT 'unit', u.unit_code, NULL::text, NULL::float8, NULL::@extschema@.level,
         jsonb_build_object('name', u.name, 'name_zh', u.name_zh, 'kind', u.kind, 'region_code', u.region_code,
                            'parent_code', u.parent_code, 'parent_zh', p.name_zh)
    FROM @extschema@.unit u LEFT JOIN @extschema@.unit p ON p.unit_code = u.parent_code
   WHERE u.unit_code = unit_profile.unit_code;
  -- the index sections for the roles that read the index (an inspector does not)
  IF has_table_privilege('@extschema@.index_node_score', 'SELECT') THEN
    RETURN QUERY SELECT * FROM @extschema@.index_profile_sections('unit', unit_profile.unit_code);
  END IF;
  -- alerts routed to the unit, whatever their subject, with their review
  RETURN QUERY
  SELECT 'alert', a.rule_code, a.period, a.value, a.level,
         jsonb_build_object('alert_id', a.alert_id, 'rule_zh', r.name_zh, 'subject_kind', a.subject_kind,
                            'subject_key', a.subject_key, 'status', a.status, 'raised_at', a.raised_at,
                            'due_at', a.due_at, 'escalation_step', a.escalation_step,
                            'verdict', a.review_verdict, 'reviewed_at', a.reviewed_at)
    FROM @extschema@.alert a LEFT JOIN @extschema@.rule r ON r.rule_code = a.rule_code
   WHERE a.unit_code = unit_profile.unit_code
   ORDER BY a.raised_at, a.alert_id;
  RETURN QUERY
  SELECT 'rectification', a.rule_code, a.period, NULL::float8, a.level,
         jsonb_build_object('alert_id', a.alert_id, 'rectified_at', x.rectified_at, 'measures', x.measures, 'note', x.note)
    FROM @extschema@.rectification x JOIN @extschema@.alert a ON a.alert_id = x.alert_id
   WHERE a.unit_code = unit_profile.unit_code
   ORDER BY x.rectified_at, x.rectification_id;
  IF NOT has_table_privilege('@extschema@.model_portrait', 'SELECT') THEN
    RETURN;
  END IF;
  -- the learned models' portrait of the unit itself (unit models) ...
  RETURN QUERY
  SELECT 'model', s.model_code, NULL::text, s.probability, NULL::@extschema@.level,
         jsonb_build_object('model_zh', s.model_zh, 'version', s.version, 'flagged', s.flagged,
                            'risk_rank', s.risk_rank, 'percentile', s.percentile, 'risk_points', s.risk_points)
    FROM @extschema@.model_portrait s
   WHERE s.grain = 'unit' AND s.subject_key = unit_profile.unit_code
   ORDER BY s.model_code;
  -- ... and the unit's persons a person model flags, highest risk first
  RETURN QUERY
  SELECT 'person_model', s.subject_key, NULL::text, s.probability, NULL::@extschema@.level,
         jsonb_build_object('model', s.model_code, 'model_zh', s.model_zh, 'version', s.version,
                            'name', s.subject_name, 'position', s.position, 'risk_rank', s.risk_rank,
                            'percentile', s.percentile, 'risk_points', s.risk_points)
    FROM @extschema@.model_portrait s
   WHERE s.grain = 'person' AND s.unit_code = unit_profile.unit_code AND s.flagged
   ORDER BY s.model_code, s.probability DESC, s.subject_key;
END
$$;
COMMENT ON FUNCTION @extschema@.unit_profile(text) IS
  'Archive of a unit (单位政治生态档案) in one row set, the counterpart of person_profile: section unit (name, region, parent), score (composite and first level per framework and computed period) and contribution (leaves that took points off) for the roles that read the index, alert (every alert routed to the unit, with its subject, status, escalation and verdict), rectification, model (the predicted risk of each unit model and its risk points, from model_portrait) and person_model (the unit''s persons a person model flags, per model highest risk first); the index and model sections for the roles that read the index and the portraits (not an inspector). Read with the caller''s rights: row-level security applies. Stable because it reads tables.';
