-- uaknn 0.1.0 -> 0.2.0
\echo Use "ALTER EXTENSION uaknn UPDATE TO '0.2.0'" to load this file. \quit

-- Every function below that is written in SQL or PL/pgSQL runs with
-- search_path pinned to pg_catalog, pg_temp (pg_temp last, and never
-- searched for functions or operators there) and names the extension's own
-- objects by schema: nothing it runs depends on the caller's search_path or
-- on what another role may create in the extension's schema.

------------------------------------------------------------------------------
-- Parameters: declared once, in the library
------------------------------------------------------------------------------

-- Every prediction parameter and model option the library knows: its SQL
-- type, whether a call may pass it (call) or only a model's options hold it
-- (model), the methods that read it, its default and range.
CREATE FUNCTION @extschema@.uaknn_parameters(
    OUT name text, OUT type text, OUT scope text, OUT methods text,
    OUT default_value text, OUT range text, OUT description text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_parameters'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Checks a model's options: known names, JSON types and ranges, for every
-- method. Raises 22023 naming the offending option.
CREATE OR REPLACE FUNCTION @extschema@.uaknn_check_options(options jsonb)
RETURNS void
AS 'MODULE_PATHNAME', 'uaknn_check_options'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- 0.1.0 checked options through this; uaknn_check_options does it all now.
DROP FUNCTION @extschema@.uaknn_check_parameters(text, float8, integer, float8, float8, float8, text,
    bigint, text, boolean, boolean, integer, float8);

------------------------------------------------------------------------------
-- The change log: appended to without locks, read by snapshot
------------------------------------------------------------------------------

-- One row per statement that changed a model's table: the keys an INSERT
-- added (kind 'i'), or a reset after an UPDATE, DELETE or TRUNCATE ('r'),
-- or a marker that rows written before `horizon` were pruned ('p'). writer
-- is the writing transaction: a cache knows which rows it has seen by
-- whether its snapshot saw their writers. Caches reload in full after the
-- update, so the 0.1.0 log is dropped.
TRUNCATE @extschema@.uaknn_change;
ALTER TABLE @extschema@.uaknn_change
    DROP COLUMN previous,
    ADD COLUMN writer xid8 NOT NULL,
    ADD COLUMN kind "char" NOT NULL CHECK (kind IN ('i', 'r', 'p')),
    ADD COLUMN horizon xid8;
CREATE INDEX uaknn_change_writer ON @extschema@.uaknn_change (model_id, writer);
-- The log only serves caches of the running cluster: a dump keeps none of it.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.uaknn_change', 'WHERE false');

-- The configuration uaknn_tune() chose (NULL: never tuned). Only the
-- extension writes it: no role is granted INSERT or UPDATE on it.
ALTER TABLE @extschema@.uaknn_model ADD COLUMN tuned jsonb;

-- 0.1.0 named functions and operators in its column defaults and row
-- policies without a schema; they were resolved when it was installed, and
-- a same-named function or operator of another role in the extension's
-- schema that matched the arguments better (nextval(text), =(oid, regclass),
-- has_table_privilege(regclass, text)) was taken, to run as whoever inserts
-- a model or reads the change log. Named by schema now.
ALTER TABLE @extschema@.uaknn_model
    ALTER COLUMN id SET DEFAULT pg_catalog.nextval('@extschema@.uaknn_version_seq'::pg_catalog.regclass),
    ALTER COLUMN version SET DEFAULT pg_catalog.nextval('@extschema@.uaknn_version_seq'::pg_catalog.regclass),
    ALTER COLUMN created_at SET DEFAULT pg_catalog.now();
ALTER POLICY uaknn_model_owner ON @extschema@.uaknn_model
    USING (pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c
                                   WHERE c.oid OPERATOR(pg_catalog.=) source), 'USAGE'))
    WITH CHECK (pg_catalog.pg_has_role((SELECT c.relowner FROM pg_catalog.pg_class c
                                        WHERE c.oid OPERATOR(pg_catalog.=) source), 'USAGE'));
ALTER POLICY uaknn_change_read ON @extschema@.uaknn_change
    USING (pg_catalog.has_table_privilege((SELECT m.source FROM @extschema@.uaknn_model m
                                           WHERE m.id OPERATOR(pg_catalog.=) model_id), 'SELECT'));

------------------------------------------------------------------------------
-- Catalog functions, pinned and qualified
------------------------------------------------------------------------------

