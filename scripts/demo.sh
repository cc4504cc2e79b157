#!/usr/bin/env bash
# The main job (make demo), inside a throwaway cluster (PGHOST/PGPORT set):
# label distribution learning on SJAFFE, end to end, in SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "uaknn demo on PostgreSQL $(psql -X -At -c 'SHOW server_version'), socket $PGHOST, port $PGPORT"
psql -X -q -v ON_ERROR_STOP=1 -v data="$PWD/Tests/data/SJAFFE" -f scripts/demo.sql
if [ "${UAKNN_CLUSTER_KEPT:-0}" = 1 ]; then
    echo "== done: the tables are in database postgres (faces, test_faces, scores, sjaffe)."
else
    echo "== done: the cluster is removed now (make demo KEEP=1 keeps it running)."
fi
