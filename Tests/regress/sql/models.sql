-- Models in tables: the default model, a model over a user table reproducing
-- the SJAFFE split vectors through SQL (single and batch), explain and
-- prototypes on the tiny vector, options, and the per-backend cache.
--
-- A fresh extension, so that the default model is exactly as CREATE
-- EXTENSION leaves it.
DROP EXTENSION uaknn;
CREATE EXTENSION uaknn;
CREATE SCHEMA models_test;
SET search_path = models_test, public;

\getenv abs_srcdir PG_ABS_SRCDIR
\set tiny_file :abs_srcdir '/../vectors/uaknn_tiny.json'
\set tiny `cat :tiny_file`
\set split_file :abs_srcdir '/../vectors/sjaffe_split.json'
\set split `cat :split_file`
\set features_file :abs_srcdir '/../data/SJAFFE/features.csv'
\set features_csv `cat :features_file`
\set labels_file :abs_srcdir '/../data/SJAFFE/labels.csv'
\set labels_csv `cat :labels_file`

-- JSON arrays of numbers as float8[]; a JSON matrix as rows (ordinal 0-based).
CREATE FUNCTION vec(j jsonb) RETURNS float8[] LANGUAGE sql IMMUTABLE
AS $$ SELECT array_agg(x::float8 ORDER BY o) FROM jsonb_array_elements_text(j) WITH ORDINALITY t(x, o) $$;
-- Largest absolute difference between two vectors of equal length (NULL when lengths differ).
CREATE FUNCTION maxdiff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN cardinality(a) = cardinality(b)
                  THEN (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) END $$;
