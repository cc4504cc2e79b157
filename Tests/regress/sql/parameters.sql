-- One declaration per parameter: the library's list (uaknn_parameters())
-- is what the SQL functions take and what the README documents.
\getenv abs_srcdir PG_ABS_SRCDIR
\set readme_file :abs_srcdir '/../../README.md'
\set readme `cat :readme_file`

-- Every argument of the prediction functions after their fixed ones is a
-- call parameter of the library, of the declared type, and every call
-- parameter is an argument of each of them.
CREATE TEMP TABLE declared AS
SELECT name, type, ord FROM uaknn_parameters() WITH ORDINALITY p(name, type, scope, methods, default_value, range, description, ord)
WHERE scope = 'call';
CREATE TEMP TABLE arguments AS
SELECT p.oid::regprocedure::text AS function, a.name, format_type(a.type, NULL) AS type
FROM pg_proc p,
     unnest(p.proargnames, coalesce(p.proallargtypes, p.proargtypes::oid[]), p.proargmodes) a(name, type, mode)
WHERE p.pronamespace = 'public'::regnamespace AND p.proname IN ('uaknn_predict', 'uaknn_predict_batch')
  AND coalesce(a.mode, 'i') = 'i' AND a.name NOT IN ('model', 'features', 'keys');
SELECT DISTINCT function FROM arguments ORDER BY function;
-- Arguments the library does not declare, or of another type (none expected).
SELECT a.function, a.name, a.type, d.type AS declared
FROM arguments a LEFT JOIN declared d USING (name)
WHERE d.name IS NULL OR d.type::regtype::text <> a.type;
-- Declared call parameters some prediction function lacks (none expected).
SELECT f.function, d.name FROM (SELECT DISTINCT function FROM arguments) f CROSS JOIN declared d
WHERE NOT EXISTS (SELECT FROM arguments a WHERE a.function = f.function AND a.name = d.name);

-- The README's table is the library's list, row for row.
CREATE TEMP TABLE readme_rows AS
SELECT line FROM regexp_split_to_table(
    (regexp_match(:'readme', '<!-- parameters -->\n(.*?)\n<!-- /parameters -->'))[1], E'\n') line
WHERE line LIKE '| `%';
CREATE TEMP TABLE library_rows AS
SELECT format('| `%s` | %s | %s | %s | %s | %s | %s |', name, type, scope, coalesce(methods, 'all'), default_value,
              coalesce(range, ''), description) AS line
FROM uaknn_parameters();
SELECT (SELECT count(*) FROM library_rows) = (SELECT count(*) FROM readme_rows) AS same_number_of_rows;
-- Rows that differ (none expected): regenerate the table with the query above.
SELECT 'README only' AS side, line FROM (SELECT line FROM readme_rows EXCEPT SELECT line FROM library_rows) r
UNION ALL
SELECT 'library only', line FROM (SELECT line FROM library_rows EXCEPT SELECT line FROM readme_rows) l
ORDER BY 1, 2;
