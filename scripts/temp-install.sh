#!/usr/bin/env bash
# Makes a fresh copy of the PostgreSQL installation that PG_CONFIG names
# (its bin, lib and share directories, at the same paths under DIR), for
# make check, demo and bench to stage the extension into with DESTDIR.
# PostgreSQL finds its share and lib directories relative to its binaries,
# so servers started from DIR's bin directory load the staged extension and
# the system installation stays untouched.
#   scripts/temp-install.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
PG_CONFIG=${PG_CONFIG:-pg_config}
rm -rf "$dir"
for path in "$("$PG_CONFIG" --bindir)" "$("$PG_CONFIG" --pkglibdir)" "$("$PG_CONFIG" --sharedir)"; do
    mkdir -p "$dir$path"
    cp -a "$path/." "$dir$path/"
done
chmod -R a+rX "$dir"
# Extension files of another build in the copy would only confuse a test.
rm -f "$dir$("$PG_CONFIG" --pkglibdir)/uaknn.so" "$dir$("$PG_CONFIG" --sharedir)"/extension/uaknn[.-]*
echo "temporary installation of PostgreSQL $("$PG_CONFIG" --version | sed 's/^PostgreSQL //') in $dir"
