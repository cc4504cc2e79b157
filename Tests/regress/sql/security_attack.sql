-- The attacker's suite. A role with no rights of its own but a schema (and,
-- as in databases made before PostgreSQL 15, CREATE on public, the
-- extension's schema) plants functions, aggregates, operators, views and
-- types named like every built-in the extension's SQL and C use, and like the
-- extension's own helpers. Each planted object reports, and records, when it
-- runs as any role but the attacker, and then tries to make the attacker a
-- superuser. The extension is then installed anew with the objects in its
-- schema, and a superuser and an ordinary role use every path with the
-- attacker's schema first in search_path, before pg_catalog. Nothing planted
-- may run, and the attacker must stay what it was.
--
-- The test's own statements name operators and functions by schema (or run
-- with search_path = pg_catalog) where planted objects are in search_path:
-- what a victim's own unqualified statement picks is the victim's doing;
-- only what the extension runs is under test.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS uaknn;
RESET client_min_messages;
CREATE ROLE regress_uaknn_attacker;
CREATE ROLE regress_uaknn_victim;
CREATE SCHEMA regress_attack AUTHORIZATION regress_uaknn_attacker;
CREATE SCHEMA regress_victim AUTHORIZATION regress_uaknn_victim;
CREATE TABLE public.regress_attack_log (who name, what text, superuser boolean);
GRANT INSERT ON public.regress_attack_log TO PUBLIC;
GRANT CREATE ON SCHEMA public TO PUBLIC;

------------------------------------------------------------------------------
-- The attacker's objects
------------------------------------------------------------------------------
SET ROLE regress_uaknn_attacker;
GRANT USAGE ON SCHEMA regress_attack TO PUBLIC;

