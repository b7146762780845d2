#!/usr/bin/env bash
# cleangov on Citus against one node, same data, same machine, as ratios:
#   (a) the kernels over BENCH_ROWS rows (default 2,000,000), grouped by the
#       distribution column and by another column (bench/citus_kernels.sql);
#   (b) cleangov.run() of the whole library over the demo database at
#       DEMO_TENDERS tenders (default 20,000): plain tables in one database,
#       the same tables distributed (test/citus/distribute_demo.sql) in another.
# The cluster is the Citus suite's (test/citus/cluster.sh: a coordinator and
# two workers on loopback, 8 shards per table, ports from 57800) on this one
# machine: it shows what distribution costs (planning, shipping partial
# states and intermediate results between processes), not what it gains;
# with workers on their own machines each would scan a share of the rows.
#
#   bash bench/citus.sh
#   BENCH_ROWS=500000 DEMO_TENDERS=5000 BENCH_REPS=3 bash bench/citus.sh
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
rows=${BENCH_ROWS:-2000000}
tenders=${DEMO_TENDERS:-20000}
reps=${BENCH_REPS:-3}
export CLEANGOV_CITUS_PORT=${CLEANGOV_CITUS_PORT:-57800}

bench() {
	build_and_install
	bash "$CLEANGOV_ROOT/scripts/citus-build.sh" || die "Citus is not available (scripts/citus-build.sh)"
	source "$CLEANGOV_ROOT/test/citus/cluster.sh"
	citus_cluster_init "$(mktemp -d /tmp/cleangov-citus-bench.XXXXXX)"
	trap citus_cluster_stop EXIT
	local n
	for n in coordinator w1 w2; do
		citus_node_start "$n"
		cpsql "$n" -q -c 'CREATE EXTENSION citus' >/dev/null
	done
	cpsql coordinator -q -v ON_ERROR_STOP=1 -c "SELECT citus_set_coordinator_host('localhost', $(citus_port coordinator))" \
		-c "SELECT citus_add_node('localhost', $(citus_port w1))" -c "SELECT citus_add_node('localhost', $(citus_port w2))" \
		-c 'CREATE EXTENSION cleangov' >/dev/null
	cd "$CLEANGOV_ROOT"
	export PGOPTIONS='-c client_min_messages=warning'
	cpsql coordinator -q -v n="$rows" -v reps="$reps" -f bench/citus_kernels.sql

	echo
	echo "(b) cleangov.run() of the library over the demo database, $tenders tenders"
	cpsql coordinator -q -d postgres -c 'CREATE DATABASE cleangov_single' >/dev/null
	local db ms
	for db in cleangov_single $CITUS_DB; do
		CITUS_DB=$db cpsql coordinator -q -v ON_ERROR_STOP=1 -v tenders="$tenders" -f demo/generate.sql >/dev/null
		[ $db = cleangov_single ] && CITUS_DB=$db cpsql coordinator -q -c 'CREATE EXTENSION cleangov' >/dev/null
		[ $db = cleangov_single ] || cpsql coordinator -q -v ON_ERROR_STOP=1 -f test/citus/distribute_demo.sql >/dev/null
		CITUS_DB=$db cpsql coordinator -q -v ON_ERROR_STOP=1 -f demo/bind.sql >/dev/null
		CITUS_DB=$db cpsql coordinator -q -c 'VACUUM ANALYZE' >/dev/null
		ms=$(CITUS_DB=$db cpsql coordinator -At -c "SELECT round(extract(epoch FROM clock_timestamp() - now()) * 1000) FROM (SELECT count(*) FROM cleangov.run()) r")
		printf '%s\t%s\n' "$db" "$ms" >>"$CITUS_DIR/run.tsv"
		CITUS_DB=$db cpsql coordinator -At -F $'\t' -c "SELECT rule_code, round(duration_ms) FROM cleangov.run_log WHERE run_id = (SELECT max(run_id) FROM cleangov.run_log) ORDER BY rule_code" >"$CITUS_DIR/rules_$db.tsv"
	done
	local one citus
	one=$(awk -F'\t' '$1 == "cleangov_single" {print $2}' "$CITUS_DIR/run.tsv")
	citus=$(awk -F'\t' -v d="$CITUS_DB" '$1 == d {print $2}' "$CITUS_DIR/run.tsv")
	echo "run() one node: $one ms; on Citus: $citus ms; citus / one node: $(awk -v a="$citus" -v b="$one" 'BEGIN {printf "%.2f", a / b}')"
	echo "per rule (ms, one node / Citus / ratio):"
	join -t $'\t' "$CITUS_DIR/rules_cleangov_single.tsv" "$CITUS_DIR/rules_$CITUS_DB.tsv" |
		awk -F'\t' '{printf "  %-32s %8d %8d %6.2f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0)}'
}
with_install_lock bench
