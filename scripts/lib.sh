# Shared by scripts/test.sh, scripts/demo.sh and the benchmarks: checks the
# machine, installs what is missing from Debian's packages, builds and installs
# the extension, and starts throwaway clusters.  Sourced, never run.

set -euo pipefail

CLEANGOV_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
# Warnings are errors, as in CI; -Wunused-parameter is off because PostgreSQL's
# own headers (fmgr.h, bufpage.h) trip it.
CLEANGOV_WARNINGS='-Wall -Wextra -Werror -Wno-unused-parameter'
# Everything the build, the tests, the demo and the benchmarks need.
CLEANGOV_PACKAGES=(make gcc
	postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-contrib
	postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl
	postgresql-$PG_MAJOR-cron postgresql-$PG_MAJOR-plpgsql-check sqlsmith
	python3-sklearn)
# Settings of every throwaway cluster: pg_cron is preloaded so that scheduling
# can be tested; it schedules nothing unless asked.
CLEANGOV_CLUSTER_OPTS=(-o shared_preload_libraries=pg_cron -o cron.database_name=postgres
	-o max_worker_processes=16 -o max_parallel_workers_per_gather=2)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'cleangov: error: %s\n' "$*" >&2; exit 1; }

missing_packages() {
	local p
	for p in "${CLEANGOV_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
	done
}

# Install what is missing; do nothing (and need no network) when all is there.
ensure_packages() {
	command -v dpkg-query >/dev/null || die "this needs a Debian 12 machine (dpkg-query not found)"
	local missing
	missing=$(missing_packages | tr '\n' ' ')
	if [ -z "${missing// /}" ]; then
		say "all packages present"
		return
	fi
	[ "$(id -u)" = 0 ] || die "packages missing ($missing) and not running as root: run as root, or install them first"
	say "installing: $missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 ||
		die "apt-get update failed: no network to the Debian package mirror? (packages missing: $missing)"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
		die "apt-get install failed for: $missing"
	[ -z "$(missing_packages)" ] || die "still missing after install: $(missing_packages | tr '\n' ' ')"
}

# Build with warnings as errors and install into the PostgreSQL installation.
# Holds a lock from the build to the end of the caller's use of the installed
# files (see with_install_lock), so that two checkouts on one machine do not
# overwrite each other's installed extension mid-test.
build_and_install() {
	cd "$CLEANGOV_ROOT"
	local libdir
	libdir=$($PG_CONFIG --pkglibdir)
	[ -w "$libdir" ] && [ -w "$($PG_CONFIG --sharedir)/extension" ] ||
		die "cannot write to $libdir (make install needs root): run this as root"
	say "building cleangov $(make -s PG_CONFIG=$PG_CONFIG version)"
	make -s PG_CONFIG=$PG_CONFIG COPT="$CLEANGOV_WARNINGS" >/dev/null || die "build failed"
	make -s PG_CONFIG=$PG_CONFIG install >/dev/null || die "install failed (are you root?)"
}

# Run "$@" holding the machine-wide install lock.
with_install_lock() {
	exec 9>>/tmp/cleangov-install.lock ||
		die "cannot open /tmp/cleangov-install.lock: run this as root"
	flock 9
	# The commands run without the lock's descriptor, so that a server they
	# start (and that outlives them) cannot keep holding the lock.
	"$@" 9>&-
}

# Run "$@" inside a throwaway cluster (Debian's pg_virtualenv); PG* variables
# point at it.  The cluster is removed when the command ends.
in_cluster() {
	command -v pg_virtualenv >/dev/null || die "pg_virtualenv not found (package postgresql-common)"
	pg_virtualenv -t -v $PG_MAJOR "${CLEANGOV_CLUSTER_OPTS[@]}" "$@"
}
