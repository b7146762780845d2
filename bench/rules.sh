#!/usr/bin/env bash
# Speed of the rule engine (issue 5), as ratios against baselines measured in
# the same run of one throwaway cluster:
#   (a) COPY of 1 M contract rows from a file into a watched table with 10 row
#       rules active, against the same COPY into the same table unwatched
#       (best of 3 each, alternating; target ratio <= 1.5);
#   (b) single-row INSERTs by 4 pgbench clients (pgbench -n -c 4 -j 2 -T 20)
#       into the watched table, against the unwatched table (best of 2 each,
#       alternating; target TPS ratio >= 0.7);
#   (c) cleangov.run() of the whole library over the demo data (demo/generate.sql
#       with 1 M tenders, bound and run by demo/detect.sql), per rule and in
#       total, against count(*) of every source table the bindings read;
#   (d) (a) and (b) again with the contract shape bound through a code map
#       (method) and a lookup (the buyer's unit from erp.buyers), watched
#       through both (issue 12; same targets).
# The data (the COPY source, the demo database) is made before the install
# lock is taken; the lock is held from the build to the end of the
# measurements (a cluster that has loaded cleangov.so crashes when another
# checkout installs over it).  A full run takes about 20 minutes on two shared
# cores, most of it generating the demo data.
#
#   bash bench/rules.sh
#   BENCH_PARTS="copy insert" BENCH_ROWS=200000 bash bench/rules.sh   # quick
#   BENCH_TENDERS=200000 bash bench/rules.sh                        # smaller demo
# Figures go to doc/performance.md (## rules).
source "$(dirname "$0")/../scripts/lib.sh"

parts=${BENCH_PARTS:-copy insert mapped run}
rows=${BENCH_ROWS:-1000000}
reps=${BENCH_REPS:-3}
secs=${BENCH_SECONDS:-20}
tenders=${BENCH_TENDERS:-1000000}

ensure_packages
inner=$(mktemp)
datafile=/tmp/cleangov-bench-rules.$$.data
trap 'rm -f "$inner" "$datafile"' EXIT
cat >"$inner" <<'INNER'
cd "$1"; parts=$2; rows=$3; reps=$4; secs=$5; tenders=$6; datafile=$7
source scripts/lib.sh
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
has() { [[ " $parts " == *" $1 "* ]]; }

# Without cleangov: the data.
createdb bench
if has copy || has insert || has mapped; then
	q -d bench -v rows="$rows" -v file="$datafile" -f bench/rules_data.sql
fi
if has run; then
	createdb demo
	echo "== (c) generating the demo data ($tenders tenders, incidental=0)"
	t0=$(date +%s)
	q -d demo -v seed=42 -v tenders="$tenders" -v incidental=0 -f demo/generate.sql
	echo "   generated in $(( $(date +%s) - t0 )) s"
fi

measure() {
	build_and_install
	q -d bench -c 'CREATE EXTENSION cleangov' >/dev/null
	if has copy || has insert || has mapped; then
		q -d bench -f bench/rules_setup.sql
	fi
	copy_part() { # $1: part name in bench.result
		for i in $(seq "$reps"); do
			q -d bench -v i="$i" -v file="$datafile" -v part="$1" -f bench/rules_copy.sql
		done
	}
	insert_part() { # $1: part name in bench.result
		for i in 1 2; do
			for mode in unwatched watched; do
				q -d bench -c 'CALL bench.reset()'
				if [ $mode = watched ]; then q -d bench -c "SELECT cleangov.watch('erp.contracts')" >/dev/null; fi
				tps=$(pgbench -n -c 4 -j 2 -T "$secs" -f bench/rules_insert.pgbench bench 2>/dev/null |
					sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
				echo "   run $i $mode: $tps TPS"
				q -d bench -c "INSERT INTO bench.result VALUES ('$1', '$mode', $i, $tps)" \
					-c "INSERT INTO bench.result SELECT '$1', '$mode rows', $i, count(*) FROM erp.contracts"
				if [ $mode = watched ]; then
					q -d bench -c "SELECT cleangov.unwatch('erp.contracts')" \
						-c "INSERT INTO bench.result SELECT '$1', 'alerts raised', $i, count(*) FROM cleangov.alert" >/dev/null
				fi
			done
		done
	}
	if has copy; then
		echo "== (a) COPY of $rows contract rows, unwatched and watched (10 row rules), $reps runs each"
		copy_part copy
	fi
	if has insert; then
		echo "== (b) single-row INSERTs: pgbench -n -c 4 -j 2 -T $secs, unwatched and watched, 2 runs each"
		insert_part insert
	fi
	if has mapped; then
		echo "== (d) the same through a code map and a lookup (bench/rules_mapped.sql)"
		q -d bench -f bench/rules_mapped.sql
		echo "   (d.a) COPY, $reps runs each"
		copy_part 'copy mapped'
		echo "   (d.b) single-row INSERTs, 2 runs each"
		insert_part 'insert mapped'
	fi
	if has copy || has insert || has mapped; then
		q -d bench -f bench/rules_report.sql
	fi
	if has run; then
		echo "== (c) demo/detect.sql: bind the demo tables, cleangov.run() of the library"
		q -d demo -c 'CREATE EXTENSION cleangov' >/dev/null
		t0=$(date +%s)
		q -d demo -f demo/detect.sql >/dev/null
		echo "   detect.sql took $(( $(date +%s) - t0 )) s"
		q -d demo -f bench/rules_run.sql
	fi
}
with_install_lock measure
INNER
in_cluster -o shared_buffers=1GB -o max_wal_size=8GB \
	bash "$inner" "$CLEANGOV_ROOT" "$parts" "$rows" "$reps" "$secs" "$tenders" "$datafile"
