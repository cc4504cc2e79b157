#!/usr/bin/env bash
# Benchmark of models in tables (issue 4) on Movie (7755 x 1869, 5 labels):
#   - cold load time of a model (a new backend's first prediction);
#   - warm per-call latency of uaknn_predict through SQL, and its ratio to the
#     Swift core's own per-query time on the same split, in the same run
#     (uaknn-eval bench); target: SQL overhead under 10%;
#   - batch throughput of uaknn_predict_batch;
#   - the first prediction after inserting 100 rows (incremental load) vs
#     after a full reload; target: 20 times cheaper.
# Prints figures; asserts nothing. Needs a server in PGHOST/PGPORT with uaknn
# installed (make bench starts one) and ../shared/datasets/Movie
# (UAKNN_DATASETS names another folder). The split is uaknn-eval bench's:
# the model holds all rows but the last QUERIES, which are the queries.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${UAKNN_DATASETS:-$(cd .. && pwd)/shared/datasets}
movie="$datasets/Movie"
queries=${QUERIES:-256}
if [ ! -f "$movie/features.csv" ]; then
    echo "skipped: Movie not found in $datasets (set UAKNN_DATASETS)"
    exit 0
fi
total=$(wc -l < "$movie/features.csv")
train=$((total - queries))
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Movie: $total rows; model over the first $train (movie_train), queries: the last $queries (movie_test)"
psql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
DROP TABLE IF EXISTS movie_train, movie_test CASCADE;
CREATE TABLE movie_train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE movie_test (LIKE movie_train INCLUDING ALL);
\copy movie_train FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows 0 $train'
\copy movie_test FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows $train $total'
ANALYZE movie_train, movie_test;
SELECT uaknn_create_model('movie', 'movie_train', 'features', 'labels') AS rows_in_model \gset
SQL

# Cold load: a new backend's first prediction loads the whole model.
psql -At <<'SQL'
SELECT count(uaknn_predict('movie', features)) FROM (SELECT features FROM movie_test ORDER BY id LIMIT 1) q \g /dev/null
SELECT format('cold load: %s ms for %s rows, %s held', round(load_ms::numeric, 1), rows, pg_size_pretty(bytes))
FROM uaknn_cache_info() WHERE model = 'movie';
SQL

# Warm latency (one call per row) and batch throughput in one backend,
# best of 3 rounds each; the per-call figure is kept for the ratio below.
psql -v ms_file="$tmp/sql-ms" <<'SQL'
CREATE TEMP TABLE timings (what text, ms float8, queries int);
DO $$
DECLARE
    t0 timestamptz; best float8; s float8; n int;
BEGIN
    SELECT count(*) INTO n FROM movie_test;
    PERFORM count(uaknn_predict('movie', features)) FROM movie_test;   -- load and warm up
    best := NULL;
    FOR k IN 1..3 LOOP
        t0 := clock_timestamp();
        SELECT sum(p[1]) INTO s FROM (SELECT uaknn_predict('movie', features) AS p FROM movie_test) q;
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    INSERT INTO timings VALUES ('uaknn_predict, one call per row', best, n);
    best := NULL;
    FOR k IN 1..3 LOOP
        t0 := clock_timestamp();
        SELECT sum(prediction[1]) INTO s
        FROM uaknn_predict_batch('movie', (SELECT array_agg(id ORDER BY id) FROM movie_test),
                                 (SELECT array_agg(features ORDER BY id) FROM movie_test));
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    INSERT INTO timings VALUES ('uaknn_predict_batch, one call', best, n);
END $$;
SELECT what, queries, round(ms::numeric) AS best_of_3_ms,
       round((ms / queries)::numeric, 3) AS ms_per_query,
       round((queries / ms * 1000)::numeric) AS queries_per_second
FROM timings ORDER BY ms DESC;
\pset tuples_only on
\pset format unaligned
\o :ms_file
SELECT ms / queries FROM timings WHERE what LIKE 'uaknn_predict,%';
\o
SQL

# The Swift core alone on the same split, in the same run.
eval_bin=$(swift build -c release --show-bin-path 2>/dev/null)/uaknn-eval
"$eval_bin" bench --data "$movie" --queries "$queries" --method uaknn --no-numpy --rounds 3 > "$tmp/core.txt"
core_ms=$(awk '$1 == "uaknn" { print $2 }' "$tmp/core.txt")
python3 - "$(cat "$tmp/sql-ms")" "$core_ms" <<'PY'
import sys
sql, core = float(sys.argv[1]), float(sys.argv[2])
print(f"per query: uaknn_predict through SQL {sql:.3f} ms, Swift core (uaknn-eval bench) {core:.3f} ms: "
      f"SQL overhead {100 * (sql - core) / core:+.1f}% (target under 10%)")
PY

# Incremental vs full: insert 100 of the query rows as new samples and time
# the next prediction (it loads only those rows); then force a full reload
# (an UPDATE) and time the next prediction again.
psql <<'SQL'
SELECT count(uaknn_predict('movie', features)) AS warm FROM (SELECT features FROM movie_test LIMIT 1) q \gset
INSERT INTO movie_train SELECT id, features, labels FROM movie_test ORDER BY id LIMIT 100;
SELECT clock_timestamp() AS t0 \gset
SELECT count(uaknn_predict('movie', features)) AS one FROM (SELECT features FROM movie_test LIMIT 1) q \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000 AS incremental_ms \gset
SELECT rows AS incremental_rows, last_load AS incremental_kind FROM uaknn_cache_info() WHERE model = 'movie' \gset
UPDATE movie_train SET labels = labels WHERE id = 0;
SELECT clock_timestamp() AS t0 \gset
SELECT count(uaknn_predict('movie', features)) AS one FROM (SELECT features FROM movie_test LIMIT 1) q \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000 AS full_ms \gset
SELECT last_load AS full_kind FROM uaknn_cache_info() WHERE model = 'movie' \gset
SELECT round(:incremental_ms::numeric, 1) AS "first prediction after INSERT of 100 rows (ms)",
       :'incremental_kind' AS "load", :incremental_rows AS "rows",
       round(:full_ms::numeric, 1) AS "after a full reload (ms)", :'full_kind' AS "load ",
       round((:full_ms / :incremental_ms)::numeric, 1) AS "ratio (target >= 20)";
DROP TABLE movie_train, movie_test;
SQL
