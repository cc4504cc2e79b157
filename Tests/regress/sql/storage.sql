-- Storage modes (docs/neighbours.md does not cover them; the README's
-- "Storage" does): auto picks sparse for mostly-zero features and dense
-- otherwise; sparse predicts as dense to 1e-12 on every method, float4
-- within 1e-6 (no distance ties on these rows); changing the option makes
-- the cache reload in the new mode; cross-validation reads the rows in it.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
RESET client_min_messages;
CREATE SCHEMA storage_test;
SET search_path = storage_test, public;

\getenv abs_srcdir PG_ABS_SRCDIR
\set features_file :abs_srcdir '/../data/SJAFFE/features.csv'
\set features_csv `cat :features_file`
\set labels_file :abs_srcdir '/../data/SJAFFE/labels.csv'
\set labels_csv `cat :labels_file`

CREATE FUNCTION maxdiff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y) $$;

CREATE TABLE sjaffe (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO sjaffe
SELECT (f.ord - 1)::bigint, string_to_array(f.line, ',')::float8[], string_to_array(l.line, ',')::float8[]
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);
CREATE TABLE train AS SELECT * FROM sjaffe WHERE id < 170;
ALTER TABLE train ADD PRIMARY KEY (id);
CREATE TABLE test AS SELECT * FROM sjaffe WHERE id >= 170;

-- The same rows (dense SJAFFE) in every mode.
SELECT uaknn_create_model('sj_auto', 'train', 'features', 'labels') AS rows;
SELECT uaknn_create_model('sj_' || m, 'train', 'features', 'labels', options => jsonb_build_object('storage', m)) AS rows
FROM unnest('{dense,sparse,float4}'::text[]) m;
SELECT model, storage, rows FROM uaknn_cache_info() WHERE model LIKE 'sj\_%' ORDER BY model;
SELECT count(*) AS loaded_for_prediction FROM test, unnest('{sj_auto,sj_dense,sj_sparse,sj_float4}'::text[]) m
WHERE cardinality(uaknn_predict(m, features)) = 6;
SELECT model, storage FROM uaknn_cache_info() WHERE model LIKE 'sj\_%' ORDER BY model;
-- float4 holds about half of dense.
SELECT round((SELECT bytes FROM uaknn_cache_info() WHERE model = 'sj_float4')::numeric
             / (SELECT bytes FROM uaknn_cache_info() WHERE model = 'sj_dense'), 1) AS float4_share;

-- Every method: sparse as dense to 1e-12, float4 within 1e-6.
SELECT method,
       max(maxdiff(uaknn_predict('sj_sparse', features, method => method),
                   uaknn_predict('sj_dense', features, method => method))) < 1e-12 AS sparse_as_dense,
       max(maxdiff(uaknn_predict('sj_float4', features, method => method),
                   uaknn_predict('sj_dense', features, method => method))) < 1e-6 AS float4_within_1e6
FROM test, unnest('{uaknn,wuaknn,aaknn,kernel,prior,mix}'::text[]) method
GROUP BY method ORDER BY method;
SELECT max(maxdiff(s.prediction, d.prediction)) < 1e-12 AS batch_sparse_as_dense
FROM uaknn_predict_batch('sj_sparse', (SELECT array_agg(id ORDER BY id) FROM test),
                         (SELECT array_agg(features ORDER BY id) FROM test), method => 'kernel') s
JOIN uaknn_predict_batch('sj_dense', (SELECT array_agg(id ORDER BY id) FROM test),
                         (SELECT array_agg(features ORDER BY id) FROM test), method => 'kernel') d USING (key);
-- The neighbour family reads every mode the same way.
SELECT (SELECT array_agg(key ORDER BY rank) FROM uaknn_label_noise('sj_sparse', k => 5) WHERE rank <= 10)
     = (SELECT array_agg(key ORDER BY rank) FROM uaknn_label_noise('sj_dense', k => 5) WHERE rank <= 10) AS noise_same,
       abs(uaknn_confidence('sj_sparse', (SELECT features FROM test WHERE id = 200))
           - uaknn_confidence('sj_dense', (SELECT features FROM test WHERE id = 200))) < 1e-12 AS confidence_same;

-- Mostly-zero features: auto stores them sparse, and predicts as dense.
CREATE TABLE words (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO words
SELECT i, ARRAY(SELECT CASE WHEN (i * 7 + j * 13) % 23 = 0 THEN ((i + j) % 5 + 1)::float8 ELSE 0 END
                FROM generate_series(1, 200) j ORDER BY j),
       ARRAY[(i % 3 + 1) / 6.0, (i % 5 + 1) / 15.0, 1 - (i % 3 + 1) / 6.0 - (i % 5 + 1) / 15.0]
FROM generate_series(1, 300) i;
SELECT uaknn_create_model('words', 'words', 'f', 'l', options => '{"method": "aaknn"}') AS rows;
SELECT uaknn_create_model('words_dense', 'words', 'f', 'l', options => '{"method": "aaknn", "storage": "dense"}') AS rows;
SELECT max(maxdiff(uaknn_predict('words', f), uaknn_predict('words_dense', f))) < 1e-12 AS sparse_as_dense
FROM words WHERE id % 10 = 0;
SELECT model, storage, bytes < (SELECT bytes FROM uaknn_cache_info() WHERE model = 'words_dense') / 4 AS quarter_or_less
FROM uaknn_cache_info() WHERE model = 'words';

-- A change of the option reloads the rows in the new mode (the next
-- prediction; other backends too, from the catalog row).
UPDATE uaknn_model SET options = options || '{"storage": "float4"}' WHERE name = 'words';
SELECT cardinality(uaknn_predict('words', f)) AS labels FROM words WHERE id = 1;
SELECT model, storage, last_load FROM uaknn_cache_info() WHERE model = 'words';
UPDATE uaknn_model SET options = options - 'storage' WHERE name = 'words';
SELECT cardinality(uaknn_predict('words', f)) AS labels FROM words WHERE id = 1;
SELECT model, storage FROM uaknn_cache_info() WHERE model = 'words';

-- Cross-validation scores a model's rows the same in every mode.
SELECT (SELECT round(kl::numeric, 12) FROM uaknn_cross_validate('words', '[{"method": "kernel", "k": 5}]'))
     = (SELECT round(kl::numeric, 12) FROM uaknn_cross_validate('words_dense', '[{"method": "kernel", "k": 5}]'))
       AS cv_same;
-- A candidate cannot choose the storage or the rows' weights (22023).
SELECT count(*) FROM uaknn_cross_validate('words', '[{"method": "aaknn", "storage": "dense"}]');
SELECT count(*) FROM uaknn_cross_validate('words', '[{"method": "aaknn", "weight_column": "id"}]');

-- Bad values (22023).
SELECT uaknn_create_model('bad', 'words', 'f', 'l', options => '{"storage": "float16"}');
SELECT uaknn_create_model('bad', 'words', 'f', 'l', options => '{"storage": 4}');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA storage_test CASCADE;
RESET client_min_messages;
