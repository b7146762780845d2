-- Enterprise integrity score, part 2 (doc/enterprise-credit.md): the
-- framework enterprise_credit of the integrity index (indicators, weights
-- and bands as data, computed by index_compute with enterprises as
-- subjects), and the credit report (seed 004: one report instead of 15
-- certificates).  The records behind it: 59_credit.sql.

INSERT INTO @extschema@.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels, measure, description) VALUES
  ('credit4', 'enterprise credit bands', '企业信用等级', false, '{90,80,70}', '{green,blue,yellow,red}', 'value',
   'Enterprise integrity score 0-100, low is bad: below 90 blue, below 80 yellow, below 70 red. cleangov''s defaults (the seeds name the score, not its bands): one dishonest-debtor listing alone leaves 70 (yellow), with one penalty more the score is red.');

-- Security definer: the shipped framework is written by the extension's
-- owner, so its SQL-defined indicators are owned by it (as Pizhou's D2.3.1).
CREATE FUNCTION @extschema@.enterprise_credit_install() RETURNS int
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  n int;
BEGIN
  IF EXISTS (SELECT FROM @extschema@.index_framework WHERE framework_code = 'enterprise_credit') THEN
    RAISE EXCEPTION 'index framework enterprise_credit is already installed' USING ERRCODE = '42710',
      HINT = 'DELETE FROM cleangov.index_framework WHERE framework_code = ''enterprise_credit'' removes it with its indicators, values and results.';
  END IF;
  INSERT INTO @extschema@.index_framework (framework_code, name, name_zh, period_kind, scheme_code, person_rule, description)
  VALUES ('enterprise_credit', 'Enterprise integrity score', '企业信用评分（市场诚信）', 'year', 'credit4', 'none',
          'Per enterprise and year: administrative penalties, dishonest-judgement-debtor listings, tax and social-insurance arrears, procurement flags and complaints, each record weighted by cleangov.credit_record_kind (a repaired record keeps repaired_weight of its weight); banded by credit4 (seeds 002 and 004).');
  INSERT INTO @extschema@.indicator (framework_code, indicator_code, parent_code, name_zh, name, weight, higher_is,
                                     method, worst, best, valid_min, valid_max, unit_of_measure, subject_kinds, sort_order)
  SELECT 'enterprise_credit', c, p, z, e, w, 'riskier', m, wo, be, CASE WHEN m IS NOT NULL THEN 0 END,
         CASE WHEN m IS NOT NULL THEN 1e9 END, u, '{enterprise}', row_number() OVER ()
    FROM (VALUES
      ('EC.REG', NULL, '行政监管', 'Administrative supervision', 3.0, NULL, NULL, NULL, NULL),
      ('EC.PEN', 'EC.REG', '行政处罚', 'Administrative penalties (weighted)', 1, 'bounds', 3, 0, 'penalties'),
      ('EC.JUD', NULL, '司法失信', 'Judicial dishonesty', 3.0, NULL, NULL, NULL, NULL),
      ('EC.DEBT', 'EC.JUD', '失信被执行人', 'Dishonest-judgement-debtor listings (weighted)', 1, 'bounds', 1, 0, 'listings'),
      ('EC.OBL', NULL, '纳税缴费', 'Taxes and social insurance', 1.5, NULL, NULL, NULL, NULL),
      ('EC.TAX', 'EC.OBL', '欠税', 'Tax arrears (weighted)', 1, 'bounds', 2, 0, 'records'),
      ('EC.SOC', 'EC.OBL', '欠缴社保费', 'Social-insurance arrears (weighted)', 1, 'bounds', 2, 0, 'records'),
      ('EC.TRD', NULL, '公共资源交易', 'Conduct in public procurement', 1.5, NULL, NULL, NULL, NULL),
      ('EC.PROC', 'EC.TRD', '交易预警', 'Procurement flags (weighted)', 1, 'bounds', 5, 0, 'alerts'),
      ('EC.PUB', NULL, '社会评价', 'Public reputation', 1.0, NULL, NULL, NULL, NULL),
      ('EC.CMP', 'EC.PUB', '投诉举报', 'Complaints (weighted)', 1, 'bounds', 10, 0, 'complaints')
    ) v(c, p, z, e, w, m, wo, be, u)
   ORDER BY p NULLS FIRST;
  -- Each leaf sums the weighted records of its kinds (credit_record_kind).
  UPDATE @extschema@.indicator i
     SET source_query = format('SELECT * FROM @extschema@.enterprise_credit_values($1, %L)', i.indicator_code)
   WHERE i.framework_code = 'enterprise_credit' AND i.method IS NOT NULL;
  SELECT count(*)::int INTO n FROM @extschema@.indicator WHERE framework_code = 'enterprise_credit';
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.enterprise_credit_install() IS
  'Installs framework enterprise_credit of the integrity index: five first-level indicators (administrative supervision 3, judicial dishonesty 3, taxes and social insurance 1.5, public procurement 1.5, public reputation 1) over six leaves that sum the weighted credit records of a year per enterprise (enterprise_credit_values), scored by bounds (0 records = 100; 3 penalties, 1 listing, 2 arrears, 5 flags, 10 complaints = 0), banded by credit4. Compute it with index_compute(''enterprise_credit'', ''2024''). Returns the number of indicators; 42710 if already installed. Security definer: the indicators'' queries are owned by the extension''s owner. Volatile because it inserts rows; parallel unsafe because it writes.';

-- The credit report: everything about one enterprise in one row set.
CREATE FUNCTION @extschema@.enterprise_credit_report(enterprise_key text, year text DEFAULT NULL,
                                                     repair_limit_days int DEFAULT 2)
  RETURNS TABLE (section text, item text, period text, happened_on date, value float8,
                 level @extschema@.level, detail jsonb)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  p text := enterprise_credit_report.year;
BEGIN
  IF enterprise_key IS NULL THEN
    RAISE EXCEPTION 'no enterprise given' USING ERRCODE = '22004';
  END IF;
  IF repair_limit_days IS NULL OR repair_limit_days < 0 THEN
    RAISE EXCEPTION 'repair time limit must be a number of working days, not %', repair_limit_days USING ERRCODE = '22023';
  END IF;
  IF p IS NULL THEN
    SELECT max(s.period) INTO p FROM @extschema@.index_score s
     WHERE s.framework_code = 'enterprise_credit' AND s.subject_kind = 'enterprise' AND s.subject_key = enterprise_key;
  END IF;
  IF p IS NOT NULL AND @extschema@.period_kind(p) IS DISTINCT FROM 'year' THEN
    RAISE EXCEPTION 'period % is not a year (framework enterprise_credit)', p USING ERRCODE = '22007';
  END IF;

  -- the enterprise
  IF to_regclass('cleangov_bound.enterprise') IS NOT NULL THEN
    RETURN QUERY EXECUTE
      $q$SELECT 'enterprise'::text, e.enterprise_id, NULL::text, NULL::date, NULL::float8, NULL::@extschema@.level,
                jsonb_strip_nulls(jsonb_build_object('name', e.name, 'uscc', e.uscc, 'address', e.address,
                                                     'legal_rep_id', e.legal_rep_id))
           FROM cleangov_bound.enterprise e WHERE e.enterprise_id = $1$q$ USING enterprise_key;
  END IF;
  -- its score per computed year, and the indicators of the report's year
  RETURN QUERY
  SELECT 'score'::text, s.framework_code, s.period, upper(@extschema@.period_range(s.period)) - 1, s.composite, s.level,
         jsonb_build_object('first_level', (SELECT jsonb_object_agg(c.code, round(c.score::numeric, 2))
                                              FROM unnest(r.node_codes, r.depths, s.scores) c(code, depth, score)
                                             WHERE c.depth = 1 AND c.score IS NOT NULL))
    FROM @extschema@.index_score s JOIN @extschema@.index_run r USING (framework_code, period, subject_kind)
   WHERE s.framework_code = 'enterprise_credit' AND s.subject_kind = 'enterprise' AND s.subject_key = enterprise_key
   ORDER BY s.period;
  RETURN QUERY
  SELECT 'indicator'::text, c.code, s.period, NULL::date, c.score, NULL::@extschema@.level,
         jsonb_build_object('name_zh', i.name_zh, 'name', i.name, 'depth', c.depth,
                            'points', round(c.points::numeric, 2), 'weight', i.weight)
    FROM @extschema@.index_score s JOIN @extschema@.index_run r USING (framework_code, period, subject_kind)
   CROSS JOIN LATERAL unnest(r.node_codes, r.depths, s.scores, s.contributions) WITH ORDINALITY c(code, depth, score, points, pos)
    LEFT JOIN @extschema@.indicator i ON i.framework_code = s.framework_code AND i.indicator_code = c.code
   WHERE s.framework_code = 'enterprise_credit' AND s.subject_kind = 'enterprise' AND s.subject_key = enterprise_key
     AND s.period = p
   ORDER BY c.pos;
  -- every record behind the score, procurement flags apart
  IF p IS NOT NULL THEN
    RETURN QUERY
    SELECT CASE WHEN x.record_kind = 'procurement_flag' THEN 'procurement_flag' ELSE 'record' END,
           x.record_kind, p, x.recorded_at, x.weight, NULL::@extschema@.level,
           x.detail || jsonb_build_object('record_id', x.record_id, 'ended_at', x.ended_at, 'indicator', x.indicator_code,
                                          'repaired', x.repaired, 'repair_id', x.repair_id, 'repaired_at', x.repaired_at)
      FROM @extschema@.enterprise_credit_records(p, enterprise_key) x
     ORDER BY x.record_kind = 'procurement_flag', x.recorded_at, x.record_kind, x.record_id;
  END IF;
  -- its repairs, with the time limit they keep
  IF to_regclass('cleangov_bound.credit_repair') IS NOT NULL THEN
    RETURN QUERY EXECUTE format($q$
      SELECT 'repair'::text, r.repair_id, NULL::text, coalesce(c.submitted_at, r.repaired_at)::date, d.days::float8,
             ta.level,
             jsonb_build_object('record_kind', r.record_kind, 'record_id', r.record_id, 'outcome', r.outcome,
                                'repaired_at', r.repaired_at, 'case_id', r.case_id, 'submitted_at', c.submitted_at,
                                'decided_at', c.decided_at, 'working_days', d.days, 'time_limit_days', d.lim,
                                'overdue', d.days > d.lim, 'time_limit_alert', ta.alert_id)
        FROM cleangov_bound.credit_repair r
        %s
       CROSS JOIN LATERAL (SELECT @extschema@.working_days(c.submitted_at::date, coalesce(c.decided_at, now())::date) AS days,
                                  coalesce(c.time_limit_days, $2) AS lim) d
        LEFT JOIN LATERAL (SELECT a.alert_id, a.level FROM @extschema@.alert a
                            WHERE a.rule_code = 'APPR_TIME_LIMIT' AND a.subject_key = r.case_id
                            ORDER BY a.raised_at DESC, a.alert_id DESC LIMIT 1) ta ON true
       WHERE r.enterprise_id = $1
       ORDER BY 4, r.repair_id$q$,
      CASE WHEN to_regclass('cleangov_bound.approval_case') IS NOT NULL
           THEN 'LEFT JOIN cleangov_bound.approval_case c ON c.case_id = r.case_id'
           ELSE 'LEFT JOIN (SELECT NULL::text AS case_id, NULL::timestamptz AS submitted_at, NULL::timestamptz AS decided_at, NULL::numeric AS time_limit_days) c ON false' END)
    USING enterprise_key, repair_limit_days;
  END IF;
  -- awards while in the red band
  RETURN QUERY
  SELECT 'red_award'::text, a.alert_id::text, a.period, a.raised_at::date, a.value, a.level, a.evidence
    FROM @extschema@.alert a
   WHERE a.rule_code = 'CREDIT_RED_STILL_WINNING' AND a.subject_key = enterprise_key
   ORDER BY a.period, a.alert_id;
END
$$;
COMMENT ON FUNCTION @extschema@.enterprise_credit_report(text, text, int) IS
  'Credit report of one enterprise (信用报告, seed 004: one report instead of 15 certificates) in one row set (section, item, period, happened_on, value, level, detail): enterprise (name, credit code), score (composite and level of every computed year of framework enterprise_credit, first-level scores), indicator (every node of the report''s year: score, points taken off), record (every penalty, dishonest-debtor listing, arrears and complaint behind that year''s score, with its weight and repair), procurement_flag (the alerts counted), repair (every credit repair: outcome, working days taken against the case''s time limit or repair_limit_days, 2 by seed 004, overdue, the APPR_TIME_LIMIT alert), red_award (CREDIT_RED_STILL_WINNING alerts). year: the year reported (NULL: the latest computed); 22004 without an enterprise, 22007 for a period that is no year, 22023 for a negative limit. Security definer: reads the bound records and the alerts as the extension''s owner, so EXECUTE is the admin''s and the analyst''s only (the roles that read the index). Stable because it only reads.';
