#!/usr/bin/env bash
# Random SQL from sqlsmith against the demo data, about the extension's
# functions only (test/shell/fuzz_setup.sql), as a cleangov_admin that is not
# a superuser: a short run with fixed seeds (about a minute).  Fails on any
# backend crash and prints the query that crashed it (from the server log).
# The long run is bench/fuzz.sh; the figures are in doc/reliability.md.
#   FUZZ_SEEDS="1 2 3" FUZZ_QUERIES=1500 (per seed)
#   FUZZ_HIDE_KNOWN=0: do not hide the known crashes from sqlsmith (to see that a crash is caught)
set -uo pipefail
source "$(dirname "$0")/fuzz_lib.bash"
db=cleangov_fuzz
seeds=${FUZZ_SEEDS:-1 2 3}
queries=${FUZZ_QUERIES:-1500}
out=$(mktemp)
dropdb --if-exists $db 2>/dev/null
trap 'rm -f "$out"; dropdb --if-exists $db 2>/dev/null' EXIT
fuzz_prepare $db 300 || { echo "fuzz: set-up failed"; exit 1; }
log=$(fuzz_server_log)
[ -n "$log" ] || echo "fuzz: server log not found; crashes are seen from sqlsmith's output only"
start=$(date +%s)
fail=0
for seed in $seeds; do
	offset=$(stat -c %s "$log" 2>/dev/null || echo 0)
	fuzz_run $db "$seed" "$queries" "$out"
	status=$?
	crashes=$(fuzz_crashes "$log" "$offset")
	broken=$(grep -c 'server closed the connection unexpectedly\|connection to server was lost' "$out")
	errors=$(grep -o '^error rate: .*' "$out" | tail -1)
	echo "fuzz: seed $seed, $queries queries: sqlsmith exit $status, $errors, $(grep -c '^CRASH' <<<"$crashes") crash(es) in the server log, $broken broken connection(s)"
	if [ -n "$crashes" ] || [ "$broken" != 0 ]; then
		fail=1
		echo "fuzz: BACKEND CRASH with seed $seed (reproduce: sqlsmith --seed=$seed --max-queries=$queries --exclude-catalog as cleangov_fuzzer)"
		echo "$crashes"
		grep 'server closed the connection\|connection to server was lost' "$out" | head -5
	elif ! grep -q '^error rate' "$out"; then
		fail=1
		echo "fuzz: sqlsmith did not finish its run:"; tail -20 "$out"
	fi
done
echo "fuzz: $(wc -w <<<"$seeds") seed(s) in $(( $(date +%s) - start )) s"
exit $fail
