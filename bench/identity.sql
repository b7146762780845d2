-- Run by bench/identity.sh inside a throwaway cluster; :n is the row count.
CREATE EXTENSION cleangov;
SET max_parallel_workers_per_gather = 0;   -- one core each, so the shared machine's load hurts both sides alike
SET work_mem = '256MB';
\echo building :n identity numbers ...
SELECT setseed(0.5) \gset
-- Real-looking numbers: known provinces, real dates, 90 % valid, 10 % with a wrong check character.
CREATE UNLOGGED TABLE ids AS
SELECT CASE WHEN g % 10 = 0 THEN left(v, 17) || CASE right(v, 1) WHEN '0' THEN '1' ELSE '0' END ELSE v END AS id
  FROM (SELECT g, cleangov.cn_id_normalize(
                 (ARRAY['11','31','32','33','44','51'])[1 + g % 6]
                 || lpad((g % 9973)::text, 4, '0')
                 || to_char(date '1920-01-01' + ((g::bigint * 7919) % 29000)::int, 'YYMMDD')
                 || lpad((g % 997)::text, 3, '0')) AS v
          FROM generate_series(1, :n) g) t;
VACUUM ANALYZE ids;

\ir best_ms.sql

\echo timing (best of 3, milliseconds) ...
CREATE TEMP TABLE result AS
WITH t AS (
  SELECT pg_temp.best_ms('SELECT count(*) FILTER (WHERE length(id) = 18) FROM ids') AS length_ms,
         pg_temp.best_ms('SELECT count(*) FILTER (WHERE cleangov.cn_id_valid(id)) FROM ids') AS valid_ms,
         pg_temp.best_ms('SELECT count(cleangov.cn_id_try_normalize(id)) FROM ids') AS normalize_ms,
         pg_temp.best_ms('SELECT count(*) FILTER (WHERE id ~ ''^[0-9]{17}[0-9X]$'') FROM ids') AS regex_ms
)
SELECT * FROM t;
SELECT :n AS rows, round(length_ms) AS "length() ms", round(valid_ms) AS "cn_id_valid ms",
       round((valid_ms / length_ms)::numeric, 2) AS "valid / length (target <= 1.5)",
       round(normalize_ms) AS "cn_id_try_normalize ms", round((normalize_ms / length_ms)::numeric, 2) AS "normalize / length",
       round(regex_ms) AS "regex shape ms", round((regex_ms / length_ms)::numeric, 2) AS "regex / length"
  FROM result;
SELECT count(*) FILTER (WHERE cleangov.cn_id_valid(id)) AS valid, count(*) AS total FROM ids;
