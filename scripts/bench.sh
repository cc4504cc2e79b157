#!/usr/bin/env bash
# Runs the SQL benchmarks against the server in PGHOST/PGPORT (make bench
# starts a throwaway one). Each prints its own figures and ratios.
#   scripts/bench.sh [NAME...]     names of bench/*.sql or bench/*.sh, default all
set -euo pipefail
cd "$(dirname "$0")/.."
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(ls bench | sed -n 's/\.\(sql\|sh\)$//p' | sort -u))
psql -q -X -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS uaknn' >/dev/null
for name in "${names[@]}"; do
    echo "== bench/$name"
    if [ -f "bench/$name.sql" ]; then
        psql -X -q -v ON_ERROR_STOP=1 -P footer=off -f "bench/$name.sql"
    else
        "bench/$name.sh"
    fi
done
