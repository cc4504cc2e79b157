-- Real data and tuning (docs/tuning.md) through SQL: label rows, the fit
-- stored with a model (standardization, maxent) and used by every backend,
-- cross-validation (deterministic, equal to the evaluator's figures), tuning
-- and its application, privileges and bad arguments.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
RESET client_min_messages;
CREATE SCHEMA tuning_test;
SET search_path = tuning_test, public;

\getenv abs_srcdir PG_ABS_SRCDIR
\set maxent_file :abs_srcdir '/../vectors/maxent_sjaffe.json'
\set maxent `cat :maxent_file`
\set features_file :abs_srcdir '/../data/SJAFFE/features.csv'
\set features_csv `cat :features_file`
\set labels_file :abs_srcdir '/../data/SJAFFE/labels.csv'
\set labels_csv `cat :labels_file`

CREATE FUNCTION vec(j jsonb) RETURNS float8[] LANGUAGE sql IMMUTABLE
AS $$ SELECT array_agg(x::float8 ORDER BY o) FROM jsonb_array_elements_text(j) WITH ORDINALITY t(x, o) $$;
CREATE FUNCTION maxdiff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE
AS $$ SELECT CASE WHEN cardinality(a) = cardinality(b)
                  THEN (SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y)) END $$;
-- Runs a statement; returns its error's SQLSTATE, message, detail and hint.
CREATE FUNCTION try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text; hint text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
                            hint = PG_EXCEPTION_HINT;
    RETURN state || ': ' || msg || coalesce(' (detail: ' || nullif(detail, '') || ')', '')
           || coalesce(' (hint: ' || nullif(hint, '') || ')', '');
END $$;

-- SJAFFE with keys 0..212: the evaluator's keys are the row numbers, so
-- folds by key are the same here and there.
CREATE TABLE sjaffe (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO sjaffe
SELECT (f.ord - 1)::bigint, string_to_array(f.line, ',')::float8[], string_to_array(l.line, ',')::float8[]
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);
SELECT count(*) AS rows FROM sjaffe;

