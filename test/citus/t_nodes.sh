#!/usr/bin/env bash
# Installing on a running cluster, part 2 (part 1, CREATE EXTENSION on the
# coordinator, is run.sh's first test):
#  - citus_add_node of a fresh worker: Citus creates cleangov there itself
#    (in a two-phase commit: the shipped rules' compile checks make no
#    temporary objects), with the coordinator's version and the shipped rules;
#  - ALTER EXTENSION cleangov UPDATE on the coordinator, propagated to every
#    worker: with a test-only version 0.1.0 -> 0.1.0-citus-test -> 0.1.0 whose
#    scripts do what upgrade scripts do (replace a function, recompile a
#    shipped rule, which makes the compile check create and roll back its
#    stand-in views).  The scripts are installed for the test and removed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/cluster.sh"
ext=$(/usr/lib/postgresql/15/bin/pg_config --sharedir)/extension
up=$ext/cleangov--0.1.0--0.1.0-citus-test.sql
down=$ext/cleangov--0.1.0-citus-test--0.1.0.sql
# w3 stays in the cluster: the tests after this one run on three workers
# (run.sh stops every server of the cluster at the end)
trap 'rm -f "$up" "$down"' EXIT

citus_node_start w3 || { notok "worker w3 started"; exit 1; }
cpsql w3 -q -c 'CREATE EXTENSION citus' >/dev/null
if cpsql coordinator -q -v ON_ERROR_STOP=1 -c "SELECT citus_add_node('localhost', $(citus_port w3))" >/dev/null 2>"$CITUS_DIR/add.err"; then
	ok "citus_add_node of a fresh worker with cleangov installed on the coordinator"
else
	notok "citus_add_node: $(cat "$CITUS_DIR/add.err")"
fi
v=$(cpsql w3 -At -c "SELECT extversion FROM pg_extension WHERE extname = 'cleangov'")
[ "$v" = "$(cpsql coordinator -At -c 'SELECT cleangov.version()')" ] && ok "the new worker has cleangov $v" || notok "the new worker has cleangov '$v'"
n=$(cpsql w3 -At -c 'SELECT count(*) FROM cleangov.rule_definition')
m=$(cpsql coordinator -At -c 'SELECT count(*) FROM cleangov.rule_definition WHERE shipped')
[ "$n" = "$m" ] && [ "$n" -gt 30 ] && ok "the new worker has the $n shipped rule definitions" || notok "the new worker has $n rule definitions, the coordinator ships $m"

cat >"$up" <<'SQL'
-- test only (test/citus/t_nodes.sh): what an upgrade script does
CREATE OR REPLACE FUNCTION @extschema@.citus_test_marker() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN 'updated';
UPDATE @extschema@.rule_definition SET query = query || ' ' WHERE rule_code = 'R024';
SQL
cat >"$down" <<'SQL'
-- test only (test/citus/t_nodes.sh): back to 0.1.0
DROP FUNCTION @extschema@.citus_test_marker();
UPDATE @extschema@.rule_definition SET query = rtrim(query) WHERE rule_code = 'R024';
SQL
chmod 644 "$up" "$down"
if cpsql coordinator -q -v ON_ERROR_STOP=1 -c "ALTER EXTENSION cleangov UPDATE TO '0.1.0-citus-test'" >/dev/null 2>"$CITUS_DIR/up.err"; then
	ok "ALTER EXTENSION cleangov UPDATE on the running cluster"
else
	notok "ALTER EXTENSION UPDATE: $(cat "$CITUS_DIR/up.err")"
fi
for w in w1 w2 w3; do
	got=$(cpsql $w -At -c "SELECT extversion FROM pg_extension WHERE extname = 'cleangov'")/$(cpsql $w -At -c 'SELECT cleangov.citus_test_marker()' 2>/dev/null)
	[ "$got" = "0.1.0-citus-test/updated" ] && ok "worker $w is updated" || notok "worker $w: $got"
done
cpsql coordinator -q -v ON_ERROR_STOP=1 -c "ALTER EXTENSION cleangov UPDATE TO '0.1.0'" >/dev/null 2>"$CITUS_DIR/down.err" &&
	[ "$(cpsql w2 -At -c "SELECT extversion FROM pg_extension WHERE extname = 'cleangov'")" = 0.1.0 ] &&
	ok "and back to 0.1.0 everywhere" || notok "back to 0.1.0: $(cat "$CITUS_DIR/down.err")"
exit $fail
