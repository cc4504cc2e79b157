-- Models: bad input to every entry point gets a clear error with the right
-- SQLSTATE, never a crash; creation refuses what it cannot serve; the
-- model's trigger keeps the table valid; SELECT is checked on every call.
CREATE SCHEMA models_errors;
SET search_path = models_errors, public;

-- try(query), the query's error as "SQLSTATE: message | detail | hint", is
-- errors.sql's (same database, earlier in the schedule).

-- A small valid model: N = 3, L = 3.
CREATE TABLE t (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO t VALUES (1, '{1,0,0}', '{0.7,0.2,0.1}'), (2, '{0,1,0}', '{0.1,0.8,0.1}'),
                     (3, '{0,0,1}', '{0.1,0.1,0.8}'), (4, '{0.5,0.5,0.5}', '{0.34,0.33,0.33}');
SELECT uaknn_create_model('m', 't', 'f', 'l') AS rows;

------------------------------------------------------------------------------
-- uaknn_create_model refusals
------------------------------------------------------------------------------
CREATE TABLE bad_rows (id int PRIMARY KEY, f float8[], l float8[]);
INSERT INTO bad_rows VALUES (1, '{1,0}', '{0.5,0.5}'), (2, '{0,1}', '{0.5,0.5}'),
                            (5, '{0,1}', '{0.6,0.6}'), (7, '{0,1,2}', '{0.5,0.5}');
CREATE TABLE no_pk (k bigint, f float8[], l float8[]);
CREATE TABLE text_pk (k text PRIMARY KEY, f float8[], l float8[]);
CREATE TABLE two_col_pk (a int, b int, f float8[], l float8[], PRIMARY KEY (a, b));
CREATE TABLE text_features (id int PRIMARY KEY, f text, l float8[]);
CREATE TABLE rls (id int PRIMARY KEY, f float8[], l float8[]);
ALTER TABLE rls ENABLE ROW LEVEL SECURITY;
CREATE VIEW a_view AS SELECT * FROM t;
CREATE TABLE real_cols (id smallint PRIMARY KEY, f real[], l real[]);
INSERT INTO real_cols VALUES (1, '{1,0}', '{0.25,0.75}'), (2, '{0,1}', '{0.5,0.5}');

SELECT c AS "case", try(q) AS error FROM (VALUES
    ('invalid row, named by key',   $q$SELECT uaknn_create_model('x1', 'bad_rows', 'f', 'l')$q$),
    ('no primary key',              $q$SELECT uaknn_create_model('x2', 'no_pk', 'f', 'l')$q$),
    ('two-column primary key',      $q$SELECT uaknn_create_model('x3', 'two_col_pk', 'f', 'l')$q$),
    ('text key',                    $q$SELECT uaknn_create_model('x4', 'text_pk', 'f', 'l')$q$),
    ('text key, named',             $q$SELECT uaknn_create_model('x5', 'text_pk', 'f', 'l', key => 'k')$q$),
    ('missing features column',     $q$SELECT uaknn_create_model('x6', 't', 'nope', 'l')$q$),
    ('missing labels column',       $q$SELECT uaknn_create_model('x7', 't', 'f', 'nope')$q$),
    ('missing key column',          $q$SELECT uaknn_create_model('x8', 't', 'f', 'l', key => 'nope')$q$),
    ('features of type text',       $q$SELECT uaknn_create_model('x9', 'text_features', 'f', 'l')$q$),
    ('key column is an array',      $q$SELECT uaknn_create_model('x10', 't', 'f', 'l', key => 'f')$q$),
    ('row-level security',          $q$SELECT uaknn_create_model('x11', 'rls', 'f', 'l')$q$),
    ('a view',                      $q$SELECT uaknn_create_model('x12', 'a_view', 'f', 'l')$q$),
    ('missing table',               $q$SELECT uaknn_create_model('x13', 'no_such_table', 'f', 'l')$q$),
    ('duplicate name',              $q$SELECT uaknn_create_model('m', 't', 'f', 'l')$q$),
    ('duplicate default',           $q$SELECT uaknn_create_model('default', 't', 'f', 'l')$q$),
    ('NULL name',                   $q$SELECT uaknn_create_model(NULL, 't', 'f', 'l')$q$),
    ('NULL source',                 $q$SELECT uaknn_create_model('x15', NULL, 'f', 'l')$q$),
    ('unknown option',              $q$SELECT uaknn_create_model('x16', 't', 'f', 'l', options => '{"varianse": 1}')$q$),
    ('option of the wrong type',    $q$SELECT uaknn_create_model('x17', 't', 'f', 'l', options => '{"k": "5"}')$q$),
    ('option out of range',         $q$SELECT uaknn_create_model('x18', 't', 'f', 'l', options => '{"method": "aaknn", "k": 0}')$q$),
    ('option: unknown method',      $q$SELECT uaknn_create_model('x19', 't', 'f', 'l', options => '{"method": "svm"}')$q$),
    ('option: variance 0',          $q$SELECT uaknn_create_model('x20', 't', 'f', 'l', options => '{"variance": 0}')$q$),
    ('options not an object',       $q$SELECT uaknn_create_model('x21', 't', 'f', 'l', options => '[1]')$q$),
    ('options NULL',                $q$SELECT uaknn_create_model('x22', 't', 'f', 'l', options => NULL)$q$)
) AS cases(c, q);
-- An empty name is refused before it reaches the catalog's CHECK.
SELECT try($q$SELECT uaknn_create_model('', 't', 'f', 'l')$q$) AS empty_name;
-- None of them left a model or a trigger behind.
SELECT name FROM uaknn_models ORDER BY name;
SELECT count(*) AS stray_triggers FROM pg_trigger WHERE tgname LIKE 'uaknn\_%' AND tgrelid <> 't'::regclass
   AND tgrelid <> 'uaknn_samples'::regclass;

-- Accepted: a named integer key on a table without a primary key, real[]
-- columns and a smallint key, an empty table (N and L fixed by its first row).
SELECT uaknn_create_model('by_k', 'no_pk', 'f', 'l', key => 'k') AS rows;
SELECT uaknn_create_model('reals', 'real_cols', 'f', 'l') AS rows;
SELECT uaknn_predict('reals', '{1,0}', method => 'aaknn', k => 1) AS p;
SELECT name, key_column, n_features, n_labels, rows FROM uaknn_models WHERE name IN ('by_k', 'reals') ORDER BY name;
INSERT INTO no_pk VALUES (10, '{1,2}', '{0.75,0.25}');
SELECT name, n_features, n_labels, rows FROM uaknn_models WHERE name = 'by_k';
SELECT uaknn_predict('by_k', '{1,2}', method => 'aaknn', k => 1) AS p;
-- A model whose only samples are uniform has no prototypes: UAKNN says so
-- (prototypes => false or another method still predicts).
INSERT INTO no_pk VALUES (11, '{2,1}', '{0.5,0.5}');
CREATE TABLE uniform (id int PRIMARY KEY, f float8[], l float8[]);
INSERT INTO uniform VALUES (1, '{1,2}', '{0.5,0.5}');
SELECT uaknn_create_model('uniform', 'uniform', 'f', 'l') AS rows;
SELECT try($q$SELECT uaknn_predict('uniform', '{1,2}')$q$) AS no_prototypes;
SELECT uaknn_predict('uniform', '{1,2}', prototypes => false) AS without_prototypes,
       uaknn_predict('uniform', '{1,2}', method => 'aaknn') AS aaknn;

------------------------------------------------------------------------------
-- The model's trigger rejects invalid rows at INSERT and UPDATE
------------------------------------------------------------------------------
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('short features',          $q$INSERT INTO t VALUES (10, '{1,0}', '{0.7,0.2,0.1}')$q$),
    ('long labels',             $q$INSERT INTO t VALUES (11, '{1,0,0}', '{0.7,0.2,0.05,0.05}')$q$),
    ('labels not summing to 1', $q$INSERT INTO t VALUES (12, '{1,0,0}', '{0.7,0.2,0.2}')$q$),
    ('negative label',          $q$INSERT INTO t VALUES (13, '{1,0,0}', '{1.2,-0.1,-0.1}')$q$),
    ('NaN feature',             $q$INSERT INTO t VALUES (14, '{1,NaN,0}', '{0.7,0.2,0.1}')$q$),
    ('infinite feature',        $q$INSERT INTO t VALUES (15, '{1,Infinity,0}', '{0.7,0.2,0.1}')$q$),
    ('NULL element',            $q$INSERT INTO t VALUES (16, '{1,NULL,0}', '{0.7,0.2,0.1}')$q$),
    ('NULL features',           $q$INSERT INTO t VALUES (17, NULL, '{0.7,0.2,0.1}')$q$),
    ('NULL key',                $q$INSERT INTO no_pk VALUES (NULL, '{1,2}', '{0.5,0.5}')$q$),
    ('empty features',          $q$INSERT INTO t VALUES (18, '{}', '{0.7,0.2,0.1}')$q$),
    ('two-dimensional',         $q$INSERT INTO t VALUES (19, '{{1,0,0}}', '{0.7,0.2,0.1}')$q$),
    ('second row of many bad',  $q$INSERT INTO t VALUES (20, '{1,0,0}', '{0.7,0.2,0.1}'), (21, '{1,0}', '{0.7,0.2,0.1}')$q$),
    ('UPDATE labels',           $q$UPDATE t SET l = '{0.5,0.5}' WHERE id = 2$q$),
    ('UPDATE features',         $q$UPDATE t SET f = f || 1.0::float8 WHERE id = 3$q$),
    ('ON CONFLICT UPDATE',      $q$INSERT INTO t VALUES (1, '{1,0,0}', '{1,0,0}') ON CONFLICT (id) DO UPDATE SET l = '{2,0,0}'$q$),
    ('valid UPDATE',            $q$UPDATE t SET l = '{0.6,0.3,0.1}' WHERE id = 1$q$)
) AS cases(c, q);
-- Nothing invalid got in; the valid update did.
SELECT id, f, l FROM t ORDER BY id;
SELECT count(*) AS rows FROM no_pk;

