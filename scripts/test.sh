#!/usr/bin/env bash
# Every test of cleangov, from a fresh Debian 12 machine: installs what is
# missing, builds with warnings as errors, installs, starts a throwaway
# cluster, runs the pg_regress suites (sql/, expected/), the pgTAP suites
# (test/pgtap/) and the shell tests (test/shell/), prints the diffs of what
# failed and a last line "N passed, N failed".  Exit status 0 only if all pass.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh kernels    # only suites whose file name contains "kernels"
source "$(dirname "$0")/lib.sh"

ensure_packages
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
run() {
	build_and_install
	CLEANGOV_SUMMARY=$summary in_cluster bash "$CLEANGOV_ROOT/scripts/test-in-cluster.sh" "${1:-}"
}
status=0
with_install_lock run "${1:-}" || status=$?
# pg_virtualenv prints the server log after the tests; repeat the verdict last.
echo
cat "$summary" 2>/dev/null || echo "0 passed, 1 failed (the test cluster did not run)"
exit $status