-- Reports and records a run as another role; as a superuser, escalates.
CREATE FUNCTION regress_attack.trap(what pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    super boolean := (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER);
BEGIN
    IF CURRENT_USER OPERATOR(pg_catalog.<>) 'regress_uaknn_attacker' OR super THEN
        RAISE NOTICE 'the attacker''s % ran as %', what, CURRENT_USER;
        INSERT INTO public.regress_attack_log VALUES (CURRENT_USER, what, super);
        IF super THEN
            EXECUTE 'ALTER ROLE regress_uaknn_attacker SUPERUSER';
        END IF;
    END IF;
    RETURN true;
END $$;

-- Plants, in schema `target`, a look-alike of each built-in: it springs the
-- trap, then does what the built-in does (so that nothing else shows).
CREATE FUNCTION regress_attack.plant(target pg_catalog.text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $plant$
DECLARE
    f record;
    v text;
    n integer := 0;
BEGIN
    -- functions: name, arguments, result, the built-in's call
    FOR f IN SELECT * FROM (VALUES
        ('nextval', 'pg_catalog.text', 'pg_catalog.int8', 'pg_catalog.nextval($1::pg_catalog.regclass)'),
        ('nextval', 'pg_catalog.regclass', 'pg_catalog.int8', 'pg_catalog.nextval($1)'),
        ('now', '', 'pg_catalog.timestamptz', 'pg_catalog.now()'),
        ('format', 'pg_catalog.text, VARIADIC pg_catalog.text[]', 'pg_catalog.text', 'pg_catalog.format($1, VARIADIC $2)'),
        ('format', 'pg_catalog.text, pg_catalog.regclass', 'pg_catalog.text', 'pg_catalog.format($1, $2)'),
        ('format', 'pg_catalog.text, pg_catalog.text, pg_catalog.regclass', 'pg_catalog.text', 'pg_catalog.format($1, $2, $3)'),
        ('format', 'pg_catalog.text, pg_catalog.text, pg_catalog.regclass, pg_catalog.int8', 'pg_catalog.text',
         'pg_catalog.format($1, $2, $3, $4)'),
        ('format', 'pg_catalog.text, pg_catalog.text, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.regclass, pg_catalog.int8',
         'pg_catalog.text', 'pg_catalog.format($1, $2, $3, $4, $5, $6, $7)'),
        ('format', 'pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.regclass, pg_catalog.text', 'pg_catalog.text',
         'pg_catalog.format($1, $2, $3, $4, $5)'),
        ('format', 'pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.regclass', 'pg_catalog.text',
         'pg_catalog.format($1, $2, $3, $4, $5)'),
        ('quote_ident', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.quote_ident($1)'),
        ('array_length', 'pg_catalog.float8[], pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.array_length($1, $2)'),
        ('array_length', 'pg_catalog.float4[], pg_catalog.int4', 'pg_catalog.int4', 'pg_catalog.array_length($1, $2)'),
        ('has_table_privilege', 'pg_catalog.regclass, pg_catalog.text', 'pg_catalog.bool', 'pg_catalog.has_table_privilege($1, $2)'),
        ('has_table_privilege', 'pg_catalog.oid, pg_catalog.text', 'pg_catalog.bool', 'pg_catalog.has_table_privilege($1, $2)'),
        ('has_table_privilege', 'pg_catalog.text, pg_catalog.text', 'pg_catalog.bool', 'pg_catalog.has_table_privilege($1, $2)'),
        ('pg_has_role', 'pg_catalog.oid, pg_catalog.text', 'pg_catalog.bool', 'pg_catalog.pg_has_role($1, $2)'),
        ('pg_has_role', 'pg_catalog.name, pg_catalog.text', 'pg_catalog.bool', 'pg_catalog.pg_has_role($1, $2)'),
        ('jsonb_typeof', 'pg_catalog.jsonb', 'pg_catalog.text', 'pg_catalog.jsonb_typeof($1)'),
        ('jsonb_object_keys', 'pg_catalog.jsonb', 'SETOF pg_catalog.text', 'QUERY SELECT * FROM pg_catalog.jsonb_object_keys($1)'),
        ('row_security_active', 'pg_catalog.regclass', 'pg_catalog.bool', 'pg_catalog.row_security_active($1)'),
        ('pg_event_trigger_dropped_objects',
         'OUT classid pg_catalog.oid, OUT objid pg_catalog.oid, OUT objsubid pg_catalog.int4, OUT original pg_catalog.bool, '
         'OUT normal pg_catalog.bool, OUT is_temporary pg_catalog.bool, OUT object_type pg_catalog.text, '
         'OUT schema_name pg_catalog.text, OUT object_name pg_catalog.text, OUT object_identity pg_catalog.text, '
         'OUT address_names pg_catalog.text[], OUT address_args pg_catalog.text[]',
         'SETOF record', 'QUERY SELECT * FROM pg_catalog.pg_event_trigger_dropped_objects()')
    ) v(name, args, result, body) LOOP
        EXECUTE pg_catalog.format(
            'CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$ '
            'BEGIN PERFORM regress_attack.trap(%L); RETURN %s; END $f$',
            target, f.name, f.args, f.result, pg_catalog.format('%s(%s)', f.name, f.args), f.body);
    END LOOP;

    -- aggregates: count(*) and max(bigint)
    EXECUTE pg_catalog.format(
        'CREATE FUNCTION %I.count_step(pg_catalog.int8) RETURNS pg_catalog.int8 LANGUAGE plpgsql AS $f$ '
        'BEGIN PERFORM regress_attack.trap(''count(*)''); RETURN $1 OPERATOR(pg_catalog.+) 1; END $f$', target);
    EXECUTE pg_catalog.format(
        'CREATE AGGREGATE %I.count(*) (SFUNC = %I.count_step, STYPE = pg_catalog.int8, INITCOND = 0)', target, target);
    EXECUTE pg_catalog.format(
        'CREATE FUNCTION %I.max_step(pg_catalog.int8, pg_catalog.int8) RETURNS pg_catalog.int8 LANGUAGE plpgsql AS $f$ '
        'BEGIN PERFORM regress_attack.trap(''max(bigint)''); '
        'RETURN COALESCE(pg_catalog.int8larger($1, $2), $1, $2); END $f$', target);
    EXECUTE pg_catalog.format(
        'CREATE AGGREGATE %I.max(pg_catalog.int8) (SFUNC = %I.max_step, STYPE = pg_catalog.int8)', target, target);

    -- operators: name, left and right types, result
    FOR f IN SELECT * FROM (VALUES
        ('=', 'pg_catalog.int8', 'pg_catalog.int8', 'pg_catalog.bool'),
        ('=', 'pg_catalog.int4', 'pg_catalog.int8', 'pg_catalog.bool'),
        ('=', 'pg_catalog.int2', 'pg_catalog.int8', 'pg_catalog.bool'),
        ('=', 'pg_catalog.int2', 'pg_catalog.int2', 'pg_catalog.bool'),
        ('=', 'pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.bool'),
        ('=', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.bool'),
        ('=', 'pg_catalog.name', 'pg_catalog.text', 'pg_catalog.bool'),
        ('=', 'pg_catalog.oid', 'pg_catalog.oid', 'pg_catalog.bool'),
        ('=', 'pg_catalog.oid', 'pg_catalog.regclass', 'pg_catalog.bool'),
        ('=', 'pg_catalog."char"', 'pg_catalog."char"', 'pg_catalog.bool'),
        ('<>', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.bool'),
        ('<>', 'pg_catalog.regtype', 'pg_catalog.regtype', 'pg_catalog.bool'),
        ('<>', 'pg_catalog."char"', 'pg_catalog."char"', 'pg_catalog.bool'),
        ('<', 'pg_catalog.int8', 'pg_catalog.int8', 'pg_catalog.bool'),
        ('>', 'pg_catalog.int8', 'pg_catalog.int4', 'pg_catalog.bool'),
        ('>', 'pg_catalog.int2', 'pg_catalog.int4', 'pg_catalog.bool'),
        ('||', 'pg_catalog.text', 'pg_catalog.int8', 'pg_catalog.text'),
        ('||', 'pg_catalog.text', 'pg_catalog.text', 'pg_catalog.text'),
        ('->>', 'pg_catalog.jsonb', 'pg_catalog.text', 'pg_catalog.text'),
        ('->', 'pg_catalog.jsonb', 'pg_catalog.text', 'pg_catalog.jsonb'),
        ('?', 'pg_catalog.jsonb', 'pg_catalog.text', 'pg_catalog.bool')
    ) v(op, l, r, result) LOOP
        n := n OPERATOR(pg_catalog.+) 1;
        EXECUTE pg_catalog.format(
            'CREATE FUNCTION %I.%I(%s, %s) RETURNS %s LANGUAGE plpgsql AS $f$ '
            'BEGIN PERFORM regress_attack.trap(%L); RETURN $1 OPERATOR(pg_catalog.%s) $2; END $f$',
            target, 'op_' OPERATOR(pg_catalog.||) n, f.l, f.r, f.result,
            pg_catalog.format('%s(%s, %s)', f.op, f.l, f.r), f.op);
        EXECUTE pg_catalog.format('CREATE OPERATOR %I.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %I.%I)',
                                  target, f.op, f.l, f.r, target, 'op_' OPERATOR(pg_catalog.||) n);
    END LOOP;

    -- relations: the catalogs the extension's SQL reads
    FOR f IN SELECT * FROM (VALUES ('pg_class', '*'), ('pg_index', '*'), ('pg_namespace', '*'), ('pg_roles', '*'),
                                   ('pg_attribute', 'attrelid, attname, atttypid, attnum, attisdropped')) v(name, columns) LOOP
        EXECUTE pg_catalog.format('CREATE VIEW %I.%I AS SELECT %s FROM pg_catalog.%I WHERE regress_attack.trap(%L)',
                                  target, f.name, f.columns, f.name, 'view ' OPERATOR(pg_catalog.||) f.name);
        EXECUTE pg_catalog.format('GRANT SELECT ON %I.%I TO PUBLIC', target, f.name);
    END LOOP;

    -- types: domains whose check runs on every cast to them
    FOREACH v IN ARRAY ARRAY['text', 'int8', 'int4', 'float8', 'float4', 'jsonb', 'name', 'regclass', 'regtype', 'oid'] LOOP
        EXECUTE pg_catalog.format('CREATE DOMAIN %I.%I AS pg_catalog.%I CHECK (regress_attack.trap(%L))',
                                  target, v, v, 'type ' OPERATOR(pg_catalog.||) v);
    END LOOP;
END $plant$;

SELECT regress_attack.plant('regress_attack');
SELECT regress_attack.plant('public');
RESET ROLE;

-- What was planted: the same in the attacker's schema and in public.
SET search_path = pg_catalog, pg_temp;
SELECT s AS schema,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = s::regnamespace AND prokind = 'f'
          AND proowner = 'regress_uaknn_attacker'::regrole AND proname !~ '^(op_|count_step$|max_step$|trap$|plant$)') AS functions,
       (SELECT count(*) FROM pg_proc WHERE pronamespace = s::regnamespace AND prokind = 'a'
          AND proowner = 'regress_uaknn_attacker'::regrole) AS aggregates,
       (SELECT count(*) FROM pg_operator WHERE oprnamespace = s::regnamespace
          AND oprowner = 'regress_uaknn_attacker'::regrole) AS operators,
       (SELECT count(*) FROM pg_class WHERE relnamespace = s::regnamespace AND relkind = 'v'
          AND relowner = 'regress_uaknn_attacker'::regrole) AS views,
       (SELECT count(*) FROM pg_type WHERE typnamespace = s::regnamespace AND typtype = 'd'
          AND typowner = 'regress_uaknn_attacker'::regrole) AS domains
FROM unnest('{regress_attack,public}'::text[]) s ORDER BY 1;
SELECT p.proname AS function, pg_get_function_identity_arguments(p.oid) AS arguments, p.prokind AS kind
FROM pg_proc p
WHERE p.pronamespace = 'regress_attack'::regnamespace AND p.proname !~ '^(op_|count_step$|max_step$|trap$|plant$)'
ORDER BY 1, 2;
SELECT o.oprname AS operator, o.oprleft::regtype AS left, o.oprright::regtype AS right
FROM pg_operator o WHERE o.oprnamespace = 'regress_attack'::regnamespace
ORDER BY 1, 2::text, 3::text;
SELECT c.relname AS view FROM pg_class c WHERE c.relnamespace = 'regress_attack'::regnamespace AND c.relkind = 'v' ORDER BY 1;
SELECT t.typname AS domain, t.typbasetype::regtype AS over FROM pg_type t
WHERE t.typnamespace = 'regress_attack'::regnamespace AND t.typtype = 'd' ORDER BY 1;
RESET search_path;

------------------------------------------------------------------------------
-- 1. CREATE EXTENSION with the look-alikes in the extension's schema
------------------------------------------------------------------------------
-- The full script is the first release's followed by the upgrade. The first
-- release's catalog functions pinned search_path = <extension's schema>,
-- pg_catalog and named nothing by schema; creating the default model ran
-- them, and with them the look-alikes of the view pg_class, =(oid, regclass),
-- =(bigint, bigint), ||(text, bigint), format(...) and jsonb_typeof, as the
-- installing superuser. Its column defaults and row policies took
-- nextval(text), =(oid, regclass) and has_table_privilege(regclass, text)
-- from the schema, for good: they ran at every uaknn_create_model(), whoever
-- called it. Now the default model is created last, with 0.2.0's functions,
-- and the defaults and policies name pg_catalog's functions.
DROP EXTENSION uaknn;
CREATE EXTENSION uaknn;
-- (An extension's script runs with client_min_messages = warning: the log
-- shows what ran.)
SELECT who, what, superuser FROM public.regress_attack_log;
SET search_path = pg_catalog, pg_temp;
-- Nothing of the extension (its objects, and their defaults, constraints,
-- policies, rules and triggers) uses an object of the attacker's.
WITH members AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'uaknn' AND d.deptype = 'e'),
relations AS (SELECT objid AS relid FROM members WHERE classid = 'pg_class'::regclass),
parts AS (
    SELECT classid, objid FROM members
    UNION ALL SELECT 'pg_attrdef'::regclass, oid FROM pg_attrdef WHERE adrelid IN (SELECT relid FROM relations)
    UNION ALL SELECT 'pg_constraint'::regclass, oid FROM pg_constraint WHERE conrelid IN (SELECT relid FROM relations)
    UNION ALL SELECT 'pg_policy'::regclass, oid FROM pg_policy WHERE polrelid IN (SELECT relid FROM relations)
    UNION ALL SELECT 'pg_rewrite'::regclass, oid FROM pg_rewrite WHERE ev_class IN (SELECT relid FROM relations)
    UNION ALL SELECT 'pg_trigger'::regclass, oid FROM pg_trigger WHERE tgrelid IN (SELECT relid FROM relations))
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS object,
       pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) AS uses
FROM pg_depend d JOIN parts p ON p.classid = d.classid AND p.objid = d.objid
WHERE EXISTS (SELECT FROM pg_shdepend o
              WHERE o.classid = d.refclassid AND o.objid = d.refobjid AND o.deptype = 'o'
                AND o.refobjid = 'regress_uaknn_attacker'::regrole)
ORDER BY 1, 2;
-- How many of those parts there are (the query above looks at something).
SELECT count(*) > 0 AS defaults, (SELECT count(*) FROM pg_policy WHERE polrelid = 'public.uaknn_model'::regclass) AS model_policies
FROM pg_attrdef WHERE adrelid = 'public.uaknn_model'::regclass;
-- Every function of the extension in SQL or PL/pgSQL pins search_path, pg_temp
-- last; none is SECURITY DEFINER.
SELECT p.proname AS function, l.lanname AS language, p.prosecdef AS security_definer, p.proconfig AS settings
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'uaknn'
WHERE l.lanname NOT IN ('c', 'internal') OR p.prosecdef OR p.proconfig IS NOT NULL
ORDER BY 1;
RESET search_path;

-- Look-alikes of the extension's own helpers and catalog, in the attacker's
-- schema (made now: they refer to the extension's objects).
SET ROLE regress_uaknn_attacker;
SET search_path = pg_catalog, pg_temp;
DO $$
DECLARE
    f record;
    v text;
BEGIN
    FOR f IN SELECT * FROM (VALUES
        ('uaknn_check_options', 'jsonb', 'void', 'PERFORM public.uaknn_check_options($1); RETURN'),
        ('uaknn_sample_error', 'float8[], float8[], integer, integer, jsonb', 'text',
         'RETURN public.uaknn_sample_error($1, $2, $3, $4, $5)'),
        ('uaknn_install_triggers', 'bigint', 'void', 'PERFORM public.uaknn_install_triggers($1); RETURN'),
        ('uaknn_options_need_fit', 'jsonb', 'boolean', 'RETURN public.uaknn_options_need_fit($1)'),
        ('uaknn_refit', 'text', 'void', 'PERFORM public.uaknn_refit($1); RETURN'),
        ('uaknn_row_count', 'regclass', 'bigint', 'RETURN public.uaknn_row_count($1)'),
        ('uaknn_validate_trigger', '', 'trigger', 'RETURN NEW'),
        ('uaknn_change_trigger', '', 'trigger', 'RETURN NULL')
    ) v(name, args, result, body) LOOP
        EXECUTE format('CREATE FUNCTION regress_attack.%I(%s) RETURNS %s LANGUAGE plpgsql AS $f$ '
                       'BEGIN PERFORM regress_attack.trap(%L); %s; END $f$',
                       f.name, f.args, f.result, f.name, f.body);
    END LOOP;
    FOREACH v IN ARRAY ARRAY['uaknn_model', 'uaknn_change'] LOOP
        EXECUTE format('CREATE VIEW regress_attack.%I AS SELECT * FROM public.%I WHERE regress_attack.trap(%L)',
                       v, v, 'view ' || v);
        EXECUTE format('GRANT SELECT ON regress_attack.%I TO PUBLIC', v);
    END LOOP;
END $$;
RESET search_path;
RESET ROLE;

------------------------------------------------------------------------------
-- 2. What the attacker may do with the catalog and its own tables
------------------------------------------------------------------------------
CREATE FUNCTION public.regress_try(query text) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    state text; msg text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) msg;
END $$;
CREATE TABLE regress_victim.owned (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
ALTER TABLE regress_victim.owned OWNER TO regress_uaknn_victim;
GRANT USAGE ON SCHEMA regress_victim TO PUBLIC;

SET ROLE regress_uaknn_attacker;
SET search_path = pg_catalog, public, pg_temp;
CREATE TABLE regress_attack.mine (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
SELECT uaknn_create_model('attacker_mine', 'regress_attack.mine', 'f', 'l') AS rows;
-- 2a. tuned is written only by the extension: not in an INSERT, not in an
-- UPDATE, not even of one's own model.
SELECT regress_try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column, tuned)
                      VALUES ('tuned', 'regress_attack.mine', 'id', 'f', 'l', '{"method": "kernel"}')$q$) AS insert_tuned;
SELECT regress_try($q$UPDATE uaknn_model SET tuned = '{"method": "kernel"}' WHERE name OPERATOR(pg_catalog.=) 'attacker_mine'$q$) AS update_tuned;
SELECT regress_try($q$UPDATE uaknn_model SET version = 1 WHERE name OPERATOR(pg_catalog.=) 'attacker_mine'$q$) AS update_version;
SELECT regress_try($q$INSERT INTO uaknn_model (id, name, source, key_column, features_column, labels_column)
                      VALUES (1, 'x', 'regress_attack.mine', 'id', 'f', 'l')$q$) AS choose_id;
-- 2b. Another role's table cannot be registered, its triggers not installed,
-- the default model not dropped, the change log not written.
SELECT regress_try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column)
                      VALUES ('theirs', 'regress_victim.owned', 'id', 'f', 'l')$q$) AS register_other;
