-- The extension in a schema whose name needs quoting, end to end: the
-- scripts substitute @extschema@ quoted, and the C code names the schema of
-- its catalog from its oid. Then the same after the schema is renamed, and an
-- installation of the first release updated to the current one, compared
-- with a fresh installation. Like models_edges, this moves the extension and
-- puts it back in public at the end.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS uaknn;
RESET client_min_messages;
CREATE SCHEMA "LDL models";
CREATE EXTENSION uaknn SCHEMA "LDL models";
SELECT n.nspname AS schema, e.extversion AS version
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'uaknn';

-- 1. The default model, named by schema (which is not in search_path).
INSERT INTO "LDL models".uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
SELECT "LDL models".uaknn_predict('{1,0}', method => 'aaknn', k => 1) AS default_prediction;
SELECT "LDL models".uaknn_predict('default', '{0,1}', method => 'aaknn', k => 1) AS named_default_prediction;

-- 2. A model over a table of another quoted schema, with quoted columns.
CREATE SCHEMA "My Data";
CREATE TABLE "My Data"."Samples Table" (
    "Sample Key" bigint PRIMARY KEY,
    "Feature Vector" float8[] NOT NULL,
    "Label Mix" float8[] NOT NULL
);
INSERT INTO "My Data"."Samples Table" VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT "LDL models".uaknn_create_model('quoted', '"My Data"."Samples Table"', 'Feature Vector', 'Label Mix',
                                       options => '{"method": "aaknn", "k": 1}') AS rows;
SELECT name, source, key_column, features_column, labels_column, n_features, n_labels, rows
FROM "LDL models".uaknn_models ORDER BY name;
INSERT INTO "My Data"."Samples Table" VALUES (3, '{1,1}', '{0.6,0.4}');
COPY "My Data"."Samples Table" FROM STDIN;
4	{0.5,1}	{0.3,0.7}
\.
UPDATE "My Data"."Samples Table" SET "Label Mix" = '{0.1,0.9}' WHERE "Sample Key" = 2;
DELETE FROM "My Data"."Samples Table" WHERE "Sample Key" = 3;
SELECT "LDL models".uaknn_predict('quoted', '{0,1}') AS prediction;
SELECT key, prediction FROM "LDL models".uaknn_predict_batch('quoted', '{7,8}', '{{1,0},{0,1}}') ORDER BY key;
SELECT label, key FROM "LDL models".uaknn_explain('quoted', '{1,0}') ORDER BY label;
SELECT label, size, keys FROM "LDL models".uaknn_prototypes('quoted') ORDER BY label;
SELECT model, rows FROM "LDL models".uaknn_cache_info() ORDER BY model;
SELECT models FROM "LDL models".uaknn_cache_summary();
-- An empty model's first rows fix N and L (the change trigger writes the
-- catalog row as the extension's owner, naming it by schema).
TRUNCATE "My Data"."Samples Table";
INSERT INTO "My Data"."Samples Table" VALUES (1, '{1,0,0}', '{0.5,0.25,0.25}'), (2, '{0,1,0}', '{0.1,0.1,0.8}');
SELECT name, n_features, n_labels, rows FROM "LDL models".uaknn_models WHERE name = 'quoted';
SELECT "LDL models".uaknn_predict('quoted', '{0,1,0}') AS after_truncate;

-- 3. The same with the schema in search_path, names unqualified.
SET search_path = "LDL models", public;
SELECT uaknn_predict('quoted', '{1,0,0}') AS unqualified;
SELECT name, rows FROM uaknn_models ORDER BY name;
SELECT uaknn_drop_model('quoted');
SELECT uaknn_create_model('quoted', '"My Data"."Samples Table"', 'Feature Vector', 'Label Mix') AS rows;
RESET search_path;

-- 4. The schema renamed. The change trigger named the catalog by the name
-- the schema had when the backend first looked the extension up: after the
-- rename its writes failed (42P01), and a role that made a schema under the
-- old name, with a table uaknn_model of its own, had them run on its table,
-- its triggers with them, as the extension's owner. The catalog is named by
-- its oid now.
CREATE ROLE regress_uaknn_squatter;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO regress_uaknn_squatter', current_database()); END $$;
CREATE TABLE public.regress_squat_log (who name);
GRANT INSERT ON public.regress_squat_log TO PUBLIC;
ALTER SCHEMA "LDL models" RENAME TO "LDL models (renamed)";
SET ROLE regress_uaknn_squatter;
CREATE SCHEMA "LDL models";
CREATE TABLE "LDL models".uaknn_model (id bigint, feature_count integer, label_count integer, version bigint);
INSERT INTO "LDL models".uaknn_model SELECT i, NULL, NULL, NULL FROM generate_series(1, 100) i;
CREATE FUNCTION "LDL models".squat() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.regress_squat_log VALUES (current_user);
    RETURN NEW;
END $$;
CREATE TRIGGER squat BEFORE UPDATE ON "LDL models".uaknn_model FOR EACH ROW EXECUTE FUNCTION "LDL models".squat();
RESET ROLE;
TRUNCATE "My Data"."Samples Table";
INSERT INTO "My Data"."Samples Table" VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT name, n_features, n_labels, rows FROM "LDL models (renamed)".uaknn_models WHERE name = 'quoted';
SELECT "LDL models (renamed)".uaknn_predict('quoted', '{1,0}', method => 'aaknn', k => 1) AS after_rename;
SELECT who FROM public.regress_squat_log;
SELECT count(*) AS squatter_rows_changed FROM "LDL models".uaknn_model WHERE feature_count IS NOT NULL;
SET client_min_messages = warning;
DROP SCHEMA "LDL models" CASCADE;
RESET client_min_messages;
DROP TABLE public.regress_squat_log;
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM regress_uaknn_squatter', current_database()); END $$;
DROP ROLE regress_uaknn_squatter;
ALTER SCHEMA "LDL models (renamed)" RENAME TO "LDL models";