------------------------------------------------------------------------------
-- 1. Label rows: rounded rows at the default tolerance, counts refused by
--    name, accepted with normalize_labels, and divided for every method
------------------------------------------------------------------------------
CREATE TABLE votes (id int PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
-- Rows rounded to three decimals (sums 0.999 and 1.001): accepted at 0.01.
INSERT INTO votes VALUES (1, '{1,0}', '{0.333,0.333,0.333}'), (2, '{0,1}', '{0.5,0.25,0.251}');
SELECT uaknn_create_model('rounded', 'votes', 'f', 'l') AS rows;
-- Vote counts: refused by the trigger, naming the key, the sum and the options.
SELECT try($$INSERT INTO votes VALUES (3, '{1,1}', '{3,1,0}')$$) AS counts;
-- A truncated distribution (sum 0.8): refused too.
SELECT try($$INSERT INTO votes VALUES (3, '{1,1}', '{0.5,0.3,0}')$$) AS truncated;
-- A coarser rounding is accepted with a larger label_tolerance.
UPDATE uaknn_model SET options = '{"label_tolerance": 0.25}' WHERE name = 'rounded';
INSERT INTO votes VALUES (3, '{1,1}', '{0.5,0.3,0}');
SELECT uaknn_drop_model('rounded');

-- Counts in a table: uaknn_create_model refuses them (naming the first
-- key), and accepts them with normalize_labels.
CREATE TABLE counts (id int PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO counts VALUES (1, '{1,0}', '{3,1,0}'), (2, '{0,1}', '{0,2,2}');
SELECT try($$SELECT uaknn_create_model('counts', 'counts', 'f', 'l')$$) AS create_counts;
SELECT uaknn_create_model('counts', 'counts', 'f', 'l', options => '{"normalize_labels": true}') AS rows;
INSERT INTO counts VALUES (3, '{1,1}', '{10,0,30}');
-- Every method uses the rows divided by their sums; the table keeps them as stored.
SELECT uaknn_predict('counts', '{1,0}', method => 'aaknn', k => 1) AS nearest_1,
       uaknn_predict('counts', '{1,1}', method => 'aaknn', k => 1) AS nearest_3,
       uaknn_predict('counts', '{0,0}', method => 'prior') AS prior,
       (SELECT l FROM counts WHERE id = 3) AS stored;
SELECT label, keys FROM uaknn_prototypes('counts') ORDER BY label;
-- Options that no longer accept the stored rows: the next load says which.
UPDATE uaknn_model SET options = '{}' WHERE name = 'counts';
SELECT try($q$SELECT uaknn_predict('counts', '{1,0}', method => 'aaknn', k => 1)$q$);
UPDATE uaknn_model SET options = '{"normalize_labels": true}' WHERE name = 'counts';
SELECT uaknn_predict('counts', '{1,0}', method => 'aaknn', k => 1) AS again;

------------------------------------------------------------------------------
-- 2. The fit: maxent reproduces maxent_sjaffe.json through SQL
------------------------------------------------------------------------------
CREATE TABLE train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO train SELECT * FROM sjaffe WHERE id < 170;
-- Options that predict from a fit: uaknn_create_model makes it.
SELECT uaknn_create_model('me', 'train', 'features', 'labels', options => '{"method": "maxent"}') AS rows;
SELECT fit_id IS NOT NULL AS has_fit, cardinality(feature_stats) AS stats, cardinality(maxent) AS maxent,
       maxent[1:5] AS header, fitted_at IS NOT NULL AS fitted_at
FROM uaknn_model WHERE name = 'me';
SELECT fitted_version = version AS fit_is_current FROM uaknn_models WHERE name = 'me';
-- The statistics are the training rows' mean and population sd.
SELECT maxdiff(feature_stats[1:243], vec(:'maxent'::jsonb->'mean')) < 1e-12 AS mean_ok,
       maxdiff(feature_stats[244:486], vec(:'maxent'::jsonb->'sd')) < 1e-12 AS sd_ok
FROM uaknn_model WHERE name = 'me';
-- The test rows' predictions, to 1e-6 (one call per row, and a batch).
SELECT count(*) AS rows, max(maxdiff(uaknn_predict('me', s.features), vec(p.v))) < 1e-6 AS within_1e6
FROM jsonb_array_elements(:'maxent'::jsonb->'predictions') WITH ORDINALITY p(v, o)
JOIN sjaffe s ON s.id = 169 + p.o;
SELECT count(*) AS rows, max(maxdiff(b.prediction, vec(p.v))) < 1e-6 AS within_1e6
FROM uaknn_predict_batch('me', (SELECT array_agg(id ORDER BY id) FROM sjaffe WHERE id >= 170),
                               (SELECT array_agg(features ORDER BY id) FROM sjaffe WHERE id >= 170)) b
JOIN jsonb_array_elements(:'maxent'::jsonb->'predictions') WITH ORDINALITY p(v, o) ON b.key = 169 + p.o;

-- Inserted rows: neighbour methods use them at once, maxent only after the
-- next fit, and the models view shows that the fit is behind.
CREATE TEMP TABLE before AS
SELECT uaknn_predict('me', features) AS maxent, uaknn_predict('me', features, method => 'aaknn', k => 1) AS nearest
FROM sjaffe WHERE id = 185;
INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 170 AND 189;
SELECT fitted_version < version AS fit_is_behind FROM uaknn_models WHERE name = 'me';
SELECT uaknn_predict('me', features) = b.maxent AS maxent_unchanged,
       uaknn_predict('me', features, method => 'aaknn', k => 1) <> b.nearest AS nearest_moved,
       uaknn_predict('me', features, method => 'aaknn', k => 1) = labels AS nearest_is_itself
FROM sjaffe, before b WHERE id = 185;
SELECT uaknn_refit('me');
SELECT fitted_version = version AS fit_is_current FROM uaknn_models WHERE name = 'me';
SELECT uaknn_predict('me', features) <> b.maxent AS maxent_refitted
FROM sjaffe, before b WHERE id = 185;
-- A refit is a new fit_id; a backend takes it without reloading the rows.
SELECT last_load FROM uaknn_cache_info() WHERE model = 'me';
DELETE FROM train WHERE id >= 170;

-- Prediction needs a fit of the l2 it asks for; maxent without a fit, or
-- zscore without statistics: 55000 with a hint.
UPDATE uaknn_model SET options = '{"method": "maxent", "l2": 0.01}' WHERE name = 'me';
SELECT try($q$SELECT uaknn_predict('me', features) FROM sjaffe WHERE id = 200$q$);
SELECT uaknn_refit('me');
SELECT cardinality(uaknn_predict('me', features)) AS l2_refitted FROM sjaffe WHERE id = 200;
-- A maxent member of a mix: the fit is made with the member's l2; members
-- asking for different l2 values are refused (a model stores one fit).
UPDATE uaknn_model SET options = '{"method": "mix", "members": [{"method": "aaknn"}, {"method": "maxent", "l2": 0.1}]}'
WHERE name = 'me';
SELECT uaknn_refit('me');
SELECT cardinality(uaknn_predict('me', features)) AS member_l2_refitted FROM sjaffe WHERE id = 200;
UPDATE uaknn_model SET options = '{"method": "mix", "members": [{"method": "maxent", "l2": 0.1}, {"method": "maxent"}]}'
WHERE name = 'me';
SELECT try($q$SELECT uaknn_refit('me')$q$);
SELECT try($q$SELECT uaknn_create_model('me2', 'train', 'features', 'labels',
  options => '{"method": "mix", "members": [{"method": "maxent", "l2": 0.1}, {"method": "maxent", "l2": 1}]}')$q$);
UPDATE uaknn_model SET options = '{"method": "maxent", "l2": 0.01}' WHERE name = 'me';
SELECT uaknn_refit('me');
CREATE TABLE plain (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO plain SELECT * FROM sjaffe WHERE id < 170;
SELECT uaknn_create_model('plain', 'plain', 'features', 'labels') AS rows;
SELECT fit_id IS NULL AS no_fit FROM uaknn_model WHERE name = 'plain';
SELECT try($q$SELECT uaknn_predict('plain', features, method => 'maxent') FROM sjaffe WHERE id = 200$q$);
SELECT try($q$SELECT uaknn_predict('plain', features, method => 'mix', members => '[{"method": "aaknn"}, {"method": "maxent"}]')
FROM sjaffe WHERE id = 200$q$);
UPDATE uaknn_model SET options = '{"standardize": "zscore"}' WHERE name = 'plain';
SELECT try($q$SELECT uaknn_predict('plain', features) FROM sjaffe WHERE id = 200$q$);
SELECT uaknn_refit('plain');
SELECT cardinality(uaknn_predict('plain', features)) AS standardized FROM sjaffe WHERE id = 200;

------------------------------------------------------------------------------
-- 3. Standardization: rows and queries z-scored with the stored statistics
------------------------------------------------------------------------------
-- A zscore model predicts what a plain model over the same rows standardized
-- by hand with its statistics predicts, for every neighbour method.
CREATE TABLE by_hand AS
SELECT t.id, (SELECT array_agg((x - m.feature_stats[i]) / m.feature_stats[243 + i] ORDER BY i)
              FROM unnest(t.features) WITH ORDINALITY u(x, i)) AS features, t.labels
FROM train t, uaknn_model m WHERE m.name = 'plain';
ALTER TABLE by_hand ADD PRIMARY KEY (id);
SELECT uaknn_create_model('by_hand', 'by_hand', 'features', 'labels') AS rows;
SELECT m.method,
       max(maxdiff(uaknn_predict('plain', s.features, method => m.method),
                   uaknn_predict('by_hand', (SELECT array_agg((x - f.feature_stats[i]) / f.feature_stats[243 + i] ORDER BY i)
                                             FROM unnest(s.features) WITH ORDINALITY u(x, i)), method => m.method))) < 1e-12 AS same
FROM (VALUES ('uaknn'), ('wuaknn'), ('aaknn'), ('kernel')) m(method), sjaffe s,
     (SELECT feature_stats FROM uaknn_model WHERE name = 'plain') f
WHERE s.id >= 170 GROUP BY m.method ORDER BY m.method;
-- The statistics stay as they were while rows arrive (every backend
-- predicts the same), until the next refit; a refit reloads the rows.
CREATE TEMP TABLE stats_before AS SELECT feature_stats FROM uaknn_model WHERE name = 'plain';
INSERT INTO plain SELECT * FROM sjaffe WHERE id BETWEEN 170 AND 179;
SELECT cardinality(uaknn_predict('plain', features)) AS labels FROM sjaffe WHERE id = 200;
SELECT m.feature_stats = b.feature_stats AS stats_kept, c.rows, c.last_load
FROM uaknn_model m, stats_before b, uaknn_cache_info() c WHERE m.name = 'plain' AND c.model = 'plain';
SELECT uaknn_refit('plain');
SELECT cardinality(uaknn_predict('plain', features)) AS labels FROM sjaffe WHERE id = 200;
SELECT m.feature_stats <> b.feature_stats AS stats_new, c.rows, c.last_load
FROM uaknn_model m, stats_before b, uaknn_cache_info() c WHERE m.name = 'plain' AND c.model = 'plain';
-- Back to standardize none: the rows are reloaded as stored (as a second
-- model over the same table holds them).
SELECT uaknn_create_model('plain_too', 'plain', 'features', 'labels') AS rows;
UPDATE uaknn_model SET options = '{}' WHERE name = 'plain';
SELECT bool_and(uaknn_predict('plain', features, method => m) = uaknn_predict('plain_too', features, method => m)) AS as_stored,
       (SELECT last_load FROM uaknn_cache_info() WHERE model = 'plain') AS last_load
FROM sjaffe, unnest('{uaknn,aaknn,kernel}'::text[]) m WHERE id >= 180;

------------------------------------------------------------------------------
-- 4. Cross-validation: the evaluator's figures, the same in every session
------------------------------------------------------------------------------
CREATE TABLE everything (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
INSERT INTO everything SELECT * FROM sjaffe;
SELECT uaknn_create_model('sj', 'everything', 'features', 'labels') AS rows;
-- uaknn-eval cv --data Tests/data/SJAFFE --repeats 1 --digits 12 --method ...,
-- and (the zscore mixture) uaknn-eval tune --data Tests/data/SJAFFE --digits 12.
CREATE TABLE evaluator (i int, chebyshev float8, clark float8, canberra float8, kl float8, cosine float8,
                        intersection float8, kl_std float8, cosine_std float8);
INSERT INTO evaluator VALUES
    (1, 0.103008181748, 0.366461881833, 0.752019189031, 0.059356111771, 0.943627345544, 0.870126614970, 0.005683146954, 0.005371967419),
    (2, 0.115308096512, 0.467095476362, 0.968462416703, 0.088216537507, 0.923621307918, 0.839146147614, 0.005597144388, 0.006285314885),
    (3, 0.100229907367, 0.359377562369, 0.749151538823, 0.051929343762, 0.950675391693, 0.872532764399, 0.008371308541, 0.007887851078),
    (4, 0.111553617061, 0.394725759605, 0.829874157845, 0.063968839570, 0.939669281606, 0.858898209940, 0.005106844650, 0.004632688492),
    (5, 0.119370296807, 0.425344068911, 0.887084558217, 0.072989185244, 0.931260353754, 0.848838832726, 0.004543182270, 0.004297336504),
    (6, 0.087521596638, 0.322212807253, 0.672616340096, 0.042937955579, 0.958712446629, 0.884701040158, 0.007246158141, 0.007147760433);
\set candidates '[{"method": "aaknn", "k": 5}, {"method": "maxent"}, {"method": "kernel", "k": 16, "standardize": "zscore"}, {"method": "uaknn", "temperature": 0.1}, {"method": "prior"}, {"method": "mix", "members": [{"method": "aaknn", "k": 5}, {"method": "maxent"}], "weights": [0.75, 0.25], "standardize": "zscore"}]'
CREATE TABLE cv1 AS SELECT row_number() OVER () AS i, c.* FROM uaknn_cross_validate('sj', :'candidates') c;
SELECT c.i, c.candidate, c.n,
       abs(c.chebyshev - e.chebyshev) < 1e-9 AND abs(c.clark - e.clark) < 1e-9 AND abs(c.canberra - e.canberra) < 1e-9
       AND abs(c.kl - e.kl) < 1e-9 AND abs(c.cosine - e.cosine) < 1e-9 AND abs(c.intersection - e.intersection) < 1e-9
       AS means_match,
       abs(c.kl_std - e.kl_std) < 1e-9 AND abs(c.cosine_std - e.cosine_std) < 1e-9 AS std_match,
       c.seconds >= 0 AS timed
FROM cv1 c JOIN evaluator e USING (i) ORDER BY c.i;
-- The same call gives the same table, in this session and in another.
SELECT count(*) AS differing FROM (
    (SELECT candidate, n, chebyshev, clark, canberra, kl, cosine, intersection, chebyshev_std, kl_std FROM cv1
     EXCEPT SELECT candidate, n, chebyshev, clark, canberra, kl, cosine, intersection, chebyshev_std, kl_std
            FROM uaknn_cross_validate('sj', :'candidates'))) d;
\c
SET search_path = tuning_test, public;
SELECT count(*) AS differing FROM (
    (SELECT candidate, n, chebyshev, clark, canberra, kl, cosine, intersection, chebyshev_std, kl_std FROM cv1
     EXCEPT SELECT candidate, n, chebyshev, clark, canberra, kl, cosine, intersection, chebyshev_std, kl_std
            FROM uaknn_cross_validate('sj', :'candidates'))) d;
-- Repeats and seed: every row scored once per repeat (the evaluator's
-- figure for 2 x 4-fold, seed 7).
SELECT n, abs(kl - 0.058320949217) < 1e-9 AS kl_matches, abs(kl_std - 0.002704377991) < 1e-9 AS std_matches
FROM uaknn_cross_validate('sj', '[{"method": "wuaknn"}]', folds => 4, repeats => 2, seed => 7);
-- Another seed, other folds.
SELECT kl <> (SELECT kl FROM cv1 WHERE i = 1) AS other_folds
FROM uaknn_cross_validate('sj', '[{"method": "aaknn", "k": 5}]', seed => 1);
-- Candidates are parsed over the model's model options (standardize, l2).
UPDATE uaknn_model SET options = '{"standardize": "zscore", "k": 40}' WHERE name = 'sj';
SELECT candidate, abs(kl - 0.051929343762) < 1e-9 AS zscore_from_model
FROM uaknn_cross_validate('sj', '[{"method": "kernel", "k": 16}]');
UPDATE uaknn_model SET options = '{}' WHERE name = 'sj';
-- The default grid: its 28 candidates then the 3 mixtures, in grid order.
SELECT count(*) AS candidates, count(DISTINCT candidate) AS distinct_candidates,
       min(n) = 213 AND max(n) = 213 AS all_scored
FROM uaknn_cross_validate('sj');
SELECT candidate FROM uaknn_cross_validate('sj') LIMIT 3;
-- A candidate that cannot be evaluated (no prototypes: the labels are all
-- uniform) gets NULL metrics and a notice; the others are scored.
CREATE TABLE uniform (id int PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO uniform SELECT i, ARRAY[i, i % 3]::float8[], '{0.5,0.5}' FROM generate_series(1, 20) i;
SELECT uaknn_create_model('uniform', 'uniform', 'f', 'l') AS rows;
SELECT candidate, n, kl IS NULL AS failed, kl FROM uaknn_cross_validate('uniform', '[{"method": "wuaknn"}, {"method": "aaknn"}]');

-- Bad candidates and arguments: 22023, naming the candidate's position.
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '{"method": "aaknn"}')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "aaknn"}, {"method": "nope"}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "aaknn", "k": -1}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "kernel", "colour": "red"}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "aaknn"}, 3]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "auto"}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"normalize_labels": true}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "mix", "members": [{"method": "aaknn"}], "weights": [1, 2]}]')$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "prior"}]', folds => 1)$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "prior"}]', folds => 214)$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "prior"}]', repeats => 0)$q$);
SELECT try($q$SELECT * FROM uaknn_cross_validate('nope')$q$);
SELECT count(*) AS no_rows FROM uaknn_cross_validate(NULL);
SELECT try($q$SELECT * FROM uaknn_cross_validate('default')$q$);

