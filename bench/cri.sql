-- Run by bench/cri.sh inside a throwaway cluster; :n tenders.
CREATE EXTENSION cleangov;
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;   -- one core, so the shared machine's load hurts both sides alike
SET work_mem = '256MB';
SET TimeZone = 'UTC';
SELECT setseed(0.69) \gset
CREATE SCHEMA b;
CREATE UNLOGGED TABLE b.tender AS
SELECT 't' || i AS tender_id, 'B' || (i % 500) AS buyer_id, 'U' || (i % 50) AS unit_code,
       (ARRAY['open', 'open', 'open', 'selective', 'limited', 'direct'])[1 + floor(random() * 6)::int] AS method,
       s AS period_start, s + floor(random() * 40) * interval '1 day' AS period_end, NULL::text AS status
  FROM generate_series(1, :n) i
 CROSS JOIN LATERAL (SELECT '2023-01-01'::timestamptz + floor(random() * 700) * interval '1 day' + i * interval '0 s' AS s) x;
CREATE UNLOGGED TABLE b.bid AS
SELECT 'b' || i || '/' || k AS bid_id, 't' || i AS tender_id, 'E' || floor(random() * 5000)::int AS bidder_id, 1::numeric AS amount,
       'valid'::text AS status
  FROM generate_series(1, :n) i CROSS JOIN generate_series(1, 3) k WHERE random() < 0.8;
CREATE UNLOGGED TABLE b.award AS
SELECT 'a' || i AS award_id, t.tender_id, 'E' || floor(random() * 5000)::int AS supplier_id,
       t.period_end + floor(random() * 100) * interval '1 day' AS awarded_at, 'active'::text AS status
  FROM b.tender t CROSS JOIN LATERAL (SELECT substr(t.tender_id, 2)::int AS i) x;
CREATE UNLOGGED TABLE b.contract AS
SELECT 'c' || substr(a.award_id, 2) AS contract_id, t.buyer_id, a.supplier_id, round((random() * 1e6)::numeric, 2) AS amount,
       a.tender_id, a.award_id, a.awarded_at + interval '5 days' AS signed_at
  FROM b.award a JOIN b.tender t USING (tender_id);
CREATE UNLOGGED TABLE b.party AS
SELECT a.tender_id, a.supplier_id AS party_id, (ARRAY['China', 'China', 'China', 'Cayman Islands'])[1 + floor(random() * 4)::int] AS country_name
  FROM b.award a;
CREATE INDEX ON b.tender (tender_id);
VACUUM ANALYZE b.tender, b.bid, b.award, b.contract, b.party;
INSERT INTO cleangov.cri_tax_haven VALUES ('Cayman Islands', 'bench');
SELECT cleangov.bind('tender', 'b.tender') \gset
SELECT cleangov.bind('bid', 'b.bid') \gset
SELECT cleangov.bind('award', 'b.award') \gset
SELECT cleangov.bind('contract', 'b.contract') \gset
SELECT cleangov.bind('party', 'b.party', '{"tender_id": "tender_id", "party_id": "party_id"}') \gset

\ir best_ms.sql

\echo timing (best of 3, milliseconds) ...
CREATE TEMP TABLE result AS
SELECT pg_temp.best_ms($q$SELECT sum(coalesce(x.n, 0) + coalesce(y.n, 0) + coalesce(z.n, 0) + coalesce(w.n, 0)) FROM b.tender t
                            LEFT JOIN (SELECT tender_id, count(*) AS n FROM b.bid GROUP BY 1) x USING (tender_id)
                            LEFT JOIN (SELECT tender_id, count(*) AS n FROM b.award GROUP BY 1) y USING (tender_id)
                            LEFT JOIN (SELECT tender_id, count(*) AS n FROM b.contract GROUP BY 1) z USING (tender_id)
                            LEFT JOIN (SELECT tender_id, count(*) AS n FROM b.party GROUP BY 1) w USING (tender_id)$q$) AS floor_ms,
       pg_temp.best_ms('SELECT count(*), sum(cri) FROM cleangov.cri_tender') AS tender_ms,
       pg_temp.best_ms('SELECT count(*), sum(cri) FROM cleangov.cri_buyer') AS buyer_ms,
       pg_temp.best_ms($q$SELECT count(*), sum(value) FROM cleangov.cri_indicator('2024', 'enterprise')$q$) AS indicator_ms;
SELECT :n AS tenders, (SELECT count(*) FROM b.bid) AS bids, round(floor_ms) AS "floor ms",
       round(tender_ms) AS "cri_tender ms", round((tender_ms / floor_ms)::numeric, 1) AS "tender / floor",
       round(buyer_ms) AS "cri_buyer ms", round(indicator_ms) AS "cri_indicator ms",
       round((1000 * :n / tender_ms)::numeric) AS "tenders / s"
  FROM result;
SELECT round(avg(cri)::numeric, 3) AS "mean CRI", round(avg(flags)::numeric, 2) AS "flags / tender" FROM cleangov.cri_tender;