-- Checks a sample against a model's N and L (NULL: not fixed yet) and its
-- options. Returns NULL for a valid sample, else what is wrong with it.
CREATE FUNCTION @extschema@.uaknn_sample_error(features float8[], labels float8[], n integer, l integer,
                                               options jsonb)
RETURNS text
AS 'MODULE_PATHNAME', 'uaknn_sample_error'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Registers a model over a table: checks the columns, validates every row
-- (refusing, with the first offending key, a row that is not a valid
-- sample) and installs the triggers that keep it valid and current.
-- key defaults to the table's single-column primary key, which must be of
-- an integer type. Needs ownership of the table. Returns the row count.
CREATE OR REPLACE FUNCTION @extschema@.uaknn_create_model(name text, source regclass, features text, labels text,
                                   key text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel      pg_catalog.pg_class;
    key_type pg_catalog.regtype;
    col      record;
    n        integer;
    l        integer;
    bad      record;
    total    bigint;
    model_id bigint;
BEGIN
    IF name IS NULL OR source IS NULL OR features IS NULL OR labels IS NULL THEN
        RAISE EXCEPTION 'name, source, features and labels of a model must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF name OPERATOR(pg_catalog.=) '' THEN
        RAISE EXCEPTION 'model name must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM @extschema@.uaknn_model m WHERE m.name OPERATOR(pg_catalog.=) uaknn_create_model.name) THEN
        RAISE EXCEPTION 'model "%" already exists', name USING ERRCODE = 'duplicate_object';
    END IF;
    SELECT * INTO rel FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) source;
    IF rel.relkind OPERATOR(pg_catalog.=) 'p' THEN
        RAISE EXCEPTION 'table % is partitioned', source
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'A model reads one plain table; create it over a table, not a partition tree.';
    ELSIF rel.relkind OPERATOR(pg_catalog.<>) 'r' THEN
        RAISE EXCEPTION '"%" is not a table', source USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_catalog.pg_has_role(rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', source USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF rel.relrowsecurity THEN
        RAISE EXCEPTION 'table % has row-level security enabled', source
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'A model is cached whole and shared by every role that may read the table, so it cannot honour row policies.';
    END IF;
    IF rel.relpersistence OPERATOR(pg_catalog.=) 't' THEN
        RAISE EXCEPTION 'table % is temporary', source
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'A temporary table goes at the end of its session or transaction unseen by the extension, and its model would stay behind.';
    END IF;
    PERFORM @extschema@.uaknn_check_options(options);

    IF key IS NULL THEN
        SELECT a.attname INTO key
        FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a
             ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid AND a.attnum OPERATOR(pg_catalog.=) i.indkey[0]
        WHERE i.indrelid OPERATOR(pg_catalog.=) source AND i.indisprimary AND i.indnatts OPERATOR(pg_catalog.=) 1;
        IF key IS NULL THEN
            RAISE EXCEPTION 'table % has no single-column primary key', source
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Name a unique integer key column with the key argument.';
        END IF;
    END IF;

    FOR col IN SELECT * FROM (VALUES ('key', key), ('features', features), ('labels', labels)) v(role, colname) LOOP
        SELECT a.atttypid::pg_catalog.regtype INTO key_type
        FROM pg_catalog.pg_attribute a
        WHERE a.attrelid OPERATOR(pg_catalog.=) source AND a.attname OPERATOR(pg_catalog.=) col.colname
          AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', col.colname, source
                USING ERRCODE = 'undefined_column';
        END IF;
        IF col.role OPERATOR(pg_catalog.=) 'key'
           AND key_type OPERATOR(pg_catalog.<>) ALL (ARRAY['smallint', 'integer', 'bigint']::pg_catalog.regtype[]) THEN
            RAISE EXCEPTION 'key column "%" of table % is of type %, not an integer type', col.colname, source, key_type
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Add a bigint identity column and name it with the key argument.';
        ELSIF col.role OPERATOR(pg_catalog.<>) 'key'
           AND key_type OPERATOR(pg_catalog.<>) ALL (ARRAY['double precision[]', 'real[]']::pg_catalog.regtype[]) THEN
            RAISE EXCEPTION '% column "%" of table % is of type %, not double precision[] or real[]',
                col.role, col.colname, source, key_type
                USING ERRCODE = 'datatype_mismatch';
        END IF;
    END LOOP;

    -- The first row by key fixes N and L; every row must agree and be valid.
    EXECUTE pg_catalog.format('SELECT pg_catalog.array_length(%I, 1), pg_catalog.array_length(%I, 1) FROM ONLY %s ORDER BY %I LIMIT 1',
                   features, labels, source, key) INTO n, l;
    EXECUTE pg_catalog.format('SELECT %1$I AS k, @extschema@.uaknn_sample_error(%2$I::pg_catalog.float8[], %3$I::pg_catalog.float8[], $1, $2, $3) AS error
                    FROM ONLY %4$s WHERE %1$I IS NULL OR @extschema@.uaknn_sample_error(%2$I::pg_catalog.float8[], %3$I::pg_catalog.float8[], $1, $2, $3) IS NOT NULL
                    ORDER BY %1$I LIMIT 1', key, features, labels, source)
        INTO bad USING n, l, options;
    GET DIAGNOSTICS total = ROW_COUNT;
    IF total OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'row % of table % is not a valid sample', coalesce(bad.k::text, 'with a NULL key'), source
            USING ERRCODE = 'invalid_parameter_value', DETAIL = coalesce(bad.error, 'The key is NULL.');
    END IF;
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM ONLY %s', source) INTO total;

    INSERT INTO @extschema@.uaknn_model (name, source, key_column, features_column, labels_column, options,
                             feature_count, label_count)
    VALUES (name, source, key, features, labels, options, n, l) RETURNING id INTO model_id;
    PERFORM @extschema@.uaknn_install_triggers(model_id);
    -- Options that predict from a fit (standardize zscore, maxent): make it now.
    IF total OPERATOR(pg_catalog.>) 0 AND @extschema@.uaknn_options_need_fit(options) THEN
        PERFORM @extschema@.uaknn_refit(name);
    END IF;
    RETURN total;
END $$;

-- Drops a model and its triggers; the table and its rows stay.
CREATE OR REPLACE FUNCTION @extschema@.uaknn_drop_model(name text)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
BEGIN
    SELECT mm.id, mm.source INTO m
    FROM @extschema@.uaknn_model mm WHERE mm.name OPERATOR(pg_catalog.=) uaknn_drop_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT pg_catalog.pg_has_role((SELECT relowner FROM pg_catalog.pg_class WHERE oid OPERATOR(pg_catalog.=) m.source), 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table % to drop model "%"', m.source, name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' OPERATOR(pg_catalog.||) m.id OPERATOR(pg_catalog.||) '_validate', m.source);
    EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' OPERATOR(pg_catalog.||) m.id OPERATOR(pg_catalog.||) '_insert', m.source);
    EXECUTE pg_catalog.format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' OPERATOR(pg_catalog.||) m.id OPERATOR(pg_catalog.||) '_change', m.source);
    DELETE FROM @extschema@.uaknn_model WHERE id OPERATOR(pg_catalog.=) m.id;
END $$;

-- Rows of a table, or NULL when the caller may not read it (or row
-- policies would apply, or it is gone or no longer a plain table). In C, a
-- scan with no SQL: counting with a query would run the functions of a view
-- (a table made into one by an ON SELECT rule) or of row policies, written
-- by the table's owner, as whoever lists the models.
CREATE OR REPLACE FUNCTION @extschema@.uaknn_row_count(source regclass)
RETURNS bigint
AS 'MODULE_PATHNAME', 'uaknn_row_count'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- When a source table is dropped, its models go with it. In C and not
-- SECURITY DEFINER: it reads pg_event_trigger_dropped_objects() and deletes
-- the models' catalog rows without running SQL over them. On every command
-- that drops objects: DROP TYPE ... CASCADE drops a typed table, and a model
-- row left behind would name whatever relation gets the table's oid next.
DROP EVENT TRIGGER uaknn_drop_watch;
DROP FUNCTION @extschema@.uaknn_drop_watch();
CREATE FUNCTION @extschema@.uaknn_drop_watch()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'uaknn_drop_watch'
LANGUAGE C;
CREATE EVENT TRIGGER uaknn_drop_watch ON sql_drop
    EXECUTE FUNCTION @extschema@.uaknn_drop_watch();

------------------------------------------------------------------------------
-- Predictions: the default model takes every named parameter
------------------------------------------------------------------------------

-- weights comes right after features so that uaknn_predict('m', '{...}')
-- still resolves to the named model's function: an untyped literal second
-- argument is an array for both forms, and the first is text for only one.
DROP FUNCTION @extschema@.uaknn_predict(float8[]);
CREATE FUNCTION @extschema@.uaknn_predict(features float8[],
    weights float8[] DEFAULT NULL,
    method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL,
    bandwidth_rule text DEFAULT NULL, bandwidth_scale float8 DEFAULT NULL, fallback text DEFAULT NULL,
    members jsonb DEFAULT NULL)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'uaknn_predict_default'
LANGUAGE C STABLE PARALLEL RESTRICTED;

DROP FUNCTION @extschema@.uaknn_predict(text, float8[], text, float8, integer, float8, float8, float8, text,
    bigint, text, boolean, boolean, integer, float8);
CREATE FUNCTION @extschema@.uaknn_predict(model text, features float8[],
    method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL,
    bandwidth_rule text DEFAULT NULL, bandwidth_scale float8 DEFAULT NULL, fallback text DEFAULT NULL,
    members jsonb DEFAULT NULL, weights float8[] DEFAULT NULL)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'uaknn_predict'
LANGUAGE C STABLE PARALLEL RESTRICTED;

DROP FUNCTION @extschema@.uaknn_predict_batch(text, bigint[], float8[], text, float8, integer, float8, float8,
    float8, text, bigint, text, boolean, boolean, integer, float8);
CREATE FUNCTION @extschema@.uaknn_predict_batch(model text, keys bigint[], features float8[],
    method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL,
    bandwidth_rule text DEFAULT NULL, bandwidth_scale float8 DEFAULT NULL, fallback text DEFAULT NULL,
    members jsonb DEFAULT NULL, weights float8[] DEFAULT NULL,
    OUT key bigint, OUT prediction float8[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_predict_batch'
LANGUAGE C STABLE PARALLEL RESTRICTED;

------------------------------------------------------------------------------
-- The cache
------------------------------------------------------------------------------

DROP FUNCTION @extschema@.uaknn_cache_info();
CREATE FUNCTION @extschema@.uaknn_cache_info(
    OUT model text, OUT rows bigint, OUT bytes bigint, OUT version bigint,
    OUT loaded_at timestamptz, OUT load_ms float8, OUT last_load text, OUT last_used timestamptz,
    OUT storage text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_cache_info'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- This backend's cached models together, against uaknn.max_cache_memory
-- (NULL: no limit), and how many were evicted to stay within it.
CREATE FUNCTION @extschema@.uaknn_cache_summary(
    OUT models bigint, OUT bytes bigint, OUT limit_bytes bigint, OUT evictions bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'uaknn_cache_summary'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- 0.1.0's check of a sample without the model's options.
DROP FUNCTION @extschema@.uaknn_sample_error(float8[], float8[], integer, integer);

------------------------------------------------------------------------------
-- The neighbour family (NEIGHBOURS.md)
------------------------------------------------------------------------------

-- Row weights (F2.1): the model option weight_column names a numeric column
-- of the model's table; each row's value (finite, >= 0) weights it in
-- kernel kNN and AA-kNN, and a row of weight 0 never serves as a neighbour.

-- NULL for a valid row weight (finite, >= 0), else what is wrong with it.
CREATE FUNCTION @extschema@.uaknn_weight_error(weight float8)
RETURNS text
AS 'MODULE_PATHNAME', 'uaknn_weight_error'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Checks a model's weight column (NULL: none): it exists, is of a numeric
-- type, and every row's value is a valid weight (the first bad one named by
-- its key).
CREATE FUNCTION @extschema@.uaknn_check_weight_column(source regclass, key_column name, weight_column text)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    weight_type pg_catalog.regtype;
    bad record;
    found_rows bigint;
BEGIN
    IF weight_column IS NULL THEN
        RETURN;
    END IF;
    SELECT a.atttypid::pg_catalog.regtype INTO weight_type
    FROM pg_catalog.pg_attribute a
    WHERE a.attrelid OPERATOR(pg_catalog.=) source AND a.attname OPERATOR(pg_catalog.=) weight_column
      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'weight column "%" of table % does not exist', weight_column, source
            USING ERRCODE = 'undefined_column';
    END IF;
    IF weight_type OPERATOR(pg_catalog.<>) ALL (ARRAY['smallint', 'integer', 'bigint', 'real', 'double precision',
                                                     'numeric']::pg_catalog.regtype[]) THEN
        RAISE EXCEPTION 'weight column "%" of table % is of type %, not a numeric type', weight_column, source, weight_type
            USING ERRCODE = 'datatype_mismatch',
                  HINT = 'A weight column is smallint, integer, bigint, real, double precision or numeric.';
    END IF;
    EXECUTE pg_catalog.format('SELECT %1$I AS k, @extschema@.uaknn_weight_error(%2$I::pg_catalog.float8) AS error
                    FROM ONLY %3$s WHERE @extschema@.uaknn_weight_error(%2$I::pg_catalog.float8) IS NOT NULL
                    ORDER BY %1$I LIMIT 1', key_column, weight_column, source)
        INTO bad;
    GET DIAGNOSTICS found_rows = ROW_COUNT;
    IF found_rows OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'row % of table % is not a valid sample', coalesce(bad.k::text, 'with a NULL key'), source
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = bad.error OPERATOR(pg_catalog.||) ' (column "' OPERATOR(pg_catalog.||) weight_column
                           OPERATOR(pg_catalog.||) '")';
    END IF;
END $$;

-- Creates a model's change trigger: an UPDATE of its key, features, labels
-- or weight column, a DELETE or a TRUNCATE makes caches reload. replace:
-- drops the existing one first (only if there is one).
CREATE FUNCTION @extschema@.uaknn_install_change_trigger(model_id bigint, source regclass, key_column name,
    features_column name, labels_column name, weight_column text, replace boolean)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    trigger_name text := 'uaknn_' OPERATOR(pg_catalog.||) model_id OPERATOR(pg_catalog.||) '_change';
BEGIN
    IF replace THEN
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_trigger t WHERE t.tgrelid OPERATOR(pg_catalog.=) source
                       AND t.tgname OPERATOR(pg_catalog.=) trigger_name) THEN
            RETURN;
        END IF;
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', trigger_name, source);
    END IF;
    -- An UPDATE of other columns changes no sample.
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE OF %I, %I, %I%s OR DELETE OR TRUNCATE ON %s
                    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.uaknn_change_trigger(%s)',
                   trigger_name, key_column, features_column, labels_column,
                   CASE WHEN weight_column IS NULL THEN ''
                        ELSE pg_catalog.format(', %I', weight_column) END,
                   source, model_id);
END $$;

-- Installs the triggers that keep a model valid and current on its table
-- (the change trigger also watches the weight column).
CREATE OR REPLACE FUNCTION @extschema@.uaknn_install_triggers(model_id bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
BEGIN
    -- Named columns: not every column of the catalog is readable by all.
    SELECT mm.id, mm.source, mm.key_column, mm.features_column, mm.labels_column, mm.options INTO STRICT m
    FROM @extschema@.uaknn_model mm WHERE mm.id OPERATOR(pg_catalog.=) model_id;
    EXECUTE pg_catalog.format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %s FOR EACH ROW
                    EXECUTE FUNCTION @extschema@.uaknn_validate_trigger(%s)',
                   'uaknn_' OPERATOR(pg_catalog.||) m.id OPERATOR(pg_catalog.||) '_validate', m.source, m.id);
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS uaknn_new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.uaknn_change_trigger(%s)',
                   'uaknn_' OPERATOR(pg_catalog.||) m.id OPERATOR(pg_catalog.||) '_insert', m.source, m.id);
    PERFORM @extschema@.uaknn_install_change_trigger(m.id, m.source, m.key_column, m.features_column,
        m.labels_column, m.options OPERATOR(pg_catalog.->>) 'weight_column', false);
END $$;

-- Catalog rows written directly (not through uaknn_create_model) get the
-- checks that do not need the table's rows: a plain table, not temporary
-- (dropped at the end of its session without an event trigger, it would
-- leave the row naming an oid that another relation may get), valid
-- options. A weight column, when the options name a new one, is checked
-- with its values, and the change trigger is made to watch it. Predictions
-- check the columns' types before every load.
CREATE OR REPLACE FUNCTION @extschema@.uaknn_model_check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    weight text := NEW.options OPERATOR(pg_catalog.->>) 'weight_column';
BEGIN
    IF (SELECT relkind FROM pg_catalog.pg_class WHERE oid OPERATOR(pg_catalog.=) NEW.source) IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION '% is not a plain table', NEW.source USING ERRCODE = 'wrong_object_type';
    END IF;
    IF (SELECT relpersistence FROM pg_catalog.pg_class WHERE oid OPERATOR(pg_catalog.=) NEW.source) OPERATOR(pg_catalog.=) 't' THEN
        RAISE EXCEPTION 'table % is temporary', NEW.source USING ERRCODE = 'feature_not_supported';
    END IF;
    PERFORM @extschema@.uaknn_check_options(NEW.options);
    IF TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
        PERFORM @extschema@.uaknn_check_weight_column(NEW.source, NEW.key_column, weight);
    ELSIF weight IS DISTINCT FROM (OLD.options OPERATOR(pg_catalog.->>) 'weight_column') THEN
        PERFORM @extschema@.uaknn_check_weight_column(NEW.source, NEW.key_column, weight);
        PERFORM @extschema@.uaknn_install_change_trigger(NEW.id, NEW.source, NEW.key_column, NEW.features_column,
            NEW.labels_column, weight, true);
    END IF;
    RETURN NEW;
END $$;

-- Scoring: top-label accuracy (F4.2), focused scores (G2), prediction
-- statistics (G4). ldl_metric(truth, prediction, 'top1') is 1 when the top
-- labels agree (ties to the lowest label), else 0; its mean is accuracy.
ALTER FUNCTION @extschema@.ldl_metric_kinds() ROWS 12;
-- ldl_score's mean of top1. (SSPACE stays 56, a planner hint: recreating
-- the aggregate would drop the users' views that call it.)
ALTER TYPE @extschema@.ldl_scores ADD ATTRIBUTE top1 float8;

-- The metric of the focused pair: the positions where truth exceeds
-- threshold (NULL: 0.014, just below 1/68), each vector normalized with
-- Softmax* of base 2. NULL truth, prediction or kind: NULL.
CREATE FUNCTION @extschema@.ldl_metric_focused(truth float8[], prediction float8[], kind text,
    threshold float8 DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'ldl_metric_focused'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_score_focused_transfn(internal, float8[], float8[], float8)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_focused_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_score_focused_transfn(internal, float8[], float8[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_focused_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- ldl_score of the focused pairs (rows, the six means, top1).
CREATE AGGREGATE @extschema@.ldl_score_focused(truth float8[], prediction float8[], threshold float8) (
    SFUNC = @extschema@.ldl_score_focused_transfn,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = @extschema@.ldl_score_finalfn,
    COMBINEFUNC = @extschema@.ldl_score_combinefn,
    SERIALFUNC = @extschema@.ldl_score_serialfn,
    DESERIALFUNC = @extschema@.ldl_score_deserialfn,
    PARALLEL = SAFE
);

CREATE AGGREGATE @extschema@.ldl_score_focused(truth float8[], prediction float8[]) (
    SFUNC = @extschema@.ldl_score_focused_transfn,
    STYPE = internal,
    SSPACE = 64,
    FINALFUNC = @extschema@.ldl_score_finalfn,
    COMBINEFUNC = @extschema@.ldl_score_combinefn,
    SERIALFUNC = @extschema@.ldl_score_serialfn,
    DESERIALFUNC = @extschema@.ldl_score_deserialfn,
    PARALLEL = SAFE
);

-- ldl_prediction_stats(prediction): predictions and the means of their
-- entropy -sum p ln p, variance (1/L) sum (p - 1/L)^2 and largest value.
CREATE TYPE @extschema@.ldl_prediction_summary AS (
    n bigint, mean_entropy float8, mean_variance float8, mean_max float8
);

CREATE FUNCTION @extschema@.ldl_prediction_stats_transfn(internal, float8[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_prediction_stats_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_prediction_stats_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_prediction_stats_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_prediction_stats_serialfn(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'ldl_prediction_stats_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_prediction_stats_deserialfn(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_prediction_stats_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.ldl_prediction_stats_finalfn(internal)
RETURNS @extschema@.ldl_prediction_summary
AS 'MODULE_PATHNAME', 'ldl_prediction_stats_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.ldl_prediction_stats(prediction float8[]) (
    SFUNC = @extschema@.ldl_prediction_stats_transfn,
    STYPE = internal,
    SSPACE = 32,
    FINALFUNC = @extschema@.ldl_prediction_stats_finalfn,
    COMBINEFUNC = @extschema@.ldl_prediction_stats_combinefn,
    SERIALFUNC = @extschema@.ldl_prediction_stats_serialfn,
    DESERIALFUNC = @extschema@.ldl_prediction_stats_deserialfn,
    PARALLEL = SAFE
);

-- Model diagnostics. Like uaknn_predict: STABLE, PARALLEL RESTRICTED, the
-- caller's SELECT on the model's table checked on every call, cancel
-- honoured. Arguments left NULL take the model's options where they are
-- prediction parameters (k, bandwidth, bandwidth_rule, bandwidth_scale,
-- method), else the defaults of the reference.

-- The confidence of a prediction (F2.2): g(x) = the mean of
-- exp(-||x - x_i||^2 / 2s^2) over the k nearest rows, in (0, 1]. The rule
-- defaults to fixed with a bandwidth, else median; kth is refused.
CREATE FUNCTION @extschema@.uaknn_confidence(model text, features float8[], k integer DEFAULT NULL,
    bandwidth float8 DEFAULT NULL, bandwidth_rule text DEFAULT NULL, bandwidth_scale float8 DEFAULT NULL)
RETURNS float8
AS 'MODULE_PATHNAME', 'uaknn_confidence'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Rows most likely mislabelled (F3.1): each row's labels against the
-- prediction of its neighbours without it (k 15, method aaknn by default),
-- score = ldl_metric(labels, neighbour_labels, score) (1 - value for
-- similarities; kl by default), in rank order.
CREATE FUNCTION @extschema@.uaknn_label_noise(model text, k integer DEFAULT NULL, method text DEFAULT NULL,
    score text DEFAULT NULL, bandwidth float8 DEFAULT NULL, bandwidth_rule text DEFAULT NULL,
    bandwidth_scale float8 DEFAULT NULL,
    OUT key bigint, OUT labels float8[], OUT neighbour_labels float8[], OUT score float8, OUT rank bigint,
    OUT top_label integer, OUT neighbour_top_label integer, OUT disagrees boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_label_noise'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Rare labels and their nearest frequent labels (F4.1): per label its
-- supports, its split (empty, few, medium, many) and its k nearest labels
-- by centroid; evaluate adds leave-one-out top-1 recall and MAE with the
-- model's own method.
CREATE FUNCTION @extschema@.uaknn_label_support(model text DEFAULT 'default', few_below integer DEFAULT NULL,
    many_above integer DEFAULT NULL, support text DEFAULT NULL, k integer DEFAULT NULL,
    distance text DEFAULT NULL, evaluate boolean DEFAULT NULL,
    OUT label integer, OUT rows_top bigint, OUT prototype_size bigint, OUT soft_support float8, OUT split text,
    OUT neighbours integer[], OUT distances float8[], OUT mean_distance float8,
    OUT loo_top1_recall float8, OUT loo_mae float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_label_support'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The split of truth's top label (F4.2), to group scores by:
-- GROUP BY uaknn_label_split('m', truth).
CREATE FUNCTION @extschema@.uaknn_label_split(model text, truth float8[], few_below integer DEFAULT NULL,
    many_above integer DEFAULT NULL, support text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'uaknn_label_split'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Which rows' kernel predictions depend on the row with key, and how much
-- (F2.3): r, the first-order change delta = r (d_key - d_j), and the
-- predictions at x_j with and without the row, by r descending.
CREATE FUNCTION @extschema@.uaknn_influence(model text, key bigint, k integer DEFAULT NULL,
    bandwidth float8 DEFAULT NULL, bandwidth_rule text DEFAULT NULL, bandwidth_scale float8 DEFAULT NULL,
    OUT key bigint, OUT r float8, OUT delta float8[], OUT prediction float8[], OUT prediction_without float8[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_influence'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Recall@K of top labels (F2.5): per k, the share of rows with a row of the
-- same top label among their k nearest others; rows whose top label no
-- other row has are skipped.
CREATE FUNCTION @extschema@.uaknn_neighbour_recall(model text, ks integer[] DEFAULT NULL,
    distance text DEFAULT NULL,
    OUT k integer, OUT recall float8, OUT rows bigint, OUT skipped bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_neighbour_recall'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- How UAKNN's prototypes overlap (G11): rows in 0, 1, 2 and 3 or more
-- prototypes ('0', '1', '2', '3+').
CREATE FUNCTION @extschema@.uaknn_prototype_overlap(model text DEFAULT 'default',
    OUT memberships text, OUT rows bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_prototype_overlap'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

------------------------------------------------------------------------------
-- Real data and tuning (docs/tuning.md)
------------------------------------------------------------------------------

-- A model's fit (docs/tuning.md §§ 2, 4): the standardization statistics
-- (mean[N] then sd[N]) and the maximum-entropy fit (its layout is the
-- library's, Sources/UAKNNBridge/FitStorage.swift), made from the rows as
-- stored by uaknn_refit(), uaknn_tune() or uaknn_create_model(). fit_id is
-- new (from uaknn_version_seq) at every write, so a backend's cache reads
-- the arrays only when it changed; fitted_version is the model's version
-- the fit saw. Only the extension writes them (no role is granted INSERT
-- or UPDATE on them), after checking that the caller owns the table.
ALTER TABLE @extschema@.uaknn_model
    ADD COLUMN fit_id pg_catalog.int8,
    ADD COLUMN feature_stats pg_catalog.float8[],
    ADD COLUMN maxent pg_catalog.float8[],
    ADD COLUMN fitted_version pg_catalog.int8,
    ADD COLUMN fitted_at pg_catalog.timestamptz;

-- The statistics and weights are derived from the rows of the model's
-- table, which not everyone may read: every column but those two is
-- readable by all (predictions and the models view read the catalog).
REVOKE SELECT ON @extschema@.uaknn_model FROM PUBLIC;
GRANT SELECT (id, name, source, key_column, features_column, labels_column, options, feature_count, label_count,
              version, created_at, tuned, fit_id, fitted_version, fitted_at)
    ON @extschema@.uaknn_model TO PUBLIC;

-- Recomputes a model's statistics and maximum-entropy fit (l2 from its
-- options) from its rows. Only the table's owner.
CREATE FUNCTION @extschema@.uaknn_refit(model text)
RETURNS void
AS 'MODULE_PATHNAME', 'uaknn_refit'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- Whether a model with these options predicts from a stored fit
-- (standardize zscore, or maxent in its method or members).
CREATE FUNCTION @extschema@.uaknn_options_need_fit(options jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'uaknn_options_need_fit_sql'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Cross-validation of candidate configurations on a model's rows: a JSON
-- array of option objects (NULL: the default tuning grid), folds by key
-- (docs/tuning.md § 6). One row per candidate: the six metrics' means over
-- every test row, their standard deviations over folds, rows scored and the
-- seconds attributable to it. Any role that may read the table.
CREATE FUNCTION @extschema@.uaknn_cross_validate(model text, candidates jsonb DEFAULT NULL,
    folds integer DEFAULT 5, repeats integer DEFAULT 1, seed bigint DEFAULT 0,
    OUT candidate jsonb, OUT n bigint,
    OUT chebyshev float8, OUT clark float8, OUT canberra float8,
    OUT kl float8, OUT cosine float8, OUT intersection float8,
    OUT chebyshev_std float8, OUT clark_std float8, OUT canberra_std float8,
    OUT kl_std float8, OUT cosine_std float8, OUT intersection_std float8,
    OUT seconds float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_cross_validate'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Tuning (docs/tuning.md § 7): cross-validates the candidates (NULL: the
-- default grid) on one metric and returns the leaderboard, best first; with
-- apply (the table's owner only), the winner becomes the model's options,
-- the choice is recorded in tuned, and the fit is remade.
CREATE FUNCTION @extschema@.uaknn_tune(model text, metric text DEFAULT 'kl', folds integer DEFAULT 5,
    seed bigint DEFAULT 0, candidates jsonb DEFAULT NULL, apply boolean DEFAULT true,
    OUT rank integer, OUT candidate jsonb,
    OUT chebyshev float8, OUT clark float8, OUT canberra float8,
    OUT kl float8, OUT cosine float8, OUT intersection float8,
    OUT n bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_tune'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

-- The models view: version is the one a model's cache follows (the newest
-- change logged for it); it shows the tuned configuration and the fit:
-- neighbour methods use inserted rows at once, maxent (and the statistics)
-- only from the next fit, so fitted_version < version says the fit is behind.
CREATE OR REPLACE VIEW @extschema@.uaknn_models AS
SELECT m.name, m.source, m.key_column, m.features_column, m.labels_column,
       m.feature_count AS n_features, m.label_count AS n_labels,
       @extschema@.uaknn_row_count(m.source) AS rows, m.options,
       GREATEST(m.version, (SELECT pg_catalog.max(c.version) FROM @extschema@.uaknn_change c
                            WHERE c.model_id OPERATOR(pg_catalog.=) m.id)) AS version,
       m.created_at, m.tuned,
       m.tuned OPERATOR(pg_catalog.->) 'candidate' AS tuned_candidate,
       m.tuned OPERATOR(pg_catalog.->>) 'metric' AS tuned_metric,
       CAST(m.tuned OPERATOR(pg_catalog.->>) 'score' AS pg_catalog.float8) AS tuned_score,
       CAST(m.tuned OPERATOR(pg_catalog.->>) 'version' AS pg_catalog.int8) AS tuned_version,
       m.fitted_version, m.fitted_at
FROM @extschema@.uaknn_model m;
