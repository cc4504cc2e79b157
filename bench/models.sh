#!/usr/bin/env bash
# Benchmark of models in tables (issue 4), on Movie (7755 x 1869, 5 labels):
#   cold load time; warm per-call latency of uaknn_predict through SQL and its
#   ratio to the Swift core's own per-query time (uaknn-eval, same split, same
#   run); batch throughput; first prediction after inserting 100 rows vs after
#   a full reload. Prints figures; asserts nothing.
# Needs a server in PGHOST/PGPORT with uaknn installed (make bench starts one)
# and ../shared/datasets/Movie (UAKNN_DATASETS overrides the folder).
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${UAKNN_DATASETS:-$(cd .. && pwd)/shared/datasets}
movie="$datasets/Movie"
if [ ! -f "$movie/features.csv" ]; then
    echo "skipped: Movie not found in $datasets (set UAKNN_DATASETS)"
    exit 0
fi
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The split: every 5th row (id % 5 = 0) is a query, the rest train the model;
# the first 100 queries are later inserted as new samples.
echo "loading Movie into movie_train and movie_test ..."
psql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
DROP TABLE IF EXISTS movie_train, movie_test CASCADE;
CREATE TABLE movie_train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE movie_test (LIKE movie_train INCLUDING ALL);
\copy movie_train FROM PROGRAM 'python3 bench/load_dataset.py $movie --where-not-mod 5 0'
\copy movie_test FROM PROGRAM 'python3 bench/load_dataset.py $movie --where-mod 5 0'
ANALYZE movie_train, movie_test;
SELECT uaknn_create_model('movie', 'movie_train', 'features', 'labels') AS rows_in_model;
SQL

# Cold load: a new backend's first prediction loads the model.
cold=$(psql -At <<'SQL'
SELECT (SELECT uaknn_predict('movie', features) FROM movie_test ORDER BY id LIMIT 1) IS NOT NULL;
SELECT round(load_ms::numeric, 1) || ' ms for ' || rows || ' rows, ' || pg_size_pretty(bytes) FROM uaknn_cache_info() WHERE model = 'movie';
SQL
)
echo "cold load: $(echo "$cold" | tail -n 1)"

# Warm latency and batch throughput in one backend, best of 3 each.
psql -v sql_ms_file="$tmp/sql-ms" <<'SQL'
CREATE TEMP TABLE timings (what text, ms float8, queries int);
DO $$
DECLARE
    t0 timestamptz; best float8; ms float8; s float8; n int;
BEGIN
    SELECT count(*) INTO n FROM movie_test;
    PERFORM uaknn_predict('movie', features) FROM movie_test LIMIT 1;  -- load
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
\o :sql_ms_file
SELECT ms / queries FROM timings WHERE what LIKE 'uaknn_predict,%';
\o
SQL

# The Swift core alone, on the same split, in the same run.
mkdir -p "$tmp/train" "$tmp/test"
awk 'NR % 5 != 1' "$movie/features.csv" > "$tmp/train/features.csv"
awk 'NR % 5 != 1' "$movie/labels.csv" > "$tmp/train/labels.csv"
awk 'NR % 5 == 1' "$movie/features.csv" > "$tmp/test/features.csv"
eval_bin=$(swift build -c release --product uaknn-eval --show-bin-path 2>/dev/null)/uaknn-eval
core_ms=$("$eval_bin" time --train "$tmp/train" --test "$tmp/test" --method uaknn --repeats 3)
sql_ms=$(cat "$tmp/sql-ms")
python3 - "$sql_ms" "$core_ms" <<'PY'
import sys
sql, core = float(sys.argv[1]), float(sys.argv[2])
print(f"per query: SQL uaknn_predict {sql:.3f} ms, Swift core {core:.3f} ms; "
      f"SQL overhead {100 * (sql - core) / core:+.1f}% (target < 10%)")
PY

# Incremental vs full: insert 100 query rows as new samples, time the next
# prediction (loads only those rows); then force a full reload (an UPDATE)
# and time the next prediction again.
psql <<'SQL'
SELECT uaknn_predict('movie', features) IS NOT NULL AS warm FROM movie_test ORDER BY id LIMIT 1 \gset
INSERT INTO movie_train SELECT id, features, labels FROM movie_test ORDER BY id LIMIT 100;
SELECT clock_timestamp() AS t0 \gset
SELECT uaknn_predict('movie', features) IS NOT NULL AS ok FROM movie_test ORDER BY id DESC LIMIT 1 \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000 AS incremental_ms \gset
SELECT rows AS incremental_rows, last_load AS incremental_kind FROM uaknn_cache_info() WHERE model = 'movie' \gset
UPDATE movie_train SET labels = labels WHERE id = (SELECT min(id) FROM movie_train);
SELECT clock_timestamp() AS t0 \gset
SELECT uaknn_predict('movie', features) IS NOT NULL AS ok FROM movie_test ORDER BY id DESC LIMIT 1 \gset
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000 AS full_ms \gset
SELECT last_load AS full_kind FROM uaknn_cache_info() WHERE model = 'movie' \gset
SELECT round(:incremental_ms::numeric, 1) AS "first prediction after INSERT of 100 rows (ms)",
       :'incremental_kind' AS load,
       round(:full_ms::numeric, 1) AS "after a full reload (ms)", :'full_kind' AS load,
       round((:full_ms / :incremental_ms)::numeric, 1) AS "ratio (target >= 20)";
DELETE FROM movie_train WHERE id IN (SELECT id FROM movie_test);
SQL
