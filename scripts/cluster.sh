#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster.
#
#   scripts/cluster.sh [--keep] COMMAND [ARG...]
#
# Creates a cluster in a temporary directory (initdb), starts it on a free
# loopback-free port with its socket in that directory (as the postgres user
# when run as root: postgres refuses to run as root), exports PGHOST, PGPORT,
# PGUSER and PGDATABASE for COMMAND, and always stops and removes the cluster
# afterwards, also when COMMAND fails or the run is interrupted. With --keep
# the cluster is left running and the psql command to reach it is printed.
#
# The run fails when COMMAND fails or when the server log shows a backend that
# was "terminated by signal" (a crash), whatever COMMAND printed. On failure
# the tail of the server log is printed.
set -euo pipefail

keep=0
if [ "${1:-}" = "--keep" ]; then keep=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--keep] COMMAND [ARG...]" >&2; exit 2; }

PG_CONFIG=${PG_CONFIG:-pg_config}
bindir=$("$PG_CONFIG" --bindir)

run_as_owner=()
if [ "$(id -u)" = 0 ]; then run_as_owner=(runuser -u postgres --); fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/uaknn-cluster.XXXXXX")
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
data="$dir/data"
log="$dir/server.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

started=0
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ $started = 1 ] && [ $keep = 0 ]; then
        "${run_as_owner[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ -f "$log" ] && grep -q "terminated by signal" "$log"; then
        echo "FAILED: a backend crashed (server log):" >&2
        grep -B2 -A2 "terminated by signal" "$log" >&2 || true
        status=1
    fi
    if [ $status != 0 ] && [ -f "$log" ]; then
        echo "--- last lines of the server log ($log) ---" >&2
        tail -n 40 "$log" >&2 || true
    fi
    if [ $keep = 0 ]; then rm -rf "$dir"; fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"${run_as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust \
    --no-sync --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$dir'
fsync = off
max_connections = 40
max_prepared_transactions = 10
log_line_prefix = '%m [%p] '
CONF
"${run_as_owner[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null
started=1

export PGHOST="$dir" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
export UAKNN_CLUSTER_KEPT=$keep
if [ $keep = 1 ]; then
    "$@"
    echo
    echo "The cluster is still running. Connect with:"
    echo "    psql -h $dir -p $port -U postgres"
    echo "Stop it with:"
    echo "    ${run_as_owner[*]} $bindir/pg_ctl -D $data stop && rm -rf $dir"
else
    "$@"
fi
