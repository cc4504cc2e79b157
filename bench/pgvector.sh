#!/usr/bin/env bash
# uaknn against pgvector on Movie (7,755 x 1,869, 99% zeros, 5 labels), in one
# cluster and one run: per query (one statement per pass over QUERIES test rows,
# one prediction per row, best of 3), uaknn_predict with AA-kNN k = 5 and the
# default method, and uaknn_predict_batch; pgvector's exact top-5 by Euclidean
# distance on sparsevec, and on vector, each with the 5 neighbours' labels
# averaged in SQL (what AA-kNN k = 5 computes), and through an HNSW index.
# Prints figures and ratios; asserts nothing. Skipped with a message when
# pgvector is not installed in the server or Movie is absent: pgvector is not
# a dependency of this project (see the README for the version compared).
set -euo pipefail
cd "$(dirname "$0")/.."
datasets=${UAKNN_DATASETS:-$(cd .. && pwd)/shared/datasets}
movie="$datasets/Movie"
queries=${QUERIES:-100}
psql() { command psql -X -q -v ON_ERROR_STOP=1 -P footer=off "$@"; }
if [ ! -f "$movie/features.csv" ]; then
    echo "skipped: Movie not found in $datasets (set UAKNN_DATASETS)"
    exit 0
fi
if [ "$(psql -At -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = 0 ]; then
    echo "skipped: pgvector is not installed in this server (it is built from its own source, outside this project)"
    exit 0
fi
total=$(wc -l < "$movie/features.csv")
train=$((total - queries))
echo "Movie: model over the first $train rows, queries: the last $queries; pgvector $(psql -At -c "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")"
psql <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
CREATE EXTENSION IF NOT EXISTS vector;
DROP TABLE IF EXISTS pv_train, pv_test CASCADE;
CREATE TABLE pv_train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
CREATE TABLE pv_test (LIKE pv_train INCLUDING ALL);
\copy pv_train FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows 0 $train'
\copy pv_test FROM PROGRAM 'python3 bench/load_dataset.py $movie --rows $train $total'
SELECT array_length(features, 1) AS dims FROM pv_train LIMIT 1 \gset
ALTER TABLE pv_train ADD COLUMN sv sparsevec(:dims), ADD COLUMN v vector(:dims);
UPDATE pv_train SET sv = features::real[]::vector::sparsevec, v = features::real[]::vector;
ALTER TABLE pv_test ADD COLUMN sv sparsevec(:dims), ADD COLUMN v vector(:dims);
UPDATE pv_test SET sv = features::real[]::vector::sparsevec, v = features::real[]::vector;
VACUUM ANALYZE pv_train, pv_test;
SELECT uaknn_create_model('pv', 'pv_train', 'features', 'labels') \gset
SQL

psql <<'SQL'
CREATE TEMP TABLE timings (what text, ms float8, queries int);
CREATE FUNCTION pg_temp.best(query text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8; s float8;
BEGIN
    EXECUTE query INTO s;                               -- warm up (loads, caches)
    FOR i IN 1..3 LOOP
        t0 := clock_timestamp();
        EXECUTE query INTO s;
        best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
    RETURN best / n;
END $$;
-- The 5 nearest rows' labels averaged, as AA-kNN k = 5 does.
CREATE FUNCTION pg_temp.mean5(labels float8[][]) RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(m ORDER BY j) FROM (SELECT j, avg(labels[i][j]) m FROM generate_subscripts(labels, 1) i,
                                          generate_subscripts(labels, 2) j GROUP BY j) s $$;
SELECT count(*) AS n FROM pv_test \gset
INSERT INTO timings VALUES
 ('uaknn_predict, AA-kNN k = 5', pg_temp.best($q$SELECT sum(p[1]) FROM (SELECT uaknn_predict('pv', features, method => 'aaknn', k => 5) p FROM pv_test) q$q$, :n), :n),
 ('uaknn_predict, default method (uaknn)', pg_temp.best($q$SELECT sum(p[1]) FROM (SELECT uaknn_predict('pv', features) p FROM pv_test) q$q$, :n), :n),
 ('uaknn_predict_batch, AA-kNN k = 5', pg_temp.best($q$SELECT sum(prediction[1]) FROM uaknn_predict_batch('pv', NULL, (SELECT array_agg(features ORDER BY id) FROM pv_test), method => 'aaknn', k => 5)$q$, :n), :n),
 ('uaknn_predict_batch, default method', pg_temp.best($q$SELECT sum(prediction[1]) FROM uaknn_predict_batch('pv', NULL, (SELECT array_agg(features ORDER BY id) FROM pv_test))$q$, :n), :n),
 ('pgvector sparsevec exact top-5 + mean', pg_temp.best($q$SELECT sum(p[1]) FROM (SELECT pg_temp.mean5((SELECT array_agg(r.labels) FROM (SELECT labels FROM pv_train ORDER BY sv <-> t.sv LIMIT 5) r)) p FROM pv_test t) q$q$, :n), :n),
 ('pgvector vector exact top-5 + mean', pg_temp.best($q$SELECT sum(p[1]) FROM (SELECT pg_temp.mean5((SELECT array_agg(r.labels) FROM (SELECT labels FROM pv_train ORDER BY v <-> t.v LIMIT 5) r)) p FROM pv_test t) q$q$, :n), :n);
-- Approximate: an HNSW index on the sparse vectors (pgvector's defaults).
CREATE INDEX pv_train_hnsw ON pv_train USING hnsw (sv sparsevec_l2_ops);
INSERT INTO timings VALUES
 ('pgvector sparsevec HNSW top-5 + mean', pg_temp.best($q$SELECT sum(p[1]) FROM (SELECT pg_temp.mean5((SELECT array_agg(r.labels) FROM (SELECT labels FROM pv_train ORDER BY sv <-> t.sv LIMIT 5) r)) p FROM pv_test t) q$q$, :n), :n);
DROP INDEX pv_train_hnsw;
SELECT what, round(ms::numeric, 3) AS ms_per_query,
       round(((SELECT ms FROM timings WHERE what LIKE 'pgvector sparsevec exact%') / ms)::numeric, 1) AS speedup_vs_sparsevec_exact
FROM timings ORDER BY ms;
-- The two exact AA-kNN k = 5 answers agree (ties aside: pgvector's order of
-- equal distances is unspecified).
SELECT count(*) FILTER (WHERE (SELECT max(abs(a - b)) FROM unnest(u, g) x(a, b)) < 1e-6) AS same_prediction, count(*) AS queries
FROM (SELECT uaknn_predict('pv', t.features, method => 'aaknn', k => 5) u,
             pg_temp.mean5((SELECT array_agg(r.labels) FROM (SELECT labels FROM pv_train ORDER BY sv <-> t.sv LIMIT 5) r)) g
      FROM pv_test t) c;
SELECT model, rows, pg_size_pretty(bytes) AS held FROM uaknn_cache_info() WHERE model = 'pv';
SQL
psql -c "DROP TABLE pv_train, pv_test CASCADE" >/dev/null
