#!/usr/bin/env bash
# Benchmark of tuning in SQL (issue 10, docs/tuning.md): the default grid's
# uaknn_tune time on
#   - a 2,500-row x 243-feature model of random rows (target: 60 s or less);
#   - Movie (7,755 x 1,869, 5 labels; target: 10 minutes or less), read from
#     ${UAKNN_DATASETS:-../shared/datasets} (or ../../shared/datasets from a
#     git worktree), skipped with a message when absent;
# each beside the offline evaluator (uaknn-eval tune, the same core and the
# same folds: keys are row numbers) on the same rows in the same run, as
# the reference. Also prints the winners (they agree) and a refit's time.
# Prints figures; asserts nothing. Needs a server in PGHOST/PGPORT with
# uaknn installed (make bench starts one).
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${UAKNN_DATASETS:-$(cd .. && pwd)/shared/datasets}
# A git worktree sits one level deeper than the repository.
if [ -z "${UAKNN_DATASETS:-}" ] && [ ! -d "$datasets" ] && [ -d "$(cd ../.. && pwd)/shared/datasets" ]; then
    datasets=$(cd ../.. && pwd)/shared/datasets
fi
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }
eval_bin=$(swift build -c release --show-bin-path 2>/dev/null)/uaknn-eval
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Tunes model $1 in SQL (apply => false) and the folder $2 with the
# evaluator; prints both times, their ratio, the winners and a refit.
compare() {
    local model=$1 folder=$2 target=$3
    psql -At -v model="$model" > "$tmp/sql.txt" <<'SQL'
SET client_min_messages = warning;
SELECT clock_timestamp() AS t0 \gset
CREATE TEMP TABLE board AS SELECT * FROM uaknn_tune(:'model', apply => false);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1);
SELECT candidate::text || ' (kl ' || round(kl::numeric, 4) || ', cosine ' || round(cosine::numeric, 4) || ')' FROM board WHERE rank = 1;
SELECT clock_timestamp() AS t1 \gset
SELECT uaknn_refit(:'model') \g /dev/null
SELECT round(extract(epoch FROM clock_timestamp() - :'t1'::timestamptz)::numeric, 2);
SQL
    "$eval_bin" tune --data "$folder" 2>/dev/null > "$tmp/eval.txt"
    python3 - "$tmp/sql.txt" "$tmp/eval.txt" "$target" <<'PY'
import re, sys
sql = open(sys.argv[1]).read().split("\n")
ev = open(sys.argv[2]).read()
target = float(sys.argv[3])
sql_s, sql_best, refit_s = float(sql[0]), sql[1], sql[2]
ev_s = float(re.search(r"candidates by \w+ \([^)]*\) in ([0-9.]+) s", ev).group(1))
ev_best = re.search(r"^best: (.*)\n\s+(\{.*\})$", ev, re.M)
print(f"  uaknn_tune through SQL: {sql_s:.1f} s (target {target:.0f} s or less: {'met' if sql_s <= target else 'NOT met'})")
print(f"  uaknn-eval tune, same rows and folds: {ev_s:.1f} s; SQL / evaluator: {sql_s / ev_s:.2f}x")
print(f"  winner in SQL: {sql_best}")
print(f"  evaluator's:   {ev_best.group(2)}")
print(f"  uaknn_refit (statistics and maxent fit): {refit_s} s")
PY
}

# 1. 2,500 random rows of 243 features in [-1, 1], random distributions over
# 6 labels; the evaluator reads the same rows from CSV.
echo "2,500 x 243 random rows, 6 labels (synthetic): the default grid (31 candidates, 5 folds)"
mkdir -p "$tmp/synthetic"
psql <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS tune_synthetic CASCADE;
CREATE TABLE tune_synthetic (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
SELECT setseed(0.8) \\g /dev/null
INSERT INTO tune_synthetic
SELECT i, (SELECT array_agg(random() * 2 - 1) FROM generate_series(1, 243 + i * 0)),
       (SELECT array_agg(x / s) FROM (SELECT x, sum(x) OVER () AS s
                                      FROM (SELECT random() + i * 0 AS x FROM generate_series(1, 6)) a) b)
FROM generate_series(0, 2499) i;
SELECT uaknn_create_model('tune_synthetic', 'tune_synthetic', 'features', 'labels') \g /dev/null
\copy (SELECT array_to_string(features, ',') FROM tune_synthetic ORDER BY id) TO '$tmp/synthetic/features.csv'
\copy (SELECT array_to_string(labels, ',') FROM tune_synthetic ORDER BY id) TO '$tmp/synthetic/labels.csv'
SQL
compare tune_synthetic "$tmp/synthetic" 60
psql -c 'DROP TABLE tune_synthetic'

# 2. Movie.
movie="$datasets/Movie"
if [ ! -f "$movie/features.csv" ]; then
    echo "Movie: skipped, not found in $datasets (set UAKNN_DATASETS)"
    exit 0
fi
echo "Movie ($(wc -l < "$movie/features.csv") x 1,869, 5 labels): the default grid (31 candidates, 5 folds)"
psql <<SQL
SET client_min_messages = warning;
DROP TABLE IF EXISTS tune_movie CASCADE;
CREATE TABLE tune_movie (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
\copy tune_movie FROM PROGRAM 'python3 bench/load_dataset.py $movie'
SELECT uaknn_create_model('tune_movie', 'tune_movie', 'features', 'labels') \g /dev/null
SQL
compare tune_movie "$movie" 600
psql -c 'DROP TABLE tune_movie'
