-- bench/rules.sh, part (d): the same table bound through a code map (the
-- method: 'negotiated' is the user's word for the code 'limited') and a
-- lookup (the unit, from erp.buyers by buyer), so that parts (a) and (b)
-- measure again a binding that is not a plain column list (issue 12).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT cleangov.bind('contract', 'erp.contracts',
  '{"contract_id": "contract_no", "buyer_id": "buyer", "supplier_id": "supplier", "amount": "price",
    "unit_code": {"column": "by.unit"}, "tender_id": "tender_no", "market_price": "ref_price", "signed_at": "signed_on",
    "project_id": "project_no",
    "method": {"column": "method", "codes": {"open": "open", "selective": "selective", "negotiated": "limited", "direct": "direct"}}}',
  '{"by": {"table": "erp.buyers", "on": {"buyer": "buyer"}}}') \gset
