#!/usr/bin/env bash
# How prediction cost and memory grow with rows and features, per storage
# mode: synthetic dense data of 20,000, 100,000 and 300,000 rows x 64
# features (5 labels), and Movie (7,755 x 1,869, 99% zeros) when present. For
# each model: ms per query of uaknn_predict (one call per row, AA-kNN k = 5
# and the default method) and of uaknn_predict_batch, over QUERIES rows of
# the same distribution, best of 3, and the memory the backend holds.
# SIZES="20000 100000" limits the synthetic sizes. Prints; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${UAKNN_DATASETS:-$(cd .. && pwd)/shared/datasets}
queries=${QUERIES:-100}
sizes=${SIZES:-20000 100000 300000}
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }

psql <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
DROP TABLE IF EXISTS scale_results;
CREATE TABLE scale_results (data text, storage text, rows bigint, features int, held_mb numeric,
                            aaknn_ms numeric, default_ms numeric, batch_ms numeric);
CREATE OR REPLACE FUNCTION scale_best(query text, n int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8; s float8;
BEGIN
    EXECUTE query INTO s;                               -- warm up: loads the model
    FOR i IN 1..3 LOOP
        t0 := clock_timestamp();
        EXECUTE query INTO s;
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    RETURN round((best / n)::numeric, 3);
END $$;
SQL

# measure DATA TRAIN_TABLE TEST_TABLE MODES...
measure() {
    local data=$1 train=$2 test=$3; shift 3
    for mode in "$@"; do
        psql <<SQL
SELECT uaknn_create_model('scale_$mode', '$train', 'features', 'labels', options => '{"storage": "$mode"}') \gset
SELECT count(*) AS n FROM $test \gset
CREATE TEMP TABLE m AS SELECT
  scale_best(\$q\$SELECT sum(p[1]) FROM (SELECT uaknn_predict('scale_$mode', features, method => 'aaknn', k => 5) p FROM $test) q\$q\$, :n) AS aaknn_ms,
  scale_best(\$q\$SELECT sum(p[1]) FROM (SELECT uaknn_predict('scale_$mode', features) p FROM $test) q\$q\$, :n) AS default_ms,
  scale_best(\$q\$SELECT sum(prediction[1]) FROM uaknn_predict_batch('scale_$mode', NULL, (SELECT array_agg(features ORDER BY id) FROM $test), method => 'aaknn', k => 5)\$q\$, :n) AS batch_ms;
INSERT INTO scale_results
SELECT '$data', '$mode', c.rows, (SELECT n_features FROM uaknn_models WHERE name = 'scale_$mode'),
       round(c.bytes / 1048576.0, 1), m.aaknn_ms, m.default_ms, m.batch_ms
FROM m, uaknn_cache_info() c WHERE c.model = 'scale_$mode';
SELECT uaknn_drop_model('scale_$mode') AS dropped \gset
SQL
    done
}

for rows in $sizes; do
    psql <<SQL
DROP TABLE IF EXISTS scale_train, scale_test;
CREATE TABLE scale_train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
SELECT setseed(0.5);
INSERT INTO scale_train
SELECT i, ARRAY(SELECT random() + 0 * i FROM generate_series(1, 64)),
       (SELECT array_agg(w / t) FROM (SELECT w, sum(w) OVER () AS t
                                      FROM (SELECT 0.01 + random() + 0 * i AS w FROM generate_series(1, 5)) x) y)
FROM generate_series(1, $rows) i;
CREATE TABLE scale_test AS SELECT * FROM scale_train WHERE false;
INSERT INTO scale_test
SELECT i, ARRAY(SELECT random() + 0 * i FROM generate_series(1, 64)), '{0.2,0.2,0.2,0.2,0.2}'
FROM generate_series(1, $queries) i;
SQL
    measure "synthetic" scale_train scale_test dense float4
done

movie="$datasets/Movie"
if [ -f "$movie/features.csv" ]; then
    total=$(wc -l < "$movie/features.csv")
    psql <<SQL
DROP TABLE IF EXISTS scale_train, scale_test;
CREATE TABLE scale_train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE scale_test (LIKE scale_train INCLUDING ALL);
\copy scale_train FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows 0 $((total - queries))'
\copy scale_test FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows $((total - queries)) $total'
SQL
    measure "Movie" scale_train scale_test auto dense sparse float4
else
    echo "Movie skipped: not found in $datasets (set UAKNN_DATASETS)"
fi

psql -c "SELECT * FROM scale_results ORDER BY data DESC, rows, storage"
psql -c "DROP TABLE IF EXISTS scale_train, scale_test, scale_results; DROP FUNCTION scale_best(text, int)" >/dev/null