CREATE FUNCTION total(a float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT sum(x) FROM unnest(a) x $$;

------------------------------------------------------------------------------
-- 1. The default model, right after CREATE EXTENSION
------------------------------------------------------------------------------
SELECT name, source, key_column, features_column, labels_column, n_features, n_labels, rows, options
FROM uaknn_models;

-- No samples yet: 55000, with a hint naming the table.
SELECT uaknn_predict('{0.8,0.3,0.1}');
SELECT uaknn_predict('default', '{0.8,0.3,0.1}');
SELECT * FROM uaknn_prototypes();
-- Nothing cached.
SELECT count(*) AS cached FROM uaknn_cache_info();

-- The tiny vector's six samples (keys 1..6); the first INSERT fixes N and L.
INSERT INTO uaknn_samples (features, labels)
SELECT vec(f), vec(l)
FROM jsonb_array_elements(:'tiny'::jsonb->'train_features') WITH ORDINALITY a(f, o)
JOIN jsonb_array_elements(:'tiny'::jsonb->'train_labels') WITH ORDINALITY b(l, o) USING (o)
ORDER BY o;
SELECT name, n_features, n_labels, rows FROM uaknn_models;

-- A distribution over the 3 labels, summing to 1, equal to the vector's prediction.
SELECT cardinality(p) AS labels, abs(total(p) - 1) < 1e-12 AS sums_to_one,
       maxdiff(p, vec(:'tiny'::jsonb->'prediction')) < 1e-9 AS matches_vector
FROM (SELECT uaknn_predict(vec(:'tiny'::jsonb->'query')) AS p) s;
-- The named form of the default model gives the same.
SELECT uaknn_predict('default', vec(:'tiny'::jsonb->'query')) = uaknn_predict(vec(:'tiny'::jsonb->'query')) AS same;

-- The prototypes: the vector's 0-based sample indexes are keys 1..6 here.
SELECT p.label, p.size, p.keys,
       p.keys = ARRAY(SELECT x::bigint + 1 FROM jsonb_array_elements_text(:'tiny'::jsonb->'prototypes'->(p.label - 1)) x) AS matches_vector
FROM uaknn_prototypes() p ORDER BY label;
SELECT p.label, p.size FROM uaknn_prototypes('default') p ORDER BY label;

-- uaknn_explain: the matched key, mu, step-1 softmax, S, c and w of each
-- prototype, to 1e-9.
SELECT e.label, e.key,
       e.key = (:'tiny'::jsonb->'nearest'->>(e.label - 1))::bigint + 1 AS nearest_ok,
       abs(e.mu - (:'tiny'::jsonb->'mu'->>(e.label - 1))::float8) < 1e-9 AS mu_ok,
       abs(e.softmax - (:'tiny'::jsonb->'step1_softmax'->>(e.label - 1))::float8) < 1e-9 AS softmax_ok,
       abs(e.s - (:'tiny'::jsonb->'S'->>(e.label - 1))::float8) < 1e-9 AS s_ok,
       abs(e.c - (:'tiny'::jsonb->'c'->>(e.label - 1))::float8) < 1e-9 AS c_ok,
       abs(e.w - (:'tiny'::jsonb->'w'->>(e.label - 1))::float8) < 1e-9 AS w_ok
FROM uaknn_explain('default', vec(:'tiny'::jsonb->'query')) e ORDER BY e.label;
SELECT round(mu::numeric, 9) AS mu, round(w::numeric, 9) AS w
FROM uaknn_explain('default', vec(:'tiny'::jsonb->'query')) ORDER BY label;
-- Explain's parameters change the weights (larger variance: larger S).
SELECT bool_and(a.s < b.s) AS larger_variance_larger_s
FROM uaknn_explain('default', vec(:'tiny'::jsonb->'query')) a
JOIN uaknn_explain('default', vec(:'tiny'::jsonb->'query'), variance => 2.0) b USING (label);

-- The cache now holds the default model, loaded in full.
SELECT model, rows, bytes > 0 AS has_bytes, load_ms >= 0 AS timed, last_load FROM uaknn_cache_info();

-- One more INSERT: the next prediction loads just that row.
INSERT INTO uaknn_samples (features, labels) VALUES ('{0.8,0.3,0.1}', '{0.05,0.05,0.9}');
-- (The query's twin now sits in label 3's prototype: label 3 goes from 0.2828 up.)
SELECT round(p[1]::numeric, 6) AS p1, round(p[2]::numeric, 6) AS p2, round(p[3]::numeric, 6) AS p3,
       p[3] > 0.3 AS third_label_up
FROM uaknn_predict('{0.8,0.3,0.1}') p;
SELECT model, rows, last_load FROM uaknn_cache_info();
-- A row of the wrong shape is refused by the model's trigger (N and L are fixed).
INSERT INTO uaknn_samples (features, labels) VALUES ('{1,0}', '{0.5,0.5}');
DELETE FROM uaknn_samples WHERE id = 7;
SELECT maxdiff(uaknn_predict(vec(:'tiny'::jsonb->'query')), vec(:'tiny'::jsonb->'prediction')) < 1e-9 AS back_to_vector;
SELECT model, rows, last_load FROM uaknn_cache_info();

-- The default model's options are the defaults of uaknn_predict(features).
UPDATE uaknn_model SET options = '{"method": "aaknn", "k": 1}' WHERE name = 'default';
SELECT uaknn_predict('{0.9,0.1,0}') AS nearest_labels,
       (SELECT array_agg(round(x::numeric, 9)) FROM unnest(uaknn_predict('default', '{0.9,0.1,0}', k => 2)) x) AS two_nearest;
UPDATE uaknn_model SET options = '{}' WHERE name = 'default';
SELECT maxdiff(uaknn_predict(vec(:'tiny'::jsonb->'query')), vec(:'tiny'::jsonb->'prediction')) < 1e-9 AS uaknn_again;

------------------------------------------------------------------------------
-- 2. SJAFFE: a model over a user table reproduces sjaffe_split.json
------------------------------------------------------------------------------
CREATE TABLE sjaffe AS
SELECT (f.ord - 1)::bigint AS id,
       string_to_array(f.line, ',')::float8[] AS features,
       string_to_array(l.line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);
SELECT count(*) AS rows, min(cardinality(features)) AS n, max(cardinality(features)) AS n_max,
       min(cardinality(labels)) AS l FROM sjaffe;

-- Training rows 0..169; the key defaults to the primary key.
CREATE TABLE train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO train SELECT * FROM sjaffe WHERE id < 170;
SELECT uaknn_create_model('sjaffe', 'train', 'features', 'labels') AS rows;
SELECT name, source, key_column, n_features, n_labels, rows, options FROM uaknn_models ORDER BY name;

-- Every config of the vector file, one row per (config, test row). The
-- method is the config name's prefix, as uaknn-eval names them.
CREATE TABLE expected AS
SELECT c.key AS config,
       CASE WHEN c.key LIKE 'uaknn%' THEN 'uaknn' WHEN c.key LIKE 'wuaknn%' THEN 'wuaknn'
            WHEN c.key LIKE 'aaknn%' THEN 'aaknn' WHEN c.key LIKE 'kernel%' THEN 'kernel' END AS method,
       c.value->'parameters' AS parameters,
       169 + p.o AS id,
       vec(p.v) AS prediction
FROM jsonb_each(:'split'::jsonb->'configs') c,
     jsonb_array_elements(c.value->'predictions') WITH ORDINALITY p(v, o);
SELECT config, method, parameters, count(*) AS rows, min(id) AS first, max(id) AS last
FROM expected GROUP BY config, method, parameters ORDER BY config;
-- No parameter the SQL functions do not know.
SELECT DISTINCT k FROM expected, jsonb_object_keys(parameters) k ORDER BY k;

-- Row 177 of aaknn_k5 is an exact tie (rows 0 and 8 have the same features
-- and different labels): the vector gives it to the lowest key, row 0, so
-- its prediction is the mean over rows {107,24,67,2,0}.
CREATE FUNCTION mean_labels(ids bigint[]) RETURNS float8[] LANGUAGE sql STABLE
AS $$ SELECT array_agg(v ORDER BY i) FROM (SELECT i, avg(x) AS v FROM sjaffe, unnest(labels) WITH ORDINALITY u(x, i)
                                          WHERE id = ANY(ids) GROUP BY i) s $$;
SELECT (SELECT features FROM sjaffe WHERE id = 0) = (SELECT features FROM sjaffe WHERE id = 8) AS tie,
       maxdiff(prediction, mean_labels('{107,24,67,2,0}')) < 1e-9 AS vector_takes_row_0
FROM expected WHERE config = 'aaknn_k5' AND id = 177;

-- Predictions through SQL, every parameter passed by name (NULL: default).
CREATE TABLE got AS
SELECT e.config, e.id,
       uaknn_predict('sjaffe', s.features, method => e.method,
                     variance => (e.parameters->>'variance')::float8,
                     samples => (e.parameters->>'samples')::integer,
                     perturbation_ratio => (e.parameters->>'perturbation_ratio')::float8,
                     softmax_base => (e.parameters->>'softmax_base')::float8,
                     temperature => (e.parameters->>'temperature')::float8,
                     mode => e.parameters->>'mode',
                     seed => (e.parameters->>'seed')::bigint,
                     normalization => e.parameters->>'normalization',
                     prototypes => (e.parameters->>'prototypes')::boolean,
                     perturbation => (e.parameters->>'perturbation')::boolean,
                     k => (e.parameters->>'k')::integer,
                     bandwidth => (e.parameters->>'bandwidth')::float8) AS prediction
FROM expected e JOIN sjaffe s USING (id);

-- To 1e-9, every row of every config: expect 43 rows and 0 failures each.
SELECT e.config, count(*) AS rows,
       count(*) FILTER (WHERE NOT coalesce(maxdiff(g.prediction, e.prediction) < 1e-9, false)) AS failures
FROM expected e JOIN got g USING (config, id) GROUP BY e.config ORDER BY e.config;
-- The failures, if any (none expected).
SELECT e.config, e.id, maxdiff(g.prediction, e.prediction) AS diff
FROM expected e JOIN got g USING (config, id)
WHERE NOT coalesce(maxdiff(g.prediction, e.prediction) < 1e-9, false) ORDER BY 1, 2;
-- The configs do differ from each other (the parameters reach the predictor).
SELECT count(DISTINCT round(prediction[1]::numeric, 9)) AS distinct_first_values
FROM got WHERE id = 170;

-- The batch form: all 43 test rows in one call per config, keys passed through.
CREATE TABLE got_batch AS
SELECT c.config, b.key AS id, b.prediction
FROM (SELECT DISTINCT config, method, parameters FROM expected) c,
     LATERAL (SELECT array_agg(id ORDER BY id) AS keys, array_agg(features ORDER BY id) AS features
              FROM sjaffe WHERE id >= 170) q,
     LATERAL uaknn_predict_batch('sjaffe', q.keys, q.features, method => c.method,
                     variance => (c.parameters->>'variance')::float8,
                     perturbation_ratio => (c.parameters->>'perturbation_ratio')::float8,
                     softmax_base => (c.parameters->>'softmax_base')::float8,
                     temperature => (c.parameters->>'temperature')::float8,
                     normalization => c.parameters->>'normalization',
                     prototypes => (c.parameters->>'prototypes')::boolean,
                     perturbation => (c.parameters->>'perturbation')::boolean,
                     k => (c.parameters->>'k')::integer,
                     bandwidth => (c.parameters->>'bandwidth')::float8) b;
SELECT e.config, count(g.id) AS rows,
       count(*) FILTER (WHERE NOT coalesce(maxdiff(g.prediction, e.prediction) < 1e-9, false)) AS failures
FROM expected e LEFT JOIN got_batch g USING (config, id) GROUP BY e.config ORDER BY e.config;
-- Batch and single predictions agree to 1e-12.
SELECT count(*) AS pairs, count(*) FILTER (WHERE maxdiff(a.prediction, b.prediction) < 1e-12) AS equal
FROM got a JOIN got_batch b USING (config, id);
-- Without keys the rows are numbered 1, 2, 3, ...; a one-dimensional array is one query.
SELECT array_agg(key ORDER BY key) AS keys
FROM uaknn_predict_batch('sjaffe', NULL, (SELECT array_agg(features ORDER BY id) FROM sjaffe WHERE id BETWEEN 170 AND 173));
SELECT key, maxdiff(prediction, (SELECT prediction FROM got WHERE config = 'uaknn_default' AND id = 170)) < 1e-12 AS same
FROM uaknn_predict_batch('sjaffe', NULL, (SELECT features FROM sjaffe WHERE id = 170));
-- No queries, no rows.
SELECT count(*) AS rows FROM uaknn_predict_batch('sjaffe', NULL, '{}'::float8[]);

-- Explain on SJAFFE: one row per label; each matched key is a member of that
-- label's prototype and the weights lie in (0, 1].
SELECT count(*) AS rows,
       bool_and(e.key = ANY (p.keys)) AS key_in_prototype,
       bool_and(e.w > 0 AND e.w <= 1) AS weights_ok,
       bool_and(e.mu >= -1 AND e.mu <= 1) AS mu_ok
FROM uaknn_explain('sjaffe', (SELECT features FROM sjaffe WHERE id = 170)) e
JOIN uaknn_prototypes('sjaffe') p USING (label);
-- The prototypes cover every training key at
-- least once (each distribution has a label above 1/L), and only training keys.
SELECT count(*) AS labels, sum(size) >= 170 AS sizes_ok,
       (SELECT count(DISTINCT k) FROM uaknn_prototypes('sjaffe'), unnest(keys) k) AS keys_covered,
       (SELECT max(k) FROM uaknn_prototypes('sjaffe'), unnest(keys) k) AS max_key,
       bool_and(size = cardinality(keys)) AS size_is_cardinality
FROM uaknn_prototypes('sjaffe');

------------------------------------------------------------------------------
-- 3. Model options: defaults for the named arguments, overridden by them
------------------------------------------------------------------------------
SELECT uaknn_create_model('sjaffe_opts', 'train', 'features', 'labels',
                          options => '{"method": "aaknn", "k": 5}') AS rows;
SELECT name, key_column, options FROM uaknn_models WHERE name = 'sjaffe_opts';
-- The options are the defaults: aaknn with k 5, as the vector.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE maxdiff(uaknn_predict('sjaffe_opts', s.features), e.prediction) < 1e-9) AS match_aaknn_k5
FROM expected e JOIN sjaffe s USING (id) WHERE e.config = 'aaknn_k5';
-- A named argument overrides an option: k => 3 is not k 5; method => 'uaknn' is UAKNN.
SELECT uaknn_predict('sjaffe_opts', features, k => 3) = uaknn_predict('sjaffe', features, method => 'aaknn', k => 3) AS k3_same,
       uaknn_predict('sjaffe_opts', features, k => 3) <> uaknn_predict('sjaffe_opts', features) AS k3_differs,
       maxdiff(uaknn_predict('sjaffe_opts', features, method => 'uaknn'),
               (SELECT prediction FROM expected WHERE config = 'uaknn_default' AND id = 170)) < 1e-9 AS uaknn_override
