-- R044: business similarities between suppliers (投标人信息雷同)
--
-- Cardinal's R044 (open-contracting/cardinal-rs docs/cli/indicators/R/044.md,
-- commit 1891189c; the details from src/indicators/r044.rs, commit c1a8e61c):
-- a contracting process is flagged when two different tenderers among its
-- parties (role tenderer, with an id) have the same address or the same
-- contact point, and those tenderers are flagged too.  The address counts
-- only when a street address is given: street address, locality, region,
-- postal code and country, each trimmed and lower-cased, must all be equal
-- (a missing part on both sides is equal).  The contact point compares only
-- the first field both tenderers have, in the order name, e-mail,
-- telephone, fax number, URL, exactly: same e-mail but different names is
-- no match.  It reads the parties as each process names them (shape party),
-- not a register: PROC_SHARED_CONTACTS compares the enterprise register's
-- addresses, phones and e-mails instead.  Left out: cancelled processes,
-- method details in {exclude_procurement_method_details}.  A party listed
-- twice in one process under one id is compared in both versions (Cardinal
-- keeps the last).  Value: 1.0 per process and per tenderer, as Cardinal's.

INSERT INTO @extschema@.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description) VALUES
 ('R044', 'business similarities between suppliers', '投标人信息雷同', 'procurement', 'bid rigging', 'tender',
  '{"exclude_procurement_method_details": []}', 'red',
  'Two tenderers among the parties of one process have the same address (when a street address is given) or the same first contact-point field both have (name, e-mail, telephone, fax, URL); the process and those tenderers are flagged (Cardinal R044).');

INSERT INTO @extschema@.rule_definition (rule_code, kind, query, needs, degrades) VALUES (
  'R044',
  'set',
  $$
WITH p AS (
  SELECT p.tender_id, p.party_id, t.unit_code,
         CASE WHEN p.street_address IS NOT NULL THEN
           concat(lower(btrim(p.street_address, E' \t\r\n')) || ' ', lower(btrim(p.locality, E' \t\r\n')) || ' ',
                  lower(btrim(p.region, E' \t\r\n')) || ' ', lower(btrim(p.postal_code, E' \t\r\n')) || ' ',
                  lower(btrim(p.country_name, E' \t\r\n')) || ' ') END AS address,
         p.contact_name, p.email, p.telephone, p.fax_number, p.url
    FROM cleangov_bound.party p
    LEFT JOIN cleangov_bound.tender t ON t.tender_id = p.tender_id
   WHERE 'tenderer' = ANY (string_to_array(p.roles, ','))
     AND t.status IS DISTINCT FROM 'cancelled'
     AND NOT coalesce(t.method_details = ANY ({exclude_procurement_method_details}), false)),
pair AS (
  SELECT x.tender_id, x.unit_code, x.party_id AS a, y.party_id AS b,
         x.address = y.address AS same_address,
         CASE WHEN x.contact_name IS NOT NULL AND y.contact_name IS NOT NULL THEN x.contact_name = y.contact_name
              WHEN x.email IS NOT NULL AND y.email IS NOT NULL THEN x.email = y.email
              WHEN x.telephone IS NOT NULL AND y.telephone IS NOT NULL THEN x.telephone = y.telephone
              WHEN x.fax_number IS NOT NULL AND y.fax_number IS NOT NULL THEN x.fax_number = y.fax_number
              WHEN x.url IS NOT NULL AND y.url IS NOT NULL THEN x.url = y.url
              ELSE false END AS same_contact
    FROM p x JOIN p y ON y.tender_id = x.tender_id AND y.party_id > x.party_id),
f AS (
  SELECT pair.tender_id, pair.unit_code, pair.a, pair.b, coalesce(pair.same_address, false) AS same_address, pair.same_contact
    FROM pair WHERE coalesce(pair.same_address, false) OR pair.same_contact),
ft AS (
  SELECT DISTINCT f.tender_id, x.id FROM f CROSS JOIN LATERAL (VALUES (f.a), (f.b)) x(id))
SELECT 'tender' AS subject_kind, f.tender_id AS subject_key, min(f.unit_code) AS unit_code, '' AS period, 1::float8 AS value, 1::float8 AS threshold,
       jsonb_build_object('pairs', jsonb_agg(jsonb_build_object('tenderers', jsonb_build_array(f.a, f.b),
                                                                'address', f.same_address, 'contact_point', f.same_contact)
                                             ORDER BY f.a, f.b)) AS evidence
  FROM f GROUP BY f.tender_id
UNION ALL
SELECT 'enterprise', ft.id, NULL, '', 1, 1, jsonb_build_object('tenders', jsonb_agg(ft.tender_id ORDER BY ft.tender_id))
  FROM ft GROUP BY ft.id$$,
  '{party.roles}'::text[],
  '{"party.street_address": "addresses are not compared", "party.locality": "addresses are compared without their locality", "party.region": "addresses are compared without their region", "party.postal_code": "addresses are compared without their postal code", "party.country_name": "addresses are compared without their country", "party.contact_name": "contact points are compared from the e-mail on", "party.email": "contact points are compared without e-mails", "party.telephone": "contact points are compared without telephones", "party.fax_number": "contact points are compared without fax numbers", "party.url": "contact points are compared without URLs", "tender.status": "cancelled tenders are not skipped", "tender.unit_code": "alerts carry no unit", "tender.method_details": "no tender is excluded by its method details"}'::jsonb);
