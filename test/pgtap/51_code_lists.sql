-- Code lists and what a rule reads (issue 12): every coded shape column has
-- its code list, the shipped rules compare coded columns only with codes of
-- those lists, the optional columns a rule reads are derived by probing and
-- every one of them is declared (needs or degrades), the declarations are
-- checked when written, and rule_absent() reads the bindings' absent columns.
BEGIN;
SELECT plan(28);
SET client_min_messages = warning;

CREATE SCHEMA cl;

-- Code lists ------------------------------------------------------------------
SELECT is((SELECT array_agg(c.shape || '.' || c.column_name ORDER BY 1) FROM cleangov.shape_column c
            WHERE c.code_list IS NOT NULL AND NOT EXISTS (SELECT FROM cleangov.code k WHERE k.list = c.code_list)),
          NULL, 'every code_list of a shape column names a list that has codes');
SELECT is(cleangov.code_list_of('tender', 'method'), '{direct,draw,limited,open,selective}',
          'tender.method: the OCDS methods and cleangov''s draw');
SELECT is(cleangov.code_list_of('bid', 'status'), '{disqualified,invited,pending,valid,withdrawn}', 'bid.status: OCDS bidStatus');
SELECT is(cleangov.code_list_of('award', 'status'), '{active,cancelled,pending,unsuccessful}', 'award.status: OCDS awardStatus');
SELECT is((SELECT origin FROM cleangov.code WHERE list = 'tender_status' AND code = 'cancelled'), 'OCDS', 'tender status from OCDS');
SELECT ok('spouse' = ANY (cleangov.code_list_of('relation', 'kind')), 'relation.kind reads cleangov.relation_kind');
INSERT INTO cleangov.relation_kind (kind, category, name_en, name_zh) VALUES ('godparent', 'kinship', 'godparent', '干亲');
SELECT ok('godparent' = ANY (cleangov.code_list_of('relation', 'kind')), 'a relation kind a user adds is a code at once (no copy)');
SELECT is(cleangov.code_list_of('tender', 'buyer_id'), NULL, 'an uncoded column has no list');
SELECT results_eq($$SELECT shape || '.' || column_name FROM cleangov.shape_column WHERE date_reading = 'end' ORDER BY 1$$,
                  $$VALUES ('tender.period_end')$$, 'only the deadline reads a date as the end of its day');
SELECT is((SELECT count(*)::int FROM cleangov.shape_column WHERE (date_reading IS NULL) <> (type <> 'timestamptz'::regtype)), 0,
          'date_reading is set for every timestamptz column and no other');