SELECT regress_try($q$SELECT uaknn_create_model('theirs', 'regress_victim.owned', 'f', 'l')$q$) AS create_other;
SELECT regress_try(pg_catalog.format('SELECT uaknn_install_triggers(%s)',
                          (SELECT id FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'default'))) AS install_on_default;
SELECT regress_try($q$DELETE FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'default'$q$) AS delete_default,
       (SELECT count(*) FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'default') AS default_model_rows;
SELECT regress_try(pg_catalog.format('INSERT INTO uaknn_change (model_id, version, writer, kind, inserted) VALUES (%s, 1, ''1'', ''i'', ''{1}'')',
                          (SELECT id FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'default'))) AS write_change_log;
SELECT regress_try($q$SELECT uaknn_drop_model('default')$q$) AS drop_default;

-- 2c. A catalog row written directly over a table whose key is of the
-- attacker's type, with a cast to bigint of the attacker's: loading it ran
-- the cast's function as whoever predicted.
CREATE TYPE regress_attack.k AS (v bigint);
CREATE FUNCTION regress_attack.k_to_int8(regress_attack.k) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM regress_attack.trap('cast k -> bigint');
    RETURN ($1).v;
END $$;
CREATE CAST (regress_attack.k AS bigint) WITH FUNCTION regress_attack.k_to_int8(regress_attack.k);
CREATE FUNCTION regress_attack.k_to_float8s(regress_attack.k) RETURNS float8[] LANGUAGE plpgsql AS $$
BEGIN
    PERFORM regress_attack.trap('cast k -> float8[]');
    RETURN ARRAY[1, 0]::float8[];
