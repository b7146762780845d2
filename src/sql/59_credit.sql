-- Enterprise integrity score, part 1 (doc/enterprise-credit.md): the code
-- lists of the credit shapes, the kinds of record a score counts (weights,
-- windows and the weight left after a repair, as data), and the functions
-- that read an enterprise's records from the bound shapes.  The framework
-- itself (indicators, bands) and the credit report are in 74_enterprise_credit.sql;
-- the rule CREDIT_RED_STILL_WINNING (src/library/procurement/) calls
-- enterprise_credit_red(), defined here so that it exists when the library
-- is installed.

INSERT INTO @extschema@.code_list (list, code, name_en, name_zh, description, origin) VALUES
 ('arrears_kind', 'tax', 'tax', '欠税', 'Taxes owed past their due date (a tax office''s arrears notice, 欠税公告).', 'cleangov'),
 ('arrears_kind', 'social_insurance', 'social insurance', '欠缴社会保险费', 'Social-insurance contributions owed past their due date.', 'cleangov'),
 ('credit_repair_record', 'penalty', 'administrative penalty', '行政处罚', 'A record of shape penalty.', 'cleangov'),
 ('credit_repair_record', 'dishonest_debtor', 'dishonest judgement debtor', '失信被执行人', 'A record of shape dishonest_debtor.', 'cleangov'),
 ('credit_repair_record', 'arrears', 'arrears', '欠税欠费', 'A record of shape arrears.', 'cleangov'),
 ('credit_repair_record', 'complaint', 'complaint', '投诉举报', 'A record of shape complaint.', 'cleangov'),
 ('repair_outcome', 'approved', 'approved', '准予修复', 'The repair was granted: the record is repaired from repaired_at on.', 'cleangov'),
 ('repair_outcome', 'refused', 'refused', '不予修复', 'The repair was refused: the record counts in full.', 'cleangov');

UPDATE @extschema@.shape_column c SET code_list = v.list
  FROM (VALUES ('arrears', 'kind', 'arrears_kind'), ('credit_repair', 'record_kind', 'credit_repair_record'),
               ('credit_repair', 'outcome', 'repair_outcome')) v(shape, column_name, list)
 WHERE (c.shape, c.column_name) = (v.shape, v.column_name);

