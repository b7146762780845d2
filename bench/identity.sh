#!/usr/bin/env bash
# Identity kernels against plain-SQL baselines, in one run of one throwaway
# cluster (ratios only mean something within a run):
#   validation: cn_id_valid() over N identity numbers vs length() over the same column;
#   normalisation and org_name_key() for reference.
#
#   bash bench/identity.sh                  # N = 10,000,000
#   BENCH_IDS=1000000 bash bench/identity.sh
# Figures go to doc/performance.md (## identity).
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
n=${BENCH_IDS:-10000000}
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench && psql -X -q -v ON_ERROR_STOP=1 -v n=$n -d cleangov_bench -f '$CLEANGOV_ROOT/bench/identity.sql'"
}
with_install_lock run