END $$;
CREATE CAST (regress_attack.k AS float8[]) WITH FUNCTION regress_attack.k_to_float8s(regress_attack.k);
CREATE TABLE regress_attack.cast_key (id regress_attack.k, f float8[], l float8[]);
CREATE TABLE regress_attack.cast_features (id bigint, f regress_attack.k, l float8[]);
INSERT INTO regress_attack.cast_key VALUES (ROW(1), '{1,0}', '{0.9,0.1}');
INSERT INTO regress_attack.cast_features VALUES (1, ROW(1), '{0.9,0.1}');
INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column, feature_count, label_count)
VALUES ('attacker_cast_key', 'regress_attack.cast_key', 'id', 'f', 'l', 2, 2),
       ('attacker_cast_features', 'regress_attack.cast_features', 'id', 'f', 'l', 2, 2);
-- 2d. A table turned into a view by an ON SELECT rule (it has no triggers:
-- its catalog row was written directly): reading it ran the view's
-- functions, in a prediction and in uaknn_models.
CREATE TABLE regress_attack.viewed (id bigint, f float8[], l float8[]);
INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column, feature_count, label_count)
VALUES ('attacker_view', 'regress_attack.viewed', 'id', 'f', 'l', 2, 2);
CREATE RULE "_RETURN" AS ON SELECT TO regress_attack.viewed DO INSTEAD
    SELECT 1::bigint AS id, '{1,0}'::float8[] AS f, '{0.9,0.1}'::float8[] AS l WHERE regress_attack.trap('view viewed');