FROM sjaffe WHERE id = 170;
-- The owner changes the options; the next statement uses them (same backend).
UPDATE uaknn_model SET options = '{"method": "uaknn", "variance": 0.3, "perturbation_ratio": 0.1, "softmax_base": 2.718281828459045}'
WHERE name = 'sjaffe_opts';
SELECT count(*) FILTER (WHERE maxdiff(uaknn_predict('sjaffe_opts', s.features), e.prediction) < 1e-9) AS match_variance03
FROM expected e JOIN sjaffe s USING (id) WHERE e.config = 'uaknn_variance0.3_ratio0.1_base_e';
UPDATE uaknn_model SET options = '{"method": "kernel", "k": 10, "bandwidth": 0.05}' WHERE name = 'sjaffe_opts';
SELECT count(*) FILTER (WHERE maxdiff(uaknn_predict('sjaffe_opts', s.features), e.prediction) < 1e-9) AS match_kernel_k10
FROM expected e JOIN sjaffe s USING (id) WHERE e.config = 'kernel_knn_k10_bandwidth0.05';
-- In the batch form too.
SELECT count(*) FILTER (WHERE maxdiff(b.prediction, e.prediction) < 1e-9) AS batch_match_kernel_k10
FROM uaknn_predict_batch('sjaffe_opts', (SELECT array_agg(id ORDER BY id) FROM sjaffe WHERE id >= 170),
                         (SELECT array_agg(features ORDER BY id) FROM sjaffe WHERE id >= 170)) b