-- What one record of each kind weighs in the score, for how long, and what
-- it still weighs once repaired.
CREATE TABLE @extschema@.credit_record_kind (
  record_kind     text PRIMARY KEY,
  shape           text NOT NULL REFERENCES @extschema@.shape,
  indicator_code  text NOT NULL,
  name_en         text NOT NULL,
  name_zh         text NOT NULL,
  weight          float8 NOT NULL DEFAULT 1
    CONSTRAINT credit_record_kind_weight CHECK (weight > 0 AND weight < 'Infinity'),
  repaired_weight float8 NOT NULL DEFAULT 0.5
    CONSTRAINT credit_record_kind_repaired CHECK (repaired_weight >= 0 AND repaired_weight <= 1),
  window_years    int
    CONSTRAINT credit_record_kind_window CHECK (window_years > 0),
  description     text NOT NULL,
  shipped         boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.credit_record_kind IS
  'Kinds of record the enterprise integrity score counts: the shape they come from, the indicator of framework enterprise_credit they feed, the weight of one record, the share of it a repaired record keeps (repaired_weight: 0.5 by default, cleangov''s default, see doc/enterprise-credit.md), and the window: an event (penalty, complaint, procurement flag) counts in the periods ending within window_years years after it; a state (dishonest-debtor listing, arrears: window_years NULL) counts in every period it was in force.';
CREATE TRIGGER credit_record_kind_changed BEFORE UPDATE ON @extschema@.credit_record_kind
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER credit_record_kind_restore BEFORE INSERT ON @extschema@.credit_record_kind
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('record_kind');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.credit_record_kind', 'WHERE NOT shipped');

INSERT INTO @extschema@.credit_record_kind (record_kind, shape, indicator_code, name_en, name_zh, weight, repaired_weight, window_years, description) VALUES
 ('penalty', 'penalty', 'EC.PEN', 'administrative penalty', '行政处罚', 1, 0.5, 3,
  'A penalty decided against the enterprise (penalty.party_id), for three years (the longest publicity period of a penalty, NDRC Order No. 58 of 2023).'),
 ('dishonest_debtor', 'dishonest_debtor', 'EC.DEBT', 'dishonest judgement debtor', '失信被执行人', 1, 0.5, NULL,
  'A listing as a dishonest judgement debtor, in every period from its listing until its removal.'),
 ('tax_arrears', 'arrears', 'EC.TAX', 'tax arrears', '欠税', 1, 0.5, NULL,
  'Taxes owed (arrears.kind tax), in every period from their date until settled.'),
 ('social_arrears', 'arrears', 'EC.SOC', 'social-insurance arrears', '欠缴社保费', 1, 0.5, NULL,
  'Social-insurance contributions owed (arrears.kind social_insurance), in every period from their date until settled.'),
 ('complaint', 'complaint', 'EC.CMP', 'complaint', '投诉举报', 1, 0.5, 1,
  'A complaint about the enterprise (complaint.subject_id), in the year it was received.'),
 ('procurement_flag', 'tender', 'EC.PROC', 'procurement flag', '公共资源交易预警', 1, 0.5, 1,
  'An alert of cleangov on the enterprise itself (subject kind enterprise: R025, R038, R048, ...) or on a tender it bid for or won (bid rigging, single bidder, ...), in the year of the tender (the firm''s award, else its bid, else the alert), not dismissed nor reviewed a false positive; an alert closed by a rectification counts as repaired from its closing.');

-- Every record behind the score of a period, with its weight.
CREATE FUNCTION @extschema@.enterprise_credit_records(period text, enterprise_key text DEFAULT NULL)
  RETURNS TABLE (enterprise_id text, record_kind text, record_id text, recorded_at date, ended_at date,
                 repaired boolean, repair_id text, repaired_at date, weight float8, indicator_code text, detail jsonb)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  r daterange := @extschema@.period_range(period);
  parts text[] := ARRAY[]::text[];
  repairs text;
BEGIN
  IF r IS NULL THEN
    RAISE EXCEPTION 'period % is not a year, quarter or month', period USING ERRCODE = '22007',
      HINT = 'Periods are written 2024 (year), 2024-Q2 (quarter) or 2024-03 (month).';
  END IF;
  -- One fixed fragment per bound shape: (enterprise, kind, key, date, end, shape, detail).
  IF to_regclass('cleangov_bound.penalty') IS NOT NULL THEN
    parts := array_append(parts, $q$SELECT p.party_id, 'penalty', p.penalty_id, p.decided_at::date, NULL::date, 'penalty',
                               jsonb_build_object('violation_type', p.violation_type, 'amount', p.amount, 'unit_code', p.unit_code)
                          FROM cleangov_bound.penalty p WHERE p.party_id IS NOT NULL AND p.decided_at IS NOT NULL$q$);
  END IF;
  IF to_regclass('cleangov_bound.dishonest_debtor') IS NOT NULL THEN
    parts := array_append(parts, $q$SELECT d.enterprise_id, 'dishonest_debtor', d.record_id, d.listed_at::date, d.removed_at::date, 'dishonest_debtor',
                               jsonb_build_object('court', d.court, 'case_no', d.case_no, 'obligation', d.obligation)
                          FROM cleangov_bound.dishonest_debtor d$q$);
  END IF;
  IF to_regclass('cleangov_bound.arrears') IS NOT NULL THEN
    parts := array_append(parts, $q$SELECT a.enterprise_id, CASE a.kind WHEN 'tax' THEN 'tax_arrears' ELSE 'social_arrears' END,
                               a.record_id, a.since::date, a.settled_at::date, 'arrears',
                               jsonb_build_object('kind', a.kind, 'amount', a.amount, 'unit_code', a.unit_code)
                          FROM cleangov_bound.arrears a WHERE a.kind IN ('tax', 'social_insurance')$q$);
  END IF;
  IF to_regclass('cleangov_bound.complaint') IS NOT NULL THEN
    parts := array_append(parts, $q$SELECT c.subject_id, 'complaint', c.complaint_id, c.received_at::date, NULL::date, 'complaint',
                               jsonb_build_object('category', c.category, 'unit_code', c.unit_code)
                          FROM cleangov_bound.complaint c WHERE c.subject_id IS NOT NULL AND c.received_at IS NOT NULL$q$);
  END IF;
  -- Procurement flags: the caller's alerts (row-level security applies).
  parts := array_append(parts, $q$SELECT a.subject_key, 'procurement_flag', a.alert_id::text, a.raised_at::date, NULL::date, 'alert',
                             jsonb_build_object('rule_code', a.rule_code, 'level', a.level, 'on', a.subject_kind, 'status', a.status,
                                                'closed_at', a.closed_at, 'rectified', a.closed_by_rectification IS NOT NULL)
                        FROM @extschema@.alert a
                       WHERE a.subject_kind = 'enterprise' AND a.status <> 'dismissed'
                         AND a.review_verdict IS DISTINCT FROM 'false_positive'
                         AND a.rule_code NOT LIKE 'CREDIT\_%' AND a.rule_code NOT LIKE 'IDX\_%'$q$);
  IF to_regclass('cleangov_bound.bid') IS NOT NULL AND to_regclass('cleangov_bound.award') IS NOT NULL THEN
    parts := array_append(parts, $q$SELECT f.firm, 'procurement_flag', a.alert_id::text, coalesce(f.on_date, a.raised_at::date), NULL::date, 'alert',
                               jsonb_build_object('rule_code', a.rule_code, 'level', a.level, 'on', a.subject_kind, 'tender_id', a.subject_key,
                                                  'role', f.role, 'status', a.status, 'closed_at', a.closed_at,
                                                  'rectified', a.closed_by_rectification IS NOT NULL)
                          FROM @extschema@.alert a
                          JOIN (SELECT w.tender_id, w.supplier_id AS firm, 'supplier' AS role, min(w.awarded_at)::date AS on_date
                                  FROM cleangov_bound.award w WHERE coalesce(w.status, 'active') <> 'cancelled'
                                 GROUP BY 1, 2
                                UNION ALL
                                SELECT b.tender_id, b.bidder_id, 'tenderer', min(b.submitted_at)::date
                                  FROM cleangov_bound.bid b
                                 WHERE NOT EXISTS (SELECT FROM cleangov_bound.award w
                                                    WHERE w.tender_id = b.tender_id AND w.supplier_id = b.bidder_id
                                                      AND coalesce(w.status, 'active') <> 'cancelled')
                                 GROUP BY 1, 2) f ON f.tender_id = a.subject_key
                         WHERE a.subject_kind = 'tender' AND a.status <> 'dismissed'
                           AND a.review_verdict IS DISTINCT FROM 'false_positive'$q$);
  END IF;
  repairs := CASE WHEN to_regclass('cleangov_bound.credit_repair') IS NOT NULL THEN
    $q$LEFT JOIN LATERAL (SELECT p.repair_id, p.repaired_at::date AS repaired_at
                            FROM cleangov_bound.credit_repair p
                           WHERE p.enterprise_id = x.firm AND p.record_kind = x.shape AND p.record_id = x.key
                             AND p.outcome = 'approved' AND p.repaired_at IS NOT NULL
                           ORDER BY p.repaired_at, p.repair_id LIMIT 1) rp ON true$q$
    ELSE 'LEFT JOIN (SELECT NULL::text AS repair_id, NULL::date AS repaired_at) rp ON true' END;
  RETURN QUERY EXECUTE format($q$
    SELECT x.firm, x.kind, x.key, x.at, x.ended, w.repaired_at IS NOT NULL, w.repair_id, w.repaired_at,
           k.weight * CASE WHEN w.repaired_at IS NOT NULL THEN k.repaired_weight ELSE 1 END,
           k.indicator_code, x.detail
      FROM (%s) x(firm, kind, key, at, ended, shape, detail)
      JOIN @extschema@.credit_record_kind k ON k.record_kind = x.kind
      %s
     CROSS JOIN LATERAL (SELECT CASE WHEN x.shape = 'alert' THEN CASE WHEN (x.detail ->> 'rectified')::boolean
                                                                  THEN (x.detail ->> 'closed_at')::date END
                                     ELSE rp.repaired_at END AS repaired_at,
                                CASE WHEN x.shape = 'alert' THEN NULL ELSE rp.repair_id END AS repair_id) w0
     CROSS JOIN LATERAL (SELECT CASE WHEN w0.repaired_at < upper($1) THEN w0.repaired_at END AS repaired_at,
                                CASE WHEN w0.repaired_at < upper($1) THEN w0.repair_id END AS repair_id) w
     WHERE x.firm IS NOT NULL AND ($2 IS NULL OR x.firm = $2)
       AND x.at < upper($1)
       AND CASE WHEN k.window_years IS NULL THEN x.ended IS NULL OR x.ended >= lower($1)
                ELSE x.at >= (upper($1) - make_interval(years => k.window_years))::date END$q$,
    array_to_string(parts, ' UNION ALL '), repairs)
  USING r, enterprise_key;
END
$$;
COMMENT ON FUNCTION @extschema@.enterprise_credit_records(text, text) IS
  'Every record behind the enterprise integrity score of a period (2024, 2024-Q2, 2024-03), for one enterprise or all: penalties (shape penalty), dishonest-debtor listings, tax and social-insurance arrears, complaints, and procurement flags (alerts on the enterprise or on tenders it bid for or won, as the caller may read them), each with its date, end, the approved repair that took effect before the period ended (a rectified alert: its closing), its weight (credit_record_kind: weight, times repaired_weight when repaired) and the indicator it feeds. Shapes not bound are left out. Reads the bound shapes with the caller''s rights; 22007 for a period that is none. Stable because it only reads.';

-- The values of one indicator of framework enterprise_credit: the weighted
-- records of its kinds per enterprise, 0 for an enterprise without any.
CREATE FUNCTION @extschema@.enterprise_credit_values(period text, indicator text)
  RETURNS TABLE (subject_kind text, subject_key text, value float8)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM @extschema@.credit_record_kind k WHERE k.indicator_code = indicator) THEN
    RAISE EXCEPTION 'no kind of credit record feeds indicator %', indicator USING ERRCODE = '42704',
      HINT = 'The kinds and their indicators are in cleangov.credit_record_kind.';
  END IF;
  RETURN QUERY EXECUTE format($q$
    WITH r AS (SELECT * FROM @extschema@.enterprise_credit_records($1))
    SELECT 'enterprise'::text, e.firm, coalesce(s.v, 0)::float8
      FROM (SELECT r.enterprise_id AS firm FROM r %s) e
      LEFT JOIN (SELECT r.enterprise_id AS firm, sum(r.weight) AS v FROM r WHERE r.indicator_code = $2 GROUP BY 1) s
        USING (firm)
     WHERE e.firm IS NOT NULL$q$,
    CASE WHEN to_regclass('cleangov_bound.enterprise') IS NOT NULL
         THEN 'UNION SELECT x.enterprise_id FROM cleangov_bound.enterprise x' ELSE 'GROUP BY 1' END)
  USING period, indicator;