-- 2e. Row-level security enabled after the model was made, with a policy
-- that springs the trap: counting the rows for uaknn_models ran it as any
-- role that may read the table.
CREATE TABLE regress_attack.policed (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO regress_attack.policed VALUES (1, '{1,0}', '{0.9,0.1}');
SELECT uaknn_create_model('attacker_policed', 'regress_attack.policed', 'f', 'l') AS rows;
ALTER TABLE regress_attack.policed ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON regress_attack.policed USING (regress_attack.trap('policy of policed'));
-- 2f. A typed table dropped with its type (DROP TYPE ... CASCADE): its model
-- stayed behind, naming an oid that the next relation may get, and
-- uaknn_models failed for everyone ('SELECT count(*) FROM ONLY 16999').
CREATE TYPE regress_attack.sample AS (id bigint, f float8[], l float8[]);
CREATE TABLE regress_attack.typed OF regress_attack.sample (PRIMARY KEY (id));
SELECT uaknn_create_model('attacker_typed', 'regress_attack.typed', 'f', 'l') AS rows;
SET client_min_messages = warning;
DROP TYPE regress_attack.sample CASCADE;
RESET client_min_messages;
SELECT count(*) AS typed_model_left FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'attacker_typed';
-- 2g. A model over a temporary table: the table goes at the end of its
-- session (or, ON COMMIT DROP, of its transaction) without an event
-- trigger, and the model's row stayed behind, naming an oid another
-- relation may get, deletable by superusers only.
BEGIN;
CREATE TEMP TABLE tmp (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL) ON COMMIT DROP;
SELECT regress_try($q$SELECT uaknn_create_model('attacker_temp', 'tmp', 'f', 'l')$q$) AS create_on_temp;
SELECT regress_try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column)
                      VALUES ('attacker_temp', 'tmp', 'id', 'f', 'l')$q$) AS register_temp;
