#!/usr/bin/env bash
# The package is consistent: one version (cleangov.control) everywhere it
# appears, upgrade scripts named cleangov--A--B.sql with the guard line,
# and a doc page for every install-script source area that has landed.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" cleangov.control)
fail=0
for v in $(grep -v meta-spec META.json | grep -o '"version": *"[0-9][^"]*"' | grep -o '[0-9][0-9.]*'); do
	[ "$v" = "$version" ] || { echo "META.json has version $v, cleangov.control $version"; fail=1; }
done
grep -q "^## $version" CHANGELOG.md || { echo "CHANGELOG.md has no entry for $version"; fail=1; }
[ "$(make -s version)" = "$version" ] || { echo "Makefile reads another version"; fail=1; }
for f in cleangov--*--*.sql; do
	[ -e "$f" ] || continue
	[[ "$f" =~ ^cleangov--[0-9.]+--[0-9.]+\.sql$ ]] || { echo "bad upgrade script name $f"; fail=1; }
	grep -q '^\\echo Use "ALTER EXTENSION cleangov UPDATE' "$f" || { echo "$f lacks the \\echo guard"; fail=1; }
done
head -2 "cleangov--$version.sql" | grep -q '^\\echo Use "CREATE EXTENSION cleangov"' ||
	{ echo "install script lacks the \\echo guard"; fail=1; }
exit $fail
