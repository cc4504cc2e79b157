-- Bad input to the metrics: a clear error with the right SQLSTATE, never a crash.
-- try(query) runs a query and returns its error as "SQLSTATE: message | detail | hint".
CREATE FUNCTION try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text; hint text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
        detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN state || ': ' || msg || coalesce(nullif(' | ' || detail, ' | '), '')
        || coalesce(nullif(' | ' || hint, ' | '), '');
END $$;

SELECT c AS "case", try(q) AS error FROM (VALUES
    ('NULL element in truth',        $q$SELECT ldl_metric('{0.5,NULL}', '{0.5,0.5}', 'kl')$q$),
    ('NULL element in prediction',   $q$SELECT ldl_metric('{0.5,0.5}', '{NULL,0.5}', 'kl')$q$),
    ('different lengths',            $q$SELECT ldl_metric('{0.2,0.3,0.5}', '{0.5,0.5}', 'kl')$q$),
    ('different lengths, metrics',   $q$SELECT ldl_metrics('{1}', '{0.5,0.5}')$q$),
    ('empty arrays',                 $q$SELECT ldl_metric('{}', '{}', 'kl')$q$),
    ('empty prediction',             $q$SELECT ldl_metric('{0.5,0.5}', '{}', 'kl')$q$),
    ('two-dimensional',              $q$SELECT ldl_metric('{{0.5,0.5},{0.5,0.5}}', '{{0.5,0.5},{0.5,0.5}}', 'kl')$q$),
    ('NaN',                          $q$SELECT ldl_metric('{NaN,0.5}', '{0.5,0.5}', 'kl')$q$),
    ('infinity',                     $q$SELECT ldl_metric('{0.5,0.5}', '{0.5,Infinity}', 'kl')$q$),
    ('minus infinity',               $q$SELECT ldl_metric('{0.5,0.5}', '{-Infinity,0.5}', 'kl')$q$),
    ('negative',                     $q$SELECT ldl_metric('{1.5,-0.5}', '{0.5,0.5}', 'kl')$q$),
    ('tiny negative, metrics',       $q$SELECT ldl_metrics('{0.5,0.5}', '{0.5,-1e-300}')$q$),
    ('unknown kind',                 $q$SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'kullback')$q$),
    ('empty kind',                   $q$SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', '')$q$),
    ('kind with a space',            $q$SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'kl ')$q$),
    ('bad row among good ones',      $q$SELECT ldl_metric(t, p, 'kl') FROM (VALUES ('{0.5,0.5}'::float8[], '{0.5,0.5}'::float8[]), ('{0.5,0.5}', '{0.5,NaN}')) v(t, p)$q$),
    ('aggregate, NULL element',      $q$SELECT ldl_score(t, p) FROM (VALUES ('{0.5,NULL}'::float8[], '{0.5,0.5}'::float8[])) v(t, p)$q$),
    ('aggregate, empty arrays',      $q$SELECT ldl_score(t, p) FROM (VALUES ('{}'::float8[], '{}'::float8[])) v(t, p)$q$),
    ('aggregate, lengths',           $q$SELECT ldl_score(t, p) FROM (VALUES ('{1}'::float8[], '{0.5,0.5}'::float8[])) v(t, p)$q$),
    ('text that is not an array',    $q$SELECT ldl_metric('0.5,0.5', '{0.5,0.5}', 'kl')$q$)
) AS cases(c, q);

-- Large and odd-but-valid input works.
SELECT round(ldl_metric(array_fill(1e-4::float8, ARRAY[10000]), array_fill(1e-4::float8, ARRAY[10000]), 'kl')::numeric, 12) AS large_kl;
SELECT ldl_metric('{0,0}', '{0,0}', 'cosine') AS zero_vectors_cosine,
       ldl_metric('{0,0}', '{0,0}', 'sorensen') AS zero_vectors_sorensen;

-- Errors are also raised plainly, with the SQLSTATE visible.
\set VERBOSITY sqlstate
SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'nope');
\set VERBOSITY default
SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'nope');
SELECT 1 AS still_alive;
