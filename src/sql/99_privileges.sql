-- EXECUTE on the extension's functions, in one place, after every function
-- exists (table privileges are granted beside the tables: 28_access.sql,
-- 29_views.sql, 72_index_views.sql).  doc/privileges.md has the whole matrix,
-- role by role and object by object, and test/pgtap/23_privileges.sql checks
-- every cell of it against the catalog and by calling as each role.
--
-- PUBLIC gets nothing.  PostgreSQL grants EXECUTE to PUBLIC on every new
-- function, and every role with USAGE on the schema would inherit it: so it
-- is revoked from all of them here, and a function added later is executable
-- by nobody until it is granted (the test then asks for its row in the
-- matrix).  Functions that neither write (not volatile) nor run with the
-- owner's rights (not security definer) are granted to the three cleangov
-- roles: kernels, labels, readers that run under the caller's rights.  The
-- others are granted below by name, to the roles whose work needs them.

REVOKE EXECUTE ON ALL ROUTINES IN SCHEMA @extschema@ FROM PUBLIC;

DO $$
DECLARE
  f regprocedure;
BEGIN
  FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
            WHERE p.pronamespace = '@extschema@'::regnamespace
              AND p.provolatile <> 'v' AND NOT p.prosecdef
            ORDER BY p.oid LOOP
    EXECUTE pg_catalog.format('GRANT EXECUTE ON ROUTINE %s TO cleangov_admin, cleangov_analyst, cleangov_inspector', f);
  END LOOP;
END
$$;

-- Logistic regression over the caller's own rows, with the caller's rights.
GRANT EXECUTE ON FUNCTION @extschema@.logit_fit(text, float8, float8[], float8[], float8, int)
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;

-- Who may handle an alert: any cleangov role may ask about itself.
GRANT EXECUTE ON FUNCTION @extschema@.may_handle(text)
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;
-- volatile (it creates views in cleangov_bound), called by rule_definition_check with
-- the writer's rights inside the check's rolled-back subtransaction
GRANT EXECUTE ON FUNCTION @extschema@.rule_columns_read(@extschema@.rule_definition, text[])
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;

-- Threshold tuning (60_thresholds.sql): every role may ask which threshold a
-- rule's alerts carry (suggest_thresholds() needs it; the definition itself
-- stays hidden from inspectors); only the admin, who may change rules,
-- applies a suggestion.
GRANT EXECUTE ON FUNCTION @extschema@.rule_threshold_key(text)
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;
GRANT EXECUTE ON FUNCTION @extschema@.apply_threshold_suggestion(text, text, float8, text) TO cleangov_admin;

-- The closed loop: inspectors review, reopen and evaluate rectifications (the
-- functions check the unit).
GRANT EXECUTE ON FUNCTION @extschema@.review(bigint, text, text), @extschema@.reopen(bigint, text),
  @extschema@.evaluate_rectification(bigint, text, boolean, boolean, boolean, text, text)
  TO cleangov_admin, cleangov_inspector;

-- The admin raises and escalates alerts, attaches the closing trigger (CREATE
-- TRIGGER needs EXECUTE on its function), and runs the rule engine and the
-- index.  record_rule_failure() quarantines a rule: only the admin and the
-- functions that run rules (as their owner) may call it.
GRANT EXECUTE ON FUNCTION
  @extschema@.raise_alerts(@extschema@.hit[]),
  @extschema@.raise_alert(text, text, text, text, text, float8, float8, @extschema@.level, jsonb, text, text),
  @extschema@.escalate_overdue(timestamptz),
  @extschema@.attach_rectification(regclass, name),
  @extschema@.close_alert_on_rectification(),
  @extschema@.record_rule_failure(text, text, text, text, text),
  @extschema@.raise_rule_hits(@extschema@.hit[], text),
  @extschema@.release_rule(text),
  @extschema@.bind(text, regclass, jsonb, jsonb, jsonb),
  @extschema@.rebind(text),
  @extschema@.unbind(text),
  @extschema@.keep_empty_shapes(),
  @extschema@.run(text, text, boolean, boolean),
  @extschema@.track(regclass),
  @extschema@.untrack(regclass),
  @extschema@.note_source_change(),
  @extschema@.rewatch(regclass),
  @extschema@.watch(regclass),
  @extschema@.unwatch(regclass),
  @extschema@.forget_watch(oid, boolean),
  @extschema@.outbox_open(regclass),
  @extschema@.outbox_close(oid),
  @extschema@.drain_outbox(regclass, int),
  @extschema@.schedule_drain(interval, int),
  @extschema@.index_compute(text, text[], boolean),
  @extschema@.index_compute(text, text, boolean),
  @extschema@.index_warn(text, text[]),
  @extschema@.index_install_pizhou(boolean),
  @extschema@.compile_as(name, text, text),
  @extschema@.refresh_source_runners(),
  @extschema@.query_columns(name, text),
  @extschema@.train_model(text),
  @extschema@.score_model(text),
  @extschema@.model_load_rows(@extschema@.model),
  @extschema@.model_moments(@extschema@.model, int),
  @extschema@.model_evaluation(float8),
  @extschema@.model_lower_cutoff(float8, int),
  @extschema@.model_store_scores(@extschema@.model, @extschema@.model_version),
  @extschema@.model_lower_alerts(@extschema@.model, @extschema@.model_version)
  TO cleangov_admin;
GRANT EXECUTE ON PROCEDURE @extschema@.run_committing(text, text) TO cleangov_admin;
GRANT EXECUTE ON PROCEDURE @extschema@.drain_outbox_loop(interval, interval, int) TO cleangov_admin;

-- The profile of the bindings reads the bound data with the caller's rights:
-- the admin and the analyst, who read the data the rules read.
GRANT SELECT ON @extschema@.binding TO cleangov_admin, cleangov_analyst;
GRANT SELECT ON @extschema@.binding_profile TO cleangov_admin, cleangov_analyst;
-- Which subject keys an index serves: asks the planner with the caller's rights.
GRANT EXECUTE ON FUNCTION @extschema@.key_indexes() TO cleangov_admin, cleangov_analyst;
GRANT SELECT ON @extschema@.rule_definition TO cleangov_admin, cleangov_analyst;
GRANT SELECT ON @extschema@.shape, @extschema@.shape_column, @extschema@.code_list, @extschema@.relation_kind, @extschema@.code
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;

-- Trigger functions (shipped_row_*, rule_log_change, rule_touch, unit_no_cycle,
-- alert_status_guard, append_only, rewatch_all, the index checks) are granted
-- to nobody: a trigger fires whatever the writer's rights, and nobody needs
-- to create more triggers on them.