-- Rules read only codes of the lists -------------------------------------------
-- A literal compared with a coded column: alias.col = 'x', <> 'x', IS [NOT]
-- DISTINCT FROM 'x', coalesce(alias.col, 'x'), alias.col = ANY ({threshold}).
-- The alias is resolved through "cleangov_bound.<shape> alias" (r: a row
-- rule's shape); an alias that is not (a CTE) may be any coded column of that
-- name among the shapes the rule reads.
CREATE FUNCTION cl.foreign_codes(code text) RETURNS TABLE (column_name text, literal text)
LANGUAGE sql AS $$
  WITH d AS (SELECT d.*, concat_ws(' ', d.condition, d.value_expr, d.query, d.exemption) AS sql, r.thresholds
               FROM cleangov.rule_definition d JOIN cleangov.rule r USING (rule_code) WHERE d.rule_code = code),
  alias AS (SELECT m[2] AS alias, m[1] AS shape FROM d, regexp_matches(d.sql, 'cleangov_bound\.(\w+)\s+(?:AS\s+)?(\w+)', 'g') m
            UNION SELECT 'r', d.shape FROM d WHERE d.kind = 'row'),
  lit AS (
    SELECT m[1] AS alias, m[2] AS col, m[3] AS literal
      FROM d, regexp_matches(d.sql, '\m(\w+)\.(\w+)\s*(?:=|<>|!=|IS\s+(?:NOT\s+)?DISTINCT\s+FROM)\s*''([^'']*)''', 'gi') m
    UNION ALL
    SELECT m[1], m[2], m[3] FROM d, regexp_matches(d.sql, 'coalesce\(\s*(\w+)\.(\w+)\s*,\s*''([^'']*)''', 'gi') m
    UNION ALL
    SELECT m[1], m[2], e FROM d, regexp_matches(d.sql, '\m(\w+)\.(\w+)\s*=\s*ANY\s*\(\s*\{(\w+)\}\s*\)', 'gi') m,
           jsonb_array_elements_text(d.thresholds -> m[3]) e),
  cand AS (
    SELECT l.*, c.shape, c.code_list, (a.alias IS NOT NULL) AS resolved
      FROM lit l CROSS JOIN d
      LEFT JOIN alias a ON a.alias = l.alias
      JOIN cleangov.shape_column c ON c.column_name = l.col AND c.code_list IS NOT NULL
                                  AND c.shape = coalesce(a.shape, c.shape) AND c.shape = ANY (d.reads))
  SELECT DISTINCT x.shape || '.' || x.col, x.literal FROM cand x
   WHERE NOT EXISTS (SELECT FROM cand y JOIN cleangov.code k ON k.list = y.code_list AND k.code = y.literal
                      WHERE y.alias = x.alias AND y.col = x.col AND y.literal = x.literal)
   ORDER BY 1, 2
$$;
SELECT is((SELECT array_agg(d.rule_code || ': ' || f.column_name || ' = ' || f.literal ORDER BY 1)
             FROM cleangov.rule_definition d, cl.foreign_codes(d.rule_code) f WHERE d.shipped),
          NULL, 'the shipped rules compare coded columns only with codes of their lists');
SELECT ok((SELECT count(*) FROM cleangov.rule_definition d,
                  LATERAL (SELECT 1 FROM regexp_matches(concat_ws(' ', d.condition, d.query), '\m\w+\.(status|method|category|step|kind)\M', 'g')) x
            WHERE d.shipped) >= 30, 'the scan sees the coded columns the library compares');
-- and it fails on a rule that uses a word no list has
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description)
VALUES ('CL_BAD', 'bad code', '错误代码', 'procurement', 'bid rigging', 'tender', '{"methods": ["open", "公开招标"]}', 'blue', 'test');
INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr)
VALUES ('CL_BAD', 'row', 'tender', $$r.status IS DISTINCT FROM 'closed' AND r.method = ANY ({methods}) AND r.category <> 'work'$$, $$1$$);
SELECT results_eq($$SELECT * FROM cl.foreign_codes('CL_BAD')$$,
                  $$VALUES ('tender.category', 'work'), ('tender.method', '公开招标'), ('tender.status', 'closed')$$,
                  'a literal outside the column''s list is found (=, <>, IS DISTINCT FROM, = ANY of a threshold)');

-- What a rule reads, and its declarations -------------------------------------
SELECT is((SELECT reads_columns FROM cleangov.rule_definition WHERE rule_code = 'PROC_SMALL_WORKS_NO_DRAW'),
          '{tender.category,tender.estimated_value,tender.random_draw,tender.status,tender.unit_code}',
          'reads_columns of a row rule: the optional columns its condition, value and evidence read');
SELECT is((SELECT reads_columns FROM cleangov.rule_definition WHERE rule_code = 'REL_RELATED_BIDDERS'),
          '{bid.status,enterprise.address,enterprise.email,enterprise.legal_rep_id,enterprise.phone,relation.valid_from,relation.valid_to,tender.status,tender.unit_code}',
          'reads_columns sees through a detection function handed the bound views by name');
SELECT is((SELECT array_agg(d.rule_code || ': ' || c ORDER BY 1) FROM cleangov.rule_definition d, unnest(d.reads_columns) c
            WHERE d.shipped AND NOT (c = ANY (d.needs) OR d.degrades ? c
                                     OR EXISTS (SELECT FROM cleangov.pass p WHERE p.pass = ANY (d.passes) AND c = ANY (p.carries)))),
          NULL, 'every optional column a shipped rule reads is declared: needed or degrading (or carried by a shared pass for other readers)');
SELECT is((SELECT array_agg(d.rule_code || ': ' || c ORDER BY 1) FROM cleangov.rule_definition d, unnest(d.reads_columns) c
            WHERE d.rule_code IN ('R028', 'PROC_SHARED_CONTACTS') AND NOT (c = ANY (d.needs) OR d.degrades ? c)),
          '{"PROC_SHARED_CONTACTS: bid.currency","PROC_SHARED_CONTACTS: bid.status","PROC_SHARED_CONTACTS: bid.submitted_at","PROC_SHARED_CONTACTS: bid.tenderer_count","PROC_SHARED_CONTACTS: tender.method_details","PROC_SHARED_CONTACTS: tender.period_end","PROC_SHARED_CONTACTS: tender.procuring_entity_id","R028: bid.submitted_at","R028: tender.period_end","R028: tender.procuring_entity_id"}',
          'the columns the shared pass tender_bids carries for other readers are read but not declared by a rule that does not use them');
