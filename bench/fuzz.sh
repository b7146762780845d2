#!/usr/bin/env bash
# The long sqlsmith run (issue 11): random SQL about the extension's functions
# (test/shell/fuzz_setup.sql) against the demo data, as a cleangov_admin that
# is not a superuser, several seeds of FUZZ_QUERIES queries each.  Prints per
# seed and in total: queries, queries/s, errors by SQLSTATE (from the server
# log) and crashes with the query that caused each.  The figures go to
# doc/reliability.md; the short run of the test command is test/shell/fuzz.sh.
#
#   bash bench/fuzz.sh                                   # seeds 1-20, 5,000 queries each
#   FUZZ_SEEDS="11 12" FUZZ_QUERIES=50000 nice bash bench/fuzz.sh
#   FUZZ_TENDERS=2000 (scale of the demo data, default 1000)
#
# The install lock is held per seed (the build is installed again before
# each), not for the whole run, so that other checkouts on the machine can
# test in between; each seed's backends load the library installed from this
# checkout.
source "$(dirname "$0")/../scripts/lib.sh"
ensure_packages
export FUZZ_SEEDS=${FUZZ_SEEDS:-$(seq -s " " 1 20)}
export FUZZ_QUERIES=${FUZZ_QUERIES:-5000}
export FUZZ_TENDERS=${FUZZ_TENDERS:-1000}
# No with_install_lock here: it would hold the lock for the whole run
# (bench/fuzz-in-cluster.sh takes it per seed).
pg_virtualenv -t -v $PG_MAJOR "${CLEANGOV_CLUSTER_OPTS[@]}" \
	-o "log_line_prefix=%m [%p] %e " -o log_min_error_statement=panic -o track_activity_query_size=65536 \
	bash "$CLEANGOV_ROOT/bench/fuzz-in-cluster.sh"