END
$$;
COMMENT ON FUNCTION @extschema@.enterprise_credit_values(text, text) IS
  'Source of an indicator of framework enterprise_credit: per enterprise (every bound enterprise, and every one with a record), the sum of the weights of its records of the period that feed the indicator (enterprise_credit_records), 0 when none; 42704 for an indicator no kind of record feeds. Stable because it only reads.';

-- The periods in which an enterprise's score was in the framework's worst
-- band, and the dates that band stood: from the day after the last record
-- the score counts (from the period's start when the period before was in
-- the worst band too) until the period's end, or until the end of the next
-- period while that one has no score yet.
CREATE FUNCTION @extschema@.enterprise_credit_red(framework text DEFAULT 'enterprise_credit')
  RETURNS TABLE (enterprise_id text, period text, composite float8, level @extschema@.level,
                 red_since date, red_until date)
  LANGUAGE plpgsql STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  worst @extschema@.level;
BEGIN
  SELECT b.levels[cardinality(b.levels)] INTO worst
    FROM @extschema@.index_framework f JOIN @extschema@.band_scheme b ON b.scheme_code = f.scheme_code
   WHERE f.framework_code = enterprise_credit_red.framework;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no index framework %', framework USING ERRCODE = '42704',
      HINT = 'SELECT cleangov.enterprise_credit_install() installs framework enterprise_credit.';
  END IF;
  RETURN QUERY
  WITH s AS (
    SELECT s.subject_key, s.period, s.composite, s.level, @extschema@.period_range(s.period) AS r
      FROM @extschema@.index_score s
     WHERE s.framework_code = enterprise_credit_red.framework AND s.subject_kind = 'enterprise')
  SELECT s.subject_key, s.period, s.composite, s.level,
         CASE WHEN EXISTS (SELECT FROM s p WHERE p.subject_key = s.subject_key AND upper(p.r) = lower(s.r) AND p.level = worst)
              THEN lower(s.r)
              ELSE greatest(lower(s.r),
                            (SELECT max(x.recorded_at) + 1 FROM @extschema@.enterprise_credit_records(s.period, s.subject_key) x)) END,
         CASE WHEN EXISTS (SELECT FROM s n WHERE n.subject_key = s.subject_key AND lower(n.r) = upper(s.r))
              THEN upper(s.r)
              ELSE upper(@extschema@.period_range(CASE @extschema@.period_kind(s.period)
                                                    WHEN 'year' THEN to_char(upper(s.r), 'YYYY')
                                                    WHEN 'quarter' THEN to_char(upper(s.r), 'YYYY-"Q"Q')
                                                    ELSE to_char(upper(s.r), 'YYYY-MM') END)) END
    FROM s
   WHERE s.level = worst;
END
$$;
COMMENT ON FUNCTION @extschema@.enterprise_credit_red(text) IS
  'Periods in which an enterprise''s integrity score (framework enterprise_credit, or another framework scoring enterprises) fell in the worst band of the framework''s scheme (red), with the dates that band stood: red_since = the day after the last record the score counts (every record the red score rests on was known by then), or the period''s start when the period before was red too; red_until (exclusive) = the period''s end, or the next period''s end while the next period has no score. Read by rule CREDIT_RED_STILL_WINNING; 42704 for an unknown framework. Stable because it only reads.';
