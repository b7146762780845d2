#!/usr/bin/env bash
# Speed of cleangov.raise_alerts() (issue 3) in bulk, as ratios against a
# baseline measured in the same run on the same rows: a plain
#   WITH ins AS (INSERT INTO base_alert SELECT ... FROM unnest(hits) RETURNING ...)
#   INSERT INTO base_event SELECT ... FROM ins
# into tables of the same shape, indexes and foreign keys as cleangov.alert
# and cleangov.alert_event.  Batches of 1,000, 10,000 and 100,000 hits, a
# realistic mix (70 % new alerts, 20 % refreshes of open alerts, 8 % identical
# re-hits of closed alerts, 2 % recurrences; evidence of about 300 bytes),
# over a table that already holds 100,000 other alerts; then the same batch a
# second time (idempotent: every hit 'unchanged').  Every measured run is
# rolled back, so each repetition starts from the same state.
#
#   bash bench/alerts.sh                 # 3 repetitions, the best of each
#   BENCH_REPS=5 bash bench/alerts.sh
#   BENCH_SIZES=1000,10000 bash bench/alerts.sh
source "$(dirname "$0")/../scripts/lib.sh"

ensure_packages
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_bench &&
		psql -X -q -v ON_ERROR_STOP=1 -v reps=${BENCH_REPS:-3} -v sizes='{${BENCH_SIZES:-1000,10000,100000}}' \
			-d cleangov_bench -f '$CLEANGOV_ROOT/bench/alerts.sql'"
}
with_install_lock run