COMMIT;
SELECT count(*) AS temp_models_left FROM uaknn_model WHERE name OPERATOR(pg_catalog.=) 'attacker_temp';
-- 2h. A weighted model whose weight column is then changed to the
-- attacker's type, with a cast to float8 of the attacker's: the type was
-- checked only when the weight column was named, and loads (predictions,
-- cross-validation) ran the cast's function as the caller.
CREATE FUNCTION regress_attack.k_to_float8(regress_attack.k) RETURNS float8 LANGUAGE plpgsql AS $$
BEGIN
    PERFORM regress_attack.trap('cast k -> float8');
    RETURN 1;
END $$;
CREATE CAST (regress_attack.k AS float8) WITH FUNCTION regress_attack.k_to_float8(regress_attack.k);
CREATE TABLE regress_attack.weighted (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL, w float8 NOT NULL);
INSERT INTO regress_attack.weighted SELECT i, ARRAY[i, 0], '{0.9,0.1}', 1 FROM pg_catalog.generate_series(1, 10) i;
SELECT uaknn_create_model('attacker_cast_weights', 'regress_attack.weighted', 'f', 'l',
                          options => '{"weight_column": "w", "method": "aaknn"}') AS rows;
-- (The model's triggers depend on the column: the table's owner drops them first.)
DO $$
DECLARE t pg_catalog.name;
BEGIN
    FOR t IN SELECT tgname FROM pg_catalog.pg_trigger
             WHERE tgrelid OPERATOR(pg_catalog.=) 'regress_attack.weighted'::pg_catalog.regclass AND NOT tgisinternal
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON regress_attack.weighted', t);
    END LOOP;
END $$;
ALTER TABLE regress_attack.weighted ALTER COLUMN w TYPE regress_attack.k USING ROW(1)::regress_attack.k;
-- 2i. An option named in another case ("Weight_Column"): the library took it
-- as weight_column, the catalog's checks (->> 'weight_column') did not see
-- it, so the column's values were never checked and the change trigger did
-- not watch it (an UPDATE of the weights left every other backend's cache
-- with the old ones).
CREATE TABLE regress_attack.cased (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL, w float8 NOT NULL);
INSERT INTO regress_attack.cased SELECT i, ARRAY[i, 0], ARRAY[i / 20.0, 1 - i / 20.0], -1 FROM pg_catalog.generate_series(1, 10) i;
SELECT regress_try($q$SELECT uaknn_create_model('attacker_cased', 'regress_attack.cased', 'f', 'l',
                          options => '{"Weight_Column": "w"}')$q$) AS create_cased_option;
SELECT regress_try($q$INSERT INTO uaknn_model (name, source, key_column, features_column, labels_column, options)
                      VALUES ('attacker_cased', 'regress_attack.cased', 'id', 'f', 'l', '{"WEIGHT_COLUMN": "w"}')$q$) AS insert_cased_option;
SELECT regress_try($q$UPDATE uaknn_model SET options = '{"Method": "aaknn"}'
                      WHERE name OPERATOR(pg_catalog.=) 'attacker_mine'$q$) AS update_cased_option;
-- 2j. Candidate lists as large as a jsonb holds: planning them compared each
-- method with every one before it (minutes, deaf to cancel), and each fold
-- held every method's predictions of its test rows (gigabytes, past
-- uaknn.max_model_memory).
UPDATE regress_attack.cased SET w = 1;
SELECT uaknn_create_model('attacker_many', 'regress_attack.cased', 'f', 'l') AS rows;
SELECT regress_try($q$SELECT count(*) FROM uaknn_cross_validate('attacker_many', '[{"Method": "prior"}]')$q$) AS cased_candidate;
SELECT regress_try($q$SELECT count(*) FROM uaknn_cross_validate('attacker_many',
    (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('method', 'kernel', 'bandwidth', i))
     FROM pg_catalog.generate_series(1, 10001) i), folds => 2)$q$) AS too_many_candidates;
SELECT regress_try($q$SELECT count(*) FROM uaknn_tune('attacker_many',
    candidates => pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('method', 'mix', 'members',
        (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('method', 'aaknn', 'k', i))
         FROM pg_catalog.generate_series(1, 10001) i))), apply => false)$q$) AS too_many_members;
SELECT count(*) AS candidates_within_bounds FROM uaknn_cross_validate('attacker_many',
    (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('method', 'aaknn', 'k', i))
     FROM pg_catalog.generate_series(1, 3) i), folds => 2);
GRANT SELECT ON ALL TABLES IN SCHEMA regress_attack TO PUBLIC;
RESET search_path;
RESET ROLE;