-- 5. Dropping: the model, then the table (the event trigger).
SELECT "LDL models".uaknn_drop_model('quoted');
SELECT "LDL models".uaknn_create_model('quoted', '"My Data"."Samples Table"', 'Feature Vector', 'Label Mix') AS rows;
DROP TABLE "My Data"."Samples Table";
SELECT name FROM "LDL models".uaknn_models ORDER BY name;
DROP SCHEMA "My Data";

-- 6. The first release installed in the quoted schema, used, and updated:
-- the same definitions as a fresh installation, and it works.
CREATE FUNCTION pg_temp.uaknn_definitions() RETURNS TABLE (object text, definition text)
LANGUAGE sql AS $$
WITH members AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'uaknn' AND d.deptype = 'e'),
relations AS (SELECT objid AS relid FROM members WHERE classid = 'pg_class'::regclass)
SELECT pg_describe_object(m.classid, m.objid, 0),
       concat_ws(' ', CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid)
                           ELSE pg_get_function_arguments(p.oid) || ' -> ' || pg_get_function_result(p.oid) END,
                 p.proacl::text, p.proconfig::text)
FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
UNION ALL
SELECT pg_describe_object('pg_class'::regclass, c.oid, 0),
       concat_ws(' ', c.relkind::text, c.relacl::text, c.relrowsecurity::text, pg_get_viewdef(c.oid))
FROM relations r JOIN pg_class c ON c.oid = r.relid
UNION ALL
SELECT pg_describe_object('pg_class'::regclass, a.attrelid, a.attnum),
       concat_ws(' ', format_type(a.atttypid, a.atttypmod), a.attnotnull::text, pg_get_expr(ad.adbin, ad.adrelid),
                 a.attacl::text)
FROM relations r JOIN pg_attribute a ON a.attrelid = r.relid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
UNION ALL
SELECT pg_describe_object('pg_constraint'::regclass, co.oid, 0), pg_get_constraintdef(co.oid)
FROM relations r JOIN pg_constraint co ON co.conrelid = r.relid
UNION ALL
SELECT pg_describe_object('pg_class'::regclass, i.indexrelid, 0), pg_get_indexdef(i.indexrelid)
FROM relations r JOIN pg_index i ON i.indrelid = r.relid
UNION ALL
SELECT pg_describe_object('pg_policy'::regclass, po.oid, 0),
       concat_ws(' ', po.polcmd::text, po.polroles::text, pg_get_expr(po.polqual, po.polrelid),
                 pg_get_expr(po.polwithcheck, po.polrelid))
FROM relations r JOIN pg_policy po ON po.polrelid = r.relid
UNION ALL
SELECT pg_describe_object('pg_trigger'::regclass, t.oid, 0), pg_get_triggerdef(t.oid)
FROM relations r JOIN pg_trigger t ON t.tgrelid = r.relid AND NOT t.tgisinternal
UNION ALL
SELECT pg_describe_object('pg_event_trigger'::regclass, et.oid, 0),
       concat_ws(' ', et.evtevent::text, et.evtfoid::regproc::text, et.evttags::text, et.evtenabled::text)
FROM members m JOIN pg_event_trigger et ON m.classid = 'pg_event_trigger'::regclass AND et.oid = m.objid
UNION ALL
SELECT pg_describe_object(m.classid, m.objid, 0), ''
FROM members m WHERE m.classid NOT IN ('pg_proc'::regclass, 'pg_class'::regclass, 'pg_event_trigger'::regclass)
UNION ALL
SELECT 'extension', concat_ws(' ', e.extconfig::regclass[]::text, e.extcondition::text)
FROM pg_extension e WHERE e.extname = 'uaknn'
UNION ALL
SELECT 'model ' || m.name, concat_ws(' ', m.source::text, m.key_column::text, m.features_column::text,
                                     m.labels_column::text, m.options::text, coalesce(m.feature_count::text, '-'),
                                     coalesce(m.label_count::text, '-'))
FROM "LDL models".uaknn_model m
$$;
TRUNCATE "LDL models".uaknn_samples;
CREATE TEMP TABLE fresh AS SELECT * FROM pg_temp.uaknn_definitions();
SELECT count(*) > 50 AS described FROM fresh;
DROP EXTENSION uaknn;
CREATE EXTENSION uaknn VERSION '0.1.0' SCHEMA "LDL models";
INSERT INTO "LDL models".uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
SELECT "LDL models".uaknn_predict('{1,0}') = "LDL models".uaknn_predict('default', '{1,0}') AS predicts_in_0_1_0;
TRUNCATE "LDL models".uaknn_samples;
ALTER EXTENSION uaknn UPDATE;
SELECT extversion AS version FROM pg_extension WHERE extname = 'uaknn';
-- In the fresh installation only, and in the updated one only: nothing.
(SELECT * FROM fresh EXCEPT SELECT * FROM pg_temp.uaknn_definitions())
UNION ALL
(SELECT * FROM pg_temp.uaknn_definitions() EXCEPT SELECT * FROM fresh)
ORDER BY 1, 2;
INSERT INTO "LDL models".uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
SELECT "LDL models".uaknn_predict('{0,1}', method => 'aaknn', k => 1) AS predicts_after_update;

DROP EXTENSION uaknn;
DROP SCHEMA "LDL models";
CREATE EXTENSION uaknn;
