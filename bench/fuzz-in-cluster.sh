#!/usr/bin/env bash
# Runs inside the cluster started by bench/fuzz.sh.  Not meant to be called directly.
set -uo pipefail
source "$(dirname "$0")/../test/shell/fuzz_lib.bash"
db=cleangov_fuzz
out=$(mktemp)
states=$(mktemp)
internal=$(mktemp)
trap 'rm -f "$out" "$out.ms" "$out.errors" "$states" "$internal"' EXIT
lock() { flock /tmp/cleangov-install.lock bash -c "source '$FUZZ_ROOT/scripts/lib.sh'; build_and_install; $*"; }
lock "source '$FUZZ_ROOT/test/shell/fuzz_lib.bash'; fuzz_prepare $db $FUZZ_TENDERS" || { echo "fuzz: set-up failed"; exit 1; }
log=$(fuzz_server_log)
[ -n "$log" ] || { echo "fuzz: server log not found"; exit 1; }
total=0 seconds=0 crashes=0
for seed in $FUZZ_SEEDS; do
	offset=$(stat -c %s "$log")
	lock "source '$FUZZ_ROOT/test/shell/fuzz_lib.bash'; fuzz_run $db $seed $FUZZ_QUERIES '$out'"
	found=$(fuzz_crashes "$log" "$offset")
	n=$(grep -c '^CRASH' <<<"$found")
	tail -c +"$((offset + 1))" "$log" | grep '^[0-9-]* [0-9:.]* [A-Z]* \[[0-9]*\] [0-9A-Z]\{5\} ERROR:' >"$out.errors"
	awk '{ print $5 }' "$out.errors" >>"$states"
	grep ' XX[0-9A-Z]\{3\} ERROR:' "$out.errors" | sed 's/^[^]]*\] //' >>"$internal"
	total=$((total + FUZZ_QUERIES)); crashes=$((crashes + n))
	s=$(cat "$out.ms"); seconds=$((seconds + s))
	echo "fuzz: seed $seed: $FUZZ_QUERIES queries in $((s / 1000)) s ($((FUZZ_QUERIES * 1000 / (s + 1))) queries/s), $(grep -o '^error rate: .*' "$out" | tail -1), $n crash(es)"
	[ "$n" = 0 ] || echo "$found"
done
echo
echo "fuzz: total $total queries in $((seconds / 1000)) s ($((total * 1000 / (seconds + 1))) queries/s), $crashes crash(es)"
echo "fuzz: errors by SQLSTATE (server log):"
sort "$states" | uniq -c | sort -rn | awk '{ printf "  %s %8d\n", $2, $1 }'
echo "fuzz: $(wc -l <"$states") errors in all"
if [ -s "$internal" ]; then
	echo "fuzz: internal errors (XX...), by message:"
	sort "$internal" | uniq -c | sort -rn
fi
