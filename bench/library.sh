#!/usr/bin/env bash
# The library's batch and real-time costs (issue 15, "Speed and memory"), as
# ratios measured in one run of one throwaway cluster, over the demo data
# (demo/generate.sql, incidental=0, bound by demo/bind.sql as demo/detect.sql
# does):
#   run          cleangov.run() of the whole library at each of BENCH_SCALES
#                tenders (best of BENCH_REPS runs, each alone in its session)
#                against count(*) of every table under the bindings (best of
#                2); how many times the bids were read (seq_tup_read +
#                idx_tup_fetch of gov.bid in pg_stat_user_tables, after minus
#                before, over its rows: bench/library_run.sql says how); the
#                backend's peak memory (VmHWM of the session that ran run()).
#                At the first scale each rule is also run alone (its own
#                session), for the bids each rule reads.  The newest 1 % of the
#                tenders, with their bids, awards, contracts and changes, is
#                set apart before (bench/library_side.sql): these runs read the
#                other 99 %.
#   incremental  at BENCH_TENDERS tenders (default: the last of BENCH_SCALES,
#                reusing that database after its full runs): the 1 % comes back
#                (bench/library_insert.sql), the database is copied, and
#                cleangov.run(incremental => true) in the one is timed against
#                cleangov.run() in the copy; the alerts of the two, (rule_code,
#                subject_kind, subject_key, period, value, threshold), are
#                compared as sets.  A build whose cleangov.run() has no
#                argument "incremental" prints "incremental: not available in
#                this build" (BENCH_INCREMENTAL_CALL='cleangov.run()' times a
#                full run in its place, to check the plumbing).
#   realtime     at BENCH_RT_TENDERS tenders, after one full run: every
#                enabled set rule that reads shape bid made realtime, gov.bid
#                watched against unwatched: (a) single-row INSERTs of bids of
#                new tenders, pgbench -n -c 4 -j 2 -T BENCH_SECONDS
#                (bench/library_insert.pgbench; best of 2 each, alternating);
#                (b) a COPY of BENCH_COPY_BIDS bids of new tenders from a file
#                (best of 2 each).  Targets: TPS ratio >= 0.5, COPY ratio <= 2.
# The demo databases are generated before the install lock is taken; the lock
# is held from the build to the end of the measurements, as bench/rules.sh.
# At the defaults (100,000 and 200,000 tenders, 20,000 for realtime, 15 s
# pgbench) the whole script takes about 25 minutes on two shared cores.
#
#   bash bench/library.sh
#   BENCH_PARTS=realtime BENCH_RT_TENDERS=5000 BENCH_SECONDS=5 bash bench/library.sh   # quick
#   BENCH_RT_RULES=grain ...: only the bid rules with a grain realtime (issue 15)
#   BENCH_SCALES=1000000 BENCH_PARTS="run incremental" bash bench/library.sh           # the issue's scale
# Figures go to doc/performance.md (## library (issue 15)).
source "$(dirname "$0")/../scripts/lib.sh"

