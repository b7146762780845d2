-- bench/ocds.sh: :n OCDS compiled releases generated with generate_series
-- into ocds.releases (one jsonb per row, as \copy of JSON Lines makes it),
-- without cleangov.  Each release: a buyer (of 2,000) and a procuring entity
-- (of 500), a method, a tender period, a value, one or two tender items; 1 to
-- 6 bids by tenderers (of 50,000), statuses mostly valid, some disqualified
-- or withdrawn, one bid in 50 a joint bid of two; the lowest valid bid
-- awarded (one process in 20 with no award yet), its contract; a party per
-- organisation with an address and a contact point.  Pseudo-random with a
-- fixed seed: the same :n gives the same data.  Planted: one process in 1,000
-- has its winning bid after the deadline (R030), one in 200 two equal bids
-- (R028).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE SCHEMA ocds;
CREATE TABLE ocds.releases (data jsonb);
SELECT setseed(0.42) \gset

CREATE TEMP TABLE p AS
SELECT g,
       1 + (random() * 5)::int AS nbids,
       'B' || (1 + (random() * 1999)::int) AS buyer,
       'PE' || (1 + (random() * 499)::int) AS pe,
       (ARRAY['open', 'open', 'open', 'selective', 'limited', 'direct'])[1 + (random() * 5)::int] AS method,
       timestamptz '2023-01-01 00:00Z' + (random() * 700) * interval '1 day' AS start_at,
       5 + (random() * 30)::int AS days,
       round((10000 + random() * 990000)::numeric, 2) AS est,
       lpad((10000000 + (random() * 89999999)::int)::text, 8, '0') AS cpv,
       random() < 0.05 AS no_award,
       random() < 0.001 AS late,
       random() < 0.005 AS equal_bids
  FROM generate_series(1, :n) g;

CREATE TEMP TABLE b AS
SELECT p.g, k,
       'E' || (1 + (random() * 49999)::int) AS tenderer,
       CASE WHEN random() < 0.02 THEN 'E' || (1 + (random() * 49999)::int) END AS partner,
       CASE WHEN k = 1 THEN 'valid' WHEN random() < 0.1 THEN 'disqualified' WHEN random() < 0.03 THEN 'withdrawn' ELSE 'valid' END AS status,
       CASE WHEN p.equal_bids AND k <= 2 THEN round(p.est * 0.9, 2) ELSE round(p.est * (0.8 + 0.05 * k + random()::numeric * 0.04), 2) END AS amount,
       p.start_at + (CASE WHEN p.late AND k = 1 THEN p.days + 1 ELSE random() * (p.days - 1) END) * interval '1 day' AS at
  FROM p CROSS JOIN LATERAL generate_series(1, p.nbids) k;
CREATE INDEX ON b (g);
ANALYZE p; ANALYZE b;

INSERT INTO ocds.releases (data)
SELECT jsonb_build_object(
  'ocid', 'ocds-bench-' || p.g,
  'id', 'ocds-bench-' || p.g || '-compiled',
  'tag', jsonb_build_array('compiled'),
  'date', to_char(p.start_at + (p.days + 5) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'buyer', jsonb_build_object('id', p.buyer),
  'tender', jsonb_build_object(
     'id', p.g::text, 'status', 'complete', 'procurementMethod', p.method,
     'procurementMethodDetails', initcap(p.method) || ' tender', 'mainProcurementCategory', 'goods',
     'numberOfTenderers', p.nbids, 'awardCriteria', 'priceOnly',
     'value', jsonb_build_object('amount', p.est, 'currency', 'USD'),
     'procuringEntity', jsonb_build_object('id', p.pe),
     'tenderPeriod', jsonb_build_object('startDate', to_char(p.start_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                                        'endDate', to_char(p.start_at + p.days * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
     'items', jsonb_build_array(jsonb_build_object('id', '1', 'description', 'item ' || p.cpv,
                                                   'classification', jsonb_build_object('scheme', 'CPV', 'id', p.cpv)))),
  'bids', jsonb_build_object('details', bids.details),
  'awards', CASE WHEN p.no_award THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
     'id', '1', 'status', 'active', 'date', to_char(p.start_at + (p.days + 3) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
     'value', jsonb_build_object('amount', w.amount, 'currency', 'USD'),
     'suppliers', jsonb_build_array(jsonb_build_object('id', w.tenderer)),
     'items', jsonb_build_array(jsonb_build_object('id', '1', 'classification', jsonb_build_object('scheme', 'CPV', 'id', p.cpv))))) END,
  'contracts', CASE WHEN p.no_award THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
     'id', '1', 'awardID', '1', 'status', 'active', 'value', jsonb_build_object('amount', w.amount, 'currency', 'USD'),
     'dateSigned', to_char(p.start_at + (p.days + 10) * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))) END,
  'parties', jsonb_build_array(
       jsonb_build_object('id', p.buyer, 'name', 'Buyer ' || p.buyer, 'roles', jsonb_build_array('buyer'),
                          'address', jsonb_build_object('streetAddress', p.buyer || ' Main Street', 'locality', 'Capital', 'countryName', 'Atlantis'),
                          'contactPoint', jsonb_build_object('name', 'Office ' || p.buyer, 'email', lower(p.buyer) || '@gov.example')),
       jsonb_build_object('id', p.pe, 'name', 'Agency ' || p.pe, 'roles', jsonb_build_array('procuringEntity')))
     || bids.parties)
  FROM p
  CROSS JOIN LATERAL (
    SELECT jsonb_agg(jsonb_build_object(
             'id', b.k::text, 'status', b.status, 'date', to_char(b.at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
             'value', jsonb_build_object('amount', b.amount, 'currency', 'USD'),
             'tenderers', CASE WHEN b.partner IS NULL THEN jsonb_build_array(jsonb_build_object('id', b.tenderer))
                               ELSE jsonb_build_array(jsonb_build_object('id', b.tenderer), jsonb_build_object('id', b.partner)) END)
             ORDER BY b.k) AS details,
           jsonb_agg(jsonb_build_object('id', b.tenderer, 'name', 'Firm ' || b.tenderer,
                                        'roles', CASE WHEN b.k = 1 AND NOT p.no_award THEN jsonb_build_array('tenderer', 'supplier') ELSE jsonb_build_array('tenderer') END,
                                        'address', jsonb_build_object('streetAddress', (hashtext(b.tenderer) % 40000 + 40000) || ' Market Road'),
                                        'contactPoint', jsonb_build_object('email', lower(b.tenderer) || '@firm.example',
                                                                           'telephone', '+1 555 ' || lpad((hashtext(b.tenderer) % 9000 + 9000)::text, 5, '0')))
                     ORDER BY b.k) AS parties
      FROM b WHERE b.g = p.g) bids
  CROSS JOIN LATERAL (SELECT b.tenderer, b.amount FROM b WHERE b.g = p.g AND b.k = 1) w;
DROP TABLE p, b;
VACUUM ANALYZE ocds.releases;
SELECT count(*) AS releases, pg_size_pretty(pg_total_relation_size('ocds.releases')) AS size FROM ocds.releases;
