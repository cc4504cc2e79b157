-- uaknn 0.1.0: label distribution learning inside PostgreSQL.
\echo Use "CREATE EXTENSION uaknn" to load this file. \quit

------------------------------------------------------------------------------
-- Metrics: scoring stored label distributions
------------------------------------------------------------------------------

-- One metric of a pair; kind is one of ldl_metric_kinds(), any case.
-- real[] arguments are coerced to float8[] by PostgreSQL; a real[] overload
-- would make calls with untyped literals ambiguous.
CREATE FUNCTION ldl_metric(truth float8[], prediction float8[], kind text)
RETURNS float8
AS 'MODULE_PATHNAME', 'ldl_metric'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The six metrics LDL papers report, for one pair.
CREATE FUNCTION ldl_metrics(truth float8[], prediction float8[],
    OUT chebyshev float8, OUT clark float8, OUT canberra float8,
    OUT kl float8, OUT cosine float8, OUT intersection float8)
RETURNS record
AS 'MODULE_PATHNAME', 'ldl_metrics'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_metric_kinds(OUT kind text, OUT better text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ldl_metric_kinds'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 11;

-- ldl_score(truth, prediction): rows scored and the mean of each standard metric.
CREATE TYPE ldl_scores AS (
    n bigint,
    chebyshev float8, clark float8, canberra float8,
    kl float8, cosine float8, intersection float8
);

CREATE FUNCTION ldl_score_transfn(internal, float8[], float8[])
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ldl_score_combinefn(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION ldl_score_serialfn(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'ldl_score_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_score_deserialfn(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'ldl_score_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ldl_score_finalfn(internal)
RETURNS ldl_scores
AS 'MODULE_PATHNAME', 'ldl_score_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE ldl_score(truth float8[], prediction float8[]) (
    SFUNC = ldl_score_transfn,
    STYPE = internal,
    SSPACE = 56,
    FINALFUNC = ldl_score_finalfn,
    COMBINEFUNC = ldl_score_combinefn,
    SERIALFUNC = ldl_score_serialfn,
    DESERIALFUNC = ldl_score_deserialfn,
    PARALLEL = SAFE
);

------------------------------------------------------------------------------
-- Models: training samples in tables, predictions in SQL
------------------------------------------------------------------------------

-- Versions of models' contents. A sequence never hands out a number twice,
-- even after a rollback, so a cached version can never stand for two states.
CREATE SEQUENCE uaknn_version_seq;

-- The model catalog (internal: use the uaknn_models view and the functions).
-- version changes with every statement that changes the source table.
CREATE TABLE uaknn_model (
    id              bigint PRIMARY KEY DEFAULT nextval('uaknn_version_seq'),
    name            text NOT NULL UNIQUE CHECK (name <> ''),
    source          regclass NOT NULL,
    key_column      name NOT NULL,
    features_column name NOT NULL,
    labels_column   name NOT NULL,
    options         jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    feature_count   integer,        -- N, fixed by the first row; NULL while empty
    label_count     integer,        -- L, likewise
    version         bigint NOT NULL DEFAULT nextval('uaknn_version_seq'),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- One row per committed statement that changed a model's source table:
-- the version it made, the version it replaced, and the keys it inserted
-- (NULL: an update, delete or truncate, after which caches reload in full).
-- A backend holding version v catches up to the current version by applying
-- the inserted keys along the chain from v; when the chain does not reach v
-- (a rolled-back change, or a reload in between) it reloads in full.
CREATE TABLE uaknn_change (
    model_id bigint NOT NULL REFERENCES uaknn_model (id) ON DELETE CASCADE,
    version  bigint NOT NULL,
    previous bigint NOT NULL,
    inserted bigint[],
    PRIMARY KEY (model_id, version)
);

-- Everyone reads the catalog (predictions do). A role registers, changes
-- and drops only models over tables it owns (row-level security); id and
-- version come from the sequence and only the change trigger (SECURITY
-- DEFINER) moves version on.
ALTER TABLE uaknn_model ENABLE ROW LEVEL SECURITY;
CREATE POLICY uaknn_model_read ON uaknn_model FOR SELECT USING (true);
CREATE POLICY uaknn_model_owner ON uaknn_model FOR ALL
    USING (pg_has_role((SELECT relowner FROM pg_class WHERE oid = source), 'USAGE'))
    WITH CHECK (pg_has_role((SELECT relowner FROM pg_class WHERE oid = source), 'USAGE'));
REVOKE ALL ON uaknn_model, uaknn_change, uaknn_version_seq FROM PUBLIC;
GRANT SELECT, DELETE ON uaknn_model TO PUBLIC;
GRANT INSERT (name, source, key_column, features_column, labels_column, options,
              feature_count, label_count) ON uaknn_model TO PUBLIC;
GRANT UPDATE (options) ON uaknn_model TO PUBLIC;
GRANT SELECT ON uaknn_change TO PUBLIC;
-- The keys of a table's inserts are for those who may read the table.
ALTER TABLE uaknn_change ENABLE ROW LEVEL SECURITY;
CREATE POLICY uaknn_change_read ON uaknn_change FOR SELECT
    USING (has_table_privilege((SELECT source FROM uaknn_model m WHERE m.id = model_id), 'SELECT'));
GRANT USAGE ON SEQUENCE uaknn_version_seq TO PUBLIC;

-- The default model's table: right after CREATE EXTENSION, INSERT rows and
-- call uaknn_predict(features). Its first row fixes N and L.
CREATE TABLE uaknn_samples (
    id       bigserial PRIMARY KEY,
    features float8[] NOT NULL,
    labels   float8[] NOT NULL
);

SELECT pg_catalog.pg_extension_config_dump('uaknn_samples', '');
SELECT pg_catalog.pg_extension_config_dump('uaknn_samples_id_seq', '');
-- The default model's catalog row is made by CREATE EXTENSION; pg_dump
-- dumps the rest (user data lives in these tables, not in the extension).
SELECT pg_catalog.pg_extension_config_dump('uaknn_model', 'WHERE name <> ''default''');
SELECT pg_catalog.pg_extension_config_dump('uaknn_change', '');
SELECT pg_catalog.pg_extension_config_dump('uaknn_version_seq', '');

-- Rejects a row that is not a valid sample for its model (BEFORE INSERT OR
-- UPDATE, per row); the model's id is the trigger's argument.
CREATE FUNCTION uaknn_validate_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'uaknn_validate_trigger'
LANGUAGE C;

-- Records a change to a source table (AFTER, per statement): moves the
-- model's version on and logs the keys an INSERT added. Not SECURITY
-- DEFINER: it reads the inserted rows in C, and only its fixed writes to
-- the catalog run as the extension's owner.
CREATE FUNCTION uaknn_change_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'uaknn_change_trigger'
LANGUAGE C;

-- Checks a sample against a model's N and L (NULL: not fixed yet). Returns
-- NULL for a valid sample, else what is wrong with it.
CREATE FUNCTION uaknn_sample_error(features float8[], labels float8[], n integer, l integer)
RETURNS text
AS 'MODULE_PATHNAME', 'uaknn_sample_error'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Checks prediction parameters (NULL: default); raises 22023 on a bad one.
CREATE FUNCTION uaknn_check_parameters(method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'uaknn_check_parameters'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- Checks a model's options: known keys, values of the right JSON type, and
-- values in range. Raises 22023 naming the offending key.
CREATE FUNCTION uaknn_check_options(options jsonb)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
DECLARE
    known constant jsonb := '{"method": "string", "variance": "number", "samples": "number",
        "perturbation_ratio": "number", "softmax_base": "number", "temperature": "number",
        "mode": "string", "seed": "number", "normalization": "string", "prototypes": "boolean",
        "perturbation": "boolean", "k": "number", "bandwidth": "number"}';
    entry record;
BEGIN
    IF options IS NULL OR jsonb_typeof(options) <> 'object' THEN
        RAISE EXCEPTION 'model options must be a JSON object, not %', coalesce(jsonb_typeof(options), 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOR entry IN SELECT * FROM jsonb_each(options) LOOP
        IF NOT known ? entry.key THEN
            RAISE EXCEPTION 'unknown model option "%"', entry.key
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Valid options are: ' || (SELECT string_agg(k, ', ') FROM jsonb_object_keys(known) k) || '.';
        END IF;
        IF jsonb_typeof(entry.value) <> known->>entry.key THEN
            RAISE EXCEPTION 'model option "%" must be a JSON %, not %', entry.key, known->>entry.key, entry.value
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    PERFORM uaknn_check_parameters(
        options->>'method', (options->>'variance')::float8, (options->>'samples')::integer,
        (options->>'perturbation_ratio')::float8, (options->>'softmax_base')::float8,
        (options->>'temperature')::float8, options->>'mode', (options->>'seed')::bigint,
        options->>'normalization', (options->>'prototypes')::boolean,
        (options->>'perturbation')::boolean, (options->>'k')::integer, (options->>'bandwidth')::float8);
END $$;

-- Installs the triggers that keep a model valid and current on its table.
CREATE FUNCTION uaknn_install_triggers(model_id bigint)
RETURNS void
LANGUAGE plpgsql
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
DECLARE
    m uaknn_model;
BEGIN
    SELECT * INTO STRICT m FROM uaknn_model WHERE id = model_id;
    EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %s FOR EACH ROW
                    EXECUTE FUNCTION @extschema@.uaknn_validate_trigger(%s)',
                   'uaknn_' || m.id || '_validate', m.source, m.id);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS uaknn_new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.uaknn_change_trigger(%s)',
                   'uaknn_' || m.id || '_insert', m.source, m.id);
    -- An UPDATE of other columns changes no sample.
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF %I, %I, %I OR DELETE OR TRUNCATE ON %s
                    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.uaknn_change_trigger(%s)',
                   'uaknn_' || m.id || '_change', m.key_column, m.features_column, m.labels_column,
                   m.source, m.id);
END $$;

-- Registers a model over a table: checks the columns, validates every row
-- (refusing, with the first offending key, a row that is not a valid
-- sample) and installs the triggers that keep it valid and current.
-- key defaults to the table's single-column primary key, which must be of
-- an integer type. Needs ownership of the table. Returns the row count.
CREATE FUNCTION uaknn_create_model(name text, source regclass, features text, labels text,
                                   key text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
DECLARE
    rel      pg_class;
    key_type regtype;
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
    IF name = '' THEN
        RAISE EXCEPTION 'model name must not be empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT FROM uaknn_model m WHERE m.name = uaknn_create_model.name) THEN
        RAISE EXCEPTION 'model "%" already exists', name USING ERRCODE = 'duplicate_object';
    END IF;
    SELECT * INTO rel FROM pg_class WHERE oid = source;
    IF rel.relkind = 'p' THEN
        RAISE EXCEPTION 'table % is partitioned', source
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'A model reads one plain table; create it over a table, not a partition tree.';
    ELSIF rel.relkind <> 'r' THEN
        RAISE EXCEPTION '"%" is not a table', source USING ERRCODE = 'wrong_object_type';
    END IF;
    IF NOT pg_has_role(rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', source USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF rel.relrowsecurity THEN
        RAISE EXCEPTION 'table % has row-level security enabled', source
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'A model is cached whole and shared by every role that may read the table, so it cannot honour row policies.';
    END IF;
    PERFORM uaknn_check_options(options);

    IF key IS NULL THEN
        SELECT a.attname INTO key
        FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
        WHERE i.indrelid = source AND i.indisprimary AND i.indnatts = 1;
        IF key IS NULL THEN
            RAISE EXCEPTION 'table % has no single-column primary key', source
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'Name a unique integer key column with the key argument.';
        END IF;
    END IF;

    FOR col IN SELECT * FROM (VALUES ('key', key), ('features', features), ('labels', labels)) v(role, colname) LOOP
        SELECT a.atttypid::regtype INTO key_type
        FROM pg_attribute a WHERE a.attrelid = source AND a.attname = col.colname AND a.attnum > 0 AND NOT a.attisdropped;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', col.colname, source
                USING ERRCODE = 'undefined_column';
        END IF;
        IF col.role = 'key' AND key_type NOT IN ('smallint', 'integer', 'bigint') THEN
            RAISE EXCEPTION 'key column "%" of table % is of type %, not an integer type', col.colname, source, key_type
                USING ERRCODE = 'datatype_mismatch',
                      HINT = 'Add a bigint identity column and name it with the key argument.';
        ELSIF col.role <> 'key' AND key_type NOT IN ('double precision[]', 'real[]') THEN
            RAISE EXCEPTION '% column "%" of table % is of type %, not double precision[] or real[]',
                col.role, col.colname, source, key_type
                USING ERRCODE = 'datatype_mismatch';
        END IF;
    END LOOP;

    -- The first row by key fixes N and L; every row must agree and be valid.
    EXECUTE format('SELECT array_length(%I, 1), array_length(%I, 1) FROM ONLY %s ORDER BY %I LIMIT 1',
                   features, labels, source, key) INTO n, l;
    EXECUTE format('SELECT %1$I AS k, uaknn_sample_error(%2$I::float8[], %3$I::float8[], $1, $2) AS error
                    FROM ONLY %4$s WHERE %1$I IS NULL OR uaknn_sample_error(%2$I::float8[], %3$I::float8[], $1, $2) IS NOT NULL
                    ORDER BY %1$I LIMIT 1', key, features, labels, source)
        INTO bad USING n, l;
    GET DIAGNOSTICS total = ROW_COUNT;
    IF total > 0 THEN
        RAISE EXCEPTION 'row % of table % is not a valid sample', coalesce(bad.k::text, 'with a NULL key'), source
            USING ERRCODE = 'invalid_parameter_value', DETAIL = coalesce(bad.error, 'The key is NULL.');
    END IF;
    EXECUTE format('SELECT count(*) FROM ONLY %s', source) INTO total;

    INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column, options,
                             feature_count, label_count)
    VALUES (name, source, key, features, labels, options, n, l) RETURNING id INTO model_id;
    PERFORM uaknn_install_triggers(model_id);
    RETURN total;
END $$;

-- Drops a model and its triggers; the table and its rows stay.
CREATE FUNCTION uaknn_drop_model(name text)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT PARALLEL UNSAFE
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
DECLARE
    m uaknn_model;
BEGIN
    SELECT * INTO m FROM uaknn_model WHERE uaknn_model.name = uaknn_drop_model.name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" does not exist', name USING ERRCODE = 'undefined_object';
    END IF;
    IF NOT pg_has_role((SELECT relowner FROM pg_class WHERE oid = m.source), 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table % to drop model "%"', m.source, name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' || m.id || '_validate', m.source);
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' || m.id || '_insert', m.source);
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'uaknn_' || m.id || '_change', m.source);
    DELETE FROM uaknn_model WHERE id = m.id;
END $$;

-- Rows of a table, or NULL when the caller may not read it.
CREATE FUNCTION uaknn_row_count(source regclass)
RETURNS bigint
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
AS $$
DECLARE n bigint;
BEGIN
    IF NOT has_table_privilege(source, 'SELECT') THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT count(*) FROM ONLY %s', source) INTO n;
    RETURN n;
END $$;

CREATE VIEW uaknn_models AS
SELECT m.name, m.source, m.key_column, m.features_column, m.labels_column,
       m.feature_count AS n_features, m.label_count AS n_labels,
       uaknn_row_count(m.source) AS rows, m.options, m.version, m.created_at
FROM uaknn_model m;
GRANT SELECT ON uaknn_models TO PUBLIC;

-- Predict a label distribution. Parameters left NULL take the model's
-- options, then the spec's defaults. method: uaknn | wuaknn | aaknn | kernel.
CREATE FUNCTION uaknn_predict(model text, features float8[],
    method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL)
RETURNS float8[]
AS 'MODULE_PATHNAME', 'uaknn_predict'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- The default model (table uaknn_samples), with its options.
CREATE FUNCTION uaknn_predict(features float8[])
RETURNS float8[]
AS 'MODULE_PATHNAME', 'uaknn_predict_default'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Many predictions in one call: features is a two-dimensional array, one
-- query per row (array_agg of the feature arrays builds it); keys label the
-- rows of the result (NULL: 1, 2, 3, ...).
CREATE FUNCTION uaknn_predict_batch(model text, keys bigint[], features float8[],
    method text DEFAULT NULL,
    variance float8 DEFAULT NULL, samples integer DEFAULT NULL,
    perturbation_ratio float8 DEFAULT NULL, softmax_base float8 DEFAULT NULL,
    temperature float8 DEFAULT NULL, mode text DEFAULT NULL, seed bigint DEFAULT NULL,
    normalization text DEFAULT NULL, prototypes boolean DEFAULT NULL,
    perturbation boolean DEFAULT NULL, k integer DEFAULT NULL, bandwidth float8 DEFAULT NULL,
    OUT key bigint, OUT prediction float8[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_predict_batch'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Why UAKNN predicts what it does: one row per prototype (label, 1-based),
-- with the matched sample's key, its cosine mu, the step-1 softmax, S, c
-- and the weight w.
CREATE FUNCTION uaknn_explain(model text, features float8[],
    variance float8 DEFAULT NULL, perturbation_ratio float8 DEFAULT NULL,
    softmax_base float8 DEFAULT NULL, temperature float8 DEFAULT NULL,
    OUT label integer, OUT key bigint, OUT mu float8, OUT softmax float8,
    OUT s float8, OUT c float8, OUT w float8)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_explain'
LANGUAGE C STABLE PARALLEL RESTRICTED;

-- Each label's prototype: the keys of the samples whose share of that label
-- is above 1/L (spec step 1).
CREATE FUNCTION uaknn_prototypes(model text DEFAULT 'default',
    OUT label integer, OUT size integer, OUT keys bigint[])
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_prototypes'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;

-- What this backend's cache holds.
CREATE FUNCTION uaknn_cache_info(
    OUT model text, OUT rows bigint, OUT bytes bigint, OUT version bigint,
    OUT loaded_at timestamptz, OUT load_ms float8, OUT last_load text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'uaknn_cache_info'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- Catalog rows written directly (not through uaknn_create_model) get the
-- checks that do not need the table's rows: a plain table, valid options.
CREATE FUNCTION uaknn_model_check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = NEW.source) IS DISTINCT FROM 'r' THEN
        RAISE EXCEPTION '% is not a plain table', NEW.source USING ERRCODE = 'wrong_object_type';
    END IF;
    PERFORM uaknn_check_options(NEW.options);
    RETURN NEW;
END $$;

CREATE TRIGGER uaknn_model_check BEFORE INSERT OR UPDATE OF source, options ON uaknn_model
    FOR EACH ROW EXECUTE FUNCTION uaknn_model_check();

-- The default model over uaknn_samples.
INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column)
VALUES ('default', 'uaknn_samples', 'id', 'features', 'labels');
SELECT uaknn_install_triggers(id) FROM uaknn_model WHERE name = 'default';

-- When a source table is dropped, its models go with it.
CREATE FUNCTION uaknn_drop_watch()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = @extschema@, pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM uaknn_model
    WHERE source::oid IN (SELECT objid FROM pg_event_trigger_dropped_objects() WHERE object_type = 'table');
END $$;

CREATE EVENT TRIGGER uaknn_drop_watch ON sql_drop
    WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED')
    EXECUTE FUNCTION uaknn_drop_watch();