JOIN expected e ON e.id = b.key AND e.config = 'kernel_knn_k10_bandwidth0.05';
-- Sampled mode: deterministic for a seed, different across seeds, close to expected mode.
SELECT uaknn_predict('sjaffe', features, mode => 'sampled', samples => 200, seed => 1)
         = uaknn_predict('sjaffe', features, mode => 'sampled', samples => 200, seed => 1) AS same_seed_same,
       uaknn_predict('sjaffe', features, mode => 'sampled', samples => 200, seed => 1)
         <> uaknn_predict('sjaffe', features, mode => 'sampled', samples => 200, seed => 2) AS other_seed_differs,
       maxdiff(uaknn_predict('sjaffe', features, mode => 'sampled', samples => 2000, seed => 1),
               uaknn_predict('sjaffe', features)) < 0.01 AS close_to_expected,
       abs(total(uaknn_predict('sjaffe', features, mode => 'sampled', samples => 200, seed => 1)) - 1) < 1e-12 AS sums_to_one
FROM sjaffe WHERE id = 170;
SELECT uaknn_drop_model('sjaffe_opts');

------------------------------------------------------------------------------
-- 4. The cache: incremental after INSERT, full after UPDATE, DELETE, TRUNCATE
------------------------------------------------------------------------------
-- Fresh state: the model is cached in full with its 170 rows.
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
CREATE TABLE before AS SELECT id, uaknn_predict('sjaffe', features) AS p FROM sjaffe;

