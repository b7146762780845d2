#!/usr/bin/env bash
# The privilege matrix of doc/privileges.md, generated from doc/privileges.tsv
# (the one copy of the matrix; test/pgtap/23_privileges.sql checks every cell
# against the extension).  Prints doc/privileges.md with the part between the
# "matrix" markers generated again; with --write, writes it in place.
#   bash scripts/privileges-doc.sh --write
set -euo pipefail
cd "$(dirname "$0")/.."
doc=doc/privileges.md
tsv=doc/privileges.tsv
begin='<!-- matrix: generated from doc/privileges.tsv by scripts/privileges-doc.sh; do not edit -->'
end='<!-- end of matrix -->'
grep -qxF "$begin" "$doc" && grep -qxF "$end" "$doc" || { echo "$doc has no matrix markers" >&2; exit 1; }

matrix() {
	local kind title
	for kind in function aggregate procedure table view sequence; do
		case $kind in
			function) title='Functions' ;; aggregate) title='Aggregates' ;; procedure) title='Procedures' ;;
			table) title='Tables' ;; view) title='Views' ;; sequence) title='Sequences' ;;
		esac
		printf '\n### %s\n\n' "$title"
		printf '| %s | admin | analyst | inspector | writer | PUBLIC | why |\n|---|:-:|:-:|:-:|:-:|:-:|---|\n' "${kind}"
		awk -F'\t' -v k="$kind" 'NR > 1 && $1 == k {
			printf "| `%s` | %s | %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $7, $8 }' "$tsv"
	done
	echo
}

out=$(awk -v b="$begin" -v e="$end" -v m="$(matrix)" '
	$0 == b { print; print m; skip = 1; next }
	$0 == e { skip = 0 }
	!skip { print }' "$doc")
if [ "${1:-}" = --write ]; then
	printf '%s\n' "$out" > "$doc"
else
	printf '%s\n' "$out"
fi
