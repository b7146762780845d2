-- Run by bench/crossmatch.sh inside a throwaway cluster; :scale scales the
-- row counts (1 = 1 M payments, 100,000 officials, 500,000 relations).
\pset footer off
CREATE EXTENSION cleangov;
SET max_parallel_workers_per_gather = 0;   -- one core each, so the shared machine's load hurts both sides alike
SET work_mem = '256MB';
SET jit = off;
SELECT (100000 * :scale)::int AS officials, (500000 * :scale)::int AS relations,
       (1000000 * :scale)::int AS payments \gset

\echo building :officials officials, :relations relations, :payments payments ...
-- Identity numbers: a person key k gives a unique 15-digit number (region,
-- birth date 1920-1999, sequence), upgraded to 18 digits by cn_id_normalize.
CREATE FUNCTION pg_temp.id15(k int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['11','31','32','33','44','51'])[1 + k % 6] || lpad((k % 9973)::text, 4, '0')
         || to_char(date '1920-01-01' + k % 29000, 'YYMMDD') || lpad(((k / 29000) % 1000)::text, 3, '0') $$;
-- The same number as a clerk may have typed it: 15-digit, full-width digits,
-- lower-case x, surrounding blanks, or clean (chosen by form).
CREATE FUNCTION pg_temp.raw_id(k int, form int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE form WHEN 0 THEN pg_temp.id15(k)
                   WHEN 1 THEN translate(cleangov.cn_id_normalize(pg_temp.id15(k)), '0123456789X', '０１２３４５６７８９Ｘ')
                   WHEN 2 THEN lower(cleangov.cn_id_normalize(pg_temp.id15(k)))
                   WHEN 3 THEN ' ' || cleangov.cn_id_normalize(pg_temp.id15(k)) || ' '
                   ELSE cleangov.cn_id_normalize(pg_temp.id15(k)) END $$;

-- Persons: officials are keys 1 .. :officials; every relation brings one more
-- person (a relative), keys above :officials.  2 % of the numbers are stored
-- in their 15-digit form.
CREATE UNLOGGED TABLE person AS
  SELECT 'P' || k AS person_id, pg_temp.raw_id(k, CASE WHEN k % 50 = 0 THEN 0 ELSE 4 END) AS id_number,
         k <= :officials AS is_official
    FROM generate_series(1, :officials + :relations) k;
-- Kinship relations: nine in ten join an official to a relative (one in ten of
-- those written from the relative to the official), one in ten joins two
-- relatives (not a match: two hops from any official at least).
CREATE UNLOGGED TABLE relation AS
  SELECT CASE WHEN r % 10 = 0 THEN 'P' || (:officials + r)
              WHEN r % 10 = 5 THEN 'P' || (:officials + r)
              ELSE 'P' || (1 + r % :officials) END AS from_id,
         CASE WHEN r % 10 = 0 THEN 'P' || (:officials + 1 + (r * 7) % :relations)
              WHEN r % 10 = 5 THEN 'P' || (1 + r % :officials)
              ELSE 'P' || (:officials + r) END AS to_id,
         (ARRAY['spouse', 'child', 'parent', 'sibling', 'in_law'])[1 + r % 5] AS kind
    FROM generate_series(1, :relations) r;
-- Subsidy payments: one in twenty to a person of the table above (two each; official,
-- relative or neither), the rest to 700,000 (scaled) other citizens; the
-- recipient's number in one of the raw forms for three payments in eight.
CREATE UNLOGGED TABLE payment AS
  SELECT i AS payment_id,
         pg_temp.raw_id(CASE WHEN i % 20 = 0 THEN 1 + (i / 40 * 7919) % (:officials + :relations)
                             ELSE 10000000 + i % (7 * :officials) END, (i / 20) % 8) AS recipient_id,
         round((100 + (i * 37) % 5000)::numeric, 2) AS amount
    FROM generate_series(1, :payments) i;
-- The baseline's tables: the same rows with the numbers normalised beforehand.
CREATE UNLOGGED TABLE person_n AS SELECT person_id, cleangov.cn_id_normalize(id_number) AS idn, is_official FROM person;
CREATE UNLOGGED TABLE payment_n AS SELECT payment_id, cleangov.cn_id_normalize(recipient_id) AS idn, amount FROM payment;
VACUUM ANALYZE person; VACUUM ANALYZE relation; VACUUM ANALYZE payment;
VACUUM ANALYZE person_n; VACUUM ANALYZE payment_n;
SELECT count(*) FILTER (WHERE recipient_id <> idn) AS "payments with a raw number",
       count(*) AS payments FROM payment JOIN payment_n USING (payment_id);

-- Best of :reps runs of a query, in milliseconds; also keeps the result
-- (matched persons, their payments) to compare.
CREATE TABLE timing(name text PRIMARY KEY, ms float8, persons bigint, payments bigint);
CREATE FUNCTION best_ms(name text, q text, reps int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; a bigint; b bigint;
BEGIN
  FOR i IN 1 .. reps LOOP
    t0 := clock_timestamp();
    EXECUTE q INTO a, b;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  INSERT INTO timing VALUES (name, best, a, b);
END $$;

\echo '== (a) baseline: hash join on the normalised numbers'
\set baseline 'WITH flagged AS (SELECT person_id FROM person_n WHERE is_official UNION SELECT r.to_id FROM relation r JOIN person_n o ON o.person_id = r.from_id WHERE o.is_official UNION SELECT r.from_id FROM relation r JOIN person_n o ON o.person_id = r.to_id WHERE o.is_official) SELECT count(*), sum(n) FROM (SELECT p.person_id, count(*) AS n FROM flagged f JOIN person_n p USING (person_id) JOIN payment_n pay ON pay.idn = p.idn GROUP BY p.person_id) x'
EXPLAIN (COSTS OFF) :baseline;
SELECT best_ms('a_baseline', :'baseline', :reps);
\echo '== (b) cleangov.detect_favouring_relatives over the raw numbers'
SELECT best_ms('b_detect_favouring_relatives', $$
  SELECT count(*), sum(value)::bigint FROM cleangov.detect_favouring_relatives('person', 'relation', 'payment') $$, :reps);
\echo '== (c) the baseline query over the raw numbers, normalised in the join keys'
SELECT best_ms('c_normalised_in_query', $$
  WITH p AS (SELECT person_id, cleangov.cn_id_try_normalize(id_number) AS idn, is_official FROM person),
  flagged AS (SELECT person_id FROM p WHERE is_official
              UNION SELECT r.to_id FROM relation r JOIN p o ON o.person_id = r.from_id WHERE o.is_official
              UNION SELECT r.from_id FROM relation r JOIN p o ON o.person_id = r.to_id WHERE o.is_official)
  SELECT count(*), sum(n) FROM (
    SELECT p.person_id, count(*) AS n FROM flagged f JOIN p USING (person_id)
      JOIN payment pay ON cleangov.cn_id_try_normalize(pay.recipient_id) = p.idn GROUP BY p.person_id) x $$, :reps);

\echo '== results (best of :reps runs, shared 2-core machine)'
SELECT name, round(ms::numeric) AS ms, persons AS "matched persons", payments AS "their payments",
       round((ms / (SELECT ms FROM timing WHERE name = 'a_baseline'))::numeric, 2) AS "ratio to (a)"
  FROM timing ORDER BY name;
DO $$
BEGIN
  IF (SELECT count(DISTINCT (persons, payments)) FROM timing) <> 1 OR (SELECT min(persons) FROM timing) = 0 THEN
    RAISE EXCEPTION 'the three queries do not find the same matches';
  END IF;
END $$;
SELECT round(((SELECT ms FROM timing WHERE name = 'b_detect_favouring_relatives')
              / (SELECT ms FROM timing WHERE name = 'a_baseline'))::numeric, 2) AS "detect_favouring_relatives / hash join (target <= 3)";
