#!/usr/bin/env bash
# Regenerates doc/reference.md and doc/shapes/ (one page per shape): builds, installs, and reads the catalog of a
# throwaway cluster.  Run it after adding or changing any SQL object.
source "$(dirname "$0")/lib.sh"
ensure_packages
out=$(mktemp)
run() {
	build_and_install
	in_cluster bash -c "createdb cleangov_ref && psql -X -q -d cleangov_ref -c 'CREATE EXTENSION cleangov' &&
		bash '$CLEANGOV_ROOT/scripts/reference.sh' cleangov_ref > '$out' &&
		rm -rf '$CLEANGOV_ROOT/doc/shapes' && bash '$CLEANGOV_ROOT/scripts/shapes.sh' cleangov_ref '$CLEANGOV_ROOT/doc/shapes'" >/dev/null
}
with_install_lock run
mv "$out" "$CLEANGOV_ROOT/doc/reference.md"
say "doc/reference.md and doc/shapes/ updated"
