-- Corruption Risk Index (CRI): elementary red flags per tender, scored 0-1,
-- averaged over the flags available, and per buyer and per supplier the mean
-- over their tenders (doc/cri.md).  The method is the Government
-- Transparency Institute's (Fazekas; the World Bank's ProACT platform): each
-- flag is 0 (no risk), 1 (risk) or, where ProACT grades it, 0.5; a flag that
-- cannot be computed for a tender is NULL and left out of its mean, never 0.
--
-- The flags read the bound shapes tender, bid, award, contract,
-- consortium_member and party.  A shape that is not bound reads as empty
-- (the flags it feeds are NULL), so the views work with any subset of
-- bindings; without a bound tender there is nothing to score.  The bound
-- views are read with the reader's rights (they are security_invoker), so
-- the CRI shows a role exactly what it may read of the bound tables.
--
-- The settings are data: cleangov.cri_threshold (periods, the buyer share;
-- those a rule already owns are read from the rule's thresholds, so R003's
-- days and PROC_BUYER_DEPENDENCE's share have one source of truth),
-- cleangov.cri_method (the score of each procurement method) and
-- cleangov.cri_tax_haven (the jurisdictions counted as tax havens; empty as
-- shipped, and while it is empty the tax-haven flag is NULL).

CREATE TABLE @extschema@.cri_threshold (
  threshold_name text PRIMARY KEY,
  value          float8
    CONSTRAINT cri_threshold_value CHECK (value >= 0 AND value < 'Infinity'),
  rule_code      text REFERENCES @extschema@.rule (rule_code) ON UPDATE CASCADE,
  threshold_key  text,
  description    text NOT NULL,
  shipped        boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  CONSTRAINT cri_threshold_one_source CHECK ((value IS NULL) = (rule_code IS NOT NULL)
                                             AND (rule_code IS NULL) = (threshold_key IS NULL))
);
COMMENT ON TABLE @extschema@.cri_threshold IS
  'Settings of the Corruption Risk Index flags (doc/cri.md): a value of its own, or (rule_code, threshold_key) when a rule owns the setting, read from that rule''s thresholds so that both use one number. Editable by cleangov_admin; shipped rows are marked shipped.';
-- R003's day threshold is "threshold" under Cardinal's setting names (issue
-- 13) and was "days" before: the row names the key R003 has.
INSERT INTO @extschema@.cri_threshold (threshold_name, value, rule_code, threshold_key, description)
SELECT 'advertisement_short_days', NULL, 'R003', CASE WHEN r.thresholds ? 'threshold' THEN 'threshold' ELSE 'days' END,
       'Advertisement period (whole days from publication to the submission deadline) below this scores 1: R003''s threshold (Cardinal''s short submission period).'
  FROM @extschema@.rule r WHERE r.rule_code = 'R003';
INSERT INTO @extschema@.cri_threshold (threshold_name, value, rule_code, threshold_key, description) VALUES
  ('advertisement_moderate_days', 30, NULL, NULL,
   'Advertisement period below this (and not below advertisement_short_days) scores 0.5 (ProACT''s middle grade; Fazekas: under 30 days single bidding is markedly more likely). Equal to advertisement_short_days: no middle band.'),
  ('decision_short_days', 3, NULL, NULL,
   'Decision period (whole days from the submission deadline to the first award) below this scores 1: no time for the 3-day publicity of the winning candidates (招标投标法实施条例 art. 54). Not calibrated: tune on your data.'),
  ('decision_long_days', 90, NULL, NULL,
   'Decision period of this many days or more scores 1: longer than a common bid validity period. Not calibrated: tune on your data.'),
  ('buyer_share', NULL, 'PROC_BUYER_DEPENDENCE', 'share',
   'A supplier''s share of its buyer''s yearly contract value above this scores 1: PROC_BUYER_DEPENDENCE''s share.'),
  ('buyer_min_contracts', NULL, 'PROC_BUYER_DEPENDENCE', 'min_contracts',
   'The buyer-dependence flag is computed only for buyers with at least this many contracts that year: PROC_BUYER_DEPENDENCE''s min_contracts.');
CREATE TRIGGER cri_threshold_changed BEFORE UPDATE ON @extschema@.cri_threshold
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER cri_threshold_restore BEFORE INSERT ON @extschema@.cri_threshold
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('threshold_name');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cri_threshold', 'WHERE NOT shipped');

CREATE TABLE @extschema@.cri_method (
  method   text PRIMARY KEY,
  list     text NOT NULL DEFAULT 'method' CONSTRAINT cri_method_list CHECK (list = 'method'),
  score    float8 NOT NULL CONSTRAINT cri_method_score CHECK (score >= 0 AND score <= 1),
  shipped  boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  FOREIGN KEY (list, method) REFERENCES @extschema@.code_list (list, code)
);
COMMENT ON TABLE @extschema@.cri_method IS
  'Score of the non-open-procedure flag of the Corruption Risk Index per procurement method (code list method): open and random draw 0, every other method 1 (ProACT''s non-open procedure). A method not listed scores NULL (not computable). Editable by cleangov_admin; shipped rows are marked shipped.';
INSERT INTO @extschema@.cri_method (method, score) VALUES
  ('open', 0), ('selective', 1), ('limited', 1), ('direct', 1), ('draw', 0);
CREATE TRIGGER cri_method_changed BEFORE UPDATE ON @extschema@.cri_method
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER cri_method_restore BEFORE INSERT ON @extschema@.cri_method
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('method');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cri_method', 'WHERE NOT shipped');

CREATE TABLE @extschema@.cri_tax_haven (
  country  text PRIMARY KEY
    CONSTRAINT cri_tax_haven_country CHECK (country = btrim(country) AND country <> ''),
  note     text
);
COMMENT ON TABLE @extschema@.cri_tax_haven IS
  'Jurisdictions counted as tax havens by the Corruption Risk Index: a supplier whose party.country_name equals one of them (ignoring case and surrounding spaces; list every spelling your data uses: name, code, 中文名) sets the tender''s tax-haven flag. Empty as shipped (ProACT takes the Tax Justice Network''s Financial Secrecy Index; which list applies is the user''s choice): while it is empty the flag is NULL everywhere.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.cri_tax_haven', '');

