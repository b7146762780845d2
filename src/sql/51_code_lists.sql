-- Rule engine, part 1b: code lists.
--
-- A coded shape column (tender.method, bid.status, ...) takes its values from
-- a code list, kept here as data: the Open Contracting Data Standard's
-- codelists where one exists (origin 'OCDS', codes spelled as OCDS spells
-- them), cleangov's own otherwise.  Rules compare coded columns only with
-- codes of the column's list (test/pgtap/51_code_lists.sql checks every
-- shipped rule), bind() maps a user's values onto them, and the binding
-- profile shows the values outside the list.  Relation kinds are their own
-- table (cleangov.relation_kind, users add kinds there); the view
-- cleangov.code reads both.

CREATE TABLE @extschema@.code_list (
  list        text NOT NULL CHECK (list ~ '^[a-z_]+$'),
  code        text NOT NULL CHECK (code <> ''),
  name_en     text NOT NULL,
  name_zh     text NOT NULL,
  description text NOT NULL,
  origin      text NOT NULL CHECK (origin IN ('OCDS', 'cleangov')),
  PRIMARY KEY (list, code)
);
COMMENT ON TABLE @extschema@.code_list IS
  'Code lists of the coded shape columns (shape_column.code_list): one row per code, with its names and whether it is an OCDS codelist code or cleangov''s own. Relation kinds are in cleangov.relation_kind (list relation_kind of the view cleangov.code).';

