-- bench/rules.sh, parts (a) and (b), with cleangov installed: erp.contracts
-- (made by rules_data.sql) bound to the contract shape, and the 10 row rules
-- its watch trigger evaluates: the library's PROC_PRICE_OVER_MARKET and 9
-- rules a user defines through the documented API (a row of cleangov.rule and
-- one of cleangov.rule_definition each).  The table is not watched here: the
-- benchmark watches and unwatches it between measurements.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

SELECT cleangov.bind('contract', 'erp.contracts',
  '{"contract_id": "contract_no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price",
    "unit_code": "unit", "tender_id": "tender_no", "market_price": "ref_price", "signed_at": "signed_on",
    "project_id": "project_no"}') \gset

-- Only the contract rules are enabled, so that the figures are about them.
UPDATE cleangov.rule SET enabled = false WHERE rule_code <> 'PROC_PRICE_OVER_MARKET';

INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level) VALUES
 ('BENCH_DIRECT_OVER_LIMIT', 'direct award above the limit', '直接采购超限额', 'bench', 'contract', '{"limit": 1000000}', 'yellow'),
 ('BENCH_NO_TENDER', 'competitive contract without tender', '竞争性合同无招标记录', 'bench', 'contract', '{}', 'yellow'),
 ('BENCH_WORKS_NO_PROJECT', 'works contract without project', '工程合同无项目', 'bench', 'contract', '{}', 'blue'),
 ('BENCH_SIGNED_IN_FUTURE', 'signed after today', '签订日期晚于当前', 'bench', 'contract', '{"grace_days": 1}', 'blue'),
 ('BENCH_ROUND_AMOUNT', 'large round amount', '大额整数金额', 'bench', 'contract', '{"min": 100000, "step": 10000}', 'blue'),
 ('BENCH_JUST_BELOW_LIMIT', 'just below the tender limit', '略低于招标限额', 'bench', 'contract', '{"limit": 500000, "margin": 0.02}', 'yellow'),
 ('BENCH_SELF_DEALING', 'buyer is the supplier', '采购人与供应商相同', 'bench', 'contract', '{}', 'red'),
 ('BENCH_NO_MARKET_PRICE', 'large contract without reference price', '大额合同无参考价', 'bench', 'contract', '{"limit": 5000000}', 'blue'),
 ('BENCH_NONPOSITIVE', 'price not positive', '合同金额非正', 'bench', 'contract', '{}', 'yellow');

INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key) VALUES
 ('BENCH_DIRECT_OVER_LIMIT', 'row', 'contract', $$r.method = 'direct' AND r.amount > {limit}$$, 'r.amount', 'limit'),
 ('BENCH_NO_TENDER', 'row', 'contract', $$r.method IS DISTINCT FROM 'direct' AND r.tender_id IS NULL$$, 'r.amount', NULL),
 ('BENCH_WORKS_NO_PROJECT', 'row', 'contract', $$r.category = 'works' AND r.project_id IS NULL$$, 'r.amount', NULL),
 ('BENCH_SIGNED_IN_FUTURE', 'row', 'contract', $$r.signed_at > now() + make_interval(days => {grace_days}::int)$$,
  $$extract(epoch FROM r.signed_at - now()) / 86400$$, 'grace_days'),
 ('BENCH_ROUND_AMOUNT', 'row', 'contract', $$r.amount >= {min} AND r.amount % {step} = 0$$, 'r.amount', 'min'),
 ('BENCH_JUST_BELOW_LIMIT', 'row', 'contract',
  $$r.method IS DISTINCT FROM 'open' AND r.amount >= {limit} * (1 - {margin}) AND r.amount < {limit}$$,
  '({limit} - r.amount) / {limit}', 'margin'),
 ('BENCH_SELF_DEALING', 'row', 'contract', $$r.buyer_id = r.supplier_id$$, '1', NULL),
 ('BENCH_NO_MARKET_PRICE', 'row', 'contract', $$r.market_price IS NULL AND r.amount > {limit}$$, 'r.amount', 'limit'),
 ('BENCH_NONPOSITIVE', 'row', 'contract', $$r.amount <= 0$$, 'r.amount', NULL);

CREATE SCHEMA bench;
CREATE TABLE bench.result (part text, what text, run int, value float8);
-- The alerts of the previous run go too (their append-only event trail's
-- guard is a trigger, which the replica role skips).
CREATE PROCEDURE bench.reset() LANGUAGE sql AS $$
  TRUNCATE erp.contracts RESTART IDENTITY;
  SET LOCAL session_replication_role = replica;
  TRUNCATE cleangov.alert, cleangov.alert_event CASCADE;
  CHECKPOINT;
$$;