------------------------------------------------------------------------------
-- Bad input to the prediction functions
------------------------------------------------------------------------------
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('short features',          $q$SELECT uaknn_predict('m', '{1,0}')$q$),
    ('long features',           $q$SELECT uaknn_predict('m', '{1,0,0,0,0}')$q$),
    ('empty features',          $q$SELECT uaknn_predict('m', '{}')$q$),
    ('two-dimensional',         $q$SELECT uaknn_predict('m', '{{1,0,0}}')$q$),
    ('NULL element',            $q$SELECT uaknn_predict('m', '{1,NULL,0}')$q$),
    ('NaN',                     $q$SELECT uaknn_predict('m', '{1,NaN,0}')$q$),
    ('infinity',                $q$SELECT uaknn_predict('m', '{1,-Infinity,0}')$q$),
    ('unknown model',           $q$SELECT uaknn_predict('nope', '{1,0,0}')$q$),
    ('unknown method',          $q$SELECT uaknn_predict('m', '{1,0,0}', method => 'svm')$q$),
    ('empty method',            $q$SELECT uaknn_predict('m', '{1,0,0}', method => '')$q$),
    ('variance 0',              $q$SELECT uaknn_predict('m', '{1,0,0}', variance => 0)$q$),
    ('variance negative',       $q$SELECT uaknn_predict('m', '{1,0,0}', variance => -1)$q$),
    ('variance NaN',            $q$SELECT uaknn_predict('m', '{1,0,0}', variance => 'NaN')$q$),
    ('k 0',                     $q$SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 0)$q$),
    ('k -1, kernel',            $q$SELECT uaknn_predict('m', '{1,0,0}', method => 'kernel', k => -1)$q$),
    ('softmax_base 1',          $q$SELECT uaknn_predict('m', '{1,0,0}', softmax_base => 1)$q$),
    ('softmax_base 0.5',        $q$SELECT uaknn_predict('m', '{1,0,0}', softmax_base => 0.5)$q$),
    ('temperature 0',           $q$SELECT uaknn_predict('m', '{1,0,0}', temperature => 0)$q$),
    ('temperature negative',    $q$SELECT uaknn_predict('m', '{1,0,0}', temperature => -0.5)$q$),
    ('samples 0',               $q$SELECT uaknn_predict('m', '{1,0,0}', mode => 'sampled', samples => 0)$q$),
    ('samples 0, default mode', $q$SELECT uaknn_predict('m', '{1,0,0}', samples => 0)$q$),
    ('mode x',                  $q$SELECT uaknn_predict('m', '{1,0,0}', mode => 'x')$q$),
    ('normalization x',         $q$SELECT uaknn_predict('m', '{1,0,0}', normalization => 'x')$q$),
    ('perturbation_ratio NaN',  $q$SELECT uaknn_predict('m', '{1,0,0}', perturbation_ratio => 'NaN')$q$),
    ('variance infinite',       $q$SELECT uaknn_predict('m', '{1,0,0}', variance => 'Infinity')$q$),
    ('samples too many',        $q$SELECT uaknn_predict('m', '{1,0,0}', mode => 'sampled', samples => 2000000)$q$),
    ('bandwidth 0',             $q$SELECT uaknn_predict('m', '{1,0,0}', method => 'kernel', bandwidth => 0)$q$),
    ('default model, short',    $q$SELECT uaknn_predict('{1,0}')$q$),
    ('batch: short rows',       $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0},{0,1}}')$q$),
    ('batch: NULL element',     $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0,0},{0,NULL,1}}')$q$),
    ('batch: NaN',              $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0,0},{0,NaN,1}}')$q$),
    ('batch: three dimensions', $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{{1,0,0}}}')$q$),
    ('batch: too few keys',     $q$SELECT * FROM uaknn_predict_batch('m', '{1}', '{{1,0,0},{0,1,0}}')$q$),
    ('batch: NULL key',         $q$SELECT * FROM uaknn_predict_batch('m', '{1,NULL}', '{{1,0,0},{0,1,0}}')$q$),
    ('batch: unknown model',    $q$SELECT * FROM uaknn_predict_batch('nope', NULL, '{{1,0,0}}')$q$),
    ('batch: bad parameter',    $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0,0}}', k => 0, method => 'aaknn')$q$),
    ('batch: unknown method',   $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0,0}}', method => 'svm')$q$),
    ('explain: short',          $q$SELECT * FROM uaknn_explain('m', '{1,0}')$q$),
    ('explain: NaN',            $q$SELECT * FROM uaknn_explain('m', '{1,0,NaN}')$q$),
    ('explain: variance 0',     $q$SELECT * FROM uaknn_explain('m', '{1,0,0}', variance => 0)$q$),
    ('explain: unknown model',  $q$SELECT * FROM uaknn_explain('nope', '{1,0,0}')$q$),
    ('prototypes: unknown',     $q$SELECT * FROM uaknn_prototypes('nope')$q$),
    ('drop: unknown model',     $q$SELECT uaknn_drop_model('nope')$q$)
) AS cases(c, q);

