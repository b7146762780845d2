#!/usr/bin/env bash
# A rule quarantined inside a watch trigger as its owner's last rule on the
# table (doc/rules.md, "Quarantine"): the watch function that is running is
# not dropped under it but kept with an empty body, and its triggers with it;
# the writes go on in the same transaction, it commits, the next transaction
# writes through the empty function, and the next rewatch() outside a trigger
# (here the rule's release) makes the function of the rule again.  What
# pgTAP cannot show inside its one transaction: the commits in between.  And
# the WARNING that a statement with non-finite prices gives, once per rule.
set -euo pipefail
db=cleangov_watch_quarantine
dropdb --if-exists $db 2>/dev/null; createdb $db
trap 'dropdb --if-exists $db 2>/dev/null' EXIT
q() { PGOPTIONS="-c client_min_messages=error" psql -X -q -At -v ON_ERROR_STOP=1 -d $db "$@"; }
q -c 'CREATE EXTENSION cleangov' \
  -c 'CREATE TABLE orders (no int PRIMARY KEY, buyer text, supplier text, price numeric, ref numeric)' \
  -c "SELECT cleangov.bind('contract', 'orders', '{\"contract_id\": \"no\", \"buyer_id\": \"buyer\", \"supplier_id\": \"supplier\", \"amount\": \"price\", \"market_price\": \"ref\"}')" \
  -c "UPDATE cleangov.rule SET enabled = false" \
  -c "INSERT INTO cleangov.rule (rule_code, name_en, name_zh, domain, subject_kind, thresholds, default_level)
      VALUES ('Q_LAST', 'fails on 700', '失败', 'qtest', 'contract', '{\"limit\": 1000}', 'blue')" \
  -c "INSERT INTO cleangov.rule_definition (rule_code, kind, shape, condition, value_expr, threshold_key)
      VALUES ('Q_LAST', 'row', 'contract', 'r.amount / (r.amount - 700) > {limit}', 'r.amount', 'limit')" \
  -c "SELECT cleangov.watch('orders')" >/dev/null
fail=0
check() { # description, SQL, expected
	local got; got=$(q -c "$2")
	[ "$got" = "$3" ] && echo "ok - $1" || { echo "not ok - $1: got '$got', expected '$3'"; fail=1; }
}
fn="(SELECT count(*) FROM pg_proc p JOIN cleangov.watched x ON p.proname ~ ('^' || x.function || '_[0-9]+\$'))"
trg="(SELECT count(*) FROM pg_trigger WHERE tgrelid = 'orders'::regclass AND tgname ~ '^cleangov_watch_')"
empty="(SELECT count(*) FROM pg_proc p JOIN cleangov.watched x ON p.proname ~ ('^' || x.function || '_[0-9]+\$') WHERE p.prosrc ~ 'no rule of this owner')"
# One transaction: the multi-row statement quarantines the rule, two more writes follow, COMMIT.
q -c "BEGIN" \
  -c "INSERT INTO orders VALUES (1, 'b', 's', 100, 100), (2, 'b', 's', 700, 700), (3, 'b', 's', 900, 900)" \
  -c "INSERT INTO orders VALUES (4, 'b', 's', 700, 700)" \
  -c "UPDATE orders SET price = 701 WHERE no IN (2, 4)" \
  -c "COMMIT" >/dev/null
check "the transaction that quarantined the rule committed its rows" "SELECT count(*) FROM orders" 4
check "the rule is quarantined" "SELECT string_agg(rule_code, ',') FROM cleangov.rule_quarantine" Q_LAST
check "the function is kept with an empty body, and its two triggers" "SELECT $fn || ',' || $empty || ',' || $trg" "1,1,2"
# The next transaction writes through the empty function.
q -c "INSERT INTO orders VALUES (5, 'b', 's', 700, 700), (6, 'b', 's', 700.5, 700.5)" >/dev/null
check "the next transaction writes too, raising nothing" "SELECT count(*) || ',' || (SELECT count(*) FROM cleangov.alert) FROM orders" "6,0"
# Released (a rewatch outside a trigger): the rule's function again, and it raises.
q -c "SELECT cleangov.release_rule('Q_LAST')" >/dev/null
check "released, the function of the rule is generated again" "SELECT $fn || ',' || $empty || ',' || $trg" "1,0,2"
q -c "INSERT INTO orders VALUES (7, 'b', 's', 700.5, 700.5)" >/dev/null
check "and raises" "SELECT string_agg(subject_key, ',') FROM cleangov.alert WHERE rule_code = 'Q_LAST'" 7
# A statement with two non-finite prices: one WARNING for the rule with the
# count, both hits in cleangov.rejected_hit, the rule not quarantined.
warn=$(PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -d $db \
	-c "INSERT INTO orders VALUES (8, 'b', 's', 'NaN', 100), (9, 'b', 's', 'Infinity', 100), (10, 'b', 's', 700.5, 700.5)" 2>&1)
n=$(grep -c '^WARNING:' <<<"$warn" || true)
[ "$n" = 1 ] && grep -q 'rule Q_LAST: 2 hit(s) with a NaN or infinite' <<<"$warn" \
	&& echo "ok - one WARNING for the statement, with the count" || { echo "not ok - warnings: $warn"; fail=1; }
check "the two hits are rejected, the third raised, nothing quarantined" \
	"SELECT (SELECT string_agg(subject_key || '=' || value, ',' ORDER BY subject_key) FROM cleangov.rejected_hit WHERE context = 'watch')
	        || ';' || (SELECT string_agg(subject_key, ',' ORDER BY subject_key) FROM cleangov.alert) || ';' || (SELECT count(*) FROM cleangov.rule_quarantine)" \
	"8=NaN,9=Infinity;10,7;0"
exit $fail