-- Insert 30 test rows: the next prediction loads only them.
INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 170 AND 199;
SELECT count(*) FILTER (WHERE b.p <> uaknn_predict('sjaffe', s.features)) > 0 AS predictions_changed
FROM before b JOIN sjaffe s USING (id);
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- Two more inserts in separate statements (a chain of two changes): still incremental.
INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 200 AND 205;
INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 206 AND 212;
SELECT cardinality(uaknn_predict('sjaffe', features)) AS l FROM sjaffe WHERE id = 170;
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';

-- The incrementally loaded model predicts exactly what a model loaded in
-- full from the same rows predicts.
SELECT uaknn_create_model('sjaffe_all', 'train', 'features', 'labels') AS rows;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE uaknn_predict('sjaffe', features) = uaknn_predict('sjaffe_all', features)) AS uaknn_equal,
       count(*) FILTER (WHERE uaknn_predict('sjaffe', features, method => 'aaknn')
                            = uaknn_predict('sjaffe_all', features, method => 'aaknn')) AS aaknn_equal
FROM sjaffe;
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model IN ('default', 'sjaffe', 'sjaffe_all') ORDER BY model;
SELECT uaknn_drop_model('sjaffe_all');
-- A dropped model is no longer predicted from (42704), even though cached.
SELECT uaknn_predict('sjaffe_all', '{1,2,3}');
SELECT count(*) AS listed FROM uaknn_models WHERE name = 'sjaffe_all';

