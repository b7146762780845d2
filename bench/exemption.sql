-- Watched COPY with many exempted hits (issue 15): :rows contract rows, one
-- in two breaching a row rule (EX_BIG), 10,000 rows of cleangov.rule_exemption
-- (half of them exempting hits of the COPY), COPY unwatched then watched, best
-- of 3 each, in ms.  Run with cleangov installed in a throwaway cluster:
--   psql -v rows=200000 -v file=/tmp/ex.copy -f bench/exemption.sql
\set ON_ERROR_STOP on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS cleangov;
CREATE SCHEMA ex;
CREATE TABLE ex.orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric, unit text);
COPY (SELECT i, 'b' || i % 500, 's' || i % 5000, 500 + i % 1000, 1000, 'u' FROM generate_series(1, :rows) i) TO :'file';
SELECT cleangov.bind('contract', 'ex.orders', '{"contract_id": "no", "buyer_id": "buyer", "supplier_id": "supplier",
  "amount": "price", "market_price": "ref", "unit_code": "unit"}') \gset
UPDATE cleangov.rule SET enabled = false;
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('EX_BIG', 'big', '大额', 'ex', 'contract', '{"limit": 1000}', 'blue'),
 ('EX_OVER', 'over reference', '高于参考价', 'ex', 'contract', '{"pct": 0.4}', 'yellow');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('EX_BIG', 'row', 'contract', 'r.amount > {limit}', 'r.amount', 'limit'),
 ('EX_OVER', 'row', 'contract', 'r.market_price > 0 AND r.amount > r.market_price * (1 + {pct})', 'r.amount', 'pct');
INSERT INTO cleangov.rule_exemption (rule_code, subject_key, reason)
SELECT 'EX_BIG', (i * 40)::text, 'bench' FROM generate_series(1, 5000) i
UNION ALL SELECT 'EX_OVER', (i * 40)::text, 'bench' FROM generate_series(1, 5000) i;
ANALYZE cleangov.rule_exemption;
CREATE TABLE ex.result (mode text, ms float8, alerts bigint);
CREATE PROCEDURE ex.reset() LANGUAGE sql AS $$
  TRUNCATE ex.orders;
  SET LOCAL session_replication_role = replica;
  TRUNCATE cleangov.alert, cleangov.alert_event CASCADE;
  CHECKPOINT;
$$;
\set i 1
\ir exemption_run.sql
\ir exemption_run.sql
\ir exemption_run.sql
SELECT mode, round(min(ms)) AS best_ms, max(alerts) AS alerts FROM ex.result GROUP BY mode ORDER BY mode;
SELECT round(((SELECT min(ms) FROM ex.result WHERE mode = 'watched') / (SELECT min(ms) FROM ex.result WHERE mode = 'unwatched'))::numeric, 2) AS ratio;