GRANT SELECT ON @extschema@.cri_threshold, @extschema@.cri_method, @extschema@.cri_tax_haven
  TO cleangov_admin, cleangov_analyst, cleangov_inspector;
GRANT INSERT, UPDATE, DELETE ON @extschema@.cri_threshold, @extschema@.cri_method, @extschema@.cri_tax_haven
  TO cleangov_admin;

-- The value of a setting, from the rule that owns it when one does.
-- stable because it reads the settings and the rules' thresholds
CREATE FUNCTION @extschema@.cri_threshold_value(threshold_name text)
RETURNS float8
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  s @extschema@.cri_threshold;
  raw jsonb;
  v float8;
BEGIN
  SELECT * INTO s FROM @extschema@.cri_threshold t WHERE t.threshold_name = cri_threshold_value.threshold_name;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no CRI threshold %', coalesce(threshold_name, 'NULL')
      USING ERRCODE = 'undefined_object', HINT = 'The settings are the rows of cleangov.cri_threshold.';
  END IF;
  IF s.rule_code IS NULL THEN
    RETURN s.value;
  END IF;
  SELECT r.thresholds -> s.threshold_key INTO raw FROM @extschema@.rule r WHERE r.rule_code = s.rule_code;
  IF jsonb_typeof(raw) IS DISTINCT FROM 'number' THEN
    RAISE EXCEPTION 'CRI threshold % is taken from threshold "%" of rule %, which is %',
      s.threshold_name, s.threshold_key, s.rule_code, coalesce('not a number but ' || raw::text, 'not set')
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Give the rule that threshold as a number, or point the CRI threshold to another key or give it a value of its own.';
  END IF;
  v := (raw #>> '{}')::float8;
  IF NOT (v >= 0 AND v < 'Infinity') THEN
    RAISE EXCEPTION 'CRI threshold % (threshold "%" of rule %) must be a finite number >= 0, not %',
      s.threshold_name, s.threshold_key, s.rule_code, v USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN v;
END
$$;
COMMENT ON FUNCTION @extschema@.cri_threshold_value(text) IS
  'The value of a Corruption Risk Index setting (cleangov.cri_threshold): its own value, or the number its rule holds under threshold_key; 42704 for an unknown setting, 22023 when the rule''s threshold is missing, not a number or negative. Stable because it reads the settings and the rules.';

-- The flags of every tender.  The SQL names the bound views; a shape that is
-- not bound is replaced by an empty stand-in of its columns (shape_stand_in),
-- so that it reads as "no rows".  Fixed SQL: only the stand-ins, built from
-- the catalog of shapes, are spliced in; the settings are parameters.
-- stable because it reads the bound data and the settings
CREATE FUNCTION @extschema@.cri_tenders()
RETURNS TABLE (tender_id text, buyer_id text, unit_code text, method text, process_date timestamptz,
               suppliers text[], bids integer, advertisement_days integer, decision_days integer,
               buyer_share float8,
               single_bid float8, no_call_for_tenders float8, non_open_procedure float8,
               short_advertisement float8, decision_period float8, tax_haven_supplier float8,
               buyer_dependence float8, flags integer, cri float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  q text := $q$
WITH t AS (
  SELECT t.tender_id, t.buyer_id, t.unit_code, t.method, t.period_start, t.period_end, t.number_of_tenderers
    FROM cleangov_bound.tender t
   WHERE t.status IS NULL OR t.status NOT IN ('cancelled', 'unsuccessful', 'withdrawn')),
called AS (
  SELECT EXISTS (SELECT FROM cleangov_bound.tender t WHERE t.period_start IS NOT NULL) AS recorded),
b AS (
  SELECT b.tender_id, count(DISTINCT b.bidder_id)::int AS n
    FROM cleangov_bound.bid b
   WHERE b.status IS NULL OR b.status NOT IN ('invited', 'withdrawn')
   GROUP BY b.tender_id),
a AS (
  SELECT a.award_id, a.tender_id, a.supplier_id, a.awarded_at
    FROM cleangov_bound.award a
   WHERE a.status IS NULL OR a.status = 'active'),
ad AS (
  SELECT a.tender_id, min(a.awarded_at) AS first_award FROM a GROUP BY a.tender_id),
c AS (
  SELECT coalesce(c.tender_id, ca.tender_id) AS tender_id, c.buyer_id, c.supplier_id, c.amount, c.signed_at
    FROM cleangov_bound.contract c
    LEFT JOIN cleangov_bound.award ca ON ca.award_id = c.award_id),
cd AS (
  SELECT c.tender_id, min(c.signed_at) AS first_signed FROM c WHERE c.tender_id IS NOT NULL GROUP BY c.tender_id),
s AS (
  SELECT a.tender_id, a.supplier_id FROM a
  UNION
  SELECT a.tender_id, m.member_id
    FROM a JOIN cleangov_bound.consortium_member m ON m.of_kind = 'award' AND m.of_id = a.award_id
  UNION
  SELECT c.tender_id, c.supplier_id FROM c WHERE c.tender_id IS NOT NULL),
sl AS (
  SELECT s.tender_id, array_agg(s.supplier_id ORDER BY s.supplier_id) AS suppliers
    FROM s WHERE s.supplier_id IS NOT NULL GROUP BY s.tender_id),
th AS (
  SELECT s.tender_id,
         bool_or(EXISTS (SELECT FROM @extschema@.cri_tax_haven h WHERE lower(h.country) = lower(btrim(p.country_name)))) AS haven
    FROM s JOIN cleangov_bound.party p ON p.tender_id = s.tender_id AND p.party_id = s.supplier_id
   WHERE btrim(p.country_name) <> ''
   GROUP BY s.tender_id),
cy AS (
  SELECT c.tender_id,
         sum(c.amount) OVER (PARTITION BY c.buyer_id, to_char(c.signed_at, 'YYYY'), c.supplier_id) AS spent,
         sum(c.amount) OVER (PARTITION BY c.buyer_id, to_char(c.signed_at, 'YYYY')) AS total,
         count(*) OVER (PARTITION BY c.buyer_id, to_char(c.signed_at, 'YYYY')) AS contracts
    FROM c WHERE c.signed_at IS NOT NULL AND c.amount > 0),
bd AS (
  SELECT cy.tender_id, max((cy.spent / cy.total)::float8) FILTER (WHERE cy.contracts >= $6) AS share
    FROM cy WHERE cy.tender_id IS NOT NULL
   GROUP BY cy.tender_id),
f AS (
  SELECT t.tender_id, t.buyer_id, t.unit_code, t.method, t.period_start,
         coalesce(t.period_start, t.period_end, ad.first_award, cd.first_signed) AS process_date,
         sl.suppliers, coalesce(t.number_of_tenderers, b.n) AS bids,
         floor(extract(epoch FROM t.period_end - t.period_start) / 86400)::int AS adv_days,
         floor(extract(epoch FROM ad.first_award - t.period_end) / 86400)::int AS dec_days,
         bd.share, th.haven, m.score AS method_score, called.recorded
    FROM t CROSS JOIN called
    LEFT JOIN b ON b.tender_id = t.tender_id
    LEFT JOIN ad ON ad.tender_id = t.tender_id
    LEFT JOIN cd ON cd.tender_id = t.tender_id
    LEFT JOIN sl ON sl.tender_id = t.tender_id
    LEFT JOIN th ON th.tender_id = t.tender_id
    LEFT JOIN bd ON bd.tender_id = t.tender_id
    LEFT JOIN @extschema@.cri_method m ON m.method = t.method),
g AS (
  SELECT f.*,
         (CASE WHEN f.bids >= 2 THEN 0 WHEN f.bids = 1 THEN 1 END)::float8 AS single_bid,
         (CASE WHEN f.recorded THEN (f.period_start IS NULL)::int END)::float8 AS no_call,
         f.method_score AS non_open,
         (CASE WHEN f.adv_days < 0 THEN NULL WHEN f.adv_days < $1 THEN 1 WHEN f.adv_days < $2 THEN 0.5 WHEN f.adv_days >= 0 THEN 0 END)::float8 AS short_adv,
         (CASE WHEN f.dec_days < 0 THEN NULL WHEN f.dec_days < $3 OR f.dec_days >= $4 THEN 1 WHEN f.dec_days >= 0 THEN 0 END)::float8 AS decision,
         (CASE WHEN $7 THEN f.haven::int END)::float8 AS tax_haven,
         (CASE WHEN f.share > $5 THEN 1 WHEN f.share IS NOT NULL THEN 0 END)::float8 AS buyer_dep
    FROM f)
SELECT g.tender_id, g.buyer_id, g.unit_code, g.method, g.process_date, g.suppliers, g.bids, g.adv_days, g.dec_days, g.share,
       g.single_bid, g.no_call, g.non_open, g.short_adv, g.decision, g.tax_haven, g.buyer_dep,
       num_nonnulls(g.single_bid, g.no_call, g.non_open, g.short_adv, g.decision, g.tax_haven, g.buyer_dep),
       (coalesce(g.single_bid, 0) + coalesce(g.no_call, 0) + coalesce(g.non_open, 0) + coalesce(g.short_adv, 0)
        + coalesce(g.decision, 0) + coalesce(g.tax_haven, 0) + coalesce(g.buyer_dep, 0))
       / nullif(num_nonnulls(g.single_bid, g.no_call, g.non_open, g.short_adv, g.decision, g.tax_haven, g.buyer_dep), 0)
  FROM g$q$;
  sh text;
  rel regclass;
  dec_short float8 := @extschema@.cri_threshold_value('decision_short_days');
  dec_long float8 := @extschema@.cri_threshold_value('decision_long_days');
BEGIN
  IF dec_long <= dec_short THEN
    RAISE EXCEPTION 'CRI threshold decision_long_days (%) must be above decision_short_days (%)', dec_long, dec_short
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'Otherwise every decision period would score 1.';
  END IF;
  FOREACH sh IN ARRAY ARRAY['tender', 'bid', 'award', 'contract', 'consortium_member', 'party'] LOOP
    rel := to_regclass('cleangov_bound.' || quote_ident(sh));
    IF rel IS NULL THEN
      q := regexp_replace(q, 'cleangov_bound\.' || sh || '\M',
                          '(' || @extschema@.shape_stand_in(sh, '{}', ' WHERE false') || ')', 'g');
    ELSIF NOT has_table_privilege(rel, 'SELECT') THEN
      RAISE EXCEPTION 'permission denied for view %', rel
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = 'The Corruption Risk Index reads the bound shapes with the reader''s rights.',
              HINT = format('Grant SELECT on %s and on the table it is bound to, or read the CRI as a role that may read them.', rel);
    END IF;
  END LOOP;
  RETURN QUERY EXECUTE q
    USING @extschema@.cri_threshold_value('advertisement_short_days'),
          @extschema@.cri_threshold_value('advertisement_moderate_days'),
          dec_short, dec_long,
          @extschema@.cri_threshold_value('buyer_share'),
          @extschema@.cri_threshold_value('buyer_min_contracts'),
          EXISTS (SELECT FROM @extschema@.cri_tax_haven);
END
$$;
COMMENT ON FUNCTION @extschema@.cri_tenders() IS
  'The Corruption Risk Index of every tender (not cancelled, unsuccessful or withdrawn) of the bound shapes: each elementary flag 0, 0.5 or 1 (NULL where it cannot be computed), the inputs they read, the number of flags available and the CRI = their mean (doc/cri.md). A shape that is not bound reads as empty; bound shapes are read with the caller''s rights (42501 naming the bound view the caller may not read). Behind the view cleangov.cri_tender. Stable because it reads the bound data and the settings.';

CREATE VIEW @extschema@.cri_tender WITH (security_invoker = true) AS
SELECT * FROM @extschema@.cri_tenders();
COMMENT ON VIEW @extschema@.cri_tender IS
  'Corruption Risk Index per tender (doc/cri.md): the flags single_bid, no_call_for_tenders, non_open_procedure, short_advertisement (0, 0.5 or 1), decision_period, tax_haven_supplier and buyer_dependence (0 or 1; NULL: cannot be computed), the inputs (bids received, advertisement and decision days, the supplier''s largest share of the buyer''s yearly spend), flags = how many are available, cri = their mean. Reads the bound data with the reader''s rights.';

-- Buyers and suppliers in one pass over the tenders: each tender counts for
-- its buyer and for each of its suppliers.
CREATE VIEW @extschema@.cri_subject WITH (security_invoker = true) AS
SELECT x.subject_kind, x.subject_key,
       count(t.cri)::int AS tenders,
       sum(t.flags)::int AS flags,
       avg(t.cri) AS cri,
       avg(t.single_bid) AS single_bid, avg(t.no_call_for_tenders) AS no_call_for_tenders,
       avg(t.non_open_procedure) AS non_open_procedure, avg(t.short_advertisement) AS short_advertisement,
       avg(t.decision_period) AS decision_period, avg(t.tax_haven_supplier) AS tax_haven_supplier,
       avg(t.buyer_dependence) AS buyer_dependence
  FROM @extschema@.cri_tenders() t
 CROSS JOIN LATERAL (SELECT 'buyer'::text, t.buyer_id
                     UNION ALL
                     SELECT 'supplier', s FROM unnest(t.suppliers) s) x(subject_kind, subject_key)
 GROUP BY x.subject_kind, x.subject_key;
COMMENT ON VIEW @extschema@.cri_subject IS
  'Corruption Risk Index per buyer (subject_kind buyer) and per supplier (supplier: the tenders it won through an active award, as a consortium member of one, or by contract), in one pass (doc/cri.md): tenders = its tenders with at least one flag, flags = the flags available over them, cri = the mean of their CRIs (every tender weighs the same, as in ProACT), and per flag its mean over the tenders where it is available (for a 0/1 flag the share of those tenders flagged; NULL where never available). Reads the bound data with the reader''s rights.';

CREATE VIEW @extschema@.cri_buyer WITH (security_invoker = true) AS
SELECT s.subject_key AS buyer_id, s.tenders, s.flags, s.cri, s.single_bid, s.no_call_for_tenders, s.non_open_procedure,
       s.short_advertisement, s.decision_period, s.tax_haven_supplier, s.buyer_dependence
  FROM @extschema@.cri_subject s WHERE s.subject_kind = 'buyer';
COMMENT ON VIEW @extschema@.cri_buyer IS
  'Corruption Risk Index per buyer (cri_subject''s buyers, doc/cri.md): tenders with at least one flag, flags available, the mean CRI of its tenders, and each flag''s mean where available. Reads the bound data with the reader''s rights.';

CREATE VIEW @extschema@.cri_supplier WITH (security_invoker = true) AS
SELECT s.subject_key AS supplier_id, s.tenders, s.flags, s.cri, s.single_bid, s.no_call_for_tenders, s.non_open_procedure,
       s.short_advertisement, s.decision_period, s.tax_haven_supplier, s.buyer_dependence
  FROM @extschema@.cri_subject s WHERE s.subject_kind = 'supplier';
COMMENT ON VIEW @extschema@.cri_supplier IS
  'Corruption Risk Index per supplier (cri_subject''s suppliers, doc/cri.md): over the tenders it won (active awards, their consortium members, contracts), tenders with at least one flag, flags available, the mean CRI, and each flag''s mean where available. Reads the bound data with the reader''s rights.';

GRANT SELECT ON @extschema@.cri_tender, @extschema@.cri_subject, @extschema@.cri_buyer, @extschema@.cri_supplier
  TO cleangov_admin, cleangov_analyst;

-- The CRI as an indicator source of the integrity index: per subject the
-- mean CRI of its tenders dated in the period (a tender's date: publication,
-- else deadline, first award, first contract).  Units: the buyer when it is
-- a unit of cleangov.unit, else the tender's responsible unit when that is
-- one (other tenders feed no unit); enterprise: the suppliers; buyer: the
-- buyer as it is named.
-- stable because it reads the bound data
CREATE FUNCTION @extschema@.cri_indicator(period text, kind text DEFAULT 'unit', min_tenders integer DEFAULT 1)
RETURNS TABLE (subject_kind text, subject_key text, value float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r daterange := @extschema@.period_range(period);
  k text := kind;
BEGIN
  IF r IS NULL THEN
    RAISE EXCEPTION 'period % is not a year, quarter or month', coalesce(period, 'NULL')
      USING ERRCODE = 'invalid_datetime_format', HINT = 'Periods are written 2024 (year), 2024-Q2 (quarter) or 2024-03 (month).';
  END IF;
  IF k IS NULL OR k NOT IN ('unit', 'enterprise', 'buyer') THEN
    RAISE EXCEPTION 'the CRI has no subject kind %', coalesce(k, 'NULL')
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Subject kinds: unit, enterprise (suppliers), buyer.';
  END IF;
  IF min_tenders IS NULL OR min_tenders < 1 THEN
    RAISE EXCEPTION 'min_tenders must be 1 or more, not %', coalesce(min_tenders::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  RETURN QUERY
  SELECT k, x.key, avg(x.cri)
    FROM (SELECT CASE k WHEN 'buyer' THEN t.buyer_id
                        WHEN 'unit' THEN coalesce((SELECT u.unit_code FROM @extschema@.unit u WHERE u.unit_code = t.buyer_id),
                                                  (SELECT u.unit_code FROM @extschema@.unit u WHERE u.unit_code = t.unit_code))
                 END AS key, t.cri
            FROM @extschema@.cri_tenders() t
           WHERE k <> 'enterprise' AND t.cri IS NOT NULL AND t.process_date::date <@ r
          UNION ALL
          SELECT s.supplier_id, t.cri
            FROM @extschema@.cri_tenders() t CROSS JOIN LATERAL unnest(t.suppliers) s(supplier_id)
           WHERE k = 'enterprise' AND t.cri IS NOT NULL AND t.process_date::date <@ r) x
   WHERE x.key IS NOT NULL
   GROUP BY x.key
  HAVING count(*) >= min_tenders;
END
$$;
COMMENT ON FUNCTION @extschema@.cri_indicator(text, text, integer) IS
  'The Corruption Risk Index as an indicator source of the integrity index (doc/cri.md): rows (subject_kind, subject_key, value = mean CRI 0-1) per unit (the buyer when it is a unit, else the tender''s responsible unit), enterprise (supplier) or buyer, over the tenders dated in the period (2024, 2024-Q2, 2024-03) and with at least min_tenders of them; use it as an indicator''s source_query, e.g. SELECT * FROM cleangov.cri_indicator($1, ''unit''), with method bounds, worst 1, best 0. 22007 for a period that is none, 22023 for another subject kind or min_tenders below 1. Stable because it reads the bound data.';
