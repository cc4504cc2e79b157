-- What a role that owns a table can and cannot do with uaknn's triggers and
-- catalog: nothing that runs its code with the extension owner's rights,
-- nothing that changes another role's model, nothing that crashes a backend.
CREATE FUNCTION sec_try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state || ': ' || msg;
END $$;
CREATE ROLE regress_uaknn_mallory;
CREATE SCHEMA mallory AUTHORIZATION regress_uaknn_mallory;
GRANT USAGE ON SCHEMA public TO regress_uaknn_mallory;
CREATE TABLE victim (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO victim VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT uaknn_create_model('victim', 'victim', 'f', 'l') AS rows;

SET ROLE regress_uaknn_mallory;
SET search_path = mallory, public;
CREATE TABLE t (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
SELECT uaknn_create_model('mine', 'mallory.t', 'f', 'l') AS rows;

-- 1. The change trigger attached without a transition table, with a temp
-- view named like the transition table that calls the role's own function:
-- the trigger reads no SQL relation, so the function never runs.
CREATE FUNCTION mallory.evil() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE 'evil ran as %', current_user;
    RETURN 1;
END $$;
CREATE TEMP VIEW uaknn_new_rows AS SELECT mallory.evil() AS id, '{1,0}'::float8[] AS f, '{0.5,0.5}'::float8[] AS l;
SELECT sec_try(format($q$CREATE TRIGGER zz AFTER INSERT ON mallory.t FOR EACH STATEMENT EXECUTE FUNCTION uaknn_change_trigger(%s)$q$,
                  (SELECT id FROM uaknn_model WHERE name = 'mine'))) AS attach;
SELECT sec_try($q$INSERT INTO mallory.t VALUES (1, '{1,0}', '{0.5,0.5}')$q$) AS insert_without_transition_table;
SELECT rolsuper AS mallory_is_superuser FROM pg_roles WHERE rolname = 'regress_uaknn_mallory';
DROP TRIGGER zz ON mallory.t;
DROP VIEW uaknn_new_rows;

-- 2. The triggers attached to one's own table with another role's model id.
SELECT sec_try(format($q$CREATE TRIGGER yy AFTER INSERT ON mallory.t REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION uaknn_change_trigger(%s)$q$,
                  (SELECT id FROM uaknn_model WHERE name = 'victim'))) AS attach;
SELECT sec_try($q$INSERT INTO mallory.t VALUES (2, '{1,0}', '{0.5,0.5}')$q$) AS insert_with_foreign_model;
DROP TRIGGER yy ON mallory.t;

-- 3. Another role's catalog row cannot be changed, nor its N and L.
SELECT sec_try($q$UPDATE uaknn_model SET options = '{"k": 3}' WHERE name = 'victim'$q$) AS update_other;
SELECT count(*) AS rows_updated FROM uaknn_model WHERE name = 'victim' AND options <> '{}';
SELECT sec_try($q$UPDATE uaknn_model SET feature_count = 7 WHERE name = 'mine'$q$) AS set_n;
SELECT sec_try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column) VALUES ('x', 'public.victim', 'id', 'f', 'l')$q$) AS register_other;
SELECT count(*) AS fix_dimensions_functions FROM pg_proc WHERE proname = 'uaknn_fix_dimensions';

-- 4. The inserted keys of a table one may not read are not shown.
SELECT count(*) AS victim_changes_visible
FROM uaknn_change c JOIN uaknn_model m ON m.id = c.model_id WHERE m.name = 'victim';

-- 5. A column's type cannot change under a model (its triggers depend on
-- it), and a catalog row written directly over a column of another type,
-- with the validation trigger attached by hand, is refused, not read.
SELECT sec_try($q$ALTER TABLE mallory.t ALTER COLUMN f TYPE bytea USING NULL$q$) AS alter_type;
CREATE TABLE mallory.b (id bigint PRIMARY KEY, g bytea, l float8[]);
INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column)
VALUES ('bytes', 'mallory.b', 'id', 'g', 'l');
SELECT sec_try(format($q$CREATE TRIGGER v BEFORE INSERT ON mallory.b FOR EACH ROW EXECUTE FUNCTION uaknn_validate_trigger(%s)$q$,
                  (SELECT id FROM uaknn_model WHERE name = 'bytes'))) AS attach;
SELECT sec_try($q$INSERT INTO mallory.b VALUES (3, '\x0100000000000070bd020000010000000100000001000000000000000000f03f'::bytea, '{0.5,0.5}')$q$) AS bytea_features;
SELECT sec_try($q$SELECT uaknn_predict('bytes', '{1,0}')$q$) AS predict_bytes;
RESET ROLE;
RESET search_path;

-- The owner's model still predicts; nothing crashed.
SELECT uaknn_predict('victim', '{1,0}', method => 'aaknn', k => 1) AS victim_prediction;
INSERT INTO victim VALUES (3, '{1,0.1}', '{0.7,0.3}');
SELECT count(*) AS victim_changes_for_owner
FROM uaknn_change c JOIN uaknn_model m ON m.id = c.model_id WHERE m.name = 'victim';

SET client_min_messages = warning;
DROP SCHEMA mallory CASCADE;
DROP TABLE victim;
DROP FUNCTION sec_try(text);
RESET client_min_messages;
DROP OWNED BY regress_uaknn_mallory;
DROP ROLE regress_uaknn_mallory;
