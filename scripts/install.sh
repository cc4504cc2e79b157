#!/usr/bin/env bash
# Installs the built library and the extension's files where PostgreSQL looks
# for them: pkglibdir/uaknn.so and sharedir/extension/. Uses sudo when the
# directories are not writable.
#   scripts/install.sh LIBRARY CONTROL_AND_SQL_FILES...
set -euo pipefail
PG_CONFIG=${PG_CONFIG:-pg_config}
lib=$1; shift
pkglibdir=$("$PG_CONFIG" --pkglibdir)
extdir=$("$PG_CONFIG" --sharedir)/extension

sudo=()
[ -w "$pkglibdir" ] && [ -w "$extdir" ] || sudo=(sudo)
"${sudo[@]}" install -m 755 "$lib" "$pkglibdir/uaknn.so"
"${sudo[@]}" install -m 644 "$@" "$extdir/"
echo "installed $pkglibdir/uaknn.so and $# files in $extdir"