-- With all 213 rows a training row is its own nearest neighbour: aaknn with
-- k 1 returns its own labels.
SELECT count(*) AS rows,
       count(*) FILTER (WHERE maxdiff(uaknn_predict('sjaffe', features, method => 'aaknn', k => 1), labels) < 1e-12) AS own_labels
FROM sjaffe WHERE id NOT IN (0, 8);

-- UPDATE: reloads in full, and the new labels are used.
UPDATE train SET labels = '{1,0,0,0,0,0}' WHERE id = 170;
SELECT uaknn_predict('sjaffe', features, method => 'aaknn', k => 1) AS p FROM sjaffe WHERE id = 170;
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- DELETE: full, and the row is gone.
DELETE FROM train WHERE id >= 170;
SELECT count(*) FILTER (WHERE maxdiff(uaknn_predict('sjaffe', s.features), e.prediction) < 1e-9) AS back_to_vector
FROM expected e JOIN sjaffe s USING (id) WHERE e.config = 'uaknn_default';
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- An insert after the full reload: incremental again.
INSERT INTO train SELECT * FROM sjaffe WHERE id = 170;
SELECT cardinality(uaknn_predict('sjaffe', features)) AS l FROM sjaffe WHERE id = 170;
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- An INSERT of no rows changes nothing: the cached version stays.
SELECT version AS v0 FROM uaknn_cache_info() WHERE model = 'sjaffe' \gset
INSERT INTO train SELECT * FROM sjaffe WHERE false;
SELECT cardinality(uaknn_predict('sjaffe', features)) AS l FROM sjaffe WHERE id = 170;
SELECT version = :v0 AS same_version, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';

-- TRUNCATE frees N and L: the model has no samples (55000), then new rows of
-- another shape fix new ones.
TRUNCATE train;
SELECT name, n_features, n_labels, rows FROM uaknn_models WHERE name = 'sjaffe';
SELECT uaknn_predict('sjaffe', features) FROM sjaffe WHERE id = 170;
INSERT INTO train VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT name, n_features, n_labels, rows FROM uaknn_models WHERE name = 'sjaffe';
SELECT uaknn_predict('sjaffe', '{1,0}', method => 'aaknn', k => 1) AS p;
SELECT model, rows, last_load FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- The old shape is now refused, by the trigger and by predict.
INSERT INTO train SELECT * FROM sjaffe WHERE id = 3;
SELECT uaknn_predict('sjaffe', features) FROM sjaffe WHERE id = 170;

