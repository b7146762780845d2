#!/usr/bin/env bash
# CREATE EXTENSION in each server encoding: it installs, and its Chinese labels
# are the same characters, in every encoding that can hold them; it is
# refused with 22P05, before anything is created, in the others.
set -euo pipefail
fail=0
dbs=()
cleanup() { local d; for d in "${dbs[@]}"; do dropdb --if-exists "$d" 2>/dev/null; done; }
trap cleanup EXIT
hex() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
# label query, expected UTF-8 text
labels=(
	"SELECT label_zh FROM cleangov.level_info WHERE level = 'green'|绿色"
	"SELECT handling_zh FROM cleangov.level_info WHERE level = 'red'|重大风险：立即启动初核"
	"SELECT cleangov.level_zh('blue')|蓝"
	"SELECT cleangov.status_zh('dismissed')|已排除（误报）"
	"SELECT cleangov.escalation_step_name(2, 'zh')|问责"
	"SELECT label_zh FROM cleangov.domain_info WHERE domain = 'land'|土地出让与资源"
	"SELECT name_zh FROM cleangov.band_scheme WHERE scheme_code = 'rule3'|蓝黄红三级预警（规则）"
)
installs() { # encoding
	local db=cleangov_enc_$(echo "$1" | tr 'A-Z' 'a-z') entry q want got
	dbs+=("$db")
	createdb -T template0 -E "$1" --locale=C "$db"
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION cleangov' >/dev/null; then
		echo "not ok - $1: CREATE EXTENSION failed"; fail=1; return
	fi
	for entry in "${labels[@]}"; do
		q=${entry%|*}; want=${entry##*|}
		got=$(psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" -c "SELECT encode(convert_to(($q), 'UTF8'), 'hex')")
		if [ "$got" != "$(hex "$want")" ]; then
			echo "not ok - $1: $q gives $got, want $(hex "$want") ($want)"; fail=1; return
		fi
	done
	# the whole of every Chinese text the extension ships, back in UTF-8, equals the UTF8 database's
	got=$(psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$db" -c "$all_text")
	if [ "$got" != "$utf8_text" ]; then
		echo "not ok - $1: the labels and comments differ from those of the UTF8 database"; fail=1; return
	fi
	echo "ok - $1: installs, ${#labels[@]} labels and every label and comment round-trip"
}
refused() { # encoding
	local db=cleangov_enc_$(echo "$1" | tr 'A-Z' 'a-z') err code left
	dbs+=("$db")
	createdb -T template0 -E "$1" --locale=C "$db"
	if err=$(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$db" -c 'CREATE EXTENSION cleangov' 2>&1); then
		echo "not ok - $1: CREATE EXTENSION succeeded"; fail=1; return
	fi
	code=$(sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\):.*/\1/p' <<<"$err" | head -1)
	left=$(psql -X -A -t -q -d "$db" -c "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'cleangov')
	  + (SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'cleangov%')
	  + (SELECT count(*) FROM pg_proc WHERE proname = 'library_version')")
	if [ "$code" != 22P05 ] || [ "$left" != 0 ]; then
		echo "not ok - $1: SQLSTATE $code (want 22P05), $left objects left: $err"; fail=1; return
	fi
	echo "ok - $1: refused with 22P05, nothing left: $(head -1 <<<"$err")"
}
# every comment, function body and label the extension installs, in UTF-8
# (sorted by its UTF-8 bytes: the databases' own orders differ)
all_text="SELECT count(*) || ' ' || md5(string_agg(h, ',' ORDER BY h)) FROM (SELECT encode(convert_to(t, 'UTF8'), 'hex') h FROM (
  SELECT d.description AS t FROM pg_description d JOIN pg_namespace n ON d.objoid = n.oid AND n.nspname = 'cleangov'
  UNION ALL SELECT obj_description(p.oid, 'pg_proc') FROM pg_proc p WHERE p.pronamespace = 'cleangov'::regnamespace
  UNION ALL SELECT obj_description(c.oid, 'pg_class') FROM pg_class c WHERE c.relnamespace = 'cleangov'::regnamespace
  UNION ALL SELECT p.prosrc FROM pg_proc p WHERE p.pronamespace = 'cleangov'::regnamespace
  UNION ALL SELECT concat_ws('|', label_zh, handling_zh) FROM cleangov.level_info
  UNION ALL SELECT concat_ws('|', name_zh, description) FROM cleangov.band_scheme
  UNION ALL SELECT label_zh FROM cleangov.domain_info
  UNION ALL SELECT concat_ws('|', name_zh, description) FROM cleangov.rule) s WHERE t IS NOT NULL) x"
dbs+=(cleangov_enc_ref)
createdb -T template0 -E UTF8 --locale=C cleangov_enc_ref
psql -X -q -v ON_ERROR_STOP=1 -d cleangov_enc_ref -c 'CREATE EXTENSION cleangov' >/dev/null
utf8_text=$(psql -X -A -t -q -v ON_ERROR_STOP=1 -d cleangov_enc_ref -c "$all_text")

for e in ${CLEANGOV_ENC_INSTALLS:-UTF8 EUC_CN}; do installs "$e"; done
for e in ${CLEANGOV_ENC_REFUSED:-EUC_TW EUC_JP LATIN1 WIN1252 SQL_ASCII}; do refused "$e"; done
exit $fail