-- What the attacker made, used by a superuser and by another role: refused
-- or left out, and nothing of the attacker's ran.
SELECT regress_try($q$SELECT uaknn_predict('attacker_cast_key', '{1,0}')$q$) AS predict_cast_key;
SELECT regress_try($q$SELECT uaknn_predict('attacker_cast_features', '{1,0}')$q$) AS predict_cast_features;
SELECT regress_try($q$SELECT uaknn_predict('attacker_view', '{1,0}')$q$) AS predict_view;
SELECT regress_try($q$SELECT uaknn_predict('attacker_cast_weights', '{1,0}')$q$) AS predict_cast_weights;
SELECT regress_try($q$SELECT count(*) FROM uaknn_cross_validate('attacker_cast_weights', folds => 2)$q$) AS cv_cast_weights;
SELECT regress_try($q$SELECT * FROM uaknn_prototypes('attacker_view')$q$) AS prototypes_view;
-- (2j) Within the number of methods, the predictions a fold holds count
-- against uaknn.max_model_memory: here 1000 methods' of about 5 rows, 100 kB.
SET uaknn.max_model_memory = '64kB';
SELECT regress_try($q$SELECT count(*) FROM uaknn_cross_validate('attacker_many',
    (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('method', 'kernel', 'k', 3, 'bandwidth', i))
     FROM pg_catalog.generate_series(1, 1000) i), folds => 2)$q$) AS predictions_past_the_limit;
RESET uaknn.max_model_memory;
SELECT name, rows FROM uaknn_models WHERE name LIKE 'attacker%' ORDER BY name;
SET ROLE regress_uaknn_victim;
SELECT regress_try($q$SELECT uaknn_predict('attacker_cast_key', '{1,0}')$q$) AS predict_cast_key;
SELECT regress_try($q$SELECT uaknn_predict('attacker_policed', '{1,0}')$q$) AS predict_policed;
SELECT name, rows FROM uaknn_models WHERE name LIKE 'attacker%' ORDER BY name;
RESET ROLE;

------------------------------------------------------------------------------
-- 3. Victims with the attacker's schema first in search_path
------------------------------------------------------------------------------
-- Every path of the extension, by a superuser, then by an ordinary role
-- over its own table. The look-alikes in regress_attack come before
-- pg_catalog's objects; those in public (the extension's schema) after.
CREATE TABLE regress_victim.t (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
SET search_path = regress_attack, pg_catalog, public;

-- The default model, from empty (its first rows fix N and L, as the owner).
INSERT INTO uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
COPY uaknn_samples (features, labels) FROM STDIN;
{1,0.1}	{0.8,0.2}
\.
SELECT uaknn_predict('{1,0}', method => 'aaknn', k => 1) AS default_prediction;
SELECT uaknn_predict('default', '{0,1}', method => 'aaknn', k => 1) AS named_default_prediction;
TRUNCATE uaknn_samples;
SELECT name, n_features, n_labels, rows FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) 'default';
INSERT INTO uaknn_samples (features, labels) VALUES ('{1,0,0}', '{0.7,0.3}');
SELECT uaknn_predict('{1,0,0}', method => 'aaknn', k => 1) AS default_after_truncate;

-- A model over the superuser's own table: every statement and function.
INSERT INTO regress_victim.t VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT uaknn_create_model('victim', 'regress_victim.t', 'f', 'l', options => '{"method": "aaknn", "k": 1}') AS rows;
INSERT INTO regress_victim.t VALUES (3, '{1,1}', '{0.6,0.4}');
COPY regress_victim.t FROM STDIN;
4	{0.5,1}	{0.3,0.7}
\.
UPDATE regress_victim.t SET l = '{0.1,0.9}' WHERE id OPERATOR(pg_catalog.=) 2;
DELETE FROM regress_victim.t WHERE id OPERATOR(pg_catalog.=) 3;
SELECT uaknn_predict('victim', '{0,1}') AS victim_prediction;
SELECT key, prediction FROM uaknn_predict_batch('victim', '{10,20}', '{{1,0},{0,1}}') ORDER BY key;
SELECT label, key FROM uaknn_explain('victim', '{1,0}') ORDER BY label;
SELECT label, size, keys FROM uaknn_prototypes('victim') ORDER BY label;
SELECT model, rows FROM uaknn_cache_info() ORDER BY model;
SELECT models FROM uaknn_cache_summary();
SELECT pg_catalog.count(*) OPERATOR(pg_catalog.>) 10 AS parameters_listed FROM uaknn_parameters();
SELECT name, n_features, n_labels, rows, options FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) ANY ('{default,victim}') ORDER BY name;
-- Tuning (docs/tuning.md): a model made with options that need a fit,
-- refits, cross-validation, tuning with apply, and the fit's use.
SELECT uaknn_create_model('victim_z', 'regress_victim.t', 'f', 'l', options => '{"standardize": "zscore"}') AS rows;
SELECT public.uaknn_refit('victim');
SELECT pg_catalog.count(*) AS candidates FROM uaknn_cross_validate('victim', '[{"method": "prior"}, {"method": "aaknn", "k": 1}]', folds => 2);
SELECT rank, candidate FROM uaknn_tune('victim_z', folds => 2, candidates => '[{"method": "prior"}, {"method": "maxent"}]') ORDER BY rank;
SELECT pg_catalog.cardinality(uaknn_predict('victim_z', '{0,1}')) AS labels,
       pg_catalog.cardinality(uaknn_predict('victim_z', '{0,1}', method => 'auto')) AS tuned_labels;
