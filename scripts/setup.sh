#!/usr/bin/env bash
# Installs what building and testing uaknn needs, when it is missing:
# the PostgreSQL 15 server headers (to compile the C shim), IPC::Run (for
# PostgreSQL's TAP test modules) and python3 (scripts pick a free port with
# it; the benchmarks use it). Does nothing when all are there.
set -euo pipefail

PG_CONFIG=${PG_CONFIG:-pg_config}
missing=()
if ! command -v "$PG_CONFIG" >/dev/null || [ ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]; then
    missing+=(postgresql-server-dev-15)
fi
perl -MIPC::Run -e 1 2>/dev/null || missing+=(libipc-run-perl)
command -v python3 >/dev/null || missing+=(python3)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
echo "setup: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