-- In a transaction: a session's own uncommitted rows are predicted from;
-- after ROLLBACK nothing of them remains in the cache.
BEGIN;
INSERT INTO train VALUES (3, '{0.9,0.1}', '{0,1}');
SELECT uaknn_predict('sjaffe', '{0.9,0.1}', method => 'aaknn', k => 1) AS p_in_transaction;
SELECT rows FROM uaknn_cache_info() WHERE model = 'sjaffe';
ROLLBACK;
SELECT uaknn_predict('sjaffe', '{0.9,0.1}', method => 'aaknn', k => 1) AS p_after_rollback;
SELECT rows FROM uaknn_cache_info() WHERE model = 'sjaffe';
-- A savepoint rolled back: the same.
BEGIN;
INSERT INTO train VALUES (4, '{0.5,0.5}', '{0.5,0.5}');
SAVEPOINT s;
INSERT INTO train VALUES (3, '{0.9,0.1}', '{0,1}');
SELECT uaknn_predict('sjaffe', '{0.9,0.1}', method => 'aaknn', k => 1) AS p_in_savepoint;
ROLLBACK TO SAVEPOINT s;
SELECT uaknn_predict('sjaffe', '{0.9,0.1}', method => 'aaknn', k => 1) AS p_after_savepoint;
SELECT rows FROM uaknn_cache_info() WHERE model = 'sjaffe';
COMMIT;
SELECT uaknn_predict('sjaffe', '{0.9,0.1}', method => 'aaknn', k => 1) AS p_after_commit,
       uaknn_predict('sjaffe', '{0.5,0.5}', method => 'aaknn', k => 1) AS p_committed_row;
SELECT rows FROM uaknn_cache_info() WHERE model = 'sjaffe';

-- The catalog is looked up at most once per statement, not once per row:
-- 213 predictions (and a batch) in one statement scan uaknn_model at most once.
BEGIN;
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans0
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass \gset
SELECT count(uaknn_predict('sjaffe', '{0.3,0.7}')) AS predictions FROM sjaffe;
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) - :scans0 <= 1 AS one_lookup_per_statement
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass;
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans0
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass \gset
SELECT count(*) AS predictions
FROM uaknn_predict_batch('sjaffe', NULL, (SELECT array_agg(ARRAY[0.3, id / 213.0]::float8[]) FROM sjaffe));
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) - :scans0 <= 1 AS one_lookup_per_batch
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass;
-- (The counter does count scans: 10 lookups of the catalog by name count 10.)
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans0
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass \gset
SELECT count((SELECT id FROM uaknn_model WHERE name = 'sjaffe' || repeat('x', i - i))) AS found FROM generate_series(1, 10) i;
SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) - :scans0 AS direct_scans
FROM pg_stat_xact_user_tables WHERE relid = 'uaknn_model'::regclass;
COMMIT;

-- Rows arriving by COPY, INSERT ... ON CONFLICT and MERGE reach the cache:
-- inserts incrementally, anything that also updates in full.
CREATE TABLE arrivals (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO arrivals VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.1,0.9}');
SELECT uaknn_create_model('arrivals', 'arrivals', 'f', 'l') AS rows;
SELECT uaknn_predict('arrivals', '{0.9,0.1}', method => 'aaknn', k => 1) AS p;
COPY arrivals FROM stdin;
3	{0.9,0.1}	{0.3,0.7}
\.
SELECT uaknn_predict('arrivals', '{0.9,0.1}', method => 'aaknn', k => 1) AS after_copy;
SELECT rows, last_load FROM uaknn_cache_info() WHERE model = 'arrivals';
INSERT INTO arrivals VALUES (3, '{0.9,0.1}', '{0.4,0.6}'), (4, '{0.2,0.8}', '{0.6,0.4}')
ON CONFLICT (id) DO UPDATE SET l = excluded.l;
SELECT uaknn_predict('arrivals', '{0.9,0.1}', method => 'aaknn', k => 1) AS upserted,
       uaknn_predict('arrivals', '{0.2,0.8}', method => 'aaknn', k => 1) AS inserted;
