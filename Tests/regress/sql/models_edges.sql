-- Regression tests for edge cases of models that were once bugs. Each
-- comment describes the bug as it was found (past behaviour, with its cause);
-- each case asserts the correct behaviour ("ok" = t).
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
RESET client_min_messages;
CREATE SCHEMA models_edges;
SET search_path = models_edges, public;

CREATE FUNCTION try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ': ' || msg || coalesce(nullif(' | ' || detail, ' | '), '');
END $$;

-- 1. uaknn_create_model accepts a table with a NULL key. The check's
-- "IF bad IS NOT NULL" on a record is false when any field is NULL, and the
-- key field of that row is NULL. Every later load of the model then fails.
CREATE TABLE null_key (k bigint, f float8[], l float8[]);
INSERT INTO null_key VALUES (1, '{1,0}', '{0.9,0.1}'), (NULL, '{0,1}', '{0.2,0.8}');
SELECT 'NULL key refused at creation' AS "case",
       try($q$SELECT uaknn_create_model('null_key', 'null_key', 'f', 'l', key => 'k')$q$)
         LIKE '22023: row with a NULL key of table models_edges.null_key is not a valid sample%' AS ok;
-- Same with an invalid sample under the NULL key (bad = (NULL, 'error')).
CREATE TABLE null_key_bad (k bigint, f float8[], l float8[]);
INSERT INTO null_key_bad VALUES (1, '{1,0}', '{0.9,0.1}'), (NULL, '{0,1,2}', '{0.2,0.8}');
SELECT 'NULL key with a bad sample refused at creation' AS "case",
       try($q$SELECT uaknn_create_model('null_key_bad', 'null_key_bad', 'f', 'l', key => 'k')$q$)
         LIKE '22023: row with a NULL key of table models_edges.null_key_bad is not a valid sample%' AS ok;

