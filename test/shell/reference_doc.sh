#!/usr/bin/env bash
# doc/reference.md is what the extension really installs (labels and comments).
set -euo pipefail
cd "$(dirname "$0")/../.."
db=cleangov_refdoc
dropdb --if-exists $db 2>/dev/null; createdb $db
psql -X -q -d $db -c 'CREATE EXTENSION cleangov'
trap 'dropdb --if-exists $db 2>/dev/null' EXIT
if ! diff -u doc/reference.md <(bash scripts/reference.sh $db); then
	echo "doc/reference.md is out of date: regenerate it with scripts/reference.sh (see doc/contributing.md)"
	exit 1
fi
