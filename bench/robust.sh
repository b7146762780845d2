#!/usr/bin/env bash
# Robust statistics against plain SQL, in one run of one throwaway cluster
# (ratios only mean something within a run):
#   floor: count(*) per group; median(): vs percentile_cont(0.5);
#   robust_stats() (median, MAD, quartiles, fences, every field consumed) vs the
#   same written with percentile_cont and a join for the MAD.
#
#   bash bench/robust.sh                       # 1,000,000 values in 1,000 groups
#   BENCH_VALUES=100000 BENCH_GROUPS=100 bash bench/robust.sh
# Figures go to doc/performance.md (## robust).
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
n=${BENCH_VALUES:-1000000}
groups=${BENCH_GROUPS:-1000}
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench && psql -X -q -v ON_ERROR_STOP=1 -v n=$n -v groups=$groups -d cleangov_bench -f '$CLEANGOV_ROOT/bench/robust.sql'"
}
with_install_lock run
