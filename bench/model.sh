#!/usr/bin/env bash
# Speed of the logistic-regression kernel (issue 16), as ratios against
# baselines measured in the same run on the same rows:
#   - one Newton iteration (the logit_pass aggregate over 1 M rows x 30
#     features, then logit_newton) against a scan that builds the same
#     feature arrays and consumes them; the iterations logit_fit needs to
#     converge on these rows, reported;
#   - the speed-up two parallel workers give logit_pass, against the one they
#     give PostgreSQL's sum() over the same rows;
#   - scoring the 1 M rows (logit_score) against the same feature scan.
# The data (about 300 MB) is built in a throwaway cluster.
#
#   bash bench/model.sh              # 3 repetitions, the best of each
#   BENCH_REPS=5 BENCH_ROWS=200000 bash bench/model.sh
source "$(dirname "$0")/../scripts/lib.sh"

ensure_packages
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench &&
		psql -X -q -v ON_ERROR_STOP=1 -v reps=${BENCH_REPS:-3} -v rows=${BENCH_ROWS:-1000000} \
			-d cleangov_bench -f '$CLEANGOV_ROOT/bench/model.sql'"
}
with_install_lock run