INSERT INTO @extschema@.code_list (list, code, name_en, name_zh, description, origin) VALUES
 -- OCDS method (procurementMethod), and cleangov's random draw
 ('method', 'open', 'open', '公开招标', 'All interested suppliers may submit a tender.', 'OCDS'),
 ('method', 'selective', 'selective', '邀请招标', 'Only qualified or invited suppliers may submit a tender.', 'OCDS'),
 ('method', 'limited', 'limited', '竞争性谈判', 'The buyer contacts a number of suppliers of its choice (negotiation, enquiry).', 'OCDS'),
 ('method', 'direct', 'direct', '单一来源', 'The contract is awarded to one supplier without competition (direct award, single source).', 'OCDS'),
 ('method', 'draw', 'random draw', '随机抽取', 'The contractor is picked by random draw from a pool (small works); cleangov''s own code.', 'cleangov'),
 -- OCDS procurementCategory
 ('category', 'goods', 'goods', '货物', 'Physical products.', 'OCDS'),
 ('category', 'works', 'works', '工程', 'Construction, repair, renovation or demolition.', 'OCDS'),
 ('category', 'services', 'services', '服务', 'Services other than works.', 'OCDS'),
 -- OCDS tenderStatus
 ('tender_status', 'planning', 'planning', '计划中', 'A future procurement process being considered.', 'OCDS'),
 ('tender_status', 'planned', 'planned', '已计划', 'A process scheduled to start.', 'OCDS'),
 ('tender_status', 'active', 'active', '进行中', 'The process is open or under way.', 'OCDS'),
 ('tender_status', 'cancelled', 'cancelled', '已取消', 'The process was cancelled (rules skip it).', 'OCDS'),
 ('tender_status', 'unsuccessful', 'unsuccessful', '失败', 'The process ended without an award (e.g. no suitable bids).', 'OCDS'),
 ('tender_status', 'complete', 'complete', '已完成', 'The process is complete.', 'OCDS'),
 ('tender_status', 'withdrawn', 'withdrawn', '已撤回', 'The process was withdrawn (published in error).', 'OCDS'),
 -- OCDS bidStatus
 ('bid_status', 'invited', 'invited', '已邀请', 'The tenderer was invited to bid.', 'OCDS'),
 ('bid_status', 'pending', 'pending', '待评审', 'The bid was received and is being evaluated.', 'OCDS'),
 ('bid_status', 'valid', 'valid', '有效', 'The bid is valid.', 'OCDS'),
 ('bid_status', 'disqualified', 'disqualified', '废标', 'The bid was disqualified.', 'OCDS'),
 ('bid_status', 'withdrawn', 'withdrawn', '撤回', 'The tenderer withdrew the bid.', 'OCDS'),
 -- OCDS awardStatus
 ('award_status', 'pending', 'pending', '待定', 'The award is proposed, not yet in force.', 'OCDS'),
 ('award_status', 'active', 'active', '有效', 'The award is in force.', 'OCDS'),
 ('award_status', 'cancelled', 'cancelled', '已撤销', 'The award was cancelled.', 'OCDS'),
 ('award_status', 'unsuccessful', 'unsuccessful', '未成功', 'The award could not be made.', 'OCDS'),
 -- OCDS awardCriteria (1.1; bind_ocds reads the deprecated 1.0 codes lowestCost
 -- as priceOnly, bestProposal and bestValueToGovernment as ratedCriteria)
 ('award_criteria', 'priceOnly', 'price only', '最低价评标', 'The award goes to the lowest price.', 'OCDS'),
 ('award_criteria', 'costOnly', 'cost only', '最低成本评标', 'The award goes to the lowest cost over the life of the contract.', 'OCDS'),
 ('award_criteria', 'qualityOnly', 'quality only', '质量评标', 'The award goes on quality alone, the price fixed.', 'OCDS'),
 ('award_criteria', 'ratedCriteria', 'rated criteria', '综合评分', 'The award goes on several weighted criteria (price and quality).', 'OCDS'),
 -- OCDS partyRole (party.roles holds them, comma-separated)
 ('party_role', 'buyer', 'buyer', '采购人', 'The entity whose budget pays for the contract.', 'OCDS'),
 ('party_role', 'procuringEntity', 'procuring entity', '采购代理机构', 'The entity that manages the procurement process.', 'OCDS'),
 ('party_role', 'supplier', 'supplier', '供应商', 'An entity awarded or contracted to supply.', 'OCDS'),
 ('party_role', 'tenderer', 'tenderer', '投标人', 'An entity that submitted a bid.', 'OCDS'),
 ('party_role', 'funder', 'funder', '出资方', 'An entity providing money for the process.', 'OCDS'),
 ('party_role', 'enquirer', 'enquirer', '询问人', 'An entity that asked a question during the process.', 'OCDS'),
 ('party_role', 'payer', 'payer', '付款方', 'An entity making a payment.', 'OCDS'),
 ('party_role', 'payee', 'payee', '收款方', 'An entity receiving a payment.', 'OCDS'),
 ('party_role', 'reviewBody', 'review body', '复议机构', 'An entity hearing challenges and complaints.', 'OCDS'),
 ('party_role', 'interestedParty', 'interested party', '利害关系人', 'An entity with an interest in the process.', 'OCDS'),
 -- cleangov: steps of an approval case or project, in their statutory order
 ('approval_step', 'apply', 'application', '申请', 'The application is filed.', 'cleangov'),
 ('approval_step', 'accept', 'acceptance', '受理', 'The application is accepted for handling.', 'cleangov'),
 ('approval_step', 'review', 'review', '审查', 'The application is reviewed.', 'cleangov'),
 ('approval_step', 'approve', 'approval', '批准', 'The decision to approve: the gate step that building and payment must follow (APPR_OUT_OF_ORDER).', 'cleangov'),
 ('approval_step', 'build_start', 'start of building', '开工', 'Building starts.', 'cleangov'),
 ('approval_step', 'pay', 'payment', '拨付', 'Funds are paid.', 'cleangov'),
 -- cleangov: what a consortium member belongs to
 ('member_of', 'bid', 'joint bid', '联合体投标', 'A member of a bid made by several tenderers together.', 'cleangov'),
 ('member_of', 'award', 'joint award', '联合体中标', 'A member of an award made to several suppliers.', 'cleangov'),
 -- cleangov: fee kinds (FUND_LAND_FEE_LOW reads land_transfer)
 ('fee_kind', 'land_transfer', 'land-transfer fee', '土地出让金', 'Fees for the transfer of state-owned land use rights.', 'cleangov'),
 -- cleangov: sex as cn_id_sex() reads it from a resident identity number
 ('sex', 'M', 'male', '男', 'Male (odd sequence digit of the identity number).', 'cleangov'),
 ('sex', 'F', 'female', '女', 'Female (even sequence digit of the identity number).', 'cleangov'),
 -- cleangov: the forms of a period text (budget_line.period, fee_collection.period, hits' period)
 ('period_form', 'month', 'month', '月', 'YYYY-MM, e.g. 2024-03 (a streak on month steps by one month).', 'cleangov'),
 ('period_form', 'year', 'year', '年', 'YYYY, e.g. 2024.', 'cleangov'),
 ('period_form', 'day', 'day', '日', 'YYYY-MM-DD, e.g. 2024-03-05.', 'cleangov'),
 -- cleangov: the three public expenses (三公经费), the categories budget_line.three_public marks
 ('three_public', 'hospitality', 'official hospitality', '公务接待费', 'Official hospitality (one of the three public expenses).', 'cleangov'),
 ('three_public', 'official_car', 'official cars', '公务用车运行维护费', 'Purchase and running of official cars (one of the three public expenses).', 'cleangov'),
 ('three_public', 'travel_abroad', 'official travel abroad', '因公出国（境）费', 'Official travel abroad (one of the three public expenses).', 'cleangov');

-- The list a coded column takes its values from, and how a date-only source
-- is read for a timestamptz column (a deadline date means the end of that day).
ALTER TABLE @extschema@.shape_column
  ADD COLUMN code_list text,
  ADD COLUMN date_reading text CHECK (date_reading IN ('start', 'end'));
COMMENT ON COLUMN @extschema@.shape_column.code_list IS
  'The code list (cleangov.code.list) the column''s values come from; NULL for an uncoded column.';
COMMENT ON COLUMN @extschema@.shape_column.date_reading IS
  'For a timestamptz column: how a date-only source column is read, ''start'' (midnight) or ''end'' (the end of that day, for deadlines); NULL for other types.';

UPDATE @extschema@.shape_column SET date_reading = CASE WHEN (shape, column_name) = ('tender', 'period_end') THEN 'end' ELSE 'start' END
 WHERE type = 'timestamptz'::regtype;
ALTER TABLE @extschema@.shape_column
  ADD CHECK ((date_reading IS NOT NULL) = (type = 'timestamptz'::regtype));
UPDATE @extschema@.shape_column c SET code_list = v.list
  FROM (VALUES ('tender', 'method', 'method'), ('contract', 'method', 'method'),
               ('tender', 'category', 'category'), ('contract', 'category', 'category'),
               ('tender', 'status', 'tender_status'), ('bid', 'status', 'bid_status'),
               ('award', 'status', 'award_status'), ('approval_step', 'step', 'approval_step'),
               ('fee_collection', 'kind', 'fee_kind'), ('person', 'sex', 'sex'),
               ('relation', 'kind', 'relation_kind'), ('tender', 'award_criteria', 'award_criteria'),
               ('consortium_member', 'of_kind', 'member_of')) v(shape, column_name, list)
 WHERE (c.shape, c.column_name) = (v.shape, v.column_name);
UPDATE @extschema@.shape_column c SET description = v.description
  FROM (VALUES
    ('tender', 'method', 'procurement method (code list method: open, selective, limited, direct, draw)'),
    ('tender', 'status', 'tender status (code list tender_status: planning, planned, active, cancelled, unsuccessful, complete, withdrawn; cancelled processes are skipped)'),
    ('bid', 'status', 'bid status (code list bid_status: invited, pending, valid, disqualified, withdrawn; NULL counts as valid)'),
    ('award', 'status', 'award status (code list award_status: pending, active, cancelled, unsuccessful; NULL counts as active)'),
    ('approval_step', 'step', 'name of the step (code list approval_step: apply, accept, review, approve, build_start, pay)'),
    ('contract', 'method', 'procurement method (code list method; direct for a direct award)'),
    ('tender', 'random_draw', 'the contractor was picked by random draw (NULL in a row counts as not drawn; an absent column: PROC_SMALL_WORKS_NO_DRAW does not run)'))
    v(shape, column_name, description)
 WHERE (c.shape, c.column_name) = (v.shape, v.column_name);

CREATE VIEW @extschema@.code AS
SELECT l.list, l.code, l.name_en, l.name_zh, l.description, l.origin FROM @extschema@.code_list l
UNION ALL
SELECT 'relation_kind', k.kind, k.name_en, k.name_zh, k.category || ' relation', 'cleangov' FROM @extschema@.relation_kind k;
COMMENT ON VIEW @extschema@.code IS
  'Every code of every code list: the rows of cleangov.code_list and the relation kinds of cleangov.relation_kind (list relation_kind). A coded column''s codes are those of its shape_column.code_list.';

-- stable because it reads the catalog tables
CREATE FUNCTION @extschema@.code_list_of(shape text, column_name text)
RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
  SELECT array_agg(k.code ORDER BY k.code)
    FROM @extschema@.shape_column c JOIN @extschema@.code k ON k.list = c.code_list
   WHERE c.shape = code_list_of.shape AND c.column_name = code_list_of.column_name;
END;
COMMENT ON FUNCTION @extschema@.code_list_of(text, text) IS
  'The codes a shape column''s values come from (its code list, sorted); NULL for an uncoded or unknown column. Stable because it reads the catalog tables.';
