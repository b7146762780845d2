#!/usr/bin/env bash
# Runs inside the throwaway cluster started by scripts/test.sh (PG* variables
# set by pg_virtualenv).  Not meant to be called directly.
set -uo pipefail
cd "$(dirname "$0")/.."
filter=${1:-}
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
passed=0
failed=0
failures=()

pick() { # files matching the filter
	local f
	for f in "$@"; do
		[ -e "$f" ] || continue
		[ -z "$filter" ] || [[ "$(basename "$f")" == *"$filter"* ]] || continue
		echo "$f"
	done
}

# 1. pg_regress
regress=$(pick sql/*.sql | sed 's|^sql/||; s|\.sql$||' | tr '\n' ' ')
if [ -n "${regress// /}" ]; then
	echo "== pg_regress: $regress"
	rm -f regression.diffs
	if make -s PG_CONFIG=$PG_CONFIG installcheck REGRESS="$regress"; then
		passed=$((passed + $(wc -w <<<"$regress")))
	else
		n_fail=$(grep -c '^diff ' regression.diffs 2>/dev/null) || n_fail=1
		failed=$((failed + n_fail))
		passed=$((passed + $(wc -w <<<"$regress") - n_fail))
		failures+=("pg_regress (diffs above)")
		echo "---- regression.diffs ----"
		cat regression.diffs 2>/dev/null
	fi
fi

# 2. pgTAP, in a database with pgtap and cleangov installed
tap=$(pick test/pgtap/*.sql test/pgtap/*/*.sql)
if [ -n "$tap" ]; then
	echo "== pgTAP"
	dropdb --if-exists cleangov_tap 2>/dev/null
	createdb cleangov_tap
	if ! psql -X -q -v ON_ERROR_STOP=1 -d cleangov_tap \
		-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION cleangov' >/dev/null; then
		failed=$((failed + 1))
		failures+=("pgTAP set-up: CREATE EXTENSION failed")
		tap=
	fi
	for f in $tap; do
		if pg_prove -d cleangov_tap --failures "$f"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			failures+=("$f")
			pg_prove -d cleangov_tap --verbose "$f" 2>&1 | grep -v '^ok ' | tail -60
		fi
	done
fi

# 3. shell tests: what SQL cannot show (dump and restore, two connections, the demo)
for f in $(pick test/shell/*.sh); do
	echo "== $f"
	if bash "$f"; then
		passed=$((passed + 1))
		echo "ok $f"
	else
		failed=$((failed + 1))
		failures+=("$f")
		echo "not ok $f"
	fi
done

echo
{
	for f in "${failures[@]}"; do echo "FAILED: $f"; done
	echo "$passed passed, $failed failed"
} | tee "${CLEANGOV_SUMMARY:-/dev/null}"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
