#!/usr/bin/env bash
# The main job, run by `make demo` inside a throwaway cluster (PGHOST/PGPORT set).
set -euo pipefail
cd "$(dirname "$0")/.."
psql -X -q -v ON_ERROR_STOP=1 -v data="$PWD/Tests/data/SJAFFE" -f scripts/demo.sql
