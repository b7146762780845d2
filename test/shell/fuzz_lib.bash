# Shared by test/shell/fuzz.sh (the short run of the test command) and
# bench/fuzz.sh (the long run): a database with the demo data and cleangov,
# the fuzzing role (test/shell/fuzz_setup.sql), sqlsmith runs, and crash
# detection from the server log.  Sourced inside a pg_virtualenv cluster.

FUZZ_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_PASSWORD=cleangov-fuzz

# The server log of the throwaway cluster (pg_virtualenv keeps it beside the config).
fuzz_server_log() {
	ls "$(dirname "${PG_CLUSTER_CONF_ROOT:-/nonexistent}")"/log/*.log 2>/dev/null | head -1
}

# fuzz_prepare DB TENDERS: the demo database at a small scale, every detection
# run (alerts, index scores), the fuzzing role, the known crashes hidden.
fuzz_prepare() {
	local db=$1 tenders=$2 sig
	createdb "$db" || return 1
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v seed=7 -v tenders="$tenders" -f "$FUZZ_ROOT/demo/generate.sql" >/dev/null &&
		PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
			-c 'CREATE EXTENSION cleangov' -f "$FUZZ_ROOT/demo/detect.sql" >/dev/null &&
		psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$FUZZ_ROOT/test/shell/fuzz_setup.sql" \
			-c "ALTER ROLE cleangov_fuzzer PASSWORD '$FUZZ_PASSWORD'" >/dev/null || return 1
	if [ "${FUZZ_HIDE_KNOWN:-1}" = 1 ]; then
		grep -v '^\s*\(#\|$\)' "$FUZZ_ROOT/test/shell/known_failures.txt" | awk -F' *[|] *' '$3 == "crash" { print $1 }' | sort -u >"${TMPDIR:-/tmp}/fuzz_hidden.$$"
		while read -r sig; do
			echo "fuzz: HIDDEN from sqlsmith (a known crash, test/shell/known_failures.txt): $sig"
			psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "INSERT INTO fuzz.hidden VALUES ('$sig') ON CONFLICT DO NOTHING" || return 1
		done <"${TMPDIR:-/tmp}/fuzz_hidden.$$"
		rm -f "${TMPDIR:-/tmp}/fuzz_hidden.$$"
	fi
	echo "fuzz: sqlsmith sees $(psql -X -At -d "$db" -c "SELECT count(*) FROM fuzz.pg_proc") functions; $(psql -X -At -d "$db" -c "SELECT count(*) FROM cleangov.alert") alerts in the data"
}

# fuzz_run DB SEED QUERIES OUT: one sqlsmith run as the fuzzing role; its
# output (progress and the error summary) in OUT, its duration in ms in OUT.ms.
fuzz_run() {
	local db=$1 seed=$2 queries=$3 out=$4 t0 status
	t0=$(date +%s%N)
	(cd "${TMPDIR:-/tmp}" && sqlsmith --target="host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=$db user=cleangov_fuzzer password=$FUZZ_PASSWORD" \
		--seed="$seed" --max-queries="$queries" --exclude-catalog --verbose) >"$out" 2>&1
	status=$?
	echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$out.ms"
	return $status
}

# fuzz_crashes LOG OFFSET: the crashes the server log shows after byte OFFSET,
# each with the query the dead backend was running.
fuzz_crashes() {
	local log=$1 offset=$2
	[ -n "$log" ] || return 0
	tail -c +"$((offset + 1))" "$log" | awk '
		/was terminated by signal/ { crash = 1; print "CRASH: " $0; next }
		crash && /Failed process was running:/ { sub(/.*Failed process was running: /, ""); print "    " $0; q = 1; next }
		crash && q && /^\t/ { print "    " $0; next }
		{ if (q) { crash = 0; q = 0 } }'
}