parts=${BENCH_PARTS:-run incremental realtime}
scales=${BENCH_SCALES:-100000 200000}
tenders=${BENCH_TENDERS:-${scales##* }}
rt_tenders=${BENCH_RT_TENDERS:-20000}
secs=${BENCH_SECONDS:-15}
copy_bids=${BENCH_COPY_BIDS:-100000}
reps=${BENCH_REPS:-2}
per_rule=${BENCH_PER_RULE:-1}
inc_call=${BENCH_INCREMENTAL_CALL:-}

ensure_packages
inner=$(mktemp)
copyfile=/tmp/cleangov-bench-library.$$.copy
trap 'rm -f "$inner" "$copyfile"' EXIT
cat >"$inner" <<'INNER'
cd "$1"; parts=$2; scales=$3; tenders=$4; rt_tenders=$5; secs=$6; copy_bids=$7; reps=$8; per_rule=$9
inc_call=${10}; copyfile=${11}
source scripts/lib.sh
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
has() { [[ " $parts " == *" $1 "* ]]; }
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

# Without cleangov: the results database and the demo databases.
createdb bench
q -d bench <<'SQL'
CREATE TABLE baseline (scale int PRIMARY KEY, tables int, table_rows bigint, count_ms numeric, bid_rows bigint);
CREATE TABLE run_result (part text, scale int, label text, rep int, ms numeric, rules int, ok int, hits bigint,
                         run_id bigint, bid_reads bigint, bid_index_reads bigint,
                         vmhwm_kb bigint, rssshmem_kb bigint, rssanon_kb bigint);
CREATE TABLE rule_log (scale int, run_id bigint, rule_code text, status text, hits bigint, ms numeric);
CREATE TABLE rt_result (part text, mode text, rep int, value numeric, rows bigint, alerts bigint, note text);
CREATE TABLE inc_result (item text PRIMARY KEY, value text);
SQL
generate() { # $1 db, $2 tenders, $3 set apart the newest 1 %
	createdb "$1"
	echo "== generating $1 ($2 tenders, incidental=0)"
	local t0; t0=$(date +%s)
	q -d "$1" -v seed=42 -v tenders="$2" -v incidental=0 -f demo/generate.sql >/dev/null
	if [ "$3" = 1 ]; then q -d "$1" -f bench/library_side.sql; fi
	echo "   generated in $(( $(date +%s) - t0 )) s"
}
scale_dbs=()
if has run; then
	for s in $scales; do generate "demo_$s" "$s" 1; scale_dbs+=("$s"); done
fi
if has incremental && [[ " ${scale_dbs[*]} " != *" $tenders "* ]]; then
	generate "demo_$tenders" "$tenders" 1
fi
if has realtime; then
	generate demo_rt "$rt_tenders" 0
fi

install() { # $1 db: cleangov, the demo's bindings
	q -d "$1" -c 'CREATE EXTENSION cleangov' >/dev/null
	q -d "$1" -c 'SET client_min_messages = warning' -f demo/bind.sql >/dev/null
}
# one timed run alone in its session (bench/library_run.sql); $1 db, $2 part,
# $3 scale, $4 label, $5 rep, $6 the call
timed_run() {
	local line
	line=$(q -At -d "$1" -v call="$6" -f bench/library_run.sql)
	IFS='|' read -r ms rules ok hits run_id reads ireads hwm shm anon <<<"$line"
	q -d bench -c "INSERT INTO run_result VALUES ('$2', $3, '$4', $5, $ms, $rules, $ok, $hits, $run_id, $reads, $ireads,
	               ${hwm:-NULL}, ${shm:-NULL}, ${anon:-NULL})"
}
keep_rule_log() { # $1 db, $2 scale, $3 run_id
	q -d "$1" -c "COPY (SELECT $2, run_id, rule_code, status, hits, duration_ms FROM cleangov.run_log WHERE run_id = $3) TO STDOUT" |
		q -d bench -c 'COPY rule_log FROM STDIN'
}

measure() {
	build_and_install
	first=1
	for s in "${scale_dbs[@]}"; do
		db=demo_$s
		echo "== run: $db, cleangov.run() of the library, $reps runs ($(elapsed))"
		install "$db"
		IFS='|' read -r ntab nrows cms bidrows <<<"$(q -At -d "$db" -f bench/library_count.sql)"
		q -d bench -c "INSERT INTO baseline VALUES ($s, $ntab, $nrows, $cms, $bidrows)"
		echo "   count(*) of $ntab tables ($nrows rows, $bidrows bids): $cms ms"
		for i in $(seq "$reps"); do
			timed_run "$db" run "$s" full "$i" 'cleangov.run()'
			keep_rule_log "$db" "$s" "$run_id"
			echo "   run $i: $ms ms, $ok/$rules rules ok, $hits hits, bids read $reads tuples + $ireads index entries, VmHWM $hwm kB (RssShmem $shm kB)"
		done
		if [ "$first" = 1 ] && [ "$per_rule" = 1 ]; then
			echo "   each rule alone, for the bids it reads ($(elapsed))"
			for code in $(q -At -d "$db" -c "SELECT d.rule_code FROM cleangov.rule_definition d JOIN cleangov.rule r USING (rule_code)
			                                  WHERE r.enabled AND d.quarantined_at IS NULL ORDER BY 1"); do
				timed_run "$db" rule "$s" "$code" 1 "cleangov.run(rule_code => '$code')"
			done
		fi
		first=0
	done

	if has incremental; then
		db=demo_$tenders
		echo "== incremental: $db ($(elapsed))"
		if [[ " ${scale_dbs[*]} " != *" $tenders "* ]]; then
			install "$db"
			timed_run "$db" incremental "$tenders" 'first full' 1 'cleangov.run()'
		fi
		avail=$(q -At -d "$db" -c "SELECT EXISTS (SELECT FROM pg_proc p WHERE p.pronamespace = 'cleangov'::regnamespace
		                                          AND p.proname = 'run' AND 'incremental' = ANY (p.proargnames))")
		if [ "$avail" != t ] && [ -z "$inc_call" ]; then
			echo "incremental: not available in this build"
			q -d bench -c "INSERT INTO inc_result VALUES ('available', 'no')"
		else
			q -d bench -c "INSERT INTO inc_result VALUES ('available', '$avail'), ('call', '${inc_call:-cleangov.run(incremental => true)}')"
			# incremental runs learn updates and deletes from cleangov.track();
			# tracked now, after the first full run (nothing is changed between)
			q -d "$db" -c "SELECT count(cleangov.track(c.oid::regclass)) FROM pg_class c WHERE c.relnamespace = 'gov'::regnamespace AND c.relkind = 'r'" >/dev/null
			q -d "$db" -f bench/library_insert.sql
			q -d postgres -c "CREATE DATABASE ${db}_full TEMPLATE $db STRATEGY = FILE_COPY"
			timed_run "$db" incremental "$tenders" incremental 1 "${inc_call:-cleangov.run(incremental => true)}"
			echo "   incremental run: $ms ms, $ok/$rules rules ok, $hits hits, bids read $reads tuples"
			# the same statistics as the incremental run (it keeps the stored ones)
			timed_run "${db}_full" incremental "$tenders" full 1 "$([ "$avail" = t ] && echo 'cleangov.run(refresh_statistics => false)' || echo 'cleangov.run()')"
			echo "   full run on the same data: $ms ms, $ok/$rules rules ok, $hits hits, bids read $reads tuples"
			alerts='COPY (SELECT rule_code, subject_kind, subject_key, period, value, threshold FROM cleangov.alert) TO STDOUT'
			q -d "$db" -c "$alerts" | LC_ALL=C sort >"$copyfile.inc"
			q -d "${db}_full" -c "$alerts" | LC_ALL=C sort >"$copyfile.full"
			n_inc=$(wc -l <"$copyfile.inc"); n_full=$(wc -l <"$copyfile.full")
			only_inc=$(LC_ALL=C comm -23 "$copyfile.inc" "$copyfile.full" | wc -l)
			only_full=$(LC_ALL=C comm -13 "$copyfile.inc" "$copyfile.full" | wc -l)
			echo "   alerts: incremental $n_inc, full $n_full; only after the incremental run $only_inc, only after the full run $only_full"
			if [ "$only_inc" != 0 ] || [ "$only_full" != 0 ]; then
				echo "   first differences (< incremental only, > full only):"
				LC_ALL=C comm -3 "$copyfile.inc" "$copyfile.full" | head -10 | sed 's/^/     /'
			fi
			q -d bench -c "INSERT INTO inc_result VALUES ('alerts incremental', $n_inc), ('alerts full', $n_full),
			               ('only incremental', $only_inc), ('only full', $only_full)"
			rm -f "$copyfile.inc" "$copyfile.full"
		fi
	fi

	if has realtime; then
		db=demo_rt
		echo "== realtime: $db ($(elapsed))"
		install "$db"
		timed_run "$db" realtime "$rt_tenders" full 1 'cleangov.run()'
		echo "   one full run first (the alerts a watched table has in steady state): $ms ms, $hits hits"
		q -d "$db" -v file="$copyfile" -v copy_bids="$copy_bids" -v rt_rules="${BENCH_RT_RULES:-all}" -f bench/library_rt_setup.sql
		len=$(q -At -d "$db" -c 'SELECT min(n) FROM (SELECT count(*) AS n FROM bench_rt.bid GROUP BY client) c')
		new_rows="SELECT count(*) FROM gov.bid WHERE bid_id >= 3200000000"
		n_alerts="SELECT count(*) FROM cleangov.alert"
		rt_result() { # part mode rep value rows alerts note
			q -d bench -v note="$7" <<<"INSERT INTO rt_result VALUES ('$1', '$2', $3, $4, $5, $6, nullif(:'note', ''))"
		}
		reset() {
			q -d "$db" -c 'CALL bench_rt.reset()' -c 'VACUUM ANALYZE gov.bid, gov.tender'
		}
		quarantined() { # rules the watch trigger quarantined: reported, released
			local qr
			qr=$(q -At -d "$db" -c "SELECT string_agg(rule_code || ' (' || last_sqlstate || ': ' || left(last_message, 120) || ')', '; ')
			                          FROM cleangov.rule_quarantine")
			if [ -n "$qr" ]; then
				echo "   QUARANTINED by the watch trigger: $qr" >&2
				q -d "$db" -c 'SELECT cleangov.release_rule(rule_code) FROM cleangov.rule_quarantine' >/dev/null
			fi
			echo "$qr"
		}
		after_write() { # sets rows, a1 (alerts), note; unwatches the table if watched
			rows=$(q -At -d "$db" -c "$new_rows")
			a1=$(q -At -d "$db" -c "$n_alerts")
			note=""
			if [ "$mode" = watched ]; then
				note=$(quarantined | tail -1)
				q -d "$db" -c "SET client_min_messages = warning" -c "SELECT cleangov.unwatch('gov.bid')" >/dev/null
			fi
		}
		echo "   (a) single-row INSERTs: pgbench -n -c 4 -j 2 -T $secs, unwatched and watched, 2 runs each"
		for i in 1 2; do
			for mode in unwatched watched; do
				reset
				a0=$(q -At -d "$db" -c "$n_alerts")
				if [ $mode = watched ]; then q -d "$db" -c "SELECT cleangov.watch('gov.bid')" >/dev/null; fi
				log=$(pgbench -n -c 4 -j 2 -T "$secs" -D k=-1 -D len="$len" -f bench/library_insert.pgbench "$db" 2>&1 || true)
				tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$log")
				lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$log")
				errs=$(grep -ci 'error\|abort' <<<"$log" || true)
				after_write
				if [ "$errs" != 0 ]; then
					note="pgbench: $errs error line(s): $(grep -i 'error\|abort' <<<"$log" | head -2 | tr '\n' ' ') $note"
				fi
				echo "   run $i $mode: ${tps:-?} TPS, latency ${lat:-?} ms, $rows bids inserted, $((a1 - a0)) alerts raised${note:+; $note}"
				rt_result insert "$mode" "$i" "${tps:-NULL}" "$rows" $((a1 - a0)) "$note"
			done
		done
		echo "   (b) COPY of $copy_bids bids of new tenders, unwatched and watched, 2 runs each"
		for i in 1 2; do
			for mode in unwatched watched; do
				reset
				q -d "$db" -c 'CALL bench_rt.copy_tenders()'
				a0=$(q -At -d "$db" -c "$n_alerts")
				if [ $mode = watched ]; then q -d "$db" -c "SELECT cleangov.watch('gov.bid')" >/dev/null; fi
				ms=$(q -At -d "$db" -v file="$copyfile" <<'SQL'
SELECT clock_timestamp() AS t0 \gset
COPY gov.bid (bid_id, tender_id, enterprise_id, price, submitted_at, status) FROM :'file';
SELECT round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SQL
				)
				after_write
				echo "   run $i $mode: $ms ms, $rows bids, $((a1 - a0)) alerts raised${note:+; $note}"
				rt_result copy "$mode" "$i" "$ms" "$rows" $((a1 - a0)) "$note"
			done
		done
	fi
	echo "== done ($(elapsed))"
	q -d bench -v per_rule_scale="${scale_dbs[0]:-0}" -f bench/library_report.sql
}
with_install_lock measure
INNER
in_cluster -o shared_buffers=1GB -o max_wal_size=8GB \
	bash "$inner" "$CLEANGOV_ROOT" "$parts" "$scales" "$tenders" "$rt_tenders" "$secs" "$copy_bids" "$reps" "$per_rule" \
	"$inc_call" "$copyfile"