SELECT name, tuned_candidate, tuned_metric, fitted_version OPERATOR(pg_catalog.=) version AS fitted
FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) 'victim_z';
SELECT uaknn_drop_model('victim_z');
TRUNCATE regress_victim.t;
COPY regress_victim.t FROM STDIN;
1	{1,0,0}	{0.5,0.25,0.25}
\.
SELECT name, n_features, n_labels, rows FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) 'victim';
SELECT uaknn_drop_model('victim');
SELECT uaknn_create_model('victim', 'regress_victim.t', 'f', 'l') AS rows;
DROP TABLE regress_victim.t;
SELECT name FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) 'victim';

-- An ordinary role, over its own tables, with the same search_path.
SET ROLE regress_uaknn_victim;
INSERT INTO regress_victim.owned VALUES (1, '{1,0}', '{0.9,0.1}');
SELECT uaknn_create_model('owned', 'regress_victim.owned', 'f', 'l') AS rows;
INSERT INTO regress_victim.owned VALUES (2, '{0,1}', '{0.2,0.8}');
COPY regress_victim.owned FROM STDIN;
3	{1,1}	{0.6,0.4}
\.
UPDATE regress_victim.owned SET l = '{0.1,0.9}' WHERE id OPERATOR(pg_catalog.=) 2;
DELETE FROM regress_victim.owned WHERE id OPERATOR(pg_catalog.=) 3;
SELECT uaknn_predict('owned', '{0,1}', method => 'aaknn', k => 1) AS owned_prediction;
SELECT key, prediction FROM uaknn_predict_batch('owned', NULL, '{{1,0},{0,1}}', method => 'aaknn', k => 1) ORDER BY key;
SELECT label, key FROM uaknn_explain('owned', '{1,0}') ORDER BY label;
SELECT label, size, keys FROM uaknn_prototypes('owned') ORDER BY label;
SELECT model, rows FROM uaknn_cache_info() ORDER BY model;
SELECT name, rows FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) ANY ('{default,owned}') ORDER BY name;
SELECT uaknn_create_model('owned_z', 'regress_victim.owned', 'f', 'l', options => '{"method": "maxent"}') AS rows;
SELECT public.uaknn_refit('owned');
SELECT pg_catalog.count(*) AS candidates FROM uaknn_cross_validate('owned', '[{"method": "prior"}]', folds => 2);
SELECT rank, candidate FROM uaknn_tune('owned_z', folds => 2, candidates => '[{"method": "prior"}, {"method": "aaknn", "k": 1, "standardize": "zscore"}]') ORDER BY rank;
SELECT pg_catalog.cardinality(uaknn_predict('owned_z', '{0,1}')) AS labels;
SELECT name, tuned_candidate, fitted_version OPERATOR(pg_catalog.=) version AS fitted
FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) 'owned_z';
SELECT uaknn_drop_model('owned_z');
SELECT uaknn_drop_model('owned');
SELECT uaknn_create_model('owned', 'regress_victim.owned', 'f', 'l') AS rows;
TRUNCATE regress_victim.owned;
CREATE TABLE regress_victim.second (id integer PRIMARY KEY, f real[] NOT NULL, l real[] NOT NULL);
INSERT INTO regress_victim.second VALUES (1, '{1,0}', '{0.9,0.1}'), (2, '{0,1}', '{0.2,0.8}');
SELECT uaknn_create_model('second', 'regress_victim.second', 'f', 'l') AS rows;
SELECT uaknn_predict('second', '{1,0}', method => 'aaknn', k => 1) AS integer_key_prediction;
RESET ROLE;
-- DROP SCHEMA and DROP OWNED, by the superuser with the same search_path.
CREATE SCHEMA regress_victim2 AUTHORIZATION regress_uaknn_victim;
CREATE TABLE regress_victim2.t (id bigint PRIMARY KEY, f double precision[] NOT NULL, l double precision[] NOT NULL);
SELECT uaknn_create_model('in_schema', 'regress_victim2.t', 'f', 'l') AS rows;
SET client_min_messages = warning;
DROP SCHEMA regress_victim2 CASCADE;
DROP OWNED BY regress_uaknn_victim;
RESET client_min_messages;
SELECT name FROM uaknn_models WHERE name OPERATOR(pg_catalog.=) ANY ('{in_schema,owned,second}') ORDER BY name;
RESET search_path;

------------------------------------------------------------------------------
-- Nothing of the attacker's ran as another role; it is no superuser.
------------------------------------------------------------------------------
SELECT who, what, superuser FROM public.regress_attack_log ORDER BY who, what;
SELECT rolsuper AS attacker_is_superuser FROM pg_roles WHERE rolname = 'regress_uaknn_attacker';

SET client_min_messages = warning;
DROP OWNED BY regress_uaknn_attacker CASCADE;
DROP SCHEMA IF EXISTS regress_victim CASCADE;
RESET client_min_messages;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DROP FUNCTION public.regress_try(text);
DROP TABLE public.regress_attack_log;
TRUNCATE uaknn_samples;
DROP ROLE regress_uaknn_attacker;
DROP ROLE regress_uaknn_victim;
SELECT name FROM uaknn_models ORDER BY name;
