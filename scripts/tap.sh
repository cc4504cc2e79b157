#!/usr/bin/env bash
# Runs the TAP tests (Tests/tap/t/*.pl) with PostgreSQL's own test modules
# (PostgreSQL::Test::Cluster), which start and stop clusters of their own.
# As root the tests run as the postgres user, from a copy in a directory it
# owns, since the server refuses to run as root.
set -euo pipefail
PG_CONFIG=${PG_CONFIG:-pg_config}
pgxs_test=$("$PG_CONFIG" --pkglibdir)/pgxs/src/test
bindir=$("$PG_CONFIG" --bindir)
src=$(cd "$(dirname "$0")/.." && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/uaknn-tap.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$src/Tests/tap/t" "$src/Tests/data" "$work/"
run_as=()
if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$work"
    run_as=(runuser -u postgres --)
fi

cd "$work"
status=0
"${run_as[@]}" env PATH="$bindir:$PATH" PERL5LIB="$pgxs_test/perl" \
    PG_REGRESS="$pgxs_test/regress/pg_regress" TESTDIR="$work" UAKNN_DATA="$work/data" \
    prove --timer ${PROVE_FLAGS:-} t/*.pl || status=$?
if [ $status != 0 ]; then
    for f in "$work"/tmp_check/log/*; do
        [ -f "$f" ] || continue
        echo "--- $f (last lines) ---"
        tail -n 30 "$f"
    done
fi
exit $status