SELECT is((SELECT array_agg(rule_code ORDER BY rule_code) FROM cleangov.rule_definition WHERE shipped AND cardinality(reads_columns) = 0),
          '{FUND_BENFORD}', 'the probe finds optional columns in every shipped rule but FUND_BENFORD');
SELECT is((SELECT needs FROM cleangov.rule_definition WHERE rule_code = 'PROC_SMALL_WORKS_NO_DRAW'),
          '{tender.category,tender.estimated_value,tender.random_draw}', 'small works without draw needs random_draw');

-- a new rule reading an optional column: derived, and the declarations checked
INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, scenario, subject_kind, thresholds, default_level, description)
VALUES ('CL_NEW', 'new', '新', 'procurement', 'bid rigging', 'tender', '{}', 'blue', 'test');
INSERT INTO cleangov.rule_definition (rule_code, kind, query) VALUES ('CL_NEW', 'set', $$
SELECT t.tender_id AS subject_key, NULL::text AS unit_code, '' AS period, 1::float8 AS value,
       jsonb_build_object('class', t.item_class) AS evidence
  FROM cleangov_bound.tender t WHERE t.random_draw$$);
SELECT is((SELECT reads_columns FROM cleangov.rule_definition WHERE rule_code = 'CL_NEW'), '{tender.item_class,tender.random_draw}',
          'a new set rule: the columns its query reads');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET needs = '{tender.nope}' WHERE rule_code = 'CL_NEW'$$,
                 '42703', NULL, 'needs: not a shape column');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET needs = '{tender.status}' WHERE rule_code = 'CL_NEW'$$,
                 '22023', 'rule CL_NEW: tender.status is declared but the rule does not read it', 'needs: a column the rule does not read');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET degrades = '["tender.item_class"]' WHERE rule_code = 'CL_NEW'$$,
                 '22023', NULL, 'degrades: not an object');
SELECT throws_ok($$UPDATE cleangov.rule_definition SET needs = '{tender.random_draw}', degrades = '{"tender.random_draw": "x"}' WHERE rule_code = 'CL_NEW'$$,
                 '22023', NULL, 'a column both needed and degrading');
UPDATE cleangov.rule_definition SET needs = '{tender.random_draw}', degrades = '{"tender.item_class": "evidence lacks the class"}',
       reads_columns = '{}' WHERE rule_code = 'CL_NEW';
SELECT is((SELECT reads_columns FROM cleangov.rule_definition WHERE rule_code = 'CL_NEW'), '{tender.item_class,tender.random_draw}',
          'reads_columns is derived, not written');

-- rule_absent: the declared columns absent in the bindings ----------------------
CREATE TABLE cl.tender (tender_id text, buyer_id text, method text);
SELECT cleangov.bind('tender', 'cl.tender');
UPDATE cleangov.binding SET absent = '{unit_code,category,item_class,period_start,period_end,estimated_value,random_draw,status,project_id}'
 WHERE shape = 'tender';
SELECT results_eq($$SELECT * FROM cleangov.rule_absent((SELECT d FROM cleangov.rule_definition d WHERE rule_code = 'CL_NEW'))$$,
                  $$VALUES ('tender.random_draw', true, 'does not run: tender.random_draw is not bound'),
                           ('tender.item_class', false, 'evidence lacks the class')$$,
                  'rule_absent: the needed column first, then what degrades');
UPDATE cleangov.binding SET absent = '{}' WHERE shape = 'tender';
SELECT is((SELECT count(*)::int FROM cleangov.rule_absent((SELECT d FROM cleangov.rule_definition d WHERE rule_code = 'CL_NEW'))), 0,
          'nothing absent: nothing listed');
SELECT is((SELECT count(*)::int FROM cleangov.rule_absent((SELECT d FROM cleangov.rule_definition d WHERE rule_code = 'ENF_DISCRETION_OUTLIER'))), 0,
          'a shape not bound: not listed (the rule is skipped as unbound)');

SELECT * FROM finish();
ROLLBACK;