------------------------------------------------------------------------------
-- 5. Tuning: the leaderboard, the pick, and the model using it
------------------------------------------------------------------------------
-- method auto before any tuning: 55000.
SELECT try($q$SELECT uaknn_predict('sj', features, method => 'auto') FROM sjaffe WHERE id = 0$q$);
-- Without apply: the leaderboard only (the evaluator's winner and score).
SELECT rank, candidate, round(kl::numeric, 9) AS kl, round(cosine::numeric, 9) AS cosine, n
FROM uaknn_tune('sj', apply => false) WHERE rank <= 3;
SELECT options, tuned FROM uaknn_models WHERE name = 'sj';
-- Ranks 1..31, ordered by the metric.
SELECT count(*) AS rows, count(rank) AS ranked, bool_and(ok) AS ordered FROM (
    SELECT rank, kl >= lag(kl) OVER (ORDER BY rank) OR rank = 1 AS ok FROM uaknn_tune('sj', apply => false)) t;
-- With apply (the default): the winner becomes the model's configuration.
SELECT rank, candidate, round(kl::numeric, 9) AS kl FROM uaknn_tune('sj') WHERE rank = 1;
SELECT options, tuned_candidate, tuned_metric, round(tuned_score::numeric, 12) AS tuned_score,
       tuned_version = version AS tuned_at_current_version, fitted_version = version AS fitted,
       tuned->'folds' AS folds, tuned->'seed' AS seed, tuned ? 'tuned_at' AS has_time
FROM uaknn_models WHERE name = 'sj';
SELECT (SELECT feature_stats FROM uaknn_model WHERE name = 'sj') IS NOT NULL AS has_statistics;
-- Plain predictions (single and batch) use the tuned configuration, as
-- method => 'auto' and the explicit mixture do; the rows are standardized.
SELECT maxdiff(uaknn_predict('sj', features), uaknn_predict('sj', features, method => 'auto')) = 0 AS auto_same,
       maxdiff(uaknn_predict('sj', features),
               uaknn_predict('sj', features, method => 'mix', members => '[{"method": "aaknn", "k": 5}, {"method": "maxent"}]',
                             weights => '{0.75,0.25}')) = 0 AS mix_same,
       maxdiff(uaknn_predict('sj', features), b.prediction) = 0 AS batch_same
FROM sjaffe s,
     LATERAL uaknn_predict_batch('sj', ARRAY[s.id], ARRAY[s.features]) b
WHERE s.id = 7;
-- Arguments of a call still override it.
SELECT maxdiff(uaknn_predict('sj', features, method => 'aaknn', k => 5),
               uaknn_predict('sj', features, method => 'mix', members => '[{"method": "aaknn", "k": 5}]')) = 0 AS aaknn_alone,
       uaknn_predict('sj', features, method => 'aaknn', k => 1) = labels AS own_row_nearest,
       uaknn_predict('sj', features, method => 'prior') <> uaknn_predict('sj', features) AS prior_differs
FROM sjaffe WHERE id = 7;
-- Label options survive a tune; prediction parameters and standardize do not.
UPDATE uaknn_model SET options = '{"label_tolerance": 0.02, "method": "wuaknn", "k": 3, "l2": 0.002}' WHERE name = 'sj';
SELECT rank, candidate FROM uaknn_tune('sj', candidates => '[{"method": "aaknn", "k": 3}, {"method": "kernel", "k": 16, "standardize": "zscore"}]')
ORDER BY rank;
SELECT options, tuned_candidate FROM uaknn_models WHERE name = 'sj';
-- Another metric (higher is better), other folds.
SELECT rank, candidate, round(cosine::numeric, 6) AS cosine
FROM uaknn_tune('sj', metric => 'Cosine', folds => 3, seed => 5,
                candidates => '[{"method": "prior"}, {"method": "aaknn", "k": 5}, {"method": "maxent"}]')
ORDER BY rank;
SELECT tuned_metric, tuned_candidate, tuned->'folds' AS folds, tuned->'seed' AS seed FROM uaknn_models WHERE name = 'sj';
-- Ties go to the candidate that comes earlier.
SELECT rank, candidate FROM uaknn_tune('sj', apply => false,
    candidates => '[{"method": "aaknn", "k": 7}, {"method": "aaknn", "k": 7, "bandwidth": 2}]') ORDER BY rank;
-- A candidate that failed is listed last, unranked.
SELECT rank, candidate, kl IS NULL AS failed FROM uaknn_tune('uniform', apply => false,
    candidates => '[{"method": "wuaknn"}, {"method": "prior"}]') ORDER BY rank NULLS LAST;
SELECT try($q$SELECT * FROM uaknn_tune('uniform', candidates => '[{"method": "wuaknn"}]')$q$);
-- Bad arguments.
SELECT try($q$SELECT * FROM uaknn_tune('sj', metric => 'accuracy')$q$);
SELECT try($q$SELECT * FROM uaknn_tune('sj', folds => 0)$q$);
SELECT try($q$SELECT * FROM uaknn_tune('sj', candidates => '[{"method": "aaknn", "k": "five"}]')$q$);
SELECT count(*) AS no_rows FROM uaknn_tune(NULL);

------------------------------------------------------------------------------
-- 6. Privileges
------------------------------------------------------------------------------
CREATE ROLE regress_uaknn_reader;
CREATE ROLE regress_uaknn_stranger;
GRANT USAGE ON SCHEMA tuning_test TO regress_uaknn_reader, regress_uaknn_stranger;
GRANT SELECT ON everything TO regress_uaknn_reader;
SET ROLE regress_uaknn_reader;
-- A reader cross-validates and tunes without applying...
SELECT count(*) AS rows FROM uaknn_cross_validate('sj', '[{"method": "prior"}]');
SELECT count(*) AS rows FROM uaknn_tune('sj', apply => false, candidates => '[{"method": "prior"}]');
-- ... but neither applies nor refits (42501), nor writes or reads the fit.
SELECT try($q$SELECT * FROM uaknn_tune('sj', candidates => '[{"method": "prior"}]')$q$) AS apply;
SELECT try($q$SELECT uaknn_refit('sj')$q$) AS refit;
SELECT try($q$UPDATE uaknn_model SET fit_id = 1 WHERE name = 'sj'$q$) AS write_fit_id;
SELECT try($q$UPDATE uaknn_model SET feature_stats = NULL, maxent = NULL WHERE name = 'sj'$q$) AS write_fit;
SELECT try($q$UPDATE uaknn_model SET fitted_version = 1 WHERE name = 'sj'$q$) AS write_version;
SELECT try($q$UPDATE uaknn_model SET tuned = NULL WHERE name = 'sj'$q$) AS write_tuned;
SELECT try($q$SELECT feature_stats FROM uaknn_model WHERE name = 'sj'$q$) AS read_stats;
SELECT try($q$SELECT maxent FROM uaknn_model WHERE name = 'sj'$q$) AS read_maxent;
SELECT name, fit_id IS NOT NULL AS has_fit, fitted_version IS NOT NULL AS fitted FROM uaknn_model WHERE name = 'sj';
SELECT tuned_candidate IS NOT NULL AS tuned FROM uaknn_models WHERE name = 'sj';
SET ROLE regress_uaknn_stranger;
-- Without SELECT on the table: nothing.
SELECT try($q$SELECT * FROM uaknn_cross_validate('sj', '[{"method": "prior"}]')$q$) AS cross_validate;
SELECT try($q$SELECT * FROM uaknn_tune('sj', apply => false)$q$) AS tune;
RESET ROLE;

SET client_min_messages = warning;
DROP SCHEMA tuning_test CASCADE;
RESET client_min_messages;
DROP ROLE regress_uaknn_reader;
DROP ROLE regress_uaknn_stranger;
SELECT name FROM uaknn_models ORDER BY name;
