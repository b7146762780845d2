#!/usr/bin/env bash
# The Corruption Risk Index over plain bound tables, in one run of one
# throwaway cluster: cri_tender, cri_buyer, cri_indicator against a floor that
# reads the same tables once (a join of tender, bid, award and contract counts).
#
#   bash bench/cri.sh                        # 100,000 tenders (3 bids, 1 award, 1 contract, 1 party each)
#   BENCH_TENDERS=10000 bash bench/cri.sh
# Figures go to doc/cri.md (## Performance).
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
n=${BENCH_TENDERS:-100000}
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench && psql -X -q -v ON_ERROR_STOP=1 -v n=$n -d cleangov_bench -f '$CLEANGOV_ROOT/bench/cri.sql'"
}
with_install_lock run
