#!/usr/bin/env bash
# Cross-matching speed (issue 7): subsidy recipients against officials and
# their relatives, in one run of one throwaway cluster (ratios only mean
# something within a run):
#   (a) baseline: the plain hash join on identity numbers normalised
#       beforehand (recipients join officials and their one-hop relatives);
#   (b) cleangov: detect_favouring_relatives() over the raw tables (it
#       normalises the identity numbers itself);
#   (c) for reference, the baseline's query written over the raw tables with
#       cn_id_try_normalize() in the join keys.
# All three must find the same persons and payments (checked).
#
#   bash bench/crossmatch.sh                 # 1 M payments, 100,000 officials, 500,000 relations
#   BENCH_SCALE=0.1 bash bench/crossmatch.sh # a tenth of that
#   BENCH_REPS=3 bash bench/crossmatch.sh    # best of 3 (default 2)
# Figures go to doc/performance.md (## identity).
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
scale=${BENCH_SCALE:-1}
reps=${BENCH_REPS:-2}
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench && psql -X -q -v ON_ERROR_STOP=1 -v scale=$scale -v reps=$reps \
		-d cleangov_bench -f '$CLEANGOV_ROOT/bench/crossmatch.sql'"
}
with_install_lock run