-- 2. Options out of range for a method other than the options' own are
-- accepted at creation (uaknn_params_check checks k and bandwidth only for
-- aaknn/kernel), and fail later at every uaknn_predict(method => 'aaknn').
CREATE TABLE t (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO t VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT 'option k 0 refused at creation' AS "case",
       left(try($q$SELECT uaknn_create_model('k0', 't', 'f', 'l', options => '{"k": 0}')$q$), 5) = '22023' AS ok;
SELECT 'option bandwidth -1 refused at creation' AS "case",
       left(try($q$SELECT uaknn_create_model('bw', 't', 'f', 'l', options => '{"bandwidth": -1}')$q$), 5) = '22023' AS ok;

-- 3. After ALTER TABLE ... RENAME, a backend that loaded the model before
-- keeps the load plans it prepared with the old name (load.c prepare_load,
-- SPI_keepplan): the next full reload fails with 42P01 'relation
-- "models_edges.rn" does not exist', for the life of the backend.
CREATE TABLE rn (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO rn VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT uaknn_create_model('rn', 'rn', 'f', 'l') AS rows;
SELECT uaknn_predict('rn', '{1,0}', method => 'aaknn', k => 1) AS before_rename;
ALTER TABLE rn RENAME TO rn_renamed;
UPDATE rn_renamed SET l = '{0.7,0.3}' WHERE id = 1;
SELECT 'full reload after RENAME' AS "case",
       (SELECT uaknn_predict('rn', '{1,0}', method => 'aaknn', k => 1) = '{0.7,0.3}'
        WHERE try($q$SELECT uaknn_predict('rn', '{1,0}', method => 'aaknn', k => 1)$q$) = 'no error') IS TRUE AS ok;

-- 4. Partitioned tables are accepted by uaknn_create_model, but the
-- validation trigger is cloned onto the partitions, where trigger_model()
-- (samples.c) finds the model's source (the parent) differs from the
-- partition and raises 42501 "uaknn trigger on table "pt1" names a model of
-- another table": after creation no row can be inserted, not even through
-- the parent. And TRUNCATE of a partition does not fire the parent's
-- statement trigger: the cache keeps the truncated rows.
-- Correct: either refuse partitioned tables at creation, or handle them.
CREATE TABLE pt (id bigint PRIMARY KEY, f float8[], l float8[]) PARTITION BY RANGE (id);
CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (100);
CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (100) TO (200);
INSERT INTO pt VALUES (1, '{1,0}', '{0.9,0.1}'), (101, '{0,1}', '{0.2,0.8}');
CREATE TABLE pt_result (refused boolean, insert_parent text, insert_partition text,
                        p_after_inserts float8[], p_after_truncate float8[]);
INSERT INTO pt_result (refused)
SELECT try($q$SELECT uaknn_create_model('pt', 'pt', 'f', 'l')$q$) <> 'no error';
UPDATE pt_result SET insert_parent = try($q$INSERT INTO pt VALUES (2, '{0.9,0.1}', '{0.05,0.95}')$q$) WHERE NOT refused;
UPDATE pt_result SET p_after_inserts = uaknn_predict('pt', '{1,0}') WHERE NOT refused;  -- caches the model
UPDATE pt_result SET insert_partition = try($q$INSERT INTO pt1 VALUES (3, '{0.8,0.2}', '{0.1,0.9}')$q$) WHERE NOT refused;
UPDATE pt_result SET p_after_inserts = uaknn_predict('pt', '{0.8,0.2}', method => 'aaknn', k => 1) WHERE NOT refused;
TRUNCATE pt1;
UPDATE pt_result SET p_after_truncate = uaknn_predict('pt', '{0.8,0.2}', method => 'aaknn', k => 1) WHERE NOT refused;
SELECT 'partitioned table: refused or handled' AS "case",
       refused OR (insert_parent = 'no error' AND insert_partition = 'no error'
                   AND p_after_inserts = '{0.1,0.9}' AND p_after_truncate = '{0.2,0.8}') AS ok
FROM pt_result;

-- 5. Inheritance: the load query reads the parent without ONLY, so rows of
-- a child table are loaded, though no trigger validates them or records
-- their changes. One invalid child row breaks every prediction of the model
-- (22023 "row 3 of table "par" has 3 features and 1 labels"), and child
-- inserts are seen only by backends that happen to reload in full.
-- Correct: predictions from the parent's rows only (FROM ONLY), or children
-- validated and tracked.
CREATE TABLE par (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO par VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT uaknn_create_model('par', 'par', 'f', 'l') AS rows;
CREATE TABLE chi () INHERITS (par);
SELECT 'child table: invalid child row refused, or ignored by the model' AS "case",
       try($q$INSERT INTO chi VALUES (3, '{0.9,0.1,5}', '{1}')$q$) <> 'no error'
       OR try($q$SELECT uaknn_predict('par', '{1,0}', method => 'aaknn', k => 1)$q$) = 'no error' AS ok;

-- 7. Schema USAGE is checked only when the model is (re)loaded: a role with
-- SELECT on the table but no USAGE on its schema gets 42501 "permission
-- denied for schema" while the backend has not cached the model, and
-- predictions once the owner's call in the same backend has cached it.
-- Correct: the same answer whatever the cache holds.
CREATE SCHEMA models_edges_hidden;
CREATE TABLE models_edges_hidden.h (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO models_edges_hidden.h VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.1,0.9}');
SELECT uaknn_create_model('hidden', 'models_edges_hidden.h', 'f', 'l') AS rows;
CREATE ROLE regress_uaknn_nousage;
GRANT SELECT ON models_edges_hidden.h TO regress_uaknn_nousage;
GRANT USAGE ON SCHEMA models_edges TO regress_uaknn_nousage;
SET ROLE regress_uaknn_nousage;
CREATE TEMP TABLE hidden_result AS
SELECT try($q$SELECT uaknn_predict('hidden', '{1,0}', method => 'aaknn', k => 1)$q$) AS uncached;
RESET ROLE;
SELECT uaknn_predict('hidden', '{1,0}', method => 'aaknn', k => 1) AS owner_caches;
SET ROLE regress_uaknn_nousage;
SELECT 'no schema USAGE: same answer cached or not' AS "case",
       try($q$SELECT uaknn_predict('hidden', '{1,0}', method => 'aaknn', k => 1)$q$) = uncached AS ok
FROM hidden_result;
RESET ROLE;
DROP TABLE hidden_result;
SET client_min_messages = warning;
DROP SCHEMA models_edges_hidden CASCADE;
RESET client_min_messages;
REVOKE USAGE ON SCHEMA models_edges FROM regress_uaknn_nousage;
DROP ROLE regress_uaknn_nousage;

-- 8. (Minor) A dropped model stays in the memory of every backend that
-- cached it, and uaknn_cache_info() lists it, until that backend happens to
-- call a uaknn function with the dropped model's name (catalog.c forgets an
-- entry only in read_catalog()). A long-lived backend keeps the samples of
-- every model dropped during its life.
CREATE TABLE gone (id bigint PRIMARY KEY, f float8[], l float8[]);
INSERT INTO gone VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.1,0.9}');
SELECT uaknn_create_model('gone', 'gone', 'f', 'l') AS rows;
SELECT uaknn_predict('gone', '{1,0}', method => 'aaknn', k => 1) AS cached;
SELECT uaknn_drop_model('gone');
SELECT uaknn_create_model('kept', 't', 'f', 'l') AS rows;
SELECT uaknn_predict('kept', '{1,0}', method => 'aaknn', k => 1) AS another_model;
SELECT 'a dropped model is no longer held' AS "case",
       NOT EXISTS (SELECT FROM uaknn_cache_info() WHERE model = 'gone') AS ok;

-- Clean up (the models go with their tables).
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA models_edges CASCADE;
RESET client_min_messages;

-- 6. The catalog query of catalog.c (and the change query of load.c) are
-- prepared once per backend with the extension's schema name in their text
-- (static SPIPlanPtr, SPI_keepplan). After DROP EXTENSION and CREATE
-- EXTENSION in another schema, a backend that predicted before fails every
-- prediction with 42P01 'relation "public.uaknn_model" does not exist'.
-- (This backend predicted above, in case 3.)
DROP EXTENSION uaknn;
CREATE SCHEMA models_edges_ext;
CREATE EXTENSION uaknn SCHEMA models_edges_ext;
INSERT INTO models_edges_ext.uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
SELECT 'predict after CREATE EXTENSION in another schema' AS "case",
       models_edges_ext.uaknn_predict('default', '{1,0}', method => 'aaknn', k => 1) = '{0.9,0.1}' AS ok;
DROP EXTENSION uaknn;
DROP SCHEMA models_edges_ext;
CREATE EXTENSION uaknn;
