#!/usr/bin/env bash
# The Citus suite: cleangov on a real Citus cluster (a coordinator and two
# workers on loopback, ports of their own, started and removed here).
#
#   bash test/citus/run.sh [filter]   # only files whose name contains filter
#
# Citus is built from the vendored source if it is not installed
# (scripts/citus-build.sh, cached outside the repository); without Citus and
# without its source the suite is skipped, and says so.  Steps:
#   1. start the nodes, CREATE EXTENSION citus on each, register them;
#   2. CREATE EXTENSION pgtap and cleangov on the coordinator of the RUNNING
#      cluster (Citus propagates it to the workers in a two-phase commit):
#      itself a test;
#   3. every test/citus/*.sql with pg_prove against the coordinator's database
#      $CITUS_DB, and every test/citus/t_*.sh with bash (cluster.sh's
#      functions and CITUS_DIR, CITUS_BASE_PORT, CITUS_DB exported).
# Prints a last line "N passed, N failed" (also to $CLEANGOV_CITUS_SUMMARY);
# exit 0 when all passed, 0 with "skipped" when Citus is unavailable.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../../scripts/lib.sh"
set +e
filter=${1:-}
summary=${CLEANGOV_CITUS_SUMMARY:-/dev/null}

suite() {
	[ -n "${CLEANGOV_BUILT:-}" ] || build_and_install
	bash "$CLEANGOV_ROOT/scripts/citus-build.sh"
	case $? in
	0) ;;
	3) echo "citus suite SKIPPED: Citus is not installed and its source is not in ../shared/vendor/" | tee "$summary"
	   return 0 ;;
	*) echo "0 passed, 1 failed (Citus could not be built: see above)" | tee "$summary"; return 1 ;;
	esac
	source "$here/cluster.sh"
	citus_cluster_init "$(mktemp -d /tmp/cleangov-citus.XXXXXX)"
	trap citus_cluster_stop EXIT
	export CITUS_DIR CITUS_BASE_PORT CITUS_DB
	local passed=0 failed=0 failures=() n f
	for n in coordinator w1 w2; do
		citus_node_start "$n" || { echo "0 passed, 1 failed (node $n did not start)" | tee "$summary"; return 1; }
		cpsql "$n" -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION citus' >/dev/null || return 1
	done
	cpsql coordinator -q -v ON_ERROR_STOP=1 \
		-c "SELECT citus_set_coordinator_host('localhost', $(citus_port coordinator))" \
		-c "SELECT citus_add_node('localhost', $(citus_port w1))" \
		-c "SELECT citus_add_node('localhost', $(citus_port w2))" >/dev/null || return 1
	echo "== citus: CREATE EXTENSION cleangov on the running cluster"
	if cpsql coordinator -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION cleangov' >/dev/null &&
		[ "$(cpsql w1 -At -c "SELECT extversion FROM pg_extension WHERE extname = 'cleangov'")" = "$(cpsql coordinator -At -c 'SELECT cleangov.version()')" ]; then
		passed=$((passed + 1)); echo "ok - CREATE EXTENSION cleangov on a running cluster, propagated to the workers"
	else
		failed=$((failed + 1)); failures+=("CREATE EXTENSION on the running cluster")
		echo "not ok - CREATE EXTENSION cleangov on a running cluster"
		echo "$passed passed, $failed failed" | tee "$summary"; return 1
	fi
	for f in "$here"/*.sql; do
		[ -e "$f" ] || continue
		case $(basename "$f") in distribute_*|setup_*) continue ;; esac
		[ -z "$filter" ] || [[ "$(basename "$f")" == *"$filter"* ]] || continue
		echo "== citus: $(basename "$f")"
		if pg_prove -h "$CITUS_DIR" -p "$(citus_port coordinator)" -U postgres -d "$CITUS_DB" --failures "$f"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1)); failures+=("$f")
			pg_prove -h "$CITUS_DIR" -p "$(citus_port coordinator)" -U postgres -d "$CITUS_DB" --verbose "$f" 2>&1 | grep -v '^ok ' | tail -60
		fi
	done
	for f in "$here"/t_*.sh; do
		[ -e "$f" ] || continue
		[ -z "$filter" ] || [[ "$(basename "$f")" == *"$filter"* ]] || continue
		echo "== citus: $(basename "$f")"
		if bash "$f"; then
			passed=$((passed + 1)); echo "ok $(basename "$f")"
		else
			failed=$((failed + 1)); failures+=("$f"); echo "not ok $(basename "$f")"
		fi
	done
	{
		for f in "${failures[@]}"; do echo "FAILED (citus): $f"; done
		echo "$passed passed, $failed failed"
	} | tee "$summary"
	[ "$failed" -eq 0 ]
}

if [ -n "${CLEANGOV_BUILT:-}" ]; then
	suite
else
	with_install_lock suite
fi
