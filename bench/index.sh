#!/usr/bin/env bash
# Integrity index speed (issue 6): one period of the Pizhou framework for
# 100,000 persons in 2,000 units (45 leaves, 4.5 M values) computed, banded,
# rolled up to units and stored, against a plain
#   INSERT ... SELECT person, avg(value) ... GROUP BY person
# over the same values, in the same cluster; then 12 periods at once (for
# 10,000 persons: 5.4 M values); peak memory as the backend's max resident
# size (getrusage, reported by log_statement_stats; includes the shared
# buffers the backend touched).
#
#   bash bench/index.sh [persons] [units]
source "$(dirname "$0")/../scripts/lib.sh"
persons=${1:-100000}
units=${2:-2000}
persons12=$((persons / 10))
units12=$((units / 10))

ensure_packages
inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
cd "$1"; persons=$2; units=$3; persons12=$4; units12=$5
# Run one statement in a fresh backend; print "ms maxrss_kB".
measure() {
	local out
	out=$(psql -X -q -d bench -v ON_ERROR_STOP=1 2>&1 <<SQL
SET client_min_messages = log;
\timing on
SET log_statement_stats = on;
$1;
SQL
)
	local ms kb
	ms=$(grep -o 'Time: [0-9.]*' <<<"$out" | tail -1 | cut -d' ' -f2)
	kb=$(grep -o '[0-9]* kB max resident size' <<<"$out" | tail -1 | cut -d' ' -f1)
	echo "$ms $kb"
}
best() { # best of n runs of a statement, after a setup statement: "ms kB"
	local setup=$1 stmt=$2 n=$3 i r bm= bk=
	for i in $(seq "$n"); do
		psql -X -q -d bench -c "$setup" >/dev/null
		r=$(measure "$stmt")
		if [ -z "$bm" ] || awk "BEGIN{exit !(${r% *} < $bm)}"; then bm=${r% *}; bk=${r#* }; fi
	done
	echo "$bm $bk"
}
run_case() { # label nperiods persons units baseline_periods
	local label=$1 np=$2 pe=$3 un=$4
	dropdb --if-exists bench >/dev/null; createdb bench
	psql -X -q -d bench -c 'CREATE EXTENSION cleangov' >/dev/null
	local t0=$(date +%s)
	psql -X -q -d bench -v ON_ERROR_STOP=1 -v persons="$pe" -v units="$un" -v nperiods="$np" -f bench/index.sql >/dev/null
	echo "$label: $pe persons, $un units, $np period(s), $((pe * 45 * np)) values (loaded and checked in $(( $(date +%s) - t0 )) s)"
	local periods
	periods=$(seq -s, $((2025 - np)) 2024 | sed "s/[0-9]*/'&'/g")
	local base idx
	base=$(best "TRUNCATE bench_avg" "INSERT INTO bench_avg SELECT period, subject_key, avg(value) FROM cleangov.indicator_value WHERE framework_code = 'pizhou' AND period IN ($periods) AND subject_kind = 'person' GROUP BY period, subject_key" 3)
	idx=$(best "SELECT 1" "SELECT count(*) FROM cleangov.index_compute('pizhou', ARRAY[$periods], warn => false)" 3)
	printf '  baseline INSERT ... avg() GROUP BY person:  %8.0f ms  (max RSS %s kB)\n' ${base% *} ${base#* }
	printf '  index_compute (scores, bands, units, store): %8.0f ms  (max RSS %s kB)\n' ${idx% *} ${idx#* }
	awk -v a=${idx% *} -v b=${base% *} 'BEGIN { printf "  ratio index / baseline: %.2f\n", a / b }'
	psql -X -q -d bench -At -c "SELECT '  stored: ' || sum(n) || ' scores; per kind and level: ' || string_agg(subject_kind || ' ' || level || ' ' || n, ', ' ORDER BY subject_kind, level) FROM (SELECT subject_kind, level, count(*) n FROM cleangov.index_score GROUP BY 1, 2) s"
	if [ "$np" = 1 ]; then
		local w
		w=$(measure "SELECT count(*) FROM cleangov.index_warn('pizhou', ARRAY['2024'])")
		printf '  index_warn (alerts for blue or worse):     %8.0f ms\n' ${w% *}
	fi
}
run_case "one period" 1 "$persons" "$units"
run_case "12 periods at once" 12 "$persons12" "$units12"
dropdb bench
INNER
run() {
	build_and_install
	in_cluster bash "$inner" "$CLEANGOV_ROOT" "$persons" "$units" "$persons12" "$units12"
}
with_install_lock run 2>&1 | grep -v '^\*\*\*\|^20[0-9][0-9]-\|^Dropping\|^Creating'
