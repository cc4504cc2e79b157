#!/usr/bin/env bash
# Prints the full install script of VERSION: the first release's script
# followed by every upgrade script along the chain to VERSION, so that a
# fresh CREATE EXTENSION runs exactly what CREATE EXTENSION of the first
# release followed by ALTER EXTENSION ... UPDATE runs.
#   scripts/assemble-sql.sh VERSION sql/uaknn--*.sql
set -euo pipefail
target=${1:?usage: $0 VERSION FILES...}; shift
base=() upgrades=()
for f in "$@"; do
    name=$(basename "$f" .sql)
    case "$name" in
        *--*--*) upgrades+=("$f") ;;
        *--*) base+=("$f") ;;
    esac
done
[ ${#base[@]} -eq 1 ] || { echo "expected one base script in sql/, found ${#base[@]}" >&2; exit 1; }
version=$(basename "${base[0]}" .sql); version=${version#*--}
echo "-- uaknn $target: assembled by scripts/assemble-sql.sh from ${base[0]} and its upgrade scripts; do not edit."
echo '\echo Use "CREATE EXTENSION uaknn" to load this file. \quit'
strip() { grep -v '^\\echo Use ' "$1"; }
strip "${base[0]}"
while [ "$version" != "$target" ]; do
    next=""
    for f in "${upgrades[@]}"; do
        name=$(basename "$f" .sql)
        from=${name#*--}; from=${from%%--*}
        if [ "$from" = "$version" ]; then next=$f; break; fi
    done
    [ -n "$next" ] || { echo "no upgrade script from $version on the way to $target" >&2; exit 1; }
    echo
    echo "-- ==== $(basename "$next") ===="
    strip "$next"
    version=$(basename "$next" .sql); version=${version##*--}
done
