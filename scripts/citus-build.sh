#!/usr/bin/env bash
# Build and install Citus for the Citus suite (test/citus/) and bench/citus.sh,
# from the vendored source (../shared/vendor/citus-13.2.2.tar.gz, or
# $CLEANGOV_CITUS_TARBALL).  Citus is not packaged by Debian; users install it
# from Citus's own packages.  The build happens outside the repository, in
# $CLEANGOV_CITUS_CACHE (default /var/cache/cleangov/citus), and is kept there, so
# a later run only reinstalls it (seconds) or does nothing when it is installed.
#
#   bash scripts/citus-build.sh          # exit 0: citus is installed
#                                        # exit 3: no tarball here, nothing done
# Needs root (apt-get for the build dependencies, make install).
source "$(dirname "$0")/lib.sh"

CITUS_VERSION=13.2.2
CITUS_SHA256=dd2453caec20a830e5e63f1def5c5a98cb6f57ae510407cdcd800916fcdab430
# The vendored source: beside the checkout (../shared/vendor), or where this
# workplace keeps it (/work/shared/vendor) for a clone made elsewhere.
tarball=${CLEANGOV_CITUS_TARBALL:-}
if [ -z "$tarball" ]; then
	for d in "$CLEANGOV_ROOT/../shared/vendor" /work/shared/vendor; do
		[ -f "$d/citus-$CITUS_VERSION.tar.gz" ] && { tarball=$d/citus-$CITUS_VERSION.tar.gz; break; }
	done
	tarball=${tarball:-$CLEANGOV_ROOT/../shared/vendor/citus-$CITUS_VERSION.tar.gz}
fi
cache=${CLEANGOV_CITUS_CACHE:-/var/cache/cleangov/citus}
src=$cache/citus-$CITUS_VERSION-pg$PG_MAJOR

installed_version() {
	# default_version in the installed control file, or nothing.
	sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$($PG_CONFIG --sharedir)/extension/citus.control" 2>/dev/null
}
citus_installed() {
	[ -f "$($PG_CONFIG --pkglibdir)/citus.so" ] && [ -n "$(installed_version)" ]
}

if citus_installed && [ "${1:-}" != --force ]; then
	say "citus $(installed_version) is installed"
	exit 0
fi
if [ ! -f "$src/.built" ]; then
	[ -f "$tarball" ] || { say "no Citus source at $tarball"; exit 3; }
	echo "$CITUS_SHA256  $tarball" | sha256sum -c --quiet - || die "$tarball: sha256 differs from $CITUS_SHA256"
	[ "$(id -u)" = 0 ] || die "building Citus needs root (build dependencies, make install)"
	CLEANGOV_PACKAGES=(postgresql-server-dev-$PG_MAJOR libcurl4-openssl-dev liblz4-dev libzstd-dev
		libkrb5-dev libssl-dev libselinux1-dev libxslt1-dev libpam0g-dev libreadline-dev
		autoconf flex bison make gcc)
	ensure_packages
	rm -rf "$src"
	mkdir -p "$cache"
	tar -xzf "$tarball" -C "$cache"
	mv "$cache/citus-$CITUS_VERSION" "$src"
	# Debian's 15.20 headers export have_createdb_privilege() (commands/dbcommands.h);
	# Citus 13.2.2 defines a static inline copy for older minor releases, and the
	# two collide.  When the server header declares it, use the header's.
	if grep -q 'have_createdb_privilege' "$($PG_CONFIG --includedir-server)/commands/dbcommands.h"; then
		perl -0pi -e 's/static inline bool\nhave_createdb_privilege\(void\)\n\{.*?\n\}\n/#include "commands\/dbcommands.h"\n/s' \
			"$src/src/include/pg_version_compat.h"
		grep -q '^have_createdb_privilege(void)' "$src/src/include/pg_version_compat.h" &&
			die "could not take the static have_createdb_privilege out of pg_version_compat.h"
	fi
	say "building citus $CITUS_VERSION in $src (several minutes on 2 cores)"
	(cd "$src" && ./configure -q PG_CONFIG=$PG_CONFIG >"$src/configure.out" 2>&1) ||
		die "citus configure failed: see $src/configure.out"
	(cd "$src" && make -s -j"$(nproc)" >"$src/make.out" 2>&1) || die "citus build failed: see $src/make.out"
	touch "$src/.built"
fi
[ -w "$($PG_CONFIG --pkglibdir)" ] || die "cannot write to $($PG_CONFIG --pkglibdir): run this as root"
(cd "$src" && make -s install >"$src/install.out" 2>&1) || die "citus install failed: see $src/install.out"
citus_installed || die "citus install left no citus.so or citus.control"
say "citus $(installed_version) installed from $src"
