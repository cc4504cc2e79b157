-- uaknn demo: label distribution learning on SJAFFE, inside PostgreSQL.
\pset footer off
\set QUIET on
SET client_min_messages = warning;

-- Each step prints how long it took: \set t0 before, :elapsed after.
\set start 'SELECT clock_timestamp() AS t0 \\gset'
\set elapsed 'SELECT format(''    (%s ms)'', round(extract(epoch FROM clock_timestamp() - :''t0''::timestamptz) * 1000)) AS " " \\g (tuples_only)'

\echo
\echo '== 1. Load SJAFFE: 213 faces, 243 features each, and the distribution of'
\echo '      6 emotions (happy, sad, surprise, anger, disgust, fear) people read in them'
:start
CREATE EXTENSION uaknn;
\set features_file :data '/features.csv'
\set labels_file :data '/labels.csv'
\set features_csv `cat :features_file`
\set labels_csv `cat :labels_file`
CREATE TABLE sjaffe AS
SELECT (f.ord - 1)::bigint AS id,
       string_to_array(f.line, ',')::float8[] AS features,
       string_to_array(l.line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);

-- A fixed-seed split: 60% training, 20% stream (arrives later), 20% test.
CREATE TABLE split AS
SELECT id, CASE WHEN r < 0.6 THEN 'train' WHEN r < 0.8 THEN 'stream' ELSE 'test' END AS part
FROM (SELECT id, (row_number() OVER (ORDER BY md5('uaknn-demo-' || id)) - 1) / count(*) OVER ()::float8 AS r
      FROM sjaffe) s;

