#!/usr/bin/env bash
# Speed of the bid_screens and benford kernels (issue 4), as ratios against
# baselines measured in the same run on the same data:
#   - bid_screens over 10 M bids in 1 M tenders, against the count(*) floor
#     and against the same screens in plain SQL (window functions);
#   - benford over 10 M amounts in 1,000 buyers, against the count(*) floor
#     and against a plain-SQL digit count; and the speed-up two parallel
#     workers give benford, against the one they give PostgreSQL's sum().
# Every output column of a kernel is consumed (num_nonnulls over all fields),
# so PostgreSQL cannot drop the aggregate.  The data (about 1 GB) is built in
# the throwaway cluster; the run takes a few minutes on two cores.
#
#   bash bench/kernels.sh            # 3 repetitions, the best of each
#   BENCH_REPS=5 bash bench/kernels.sh
source "$(dirname "$0")/../scripts/lib.sh"

ensure_packages
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench &&
		psql -X -q -v ON_ERROR_STOP=1 -v reps=${BENCH_REPS:-3} -d cleangov_bench -f '$CLEANGOV_ROOT/bench/kernels.sql'"
}
with_install_lock run
