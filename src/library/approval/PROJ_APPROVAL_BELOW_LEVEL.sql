-- PROJ_APPROVAL_BELOW_LEVEL: approval by an authority below the project's
-- level (越权审批：低层级机关审批高层级项目).
--
-- The catalogue of approved investment projects (政府核准的投资项目目录) and
-- the province's set which level of authority decides a project, by category
-- and amount (企业投资项目核准和备案管理条例 art. 3).  Fires when the level of
-- the authority that decided (authority_level) is lower, in the order of
-- {levels} (lowest first), than the level the project required:
-- required_level when the source records it, else the level the amount
-- reaches by {level_floors} (the amount from which each level of {levels}
-- decides; the first is 0).  The floors are cleangov's defaults, not a
-- source's: a user sets the province's.  Value: how many levels too low;
-- threshold 0.  A row rule: the write of one decision can breach it, and the
-- watch triggers check it as it is written.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('PROJ_APPROVAL_BELOW_LEVEL', 'approval by an authority below the project''s level', '低层级机关越权审批', 'approval', 'approval below level',
  'project_approval',
  '{"levels": ["county", "city", "province", "national"], "level_floors": [0, 50000000, 500000000, 5000000000]}', 'red',
  'A project decided by an authority whose level is lower, in the order {levels}, than the level the project required: its required_level, or the level its amount reaches by {level_floors} (cleangov''s default limits in yuan; the catalogue of approved investment projects and the province''s set the real ones, 企业投资项目核准和备案管理条例 art. 3).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_expr, evidence_expr, needs, degrades) VALUES (
  'PROJ_APPROVAL_BELOW_LEVEL',
  'row',
  'project_approval',
  $$array_position({levels}, r.authority_level)
      < coalesce(array_position({levels}, r.required_level),
                 (SELECT count(*)::int FROM unnest({level_floors}) f WHERE f <= r.amount))$$,
  $$(coalesce(array_position({levels}, r.required_level),
              (SELECT count(*)::int FROM unnest({level_floors}) f WHERE f <= r.amount))
     - array_position({levels}, r.authority_level))::float8$$,
  $$0::float8$$,
  $$jsonb_build_object('project_id', r.project_id, 'authority_level', r.authority_level,
                       'required_level', coalesce(r.required_level,
                                                  ({levels})[(SELECT count(*)::int FROM unnest({level_floors}) f WHERE f <= r.amount)]),
                       'required_by', CASE WHEN array_position({levels}, r.required_level) IS NOT NULL THEN 'required_level' ELSE 'amount' END,
                       'amount', r.amount, 'approved_at', r.approved_at)$$,
  '{project_approval.authority_level}'::text[],
  '{"project_approval.required_level": "the level a project required is read from its amount by level_floors (cleangov''s default limits unless set)", "project_approval.amount": "only decisions with a required_level are checked", "project_approval.unit_code": "alerts carry no unit"}'::jsonb);