-- Verbose: the SQLSTATEs themselves, as a client sees them.
\set VERBOSITY sqlstate
SELECT uaknn_predict('m', '{1,0}');
SELECT uaknn_predict('nope', '{1,0,0}');
SELECT uaknn_predict('m', '{1,0,0}', method => 'svm');
SELECT uaknn_predict('m', '{1,NULL,0}');
\set VERBOSITY default

-- NULL arguments: NULL results, no error.
SELECT uaknn_predict(NULL, '{1,0,0}') IS NULL AS null_model,
       uaknn_predict('m', NULL) IS NULL AS null_features,
       uaknn_predict(NULL::float8[]) IS NULL AS null_default,
       (SELECT count(*) FROM uaknn_predict_batch('m', NULL, NULL)) AS batch_rows,
       (SELECT count(*) FROM uaknn_explain('m', NULL)) AS explain_rows;
-- A parameter that does not apply to the method is ignored, not an error.
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1, variance => 0.3) AS p;
-- Method names are those of uaknn-eval; each gives a distribution.
SELECT method, cardinality(p) AS labels, abs((SELECT sum(x) FROM unnest(p) x) - 1) < 1e-12 AS sums_to_one
FROM unnest(ARRAY['uaknn', 'wuaknn', 'aaknn', 'kernel']) method,
     LATERAL uaknn_predict('m', '{0.9,0.2,0.1}', method => method, k => 2) p;
