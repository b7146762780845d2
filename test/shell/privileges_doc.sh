#!/usr/bin/env bash
# doc/privileges.md shows the matrix that the privilege suite checks
# (doc/privileges.tsv): the generated part must be up to date.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! diff -u doc/privileges.md <(bash scripts/privileges-doc.sh); then
	echo "doc/privileges.md is out of date: run bash scripts/privileges-doc.sh --write"
	exit 1
fi
