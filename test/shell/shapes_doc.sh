#!/usr/bin/env bash
# doc/shapes/ is what the extension really installs: one page per shape, from the catalog.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=cleangov_shapedoc
dropdb --if-exists $db 2>/dev/null; createdb $db
psql -X -q -d $db -c 'CREATE EXTENSION cleangov'
tmp=$(mktemp -d)
trap 'dropdb --if-exists $db 2>/dev/null; rm -rf "$tmp"' EXIT
bash scripts/shapes.sh $db "$tmp"
if ! diff -ru doc/shapes "$tmp"; then
	echo "doc/shapes/ is out of date: regenerate it with scripts/update-reference.sh"
	exit 1
fi
