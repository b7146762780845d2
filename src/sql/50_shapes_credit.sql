-- Rule engine, part 1 (continued): the shapes an enterprise's credit reads
-- (doc/enterprise-credit.md).  Penalties (shape penalty, party_id) and
-- complaints (shape complaint, subject_id) are shapes already; here are the
-- dishonest-judgement-debtor listings, the tax and social-insurance arrears
-- and the credit repairs that seed 004's credit platform (信用杭州) integrates.

INSERT INTO @extschema@.shape (shape, name_en, name_zh, key_column, description) VALUES
 ('dishonest_debtor', 'dishonest judgement debtor', '失信被执行人', 'record_id',
  'A listing of an enterprise as a dishonest judgement debtor (失信被执行人) by a people''s court: listed, and removed once the obligation is performed or the listing expires.'),
 ('arrears', 'tax or social-insurance arrears', '欠税欠费', 'record_id',
  'Taxes or social-insurance contributions an enterprise owes past their due date (欠税公告, 欠缴社会保险费), from the date they were established until settled.'),
 ('credit_repair', 'credit repair', '信用修复', 'repair_id',
  'An application to repair (信用修复) one adverse credit record of an enterprise (a penalty, a dishonest-debtor listing, arrears, a complaint): its outcome and the date the repair took effect, and the approval case (kind credit_repair) whose time limit it keeps. Unbound, it reads as empty: no repairs.');

UPDATE @extschema@.shape SET unbound_reads_empty = true WHERE shape = 'credit_repair';

INSERT INTO @extschema@.shape_column (shape, column_name, position, type, required, description)
SELECT s, c, p, t::regtype, r, d FROM (VALUES
 ('dishonest_debtor', 'record_id', 1, 'text', true, 'key of the listing'),
 ('dishonest_debtor', 'enterprise_id', 2, 'text', true, 'enterprise listed'),
 ('dishonest_debtor', 'listed_at', 3, 'timestamptz', true, 'date of the listing (the court''s decision to list)'),
 ('dishonest_debtor', 'removed_at', 4, 'timestamptz', false, 'date the listing was removed (NULL: still listed)'),
 ('dishonest_debtor', 'court', 5, 'text', false, 'court that listed it'),
 ('dishonest_debtor', 'case_no', 6, 'text', false, 'case number of the enforcement'),
 ('dishonest_debtor', 'obligation', 7, 'text', false, 'the obligation not performed'),

 ('arrears', 'record_id', 1, 'text', true, 'key of the arrears record'),
 ('arrears', 'enterprise_id', 2, 'text', true, 'enterprise in arrears'),
 ('arrears', 'kind', 3, 'text', true, 'tax or social_insurance (code list arrears_kind)'),
 ('arrears', 'since', 4, 'timestamptz', true, 'date the arrears were established (published or notified)'),
 ('arrears', 'settled_at', 5, 'timestamptz', false, 'date the arrears were paid off (NULL: still owed)'),
 ('arrears', 'amount', 6, 'numeric', false, 'amount owed (yuan)'),
 ('arrears', 'unit_code', 7, 'text', false, 'authority owed (tax office, social-insurance agency)'),

 ('credit_repair', 'repair_id', 1, 'text', true, 'key of the repair application'),
 ('credit_repair', 'enterprise_id', 2, 'text', true, 'enterprise applying'),
 ('credit_repair', 'record_kind', 3, 'text', true, 'shape of the record repaired: penalty, dishonest_debtor, arrears or complaint (code list credit_repair_record)'),
 ('credit_repair', 'record_id', 4, 'text', true, 'key of the record repaired in its shape'),
 ('credit_repair', 'outcome', 5, 'text', false, 'approved or refused (code list repair_outcome; NULL: pending)'),
 ('credit_repair', 'repaired_at', 6, 'timestamptz', false, 'date the approved repair took effect'),
 ('credit_repair', 'case_id', 7, 'text', false, 'approval case (shape approval_case, kind credit_repair) whose time limit the repair keeps')
) v(s, c, p, t, r, d);
