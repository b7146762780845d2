# A throwaway Citus cluster on loopback for the Citus suite (test/citus/run.sh)
# and bench/citus.sh: a coordinator and workers, each its own PostgreSQL 15
# server with its own data directory under $CITUS_DIR, started by us and
# stopped (and removed) by citus_cluster_stop.  Sourced, never run.
#
#   citus_cluster_init DIR      # set CITUS_DIR, pick ports
#   citus_node_start NAME       # initdb + start a node (coordinator, w1, w2, w3, ...)
#   citus_cluster_stop          # stop every node started, remove DIR
#   cpsql NAME [psql args]      # psql to a node, as the superuser, database $CITUS_DB
#
# Ports: $CLEANGOV_CITUS_PORT (default 57640) for the coordinator and the next
# ones for the workers, so the suite never touches a server of the machine.
# Nodes reach one another over TCP on localhost; the cluster trusts loopback.

PGBIN=/usr/lib/postgresql/15/bin
CITUS_DB=${CITUS_DB:-cleangov_citus}
CITUS_NODES=()

citus_cluster_init() {
	CITUS_DIR=$1
	mkdir -p "$CITUS_DIR"
	CITUS_BASE_PORT=${CLEANGOV_CITUS_PORT:-57640}
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$CITUS_DIR"
		CITUS_AS=(runuser -u postgres --)
	else
		CITUS_AS=()
	fi
}

citus_port() { # port of node NAME: coordinator = base, wN = base + N
	case $1 in
	coordinator) echo "$CITUS_BASE_PORT" ;;
	w*) echo $((CITUS_BASE_PORT + ${1#w})) ;;
	*) echo "unknown node $1" >&2; return 1 ;;
	esac
}

citus_node_start() {
	local name=$1 port dir
	port=$(citus_port "$name")
	dir=$CITUS_DIR/$name
	if "${CITUS_AS[@]}" $PGBIN/pg_isready -q -h localhost -p "$port" 2>/dev/null; then
		echo "port $port is taken: set CLEANGOV_CITUS_PORT to a free range" >&2
		return 1
	fi
	"${CITUS_AS[@]}" $PGBIN/initdb -D "$dir" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$CITUS_DIR/$name.initdb.log" 2>&1 || {
		cat "$CITUS_DIR/$name.initdb.log" >&2; return 1; }
	local preload=citus
	[ "$name" = coordinator ] && preload=citus,pg_cron
	cat >>"$dir/postgresql.conf" <<CONF
port = $port
listen_addresses = 'localhost'
unix_socket_directories = '$CITUS_DIR'
shared_preload_libraries = '$preload'
cron.database_name = '$CITUS_DB'
max_connections = 200
max_prepared_transactions = 200
max_worker_processes = 16
fsync = off
synchronous_commit = off
full_page_writes = off
citus.shard_count = 8
log_min_messages = warning
CONF
	"${CITUS_AS[@]}" $PGBIN/pg_ctl -D "$dir" -l "$CITUS_DIR/$name.log" -w -t 60 start >/dev/null || {
		cat "$CITUS_DIR/$name.log" >&2; return 1; }
	CITUS_NODES+=("$name")
	"${CITUS_AS[@]}" $PGBIN/psql -X -q -h "$CITUS_DIR" -p "$port" -U postgres -d postgres \
		-c "CREATE DATABASE $CITUS_DB" >/dev/null
}

cpsql() {
	local name=$1
	shift
	# as the caller (files it reads are the caller's: a checkout in a
	# directory of mode 700 is not readable by the servers' user), connected
	# as the servers' superuser over their socket
	$PGBIN/psql -X -h "$CITUS_DIR" -p "$(citus_port "$name")" -U postgres -d "$CITUS_DB" "$@"
}

citus_cluster_stop() {
	local pid
	# every node with a running server, also those a test started itself
	for pid in "$CITUS_DIR"/*/postmaster.pid; do
		[ -e "$pid" ] || continue
		"${CITUS_AS[@]}" $PGBIN/pg_ctl -D "$(dirname "$pid")" -m immediate -w stop >/dev/null 2>&1 || true
	done
	CITUS_NODES=()
	[ -n "${CITUS_KEEP:-}" ] || rm -rf "$CITUS_DIR"
}

# Sourced by a test of the suite (run.sh exported CITUS_DIR): the same
# cluster, the same way of running its servers.
if [ -n "${CITUS_DIR:-}" ] && [ -z "${CITUS_AS+x}" ]; then
	CITUS_BASE_PORT=${CITUS_BASE_PORT:-${CLEANGOV_CITUS_PORT:-57640}}
	if [ "$(id -u)" = 0 ]; then CITUS_AS=(runuser -u postgres --); else CITUS_AS=(); fi
fi

# TAP lines of the suite's shell tests (t_*.sh): they exit $fail.
fail=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fail=1; }
