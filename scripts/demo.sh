#!/usr/bin/env bash
# The cleangov demo, from a fresh Debian 12 machine: installs what is missing,
# builds, installs, starts a throwaway cluster, generates the synthetic
# government database (demo/), runs every detection the extension has, and
# prints what a supervisor wants to see first.
#
#   bash scripts/demo.sh                    # run and print, then remove the cluster
#   bash scripts/demo.sh --psql             # ... then open psql on the demo database;
#                                           #     the cluster is removed when psql exits
#   DEMO_TENDERS=20000 DEMO_SEED=7 bash scripts/demo.sh   # another scale or seed
source "$(dirname "$0")/lib.sh"

explore=
case "${1:-}" in
	--psql) explore=1 ;;
	"") ;;
	*) die "unknown option '$1' (use --psql or nothing)" ;;
esac

ensure_packages
run() {
	build_and_install
	in_cluster bash "$CLEANGOV_ROOT/scripts/demo-in-cluster.sh" "$explore"
}
with_install_lock run
