#!/usr/bin/env bash
# Prints the full install script of VERSION: the first release's script
# followed by every upgrade script along the chain to VERSION, so that a
# fresh CREATE EXTENSION creates what CREATE EXTENSION of the first release
# followed by ALTER EXTENSION ... UPDATE creates.
#   scripts/assemble-sql.sh VERSION sql/uaknn--*.sql
#
# One difference in order: the first release's script ends by creating the
# default model (a row in uaknn_model and the triggers on uaknn_samples),
# which runs that release's catalog functions and column defaults. Those
# were not written to be safe where other roles may create objects in the
# extension's schema (a same-named function or operator of theirs would run
# as the installing superuser), and the upgrades replace them. So the full
# script creates the default model last, after the upgrades: no function of
# an older release runs in a fresh installation.
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

# The base script's default model: from this comment line to the call that
# installs its triggers, both exactly as released.
first_line='-- The default model over uaknn_samples.'
last_line="SELECT uaknn_install_triggers(id) FROM uaknn_model WHERE name = 'default';"
starts=$(grep -cxF -- "$first_line" "${base[0]}" || true)
ends=$(grep -cxF -- "$last_line" "${base[0]}" || true)
[ "$starts" = 1 ] && [ "$ends" = 1 ] || {
    echo "${base[0]}: expected the default model's statements once ('$first_line' ... '$last_line')" >&2
    exit 1
}
strip() { grep -v '^\\echo Use ' "$1"; }
# prints the base script without (part=rest) or only (part=default) the default model
base_part() {
    strip "${base[0]}" | awk -v part="$1" -v first="$first_line" -v last="$last_line" '
        $0 == first { inside = 1 }
        (part == "default") == (inside == 1) { print }
        $0 == last { inside = 0 }'
}

echo "-- uaknn $target: assembled by scripts/assemble-sql.sh from ${base[0]} and its upgrade scripts; do not edit."
echo '\echo Use "CREATE EXTENSION uaknn" to load this file. \quit'
base_part rest
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
echo
echo "-- ==== $(basename "${base[0]}"): the default model, created with $target's functions ===="
base_part default
