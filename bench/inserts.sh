#!/usr/bin/env bash
# Writers to a model's table against writers to a plain table with the same
# columns, in the same run (issue 11's targets: >= 0.5x a plain table's rate):
#   - single-row INSERTs by 8 pgbench clients, for SECONDS (default 10) each;
#   - COPY of 100,000 rows (64 features, 5 labels) into each, best of 3.
# Prints figures and ratios; asserts nothing. Needs a server in PGHOST/PGPORT
# with uaknn installed (make bench starts one) and pgbench on the PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${SECONDS_PER_RUN:-10}
bindir=$("${PG_CONFIG:-pg_config}" --bindir)
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

psql <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
DROP TABLE IF EXISTS ins_model, ins_plain, copy_model, copy_plain CASCADE;
CREATE TABLE ins_model (id bigserial PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE ins_plain (LIKE ins_model INCLUDING ALL);
INSERT INTO ins_model (features, labels) VALUES ('{0,0,0,0,0,0,0,0}', '{0.2,0.2,0.2,0.2,0.2}');
SELECT uaknn_create_model('ins', 'ins_model', 'features', 'labels') \gset
CREATE TABLE copy_model (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE copy_plain (LIKE copy_model INCLUDING ALL);
SELECT uaknn_create_model('copied', 'copy_model', 'features', 'labels') \gset
SQL

for table in ins_model ins_plain; do
    cat > "$tmp/$table.sql" <<EOF
\set a random(0, 1000)
INSERT INTO $table (features, labels) VALUES (ARRAY[:a, 1, 2, 3, 4, 5, 6, 7]::float8[], '{0.1,0.2,0.3,0.2,0.2}');
EOF
done
tps() {
    "$bindir/pgbench" -n -c 8 -j 8 -T "$seconds" -f "$tmp/$1.sql" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p'
}
plain_tps=$(tps ins_plain)
model_tps=$(tps ins_model)
# The model still predicts from every row the writers inserted.
rows=$(psql -At -c "SELECT count(*) FROM ins_model")
cached=$(psql -At -c "SELECT count(uaknn_predict('ins', '{1,1,2,3,4,5,6,7}')) FROM generate_series(1, 1); SELECT rows FROM uaknn_cache_info() WHERE model = 'ins'" | tail -n 1)

# 100,000 rows of 64 features as COPY text, generated once.
python3 - "$tmp/rows.txt" <<'PY'
import random, sys
random.seed(0)
with open(sys.argv[1], "w") as f:
    for i in range(100_000):
        x = ",".join(f"{random.random():.6f}" for _ in range(64))
        w = [random.random() + 0.01 for _ in range(5)]
        s = sum(w)
        f.write(f"{i}\t{{{x}}}\t{{{','.join(repr(v / s) for v in w)}}}\n")
PY
copy_ms() {
    local best=""
    for _ in 1 2 3; do
        psql -c "TRUNCATE $1" >/dev/null
        local t0 t1
        t0=$(date +%s%N)
        psql -c "\\copy $1 FROM '$tmp/rows.txt'" >/dev/null
        t1=$(date +%s%N)
        local ms=$(( (t1 - t0) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$best"
}
plain_copy=$(copy_ms copy_plain)
model_copy=$(copy_ms copy_model)
copied=$(psql -At -c "SELECT count(uaknn_predict('copied', array_fill(0.5::float8, ARRAY[64]))) ; SELECT rows FROM uaknn_cache_info() WHERE model = 'copied'" | tail -n 1)

python3 - "$plain_tps" "$model_tps" "$plain_copy" "$model_copy" "$seconds" "$rows" "$cached" "$copied" <<'PY'
import sys
plain, model, pcopy, mcopy = (float(v) for v in sys.argv[1:5])
seconds, rows, cached, copied = sys.argv[5:9]
print(f"single-row INSERT, 8 clients, {seconds} s each: plain table {plain:,.0f} tps, model's table {model:,.0f} tps: "
      f"{model / plain:.2f}x (target >= 0.5x); the model then predicts from {cached} of its {rows} rows")
print(f"COPY of 100,000 rows (64 features, 5 labels), best of 3: plain table {pcopy:,.0f} ms, model's table "
      f"{mcopy:,.0f} ms: {pcopy / mcopy:.2f}x the plain rate (target >= 0.5x); the model then holds {copied} rows")
PY
psql -c "DROP TABLE ins_model, ins_plain, copy_model, copy_plain CASCADE" >/dev/null