SELECT rows, last_load FROM uaknn_cache_info() WHERE model = 'arrivals';
INSERT INTO arrivals VALUES (5, '{0.5,0.5}', '{0.5,0.5}') ON CONFLICT (id) DO NOTHING;
SELECT uaknn_predict('arrivals', '{0.5,0.5}', method => 'aaknn', k => 1) AS after_do_nothing;
SELECT rows, last_load FROM uaknn_cache_info() WHERE model = 'arrivals';
MERGE INTO arrivals a
USING (VALUES (6::bigint, '{0.6,0.4}'::float8[], '{0.25,0.75}'::float8[]), (1, '{1,0}', '{0.8,0.2}')) v(id, f, l) ON a.id = v.id
WHEN MATCHED THEN UPDATE SET l = v.l
WHEN NOT MATCHED THEN INSERT VALUES (v.id, v.f, v.l);
SELECT uaknn_predict('arrivals', '{0.6,0.4}', method => 'aaknn', k => 1) AS merged_insert,
       uaknn_predict('arrivals', '{1,0}', method => 'aaknn', k => 1) AS merged_update;
SELECT rows, last_load FROM uaknn_cache_info() WHERE model = 'arrivals';
MERGE INTO arrivals a
USING (VALUES (7::bigint, '{0.7,0.3}'::float8[], '{0.35,0.65}'::float8[])) v(id, f, l) ON a.id = v.id
WHEN NOT MATCHED THEN INSERT VALUES (v.id, v.f, v.l);
SELECT uaknn_predict('arrivals', '{0.7,0.3}', method => 'aaknn', k => 1) AS merged_insert_only;
SELECT rows, last_load FROM uaknn_cache_info() WHERE model = 'arrivals';
-- The trigger validates rows of every path.
COPY arrivals FROM stdin;
8	{0.9,0.1,0}	{0.3,0.7}
\.
MERGE INTO arrivals a USING (VALUES (1::bigint)) v(id) ON a.id = v.id WHEN MATCHED THEN UPDATE SET l = '{0.8,0.3}';
SELECT count(*) AS rows FROM arrivals;
DROP TABLE arrivals;

------------------------------------------------------------------------------
-- 5. Dropping: uaknn_drop_model removes the triggers; DROP TABLE the model
------------------------------------------------------------------------------
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'train'::regclass AND NOT tgisinternal;
SELECT uaknn_drop_model('sjaffe');
SELECT count(*) AS triggers FROM pg_trigger WHERE tgrelid = 'train'::regclass AND NOT tgisinternal;
SELECT count(*) AS listed FROM uaknn_models WHERE name = 'sjaffe';
SELECT uaknn_predict('sjaffe', '{1,0}');
-- The table takes any row now.
INSERT INTO train VALUES (10, '{1,2,3}', '{5}');
SELECT count(*) AS rows FROM train;
-- The name is free again.
DELETE FROM train WHERE id = 10;
SELECT uaknn_create_model('sjaffe', 'train', 'features', 'labels') AS rows;
SELECT uaknn_predict('sjaffe', '{1,0}', method => 'aaknn', k => 1) AS p;
DROP TABLE train;
SELECT count(*) AS listed FROM uaknn_models WHERE name = 'sjaffe';
SELECT uaknn_predict('sjaffe', '{1,0}');
-- DROP SCHEMA ... CASCADE too.
CREATE SCHEMA models_gone;
CREATE TABLE models_gone.t (id int PRIMARY KEY, f float8[], l float8[]);
SELECT uaknn_create_model('gone', 'models_gone.t', 'f', 'l') AS rows;
SELECT count(*) AS listed FROM uaknn_models WHERE name = 'gone';
DROP SCHEMA models_gone CASCADE;
SELECT count(*) AS listed FROM uaknn_models WHERE name = 'gone';
SELECT name FROM uaknn_models ORDER BY name;

-- Clean up (the extension test drops the extension).
DELETE FROM uaknn_samples;
RESET search_path;
DROP SCHEMA models_test CASCADE;