-- The session is fine after all of that.
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1) AS p;

-- Options a client writes into the catalog directly are checked as written,
-- and so is the source of a catalog row.
SELECT try($q$UPDATE uaknn_model SET options = '{"k": 0, "method": "aaknn"}' WHERE name = 'm'$q$) AS bad_option_in_catalog;
SELECT try($q$UPDATE uaknn_model SET options = '{"samples": 1.5}' WHERE name = 'm'$q$) AS fractional_samples;
CREATE VIEW v AS SELECT 1 AS id;
SELECT try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column) VALUES ('v', 'v', 'id', 'id', 'id')$q$) AS view_as_source;
DROP VIEW v;
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1) AS still_predicts;

------------------------------------------------------------------------------
-- Privileges: SELECT on the source table is checked on every call
------------------------------------------------------------------------------
CREATE ROLE regress_uaknn_reader;
GRANT USAGE ON SCHEMA models_errors TO regress_uaknn_reader;
GRANT EXECUTE ON FUNCTION try(text) TO regress_uaknn_reader;
-- The owner predicts: the backend now holds model m.
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1) AS owner_p;
SELECT model, rows FROM uaknn_cache_info() WHERE model = 'm';
SET ROLE regress_uaknn_reader;
SELECT c AS "case", try(q) AS error FROM (VALUES
    ('predict',          $q$SELECT uaknn_predict('m', '{1,0,0}')$q$),
    ('batch',            $q$SELECT * FROM uaknn_predict_batch('m', NULL, '{{1,0,0}}')$q$),
    ('explain',          $q$SELECT * FROM uaknn_explain('m', '{1,0,0}')$q$),
    ('prototypes',       $q$SELECT * FROM uaknn_prototypes('m')$q$),
    ('default model',    $q$SELECT uaknn_predict('default', '{1,0,0}')$q$),
    ('create model',     $q$SELECT uaknn_create_model('mine', 't', 'f', 'l')$q$),
    ('drop model',       $q$SELECT uaknn_drop_model('m')$q$),
    ('catalog insert',   $q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column) VALUES ('mine', 't', 'id', 'f', 'l')$q$),
    ('catalog version',  $q$UPDATE uaknn_model SET version = 1 WHERE name = 'm'$q$)
) AS cases(c, q);
-- The view shows the model but no row count to a role that cannot read the table.
SELECT name, n_features, rows FROM uaknn_models WHERE name = 'm';
-- A client may not rewrite or delete someone else's model (row-level security).
UPDATE uaknn_model SET options = '{"k": 1}' WHERE name = 'm';
DELETE FROM uaknn_model WHERE name = 'm';
RESET ROLE;
SELECT name, options FROM uaknn_models WHERE name = 'm';

