#!/usr/bin/env bash
# The version is written once, in extension/uaknn.control; every other place
# that states it must agree (META.json, CHANGELOG.md), and the install
# scripts must reach it from the first release (scripts/assemble-sql.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" extension/uaknn.control)
fail() { echo "consistency: $*" >&2; exit 1; }
[ -n "$version" ] || fail "no default_version in extension/uaknn.control"
python3 - "$version" <<'PY' || exit 1
import json, sys
version = sys.argv[1]
meta = json.load(open("META.json"))
problems = []
if meta.get("version") != version:
    problems.append(f"META.json version {meta.get('version')} is not {version}")
provided = meta.get("provides", {}).get("uaknn", {})
if provided.get("version") != version:
    problems.append(f"META.json provides uaknn {provided.get('version')}, not {version}")
for p in problems:
    print("consistency:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
grep -q "^## $version\b" CHANGELOG.md || fail "CHANGELOG.md has no section \"## $version\""
scripts/assemble-sql.sh "$version" sql/uaknn--*.sql >/dev/null || fail "no upgrade path to $version in sql/"
echo "consistency: version $version in the control file, META.json, CHANGELOG.md and sql/"
