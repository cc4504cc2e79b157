-- Benchmark of the neighbour family's leave-one-out work (NEIGHBOURS.md
-- F3.1, F4.1): uaknn_label_noise and uaknn_label_support(evaluate => true)
-- on a model of 2,500 rows x 243 features (SJAFFE's 213 faces repeated,
-- every copy but the first with 5% multiplicative noise on its features,
-- the labels kept). Each call predicts every row from the others, about
-- as much work as predicting 2,500 queries; target <= 10 s each. The model
-- is loaded before timing; the first call of a method computes, a repeat
-- takes the predictions the model keeps (until its next change).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_faces;
RESET client_min_messages;
SELECT setseed(0.2026) \g /dev/null

\set features_csv `cat Tests/data/SJAFFE/features.csv`
\set labels_csv `cat Tests/data/SJAFFE/labels.csv`
CREATE TEMP TABLE sjaffe_rows AS
SELECT (f.ord - 1)::int AS id, string_to_array(f.line, ',')::float8[] AS features,
       string_to_array(l.line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);

CREATE TABLE bench_faces (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO bench_faces
SELECT copy * 213 + s.id,
       CASE WHEN copy = 0 THEN s.features
            ELSE ARRAY(SELECT x * (1 + 0.05 * (random() - 0.5)) FROM unnest(s.features) WITH ORDINALITY u(x, i) ORDER BY i) END,
       s.labels
FROM sjaffe_rows s, generate_series(0, 11) copy
WHERE copy * 213 + s.id < 2500;
SELECT format('model: %s rows x %s features, %s labels', count(*), min(cardinality(features)), min(cardinality(labels))) AS " "
FROM bench_faces \g (tuples_only)
SELECT uaknn_create_model('bench_faces', 'bench_faces', 'features', 'labels') AS rows \g /dev/null

CREATE TEMP TABLE timings (ord int, what text, seconds float8, rows bigint);
DO $$
DECLARE
    t0 timestamptz; n bigint;
BEGIN
    PERFORM uaknn_predict('bench_faces', features) FROM bench_faces WHERE id = 0;   -- load the model

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_noise('bench_faces');
    INSERT INTO timings VALUES (1, 'uaknn_label_noise (aaknn, k 15)', extract(epoch FROM clock_timestamp() - t0), n);

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_noise('bench_faces') WHERE disagrees;
    INSERT INTO timings VALUES (2, '  the same again (kept predictions)', extract(epoch FROM clock_timestamp() - t0), n);

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_noise('bench_faces', method => 'kernel', bandwidth_rule => 'median');
    INSERT INTO timings VALUES (3, 'uaknn_label_noise (kernel, k 15, median)', extract(epoch FROM clock_timestamp() - t0), n);

    -- Label support first: its evaluation is UAKNN's leave-one-out, computed here.
    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_support('bench_faces', evaluate => true);
    INSERT INTO timings VALUES (4, 'uaknn_label_support(evaluate => true) (uaknn)', extract(epoch FROM clock_timestamp() - t0), n);

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_support('bench_faces');
    INSERT INTO timings VALUES (5, 'uaknn_label_support (no evaluation)', extract(epoch FROM clock_timestamp() - t0), n);

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_noise('bench_faces', method => 'uaknn');
    INSERT INTO timings VALUES (6, '  uaknn_label_noise (uaknn): kept from the evaluation', extract(epoch FROM clock_timestamp() - t0), n);

    t0 := clock_timestamp();
    SELECT count(*) INTO n FROM uaknn_label_noise('bench_faces', method => 'wuaknn');
    INSERT INTO timings VALUES (7, 'uaknn_label_noise (wuaknn)', extract(epoch FROM clock_timestamp() - t0), n);

END $$;

SELECT what, rows, round(seconds::numeric, 3) AS seconds, '<= 10 s' AS target,
       CASE WHEN seconds <= 10 THEN 'met' ELSE 'NOT met' END AS result
FROM timings ORDER BY ord;

SET client_min_messages = warning;
SELECT uaknn_drop_model('bench_faces') \g /dev/null
DROP TABLE bench_faces;
RESET client_min_messages;