CREATE TABLE faces (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO faces SELECT s.* FROM sjaffe s JOIN split USING (id) WHERE part = 'train';
CREATE TABLE test_faces AS SELECT s.* FROM sjaffe s JOIN split USING (id) WHERE part = 'test';
SELECT part, count(*) AS faces FROM split GROUP BY part ORDER BY min(CASE part WHEN 'train' THEN 1 WHEN 'stream' THEN 2 ELSE 3 END);
:elapsed

\echo '== 2. A model over the training table; predict the test faces with each method'
\echo '      (no training step: UAKNN reads the table). Six metrics, computed by ldl_score:'
:start
SELECT format('    model "faces" created over %s rows', uaknn_create_model('faces', 'faces', 'features', 'labels')) AS " " \g (tuples_only)
CREATE TABLE scores AS
SELECT 'before' AS stage, m.method, (s).*
FROM (VALUES (1, 'uaknn'), (2, 'wuaknn'), (3, 'aaknn'), (4, 'kernel')) AS m(ord, method),
     LATERAL (SELECT ldl_score(t.labels, uaknn_predict('faces', t.features, method => m.method)) AS s
              FROM test_faces t) q;
SELECT method, n AS faces,
       round(chebyshev::numeric, 4) AS "chebyshev ↓", round(clark::numeric, 4) AS "clark ↓",
       round(canberra::numeric, 4) AS "canberra ↓", round(kl::numeric, 4) AS "kl ↓",
       round(cosine::numeric, 4) AS "cosine ↑", round(intersection::numeric, 4) AS "intersection ↑"
FROM scores WHERE stage = 'before';
:elapsed

\echo '== 3. Learning without training: the stream faces arrive (INSERT), and the'
\echo '      next query predicts from them. KL divergence before and after:'
:start
INSERT INTO faces SELECT s.* FROM sjaffe s JOIN split USING (id) WHERE part = 'stream';
INSERT INTO scores
SELECT 'after', m.method, (s).*
FROM (VALUES (1, 'uaknn'), (2, 'wuaknn'), (3, 'aaknn'), (4, 'kernel')) AS m(ord, method),
     LATERAL (SELECT ldl_score(t.labels, uaknn_predict('faces', t.features, method => m.method)) AS s
              FROM test_faces t) q;
SELECT b.method,
       round(b.kl::numeric, 4) AS "kl before", round(a.kl::numeric, 4) AS "kl after",
       round(b.intersection::numeric, 4) AS "intersection before",
       round(a.intersection::numeric, 4) AS "intersection after"
FROM scores b JOIN scores a USING (method)
WHERE b.stage = 'before' AND a.stage = 'after'
ORDER BY CASE b.method WHEN 'uaknn' THEN 1 WHEN 'wuaknn' THEN 2 WHEN 'aaknn' THEN 3 ELSE 4 END;
SELECT model, rows, last_load AS "last load (after the INSERT)" FROM uaknn_cache_info();
:elapsed

\echo '== 4. Why this prediction? uaknn_explain for the first test face: per emotion'
\echo '      prototype, the nearest face (key), its cosine mu and the weights'
:start
SELECT id AS face, labels AS truth, uaknn_predict('faces', features) AS prediction
FROM test_faces ORDER BY id LIMIT 1 \gset first_
SELECT :'first_face' AS face,
       (SELECT array_agg(round(x::numeric, 3)) FROM unnest(:'first_truth'::float8[]) x) AS truth,
       (SELECT array_agg(round(x::numeric, 3)) FROM unnest(:'first_prediction'::float8[]) x) AS prediction;
SELECT e.label, (ARRAY['happy', 'sad', 'surprise', 'anger', 'disgust', 'fear'])[e.label] AS emotion,
       e.key AS nearest_face, round(e.mu::numeric, 4) AS mu, round(e.softmax::numeric, 4) AS softmax,
       round(e.s::numeric, 4) AS s, round(e.c::numeric, 4) AS c, round(e.w::numeric, 4) AS w
FROM test_faces t, uaknn_explain('faces', t.features) e
WHERE t.id = :first_face ORDER BY e.label;
:elapsed

\echo '== 5. The best method for this model: uaknn_tune cross-validates the default grid'
\echo '      (31 candidates: prior, AA-kNN, kernel kNN, WUAKNN, UAKNN, each with and without'
\echo '      z-scored features, maxent, and mixtures) on the model''s rows (training and'
\echo '      stream faces), 5 folds by key, and makes the winner the configuration of the'
\echo '      model. The top of the leaderboard:'
:start
SELECT rank, candidate, round(kl::numeric, 4) AS "kl ↓", round(cosine::numeric, 4) AS "cosine ↑",
       round(intersection::numeric, 4) AS "intersection ↑"
FROM uaknn_tune('faces') WHERE rank <= 5;
SELECT tuned_metric AS metric, round(tuned_score::numeric, 4) AS "cv score", tuned_version AS "tuned at version",
       fitted_version AS "fitted at version", options AS "options now"
FROM uaknn_models WHERE name = 'faces';
:elapsed
\echo '   The test faces (never seen by the tuning) with the tuned model (plain'
\echo '   uaknn_predict(model, features) uses it), beside the fixed methods, the prior and maxent:'
:start
INSERT INTO scores
SELECT 'tuned', m.method, (s).*
FROM (VALUES ('prior'), ('maxent'), ('tuned')) AS m(method),
     LATERAL (SELECT ldl_score(t.labels, CASE m.method WHEN 'tuned' THEN uaknn_predict('faces', t.features)
                                                       ELSE uaknn_predict('faces', t.features, method => m.method) END) AS s
              FROM test_faces t) q;
SELECT method, n AS faces,
       round(chebyshev::numeric, 4) AS "chebyshev ↓", round(clark::numeric, 4) AS "clark ↓",
       round(canberra::numeric, 4) AS "canberra ↓", round(kl::numeric, 4) AS "kl ↓",
       round(cosine::numeric, 4) AS "cosine ↑", round(intersection::numeric, 4) AS "intersection ↑"
FROM scores WHERE stage IN ('after', 'tuned')
ORDER BY CASE method WHEN 'uaknn' THEN 1 WHEN 'wuaknn' THEN 2 WHEN 'aaknn' THEN 3 WHEN 'kernel' THEN 4
                     WHEN 'prior' THEN 5 WHEN 'maxent' THEN 6 ELSE 7 END;
:elapsed
