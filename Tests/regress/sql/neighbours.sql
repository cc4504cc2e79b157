-- The neighbour family (NEIGHBOURS.md) in SQL: kernel variants and row
-- weights (F2.1), confidence and fallback (F2.2), influence (F2.3), Recall@K
-- (F2.5), label noise (F3.1), label support and split (F4.1, F4.2), top1,
-- focused scores (G2), prediction statistics (G4), prototype overlap (G11).
-- Every case of the spec to its digits (rounded here), the properties it
-- names, and the errors (try() is errors.sql's: same database).
CREATE SCHEMA neighbours;
SET search_path = neighbours, public;

-- rnd(a, d): the array rounded to d digits; maxdiff(a, b): the largest |a_i - b_i|.
CREATE FUNCTION rnd(a float8[], d int DEFAULT 10) RETURNS numeric[] LANGUAGE sql IMMUTABLE AS
$$ SELECT array_agg(round(x::numeric, d) ORDER BY i) FROM unnest(a) WITH ORDINALITY u(x, i) $$;
CREATE FUNCTION maxdiff(a float8[], b float8[]) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT max(abs(x - y)) FROM unnest(a, b) u(x, y) $$;

------------------------------------------------------------------------------
-- F2.1 kernel variants: key 1 x={0} d=(1,0); key 2 x={1} d=(0.5,0.5);
-- key 3 x={3} d=(0,1); query {0.2}, k = 2
------------------------------------------------------------------------------
CREATE TABLE kv (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL, w float8 DEFAULT 1);
INSERT INTO kv VALUES (1, '{0}', '{1,0}', 1), (2, '{1}', '{0.5,0.5}', 3), (3, '{3}', '{0,1}', 1);
SELECT uaknn_create_model('kv', 'kv', 'f', 'l') AS rows;

SELECT c AS "case", rnd(p) AS prediction FROM (VALUES
    ('fixed s=1',             uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)),
    ('fixed s=1, rule named', uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1, bandwidth_rule => 'fixed')),
    ('kth (s^2 = 0.64)',      uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2)),
    ('kth named',             uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'kth')),
    ('k=0 (all rows), s=1',   uaknn_predict('kv', '{0.2}', method => 'kernel', k => 0, bandwidth => 1)),
    ('median, d_med 3, s 1.5', uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median')),
    ('median, scale 0.5',     uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median', bandwidth_scale => 0.5)),
    ('median, scale 1 (s 3)', uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median', bandwidth_scale => 1)),
    ('fixed s=3',             uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 3))
) v(c, p);

-- The same through the batch form and through model options.
SELECT key, rnd(prediction) AS prediction
FROM uaknn_predict_batch('kv', '{10,20}', '{{0.2},{0.2}}', method => 'kernel', k => 2, bandwidth_rule => 'median');
SELECT uaknn_create_model('kv_median', 'kv', 'f', 'l',
                          options => '{"method": "kernel", "k": 2, "bandwidth_rule": "median"}') AS rows;
SELECT rnd(uaknn_predict('kv_median', '{0.2}')) AS "median from options",
       -- a call's bandwidth replaces the options' rule (fixed)
       rnd(uaknn_predict('kv_median', '{0.2}', bandwidth => 1)) AS "bandwidth overrides the rule";

-- median with scale 1 on a model whose d_med is 1 equals fixed s = 1
-- (x = 0, 1, 2, 3: second-nearest other rows at 2, 1, 1, 2; d_med at k 2 is 1).
CREATE TABLE unit_spaced (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO unit_spaced VALUES (1, '{0}', '{0.9,0.1}'), (2, '{1}', '{0.6,0.4}'), (3, '{2}', '{0.2,0.8}'), (4, '{3}', '{0.5,0.5}');
SELECT uaknn_create_model('unit_spaced', 'unit_spaced', 'f', 'l') AS rows;
SELECT bool_and(uaknn_predict('unit_spaced', ARRAY[q], method => 'kernel', k => 2, bandwidth_rule => 'median', bandwidth_scale => 1)
                = uaknn_predict('unit_spaced', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1)) AS "k 2: median 1 x 1 = fixed s=1",
       -- k 0 measures d_med at min(32, M - 1) = 3: third-nearest distances (3, 2, 2, 3), d_med 2
       bool_and(uaknn_predict('unit_spaced', ARRAY[q], method => 'kernel', k => 0, bandwidth_rule => 'median', bandwidth_scale => 0.5)
                = uaknn_predict('unit_spaced', ARRAY[q], method => 'kernel', k => 0, bandwidth => 1)) AS "k 0: median 0.5 x 2 = fixed s=1"
FROM unnest('{-1,0.3,1.5,2.9,7}'::float8[]) q;

-- d_med is kept per model contents: an INSERT brings a new one. With x = 10,
-- 20, 40 added, the second-nearest distances are (2, 1, 1, 2, 8, 17, 30): d_med 2.
INSERT INTO unit_spaced VALUES (5, '{10}', '{0.5,0.5}'), (6, '{20}', '{0.5,0.5}'), (7, '{40}', '{0.5,0.5}');
SELECT uaknn_predict('unit_spaced', '{0.4}', method => 'kernel', k => 2, bandwidth_rule => 'median', bandwidth_scale => 0.5)
       = uaknn_predict('unit_spaced', '{0.4}', method => 'kernel', k => 2, bandwidth => 1) AS "after INSERT: 0.5 x d_med 2 = fixed s=1",
       (SELECT last_load FROM uaknn_cache_info() WHERE model = 'unit_spaced') AS load;
DELETE FROM unit_spaced WHERE id > 4;

-- Every output is a distribution (sums to 1, values in [0, 1]).
SELECT bool_and(abs(s - 1) < 1e-12 AND lo >= 0 AND hi <= 1) AS "all distributions", count(*) AS predictions
FROM (SELECT (SELECT sum(x) FROM unnest(p) x) AS s, (SELECT min(x) FROM unnest(p) x) AS lo,
             (SELECT max(x) FROM unnest(p) x) AS hi
      FROM unnest('{-5,0,0.2,1,2,3,50}'::float8[]) q,
           LATERAL (VALUES (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1)),
                           (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 2)),
                           (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 0, bandwidth => 0.1)),
                           (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 2, bandwidth_rule => 'median')),
                           (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1, fallback => 'prior')),
                           (uaknn_predict('kv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1, fallback => 'uaknn'))) v(p)) t;

-- Row weights: the weight_column option (w = 1, 3, 1).
SELECT uaknn_create_model('kv_weighted', 'kv', 'f', 'l', options => '{"weight_column": "w"}') AS rows;
SELECT rnd(uaknn_predict('kv_weighted', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)) AS "weights 1,3,1, fixed s=1",
       rnd(uaknn_predict('kv_weighted', '{0.2}', method => 'aaknn', k => 2)) AS "weights 1,3,1, aaknn";

-- Weight column absent = all weights 1; a weight of 0 on key 2 = deleting key 2.
CREATE TABLE kv_without_2 AS SELECT * FROM kv WHERE id <> 2;
ALTER TABLE kv_without_2 ADD PRIMARY KEY (id);
SELECT uaknn_create_model('kv_without_2', 'kv_without_2', 'f', 'l') AS rows;
UPDATE kv SET w = 1;
SELECT bool_and(uaknn_predict('kv_weighted', ARRAY[q], method => m, k => 2, bandwidth => b)
                = uaknn_predict('kv', ARRAY[q], method => m, k => 2, bandwidth => b)) AS "all weights 1 = no weights"
FROM unnest('{-1,0.2,1.4,3}'::float8[]) q, (VALUES ('kernel', 1::float8), ('kernel', NULL), ('aaknn', NULL)) v(m, b);
UPDATE kv SET w = 0 WHERE id = 2;
SELECT max(maxdiff(uaknn_predict('kv_weighted', ARRAY[q], method => m, k => k, bandwidth => b, bandwidth_rule => r),
                   uaknn_predict('kv_without_2', ARRAY[q], method => m, k => k, bandwidth => b, bandwidth_rule => r))) < 1e-12
       AS "weight 0 = row deleted"
FROM unnest('{-1,0.2,1.4,3}'::float8[]) q,
     (VALUES ('kernel', 2, 1::float8, NULL), ('kernel', 2, NULL, NULL), ('kernel', 0, 2, NULL), ('aaknn', 2, NULL, NULL),
             ('kernel', 0, NULL, 'median'), ('kernel', 1, NULL, 'median')) v(m, k, b, r);
-- (median at k 2 needs more than 2 rows of positive weight)
SELECT try($q$SELECT uaknn_predict('kv_weighted', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median')$q$) AS "weighted",
       try($q$SELECT uaknn_predict('kv_without_2', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median')$q$) AS "deleted";
UPDATE kv SET w = 0;
SELECT try($q$SELECT uaknn_predict('kv_weighted', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)$q$) AS "every weight 0";
UPDATE kv SET w = CASE id WHEN 2 THEN 3 ELSE 1 END;

-- The weight column is validated like features and labels: by the trigger
-- at INSERT and UPDATE, and when a model names it.
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('negative weight',         $q$INSERT INTO kv VALUES (9, '{5}', '{0,1}', -1)$q$),
    ('NaN weight',              $q$INSERT INTO kv VALUES (9, '{5}', '{0,1}', 'NaN')$q$),
    ('infinite weight',         $q$UPDATE kv SET w = 'Infinity' WHERE id = 1$q$),
    ('NULL weight',             $q$INSERT INTO kv VALUES (9, '{5}', '{0,1}', NULL)$q$),
    ('missing column',          $q$SELECT uaknn_create_model('x1', 'kv', 'f', 'l', options => '{"weight_column": "nope"}')$q$),
    ('column of another type',  $q$SELECT uaknn_create_model('x2', 'kv', 'f', 'l', options => '{"weight_column": "l"}')$q$),
    ('not a JSON string',       $q$SELECT uaknn_create_model('x3', 'kv', 'f', 'l', options => '{"weight_column": 1}')$q$),
    ('options: missing column', $q$UPDATE uaknn_model SET options = '{"weight_column": "nope"}' WHERE name = 'kv'$q$)
) AS cases(c, q);
CREATE TABLE bad_weights (id int PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL, raters numeric);
INSERT INTO bad_weights VALUES (1, '{0}', '{1,0}', 2), (4, '{1}', '{0,1}', -3), (6, '{2}', '{0,1}', NULL);
SELECT try($q$SELECT uaknn_create_model('x4', 'bad_weights', 'f', 'l', options => '{"weight_column": "raters"}')$q$) AS "an existing bad weight, named by key";
UPDATE bad_weights SET raters = 0.5 WHERE id = 4;
SELECT try($q$SELECT uaknn_create_model('x4', 'bad_weights', 'f', 'l', options => '{"weight_column": "raters"}')$q$) AS "an existing NULL weight";
UPDATE bad_weights SET raters = 2.5 WHERE id = 6;
SELECT uaknn_create_model('x4', 'bad_weights', 'f', 'l', options => '{"weight_column": "raters"}') AS "numeric weights";
SELECT rnd(uaknn_predict('x4', '{0.9}', method => 'aaknn', k => 3)) AS "(2 d1 + 0.5 d4 + 2.5 d6) / 5";

-- Naming a weight column later: checked, the caches reload with the weights,
-- and an UPDATE of the column reaches every cache.
SELECT rnd(uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)) AS "kv, no weights";
UPDATE uaknn_model SET options = '{"weight_column": "w"}' WHERE name = 'kv';
SELECT rnd(uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)) AS "kv, weights 1, 3, 1";
SELECT pg_get_triggerdef(t.oid) LIKE '%UPDATE OF id, f, l, w %' AS "the change trigger watches w"
FROM pg_trigger t JOIN uaknn_model m ON t.tgname = 'uaknn_' || m.id || '_change' WHERE m.name = 'kv';
UPDATE kv SET w = 1 WHERE id = 2;
SELECT rnd(uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)) AS "after UPDATE of w",
       (SELECT last_load FROM uaknn_cache_info() WHERE model = 'kv') AS load;
UPDATE uaknn_model SET options = '{}' WHERE name = 'kv';
UPDATE kv SET w = CASE id WHEN 2 THEN 3 ELSE 1 END;
SELECT rnd(uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth => 1)) AS "options without it: no weights";

-- Bad kernel parameters: 22023, naming the value.
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('median with M <= k',      $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', k => 3, bandwidth_rule => 'median')$q$),
    ('k 0 with kth',            $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', k => 0)$q$),
    ('scale 0',                 $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', bandwidth_rule => 'median', k => 2, bandwidth_scale => 0)$q$),
    ('scale NaN',               $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', bandwidth_scale => 'NaN')$q$),
    ('unknown rule',            $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', bandwidth_rule => 'silverman')$q$),
    ('fixed without bandwidth', $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', bandwidth_rule => 'fixed')$q$),
    ('bandwidth with median',   $q$SELECT uaknn_predict('kv', '{0.2}', method => 'kernel', k => 2, bandwidth_rule => 'median', bandwidth => 1)$q$),
    ('option: unknown rule',    $q$SELECT uaknn_create_model('x5', 'kv', 'f', 'l', options => '{"bandwidth_rule": "x"}')$q$),
    ('option: fallback, kth',   $q$SELECT uaknn_create_model('x6', 'kv', 'f', 'l', options => '{"fallback": "prior"}')$q$)
) AS cases(c, q);
CREATE TABLE zero_dmed (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO zero_dmed VALUES (1, '{0}', '{1,0}'), (2, '{0}', '{0,1}'), (3, '{5}', '{1,0}');
SELECT uaknn_create_model('zero_dmed', 'zero_dmed', 'f', 'l') AS rows;
SELECT try($q$SELECT uaknn_predict('zero_dmed', '{0}', method => 'kernel', k => 1, bandwidth_rule => 'median')$q$) AS "median s = 0";

------------------------------------------------------------------------------
-- F2.2 confidence and fallback: key 1 x={0} d=(1,0); key 2 x={1} d=(1,0);
-- key 3 x={3} d=(0,1); k = 2, fixed s = 1; prior (2/3, 1/3)
------------------------------------------------------------------------------
CREATE TABLE gv (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO gv VALUES (1, '{0}', '{1,0}'), (2, '{1}', '{1,0}'), (3, '{3}', '{0,1}');
SELECT uaknn_create_model('gv', 'gv', 'f', 'l') AS rows;

SELECT round(uaknn_confidence('gv', '{0}', k => 2, bandwidth => 1)::numeric, 10) AS "g at {0}",
       rnd(uaknn_predict('gv', '{0}', method => 'kernel', k => 2, bandwidth => 1)) AS kernel,
       rnd(uaknn_predict('gv', '{0}', method => 'kernel', k => 2, bandwidth => 1, fallback => 'prior')) AS gated;
SELECT round((uaknn_confidence('gv', '{10}', k => 2, bandwidth => 1) * 1e11)::numeric, 4) AS "g at {10}, x 1e11",
       rnd(uaknn_predict('gv', '{10}', method => 'kernel', k => 2, bandwidth => 1, fallback => 'prior'), 9) AS "gated = prior to 1e-9",
       rnd(uaknn_predict('gv', '{10}', method => 'prior')) AS prior;
SELECT uaknn_confidence('gv', '{3}', k => 1) AS "g at a row, k 1 (median)",
       uaknn_confidence('gv', '{3}', k => 1, bandwidth => 0.001) AS "g at a row, k 1, tiny s",
       uaknn_confidence('gv', '{0}', k => 1, bandwidth_rule => 'fixed', bandwidth => 1) AS "rule fixed named";

-- fallback none = the plain kernel; every fallback blends by g:
-- p = g p_kernel + (1 - g) p_fallback, the fallback with its method's defaults.
SELECT bool_and(uaknn_predict('gv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1, fallback => 'none')
                = uaknn_predict('gv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1)) AS "fallback none = kernel"
FROM unnest('{-2,0,0.7,3,10}'::float8[]) q;
SELECT f AS fallback,
       max(maxdiff(uaknn_predict('gv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1, fallback => f),
                   (SELECT array_agg(g * a + (1 - g) * b ORDER BY i)
                    FROM unnest(uaknn_predict('gv', ARRAY[q], method => 'kernel', k => 2, bandwidth => 1),
                                uaknn_predict('gv', ARRAY[q], method => f)) WITH ORDINALITY u(a, b, i),
                         LATERAL (SELECT uaknn_confidence('gv', ARRAY[q], k => 2, bandwidth => 1) AS g) c))) < 1e-12 AS blended
FROM unnest('{-2,0,0.7,3,10}'::float8[]) q, unnest('{prior,aaknn,uaknn,wuaknn}'::text[]) f
GROUP BY f ORDER BY f;
-- The median rule, the confidence's default: g in (0, 1].
SELECT bool_and(g > 0 AND g <= 1) AS "g in (0, 1]", round(min(g)::numeric, 6) AS min, round(max(g)::numeric, 6) AS max
FROM (SELECT uaknn_confidence('gv', ARRAY[q], k => 2) AS g FROM unnest('{-3,0,0.5,1,2,3,4,30}'::float8[]) q) t;
-- The model's kernel options are the confidence's too.
SELECT uaknn_create_model('gv_options', 'gv', 'f', 'l',
                          options => '{"method": "kernel", "k": 2, "bandwidth": 1, "fallback": "prior"}') AS rows;
SELECT uaknn_confidence('gv_options', '{0}') = uaknn_confidence('gv', '{0}', k => 2, bandwidth => 1) AS "from the options",
       rnd(uaknn_predict('gv_options', '{0}')) AS "gated from the options";

SELECT c AS "case", try(q) AS error FROM (VALUES
    ('kth + fallback',          $q$SELECT uaknn_predict('gv', '{0}', method => 'kernel', k => 2, fallback => 'prior')$q$),
    ('kth named + fallback',    $q$SELECT uaknn_predict('gv', '{0}', method => 'kernel', k => 2, bandwidth_rule => 'kth', fallback => 'uaknn')$q$),
    ('unknown fallback',        $q$SELECT uaknn_predict('gv', '{0}', method => 'kernel', k => 2, bandwidth => 1, fallback => 'mix')$q$),
    ('confidence, kth',         $q$SELECT uaknn_confidence('gv', '{0}', k => 2, bandwidth_rule => 'kth')$q$),
    ('confidence, M <= k',      $q$SELECT uaknn_confidence('gv', '{0}')$q$),
    ('confidence, length',      $q$SELECT uaknn_confidence('gv', '{0,1}', k => 2)$q$),
    ('confidence, NaN',         $q$SELECT uaknn_confidence('gv', '{NaN}', k => 2)$q$),
    ('confidence, NULL element', $q$SELECT uaknn_confidence('gv', '{NULL}', k => 2)$q$),
    ('confidence, bandwidth 0', $q$SELECT uaknn_confidence('gv', '{0}', bandwidth => 0)$q$),
    ('confidence, k -1',        $q$SELECT uaknn_confidence('gv', '{0}', k => -1, bandwidth => 1)$q$),
    ('confidence, no model',    $q$SELECT uaknn_confidence('nope', '{0}')$q$)
) AS cases(c, q);
SELECT uaknn_confidence(NULL, '{0}') IS NULL AS "NULL model", uaknn_confidence('gv', NULL) IS NULL AS "NULL features";

------------------------------------------------------------------------------
-- F2.3 influence: key 1 x={0} d=(1,0); key 2 x={1} d=(0.6,0.4);
-- key 3 x={2.5} d=(0,1); k = 2, fixed s = 1; the influence of key 2
------------------------------------------------------------------------------
CREATE TABLE iv (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO iv VALUES (1, '{0}', '{1,0}'), (2, '{1}', '{0.6,0.4}'), (3, '{2.5}', '{0,1}');
SELECT uaknn_create_model('iv', 'iv', 'f', 'l') AS rows;
SELECT key, round(r::numeric, 10) AS r, rnd(delta) AS delta, rnd(prediction) AS prediction,
       rnd(prediction_without) AS prediction_without
FROM uaknn_influence('iv', 2, k => 2, bandwidth => 1);
-- prediction: the kernel prediction at x_j; prediction_without: the model's without key 2.
CREATE TABLE iv_without_2 AS SELECT * FROM iv WHERE id <> 2;
ALTER TABLE iv_without_2 ADD PRIMARY KEY (id);
SELECT uaknn_create_model('iv_without_2', 'iv_without_2', 'f', 'l') AS rows;
SELECT i.key, i.prediction = uaknn_predict('iv', t.f, method => 'kernel', k => 2, bandwidth => 1) AS prediction,
       maxdiff(i.prediction_without, uaknn_predict('iv_without_2', t.f, method => 'kernel', k => 2, bandwidth => 1)) < 1e-15 AS without
FROM uaknn_influence('iv', 2, k => 2, bandwidth => 1) i JOIN iv t ON t.id = i.key ORDER BY i.key;
-- k 1: every row is its own only neighbour, so no other row depends on key 1.
SELECT count(*) AS "k 1" FROM uaknn_influence('iv', 1, k => 1, bandwidth => 1);
SELECT count(*) AS "every other row, k 0", round(sum(r)::numeric, 6) AS "sum of r"
FROM uaknn_influence('iv', 2, k => 0, bandwidth => 1);
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('unknown key',   $q$SELECT * FROM uaknn_influence('iv', 99, k => 2, bandwidth => 1)$q$),
    ('k 0 with kth',  $q$SELECT * FROM uaknn_influence('iv', 2, k => 0)$q$),
    ('bad rule',      $q$SELECT * FROM uaknn_influence('iv', 2, bandwidth_rule => 'x')$q$),
    ('unknown model', $q$SELECT * FROM uaknn_influence('nope', 2)$q$)
) AS cases(c, q);
SELECT count(*) AS "NULL key: no rows" FROM uaknn_influence('iv', NULL);

------------------------------------------------------------------------------
-- F3.1 label noise and F2.5 Recall@K: keys 1-4, x = {0},{1},{2},{3},
-- d = (0.9,0.1),(0.9,0.1),(0.1,0.9),(0.9,0.1)
------------------------------------------------------------------------------
CREATE TABLE nv (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO nv VALUES (1, '{0}', '{0.9,0.1}'), (2, '{1}', '{0.9,0.1}'), (3, '{2}', '{0.1,0.9}'), (4, '{3}', '{0.9,0.1}');
SELECT uaknn_create_model('nv', 'nv', 'f', 'l') AS rows;
SELECT key, labels, rnd(neighbour_labels) AS neighbour_labels, round(score::numeric, 10) AS score, rank,
       top_label, neighbour_top_label, disagrees
FROM uaknn_label_noise('nv', k => 2);
SELECT round((0.8 * ln(9))::numeric, 10) AS "key 3: 0.8 ln 9";
SELECT key, round(score::numeric, 10) AS score, rank FROM uaknn_label_noise('nv', k => 2, score => 'cosine');
SELECT key, round(score::numeric, 10) AS score, rank, disagrees FROM uaknn_label_noise('nv', k => 2, score => 'top1');
-- Other methods (uaknn and wuaknn have no k; the bandwidth is the kernel's).
SELECT m AS method, array_agg(key ORDER BY rank) AS keys_by_rank, array_agg(disagrees ORDER BY rank) AS disagrees,
       rnd(array_agg(score ORDER BY rank), 6) AS scores
FROM unnest('{kernel,uaknn,wuaknn,AA-kNN}'::text[]) m, LATERAL uaknn_label_noise('nv', k => 2, method => m, bandwidth => 1)
GROUP BY m ORDER BY m;
-- The model's options do not choose the method or k (aaknn and 15 by default).
UPDATE uaknn_model SET options = '{"method": "kernel", "k": 1}' WHERE name = 'nv';
SELECT try($q$SELECT * FROM uaknn_label_noise('nv')$q$) AS "k 15 by default, not the model's 1";
SELECT array_agg(rnd(neighbour_labels, 6) ORDER BY key) = (SELECT array_agg(rnd(neighbour_labels, 6) ORDER BY key)
                                                           FROM uaknn_label_noise('nv', k => 2, method => 'aaknn'))
       AS "aaknn by default, not the model's kernel"
FROM uaknn_label_noise('nv', k => 2);
UPDATE uaknn_model SET options = '{}' WHERE name = 'nv';
SELECT count(*) AS rows, bool_and(abs((SELECT sum(x) FROM unnest(neighbour_labels) x) - 1) < 1e-12) AS distributions
FROM uaknn_label_noise('nv', k => 3, method => 'kernel', bandwidth_rule => 'median');
-- The report is kept per model contents: an INSERT changes it.
INSERT INTO nv VALUES (5, '{2.1}', '{0.1,0.9}');
SELECT key, rnd(neighbour_labels) AS neighbour_labels, rank, disagrees FROM uaknn_label_noise('nv', k => 2) WHERE key IN (3, 5);
DELETE FROM nv WHERE id = 5;
SELECT key, rank, disagrees FROM uaknn_label_noise('nv', k => 2) WHERE disagrees;
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('M <= k',             $q$SELECT * FROM uaknn_label_noise('nv', k => 4)$q$),
    ('M <= k (default 15)', $q$SELECT * FROM uaknn_label_noise('nv')$q$),
    ('k 0, aaknn',         $q$SELECT * FROM uaknn_label_noise('nv', k => 0)$q$),
    ('k 0, kernel kth',    $q$SELECT * FROM uaknn_label_noise('nv', k => 0, method => 'kernel')$q$),
    ('unknown method',     $q$SELECT * FROM uaknn_label_noise('nv', k => 2, method => 'prior')$q$),
    ('unknown score',      $q$SELECT * FROM uaknn_label_noise('nv', k => 2, score => 'kullback')$q$),
    ('bad bandwidth',      $q$SELECT * FROM uaknn_label_noise('nv', k => 2, method => 'kernel', bandwidth => -1)$q$),
    ('unknown model',      $q$SELECT * FROM uaknn_label_noise('nope')$q$)
) AS cases(c, q);
SELECT count(*) AS "NULL model: no rows" FROM uaknn_label_noise(NULL);

SELECT k, round(recall::numeric, 10) AS recall, rows, skipped FROM uaknn_neighbour_recall('nv');
SELECT k, round(recall::numeric, 10) AS recall, rows, skipped FROM uaknn_neighbour_recall('nv', '{2,1,100}', 'cosine');
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('ks empty',        $q$SELECT * FROM uaknn_neighbour_recall('nv', '{}')$q$),
    ('k 0',             $q$SELECT * FROM uaknn_neighbour_recall('nv', '{1,0}')$q$),
    ('NULL element',    $q$SELECT * FROM uaknn_neighbour_recall('nv', '{1,NULL}')$q$),
    ('two dimensions',  $q$SELECT * FROM uaknn_neighbour_recall('nv', '{{1},{2}}')$q$),
    ('unknown distance', $q$SELECT * FROM uaknn_neighbour_recall('nv', distance => 'manhattan')$q$)
) AS cases(c, q);

------------------------------------------------------------------------------
-- F4.1 label support, F4.2 label split and top1: keys 1-5,
-- x = (0,0),(0,1) d = (0.8,0.1,0.1); x = (4,0),(4,1) d = (0.1,0.8,0.1);
-- x = (1,0.5) d = (0.3,0.1,0.6); few_below = 2, k = 1
------------------------------------------------------------------------------
CREATE TABLE sv (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO sv VALUES (1, '{0,0}', '{0.8,0.1,0.1}'), (2, '{0,1}', '{0.8,0.1,0.1}'), (3, '{4,0}', '{0.1,0.8,0.1}'),
                      (4, '{4,1}', '{0.1,0.8,0.1}'), (5, '{1,0.5}', '{0.3,0.1,0.6}');
SELECT uaknn_create_model('sv', 'sv', 'f', 'l') AS rows;
SELECT label, rows_top, prototype_size, round(soft_support::numeric, 10) AS soft_support, split, neighbours,
       rnd(distances) AS distances, round(mean_distance::numeric, 10) AS mean_distance, loo_top1_recall, loo_mae
FROM uaknn_label_support('sv', few_below => 2, k => 1);
SELECT label, split, neighbours, rnd(distances) AS "cosine distances"
FROM uaknn_label_support('sv', few_below => 2, k => 1, distance => 'cosine');
-- few_below 1: no few label.
SELECT label, split FROM uaknn_label_support('sv', few_below => 1, k => 1);
-- k 5: as many neighbours as there are (a few label's among the base labels only).
SELECT label, split, neighbours, rnd(distances, 6) AS distances FROM uaknn_label_support('sv', few_below => 2, k => 5);
-- many_above 1; support by prototype size; by soft support.
SELECT label, rows_top, split FROM uaknn_label_support('sv', few_below => 2, many_above => 1);
SELECT label, prototype_size, split FROM uaknn_label_support('sv', few_below => 2, support => 'prototype');
SELECT label, round(soft_support::numeric, 2) AS soft_support, split
FROM uaknn_label_support('sv', few_below => 2, many_above => 2, support => 'soft');
-- evaluate: leave-one-out with the model's own method (here aaknn, k 2, from its options).
UPDATE uaknn_model SET options = '{"method": "aaknn", "k": 2}' WHERE name = 'sv';
SELECT label, round(loo_top1_recall::numeric, 10) AS loo_top1_recall, round(loo_mae::numeric, 10) AS loo_mae
FROM uaknn_label_support('sv', few_below => 2, k => 1, evaluate => true);
SELECT label, round(loo_top1_recall::numeric, 10) AS "recall from uaknn_label_noise"
FROM (SELECT top_label AS label, avg((NOT disagrees)::int) AS loo_top1_recall
      FROM uaknn_label_noise('sv', k => 2) GROUP BY top_label) t ORDER BY label;
UPDATE uaknn_model SET options = '{}' WHERE name = 'sv';

-- A row with an exactly uniform distribution is in no prototype.
INSERT INTO sv VALUES (6, '{2,2}', ARRAY[1/3::float8, 1/3::float8, 1/3::float8]);
SELECT memberships, rows FROM uaknn_prototype_overlap('sv');
SELECT label, rows_top, prototype_size FROM uaknn_label_support('sv');
DELETE FROM sv WHERE id = 6;

-- F4.2: the split of truth's top label, and scores per split.
SELECT uaknn_label_split('sv', '{0.2,0.2,0.6}', few_below => 2) AS "(0.2,0.2,0.6)",
       uaknn_label_split('sv', '{0.5,0.3,0.2}', few_below => 2) AS "(0.5,0.3,0.2)",
       uaknn_label_split('sv', '{0.5,0.5,0}') AS "tie: label 1, default few_below 20",
       uaknn_label_split('sv', '{0.2,0.2,0.6}', few_below => 2, support => 'soft') AS "soft: 1.0 < 2",
       uaknn_label_split('sv', '{0.2,0.2,0.6}', few_below => 0, many_above => 0) AS "many";
SELECT ldl_metric('{0.2,0.2,0.6}', '{0.5,0.2,0.3}', 'top1') AS "top1, differ",
       ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'top1') AS "top1, ties",
       ldl_metric('{0.5,0.5}', '{0.4,0.6}', 'TOP1') AS "top1, any case";
SELECT kind, better FROM ldl_metric_kinds() WHERE kind = 'top1';
CREATE TABLE sv_test (id int, f float8[], l float8[]);
INSERT INTO sv_test VALUES (1, '{0.2,0.4}', '{0.7,0.2,0.1}'), (2, '{3.8,0.5}', '{0.2,0.7,0.1}'), (3, '{1.1,0.4}', '{0.2,0.2,0.6}'),
                           (4, '{0.9,0.6}', '{0.5,0.1,0.4}');
SELECT coalesce(split, 'all') AS split, (s).n, round((s).kl::numeric, 6) AS kl, round((s).cosine::numeric, 6) AS cosine,
       round((s).top1::numeric, 6) AS top1
FROM (SELECT uaknn_label_split('sv', t.l, few_below => 2) AS split,
             ldl_score(t.l, uaknn_predict('sv', t.f, method => 'aaknn', k => 1)) AS s
      FROM sv_test t GROUP BY ROLLUP (1)) q
ORDER BY split NULLS LAST;
-- An empty group: n = 0 and NULL means.
SELECT (ldl_score(t.l, t.l)).* FROM sv_test t WHERE false;
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('support: unknown',     $q$SELECT * FROM uaknn_label_support('sv', support => 'votes')$q$),
    ('support: distance',    $q$SELECT * FROM uaknn_label_support('sv', distance => 'manhattan')$q$),
    ('support: k 0',         $q$SELECT * FROM uaknn_label_support('sv', k => 0)$q$),
    ('support: few_below -1', $q$SELECT * FROM uaknn_label_support('sv', few_below => -1)$q$),
    ('support: many < few',  $q$SELECT * FROM uaknn_label_support('sv', few_below => 20, many_above => 5)$q$),
    ('support: no model',    $q$SELECT * FROM uaknn_label_support('nope')$q$),
    ('split: length',        $q$SELECT uaknn_label_split('sv', '{0.5,0.5}')$q$),
    ('split: negative',      $q$SELECT uaknn_label_split('sv', '{0.5,0.6,-0.1}')$q$),
    ('split: NaN',           $q$SELECT uaknn_label_split('sv', '{0.5,NaN,0}')$q$),
    ('split: empty',         $q$SELECT uaknn_label_split('sv', '{}')$q$),
    ('split: support',       $q$SELECT uaknn_label_split('sv', '{0.5,0.5,0}', support => 'x')$q$),
    ('split: thresholds',    $q$SELECT uaknn_label_split('sv', '{0.5,0.5,0}', few_below => 9, many_above => 1)$q$)
) AS cases(c, q);
SELECT uaknn_label_split('sv', NULL) IS NULL AS "NULL truth";

------------------------------------------------------------------------------
-- G2 focused scores, G4 prediction statistics
------------------------------------------------------------------------------
SELECT round(ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'kl')::numeric, 10) AS kl,
       round(ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'cosine')::numeric, 10) AS cosine,
       -- |focused truth 0.5017328610 - focused prediction 0.5173217448|
       round(ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'chebyshev')::numeric, 10) AS chebyshev,
       ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'kl', 0.014)
           = ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'kl') AS "default threshold 0.014",
       round(ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'kl', 0.001)::numeric, 10) AS "all three kept";
SELECT (s).n, round((s).kl::numeric, 10) AS kl, round((s).cosine::numeric, 10) AS cosine, (s).top1
FROM (SELECT ldl_score_focused(t, p) AS s FROM (VALUES ('{0.5,0.49,0.01}'::float8[], '{0.4,0.3,0.3}'::float8[])) v(t, p)) q;
SELECT ldl_metric_focused(NULL, '{0.5,0.5}', 'kl') IS NULL AS "NULL truth",
       ldl_metric_focused('{0.5,0.5}', '{0.5,0.5}', NULL) IS NULL AS "NULL kind";
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('nothing above the threshold', $q$SELECT ldl_metric_focused('{0.5,0.49,0.01}', '{0.4,0.3,0.3}', 'kl', 0.6)$q$),
    ('threshold NaN',               $q$SELECT ldl_metric_focused('{0.5,0.5}', '{0.4,0.6}', 'kl', 'NaN')$q$),
    ('unknown kind',                $q$SELECT ldl_metric_focused('{0.5,0.5}', '{0.4,0.6}', 'kullback')$q$),
    ('lengths',                     $q$SELECT ldl_metric_focused('{0.5,0.5}', '{0.4,0.3,0.3}', 'kl')$q$),
    ('aggregate, threshold',        $q$SELECT ldl_score_focused(t, p, 0.9) FROM (VALUES ('{0.5,0.5}'::float8[], '{0.4,0.6}'::float8[])) v(t, p)$q$),
    ('stats, empty',                $q$SELECT ldl_prediction_stats(p) FROM (VALUES ('{}'::float8[])) v(p)$q$),
    ('stats, negative',             $q$SELECT ldl_prediction_stats(p) FROM (VALUES ('{1.5,-0.5}'::float8[])) v(p)$q$),
    ('stats, NULL element',         $q$SELECT ldl_prediction_stats(p) FROM (VALUES ('{0.5,NULL}'::float8[])) v(p)$q$)
) AS cases(c, q);

SELECT g AS predictions, (ldl_prediction_stats(p)).n,
       round((ldl_prediction_stats(p)).mean_entropy::numeric, 10) AS mean_entropy,
       round((ldl_prediction_stats(p)).mean_variance::numeric, 10) AS mean_variance,
       round((ldl_prediction_stats(p)).mean_max::numeric, 10) AS mean_max
FROM (VALUES ('(0.5,0.5)', '{0.5,0.5}'::float8[]), ('(1,0)', '{1,0}'), ('both', '{0.5,0.5}'), ('both', '{1,0}'),
             ('(1,0)', NULL)) v(g, p)
GROUP BY g ORDER BY g;
SELECT * FROM (SELECT (ldl_prediction_stats(p)).* FROM (VALUES ('{1,0}'::float8[])) v(p) WHERE false) s;

-- Parallel aggregation of the new aggregates (combine, serialize, deserialize).
CREATE TABLE many_pairs AS
SELECT i, ARRAY[x, 1 - x] AS truth, ARRAY[1 - x / 2, x / 2] AS prediction
FROM (SELECT i, (i % 97) / 97.0 + 0.001 AS x FROM generate_series(1, 20000) i) s;
ANALYZE many_pairs;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT ldl_score_focused(truth, prediction, 0.01), ldl_prediction_stats(prediction), ldl_score(truth, prediction) FROM many_pairs;
CREATE TEMP TABLE parallel_result AS
SELECT ldl_score_focused(truth, prediction, 0.01) AS f, ldl_prediction_stats(prediction) AS p, ldl_score(truth, prediction) AS s
FROM many_pairs;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS
SELECT ldl_score_focused(truth, prediction, 0.01) AS f, ldl_prediction_stats(prediction) AS p, ldl_score(truth, prediction) AS s
FROM many_pairs;
RESET max_parallel_workers_per_gather;
SELECT (a.f).n = (b.f).n AND abs((a.f).kl - (b.f).kl) < 1e-12 AND abs((a.f).top1 - (b.f).top1) < 1e-12 AS focused,
       (a.p).n = (b.p).n AND abs((a.p).mean_entropy - (b.p).mean_entropy) < 1e-12
           AND abs((a.p).mean_max - (b.p).mean_max) < 1e-12 AS stats,
       (a.s).n = (b.s).n AND abs((a.s).top1 - (b.s).top1) < 1e-12 AS top1,
       round((b.s).top1::numeric, 10) = round(avg(ldl_metric(truth, prediction, 'top1'))::numeric, 10) AS "top1 = mean of ldl_metric"
FROM parallel_result a, serial_result b, many_pairs GROUP BY a.f, b.f, a.p, b.p, a.s, b.s;

------------------------------------------------------------------------------
-- On SJAFFE (213 faces, 243 features, 6 emotions)
------------------------------------------------------------------------------
\getenv abs_srcdir PG_ABS_SRCDIR
\set features_file :abs_srcdir '/../data/SJAFFE/features.csv'
\set labels_file :abs_srcdir '/../data/SJAFFE/labels.csv'
\set features_csv `cat :features_file`
\set labels_csv `cat :labels_file`
CREATE TABLE sjaffe AS
SELECT (f.ord - 1)::bigint AS id, string_to_array(f.line, ',')::float8[] AS features,
       string_to_array(l.line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'features_csv', E'\n'), E'\n') WITH ORDINALITY AS f(line, ord)
JOIN regexp_split_to_table(trim(:'labels_csv', E'\n'), E'\n') WITH ORDINALITY AS l(line, ord) USING (ord);
ALTER TABLE sjaffe ADD PRIMARY KEY (id);
SELECT uaknn_create_model('sjaffe_n', 'sjaffe', 'features', 'labels') AS rows;

-- G11: sizes sum to 2.35 M; per-row membership counts add up to the same.
SELECT memberships, rows FROM uaknn_prototype_overlap('sjaffe_n');
SELECT round((SELECT sum(size) FROM uaknn_prototypes('sjaffe_n')) / 213.0, 2) AS "sum of sizes / M",
       (SELECT sum(rows) FROM uaknn_prototype_overlap('sjaffe_n')) AS rows;
-- The counts agree with uaknn_prototypes' members.
WITH m AS (SELECT s.id, count(p.label) AS c
           FROM sjaffe s LEFT JOIN (SELECT label, unnest(keys) AS key FROM uaknn_prototypes('sjaffe_n')) p ON p.key = s.id
           GROUP BY s.id)
SELECT count(*) AS mismatches FROM (
    SELECT CASE WHEN c >= 3 THEN '3+' ELSE c::text END AS memberships, count(*) AS rows FROM m GROUP BY 1
    EXCEPT SELECT * FROM uaknn_prototype_overlap('sjaffe_n')) d;

-- F4.1: label 6 (fear) has 8 top rows, the one 'few' label.
SELECT label, rows_top, prototype_size, split, neighbours, round(mean_distance::numeric, 4) AS mean_distance
FROM uaknn_label_support('sjaffe_n');
SELECT label, round(loo_top1_recall::numeric, 4) AS loo_top1_recall, round(loo_mae::numeric, 4) AS loo_mae
FROM uaknn_label_support('sjaffe_n', evaluate => true);

-- F3.1 at the defaults (aaknn, k 15, kl): rank order, every row once.
SELECT count(*) AS rows, count(DISTINCT key) AS keys, min(rank) AS first, max(rank) AS last,
       bool_and(score >= 0) AS scores, count(*) FILTER (WHERE disagrees) AS disagreeing
FROM uaknn_label_noise('sjaffe_n');
SELECT key, round(score::numeric, 4) AS score, rank, top_label, neighbour_top_label
FROM uaknn_label_noise('sjaffe_n') ORDER BY rank LIMIT 5;

-- F2.5 and F2.2 on real features.
SELECT k, round(recall::numeric, 4) AS recall, rows, skipped FROM uaknn_neighbour_recall('sjaffe_n');
SELECT round(min(g)::numeric, 4) AS min, round(avg(g)::numeric, 4) AS mean, round(max(g)::numeric, 4) AS max,
       bool_and(g > 0 AND g <= 1) AS "in (0, 1]"
FROM (SELECT uaknn_confidence('sjaffe_n', features) AS g FROM sjaffe) t;
SELECT uaknn_confidence('sjaffe_n', (SELECT array_agg(x * 3) FROM unnest(features) x)) < 1e-6 AS "far from every face: g < 1e-6"
FROM sjaffe WHERE id = 0;

------------------------------------------------------------------------------
-- The functions as documented; privileges as uaknn_predict's
------------------------------------------------------------------------------
SELECT p.proname, pg_get_function_identity_arguments(p.oid) AS arguments, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'uaknn'
WHERE p.proname IN ('uaknn_confidence', 'uaknn_label_noise', 'uaknn_label_support', 'uaknn_label_split',
                    'uaknn_influence', 'uaknn_neighbour_recall', 'uaknn_prototype_overlap', 'ldl_metric_focused',
                    'ldl_score_focused', 'ldl_prediction_stats')
ORDER BY p.proname, arguments;
SELECT name, type, scope, methods, default_value FROM uaknn_parameters() WHERE name = 'weight_column';

CREATE ROLE regress_uaknn_neighbour;
GRANT USAGE ON SCHEMA neighbours TO regress_uaknn_neighbour;
SET ROLE regress_uaknn_neighbour;
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('confidence',  $q$SELECT uaknn_confidence('gv', '{0}', k => 2, bandwidth => 1)$q$),
    ('label noise', $q$SELECT * FROM uaknn_label_noise('nv', k => 2)$q$),
    ('support',     $q$SELECT * FROM uaknn_label_support('sv')$q$),
    ('split',       $q$SELECT uaknn_label_split('sv', '{0.2,0.2,0.6}')$q$),
    ('influence',   $q$SELECT * FROM uaknn_influence('iv', 2, k => 2, bandwidth => 1)$q$),
    ('recall',      $q$SELECT * FROM uaknn_neighbour_recall('nv')$q$),
    ('overlap',     $q$SELECT * FROM uaknn_prototype_overlap('sv')$q$)
) AS cases(c, q);
RESET ROLE;
GRANT SELECT ON nv TO regress_uaknn_neighbour;
SET ROLE regress_uaknn_neighbour;
SELECT count(*) AS "with SELECT" FROM uaknn_label_noise('nv', k => 2);
RESET ROLE;
REVOKE ALL ON nv FROM regress_uaknn_neighbour;
REVOKE ALL ON SCHEMA neighbours FROM regress_uaknn_neighbour;
DROP ROLE regress_uaknn_neighbour;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA neighbours CASCADE;
RESET client_min_messages;
SELECT count(*) AS "models left over" FROM uaknn_models WHERE name <> 'default';