-- With SELECT granted the role predicts what the owner predicts.
GRANT SELECT ON t TO regress_uaknn_reader;
SET ROLE regress_uaknn_reader;
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1) AS reader_p;
SELECT name, rows FROM uaknn_models WHERE name = 'm';
-- Still not the owner: no dropping, no model over the table.
SELECT try($q$SELECT uaknn_drop_model('m')$q$) AS drop_model,
       try($q$SELECT uaknn_create_model('mine', 't', 'f', 'l')$q$) AS create_model;
RESET ROLE;
-- Revoked again: refused again, though the backend holds the model.
REVOKE SELECT ON t FROM regress_uaknn_reader;
SET ROLE regress_uaknn_reader;
SELECT try($q$SELECT uaknn_predict('m', '{1,0,0}')$q$) AS after_revoke;
RESET ROLE;
GRANT SELECT ON t TO regress_uaknn_reader;
-- Row-level security enabled after the model was made: refused for the reader
-- (the cache cannot honour policies), while the owner, whom policies do not
-- bind, still predicts.
CREATE POLICY only_one ON t FOR SELECT USING (id = 1);
ALTER TABLE t ENABLE ROW LEVEL SECURITY;
SET ROLE regress_uaknn_reader;
SELECT count(*) AS reader_sees_rows FROM t;
SELECT try($q$SELECT uaknn_predict('m', '{1,0,0}')$q$) AS reader_under_rls;
SELECT try($q$SELECT * FROM uaknn_prototypes('m')$q$) AS prototypes_under_rls;
RESET ROLE;
SELECT uaknn_predict('m', '{1,0,0}', method => 'aaknn', k => 1) AS owner_under_rls;
ALTER TABLE t DISABLE ROW LEVEL SECURITY;
DROP POLICY only_one ON t;

-- A SECURITY DEFINER function of the owner may predict for the reader.
CREATE FUNCTION owner_predict(f float8[]) RETURNS float8[] LANGUAGE sql SECURITY DEFINER
SET search_path = models_errors, public
AS $$ SELECT uaknn_predict('m', f, method => 'aaknn', k => 1) $$;
REVOKE SELECT ON t FROM regress_uaknn_reader;
GRANT EXECUTE ON FUNCTION owner_predict(float8[]) TO regress_uaknn_reader;
SET ROLE regress_uaknn_reader;
SELECT owner_predict('{0,1,0}') AS definer_p;
SELECT try($q$SELECT uaknn_predict('m', '{0,1,0}')$q$) AS direct_still_refused;
RESET ROLE;

-- Clean up.
SELECT uaknn_drop_model(name) FROM uaknn_models WHERE name IN ('m', 'by_k', 'reals', 'uniform') ORDER BY name;
RESET search_path;
DROP SCHEMA models_errors CASCADE;
DROP OWNED BY regress_uaknn_reader;
DROP ROLE regress_uaknn_reader;
SELECT name FROM uaknn_models ORDER BY name;
