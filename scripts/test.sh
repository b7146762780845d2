#!/usr/bin/env bash
# Every test of cleangov, from a fresh Debian 12 machine: installs what is
# missing, builds with warnings as errors, installs, starts a throwaway
# cluster, runs the pg_regress suites (sql/, expected/), the pgTAP suites
# (test/pgtap/), the shell tests (test/shell/) and the Citus suite
# (test/citus/: a coordinator and two workers of our own, Citus built from
# the vendored source and cached, or skipped with a message when it cannot
# be), prints the diffs of what
# failed and a last line "N passed, N failed".  Exit status 0 only if all pass.
#
#   bash scripts/test.sh            # everything
#   bash scripts/test.sh kernels    # only suites whose file name contains "kernels"
#   bash scripts/test.sh citus      # only the Citus suite (test/citus/run.sh)
source "$(dirname "$0")/lib.sh"

ensure_packages
filter=${1:-}
summary=$(mktemp)
citus_summary=$(mktemp)
trap 'rm -f "$summary" "$citus_summary"' EXIT
# The Citus suite (test/citus/run.sh) runs with everything, with the filter
# "citus", or when the filter names one of its files.
citus_filter() {
	[ -z "$filter" ] || [ "$filter" = citus ] && return 0
	local f
	for f in "$CLEANGOV_ROOT"/test/citus/*.sql "$CLEANGOV_ROOT"/test/citus/t_*.sh; do
		[[ "$(basename "$f")" == *"$filter"* ]] && return 0
	done
	return 1
}
single_filter() {
	[ -z "$filter" ] && return 0
	[ "$filter" = citus ] && return 1
	local f
	for f in "$CLEANGOV_ROOT"/sql/*.sql "$CLEANGOV_ROOT"/test/pgtap/*.sql "$CLEANGOV_ROOT"/test/pgtap/*/*.sql "$CLEANGOV_ROOT"/test/shell/*.sh; do
		[[ "$(basename "$f")" == *"$filter"* ]] && return 0
	done
	citus_filter && return 1
	return 0   # matches nothing anywhere: the single-node runner says so
}
run() {
	build_and_install
	local status=0
	if single_filter; then
		CLEANGOV_SUMMARY=$summary in_cluster bash "$CLEANGOV_ROOT/scripts/test-in-cluster.sh" "$filter" || status=1
	fi
	if citus_filter; then
		local cf=$filter
		[ "$cf" = citus ] && cf=
		CLEANGOV_BUILT=1 CLEANGOV_CITUS_SUMMARY=$citus_summary bash "$CLEANGOV_ROOT/test/citus/run.sh" "$cf" || status=1
	fi
	return $status
}
status=0
with_install_lock run || status=$?
# pg_virtualenv prints the server log after the tests; repeat the verdict last,
# the single-node suites and the Citus suite added up.
echo
p=0 f=0
for s in "$summary" "$citus_summary"; do
	[ -s "$s" ] || continue
	grep -v ' passed, ' "$s" || true
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$s" | tail -1) || true
	[ -n "$line" ] || continue
	p=$((p + ${line%% passed*}))
	line=${line#*, }
	f=$((f + ${line%% failed*}))
done
if single_filter && [ ! -s "$summary" ]; then
	f=$((f + 1)); echo "FAILED: the test cluster did not run"
fi
echo "$p passed, $f failed"
[ "$f" -eq 0 ] && [ "$status" -eq 0 ] && exit 0
exit 1
