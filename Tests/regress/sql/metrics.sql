-- ldl_metric, ldl_metrics and ldl_metric_kinds against the spec's vectors.
CREATE EXTENSION uaknn;

\getenv abs_srcdir PG_ABS_SRCDIR
\set vectors_file :abs_srcdir '/../vectors/metrics.json'
\set vectors `cat :vectors_file`

CREATE TEMP TABLE metric_cases AS
SELECT c.ord AS case_no,
       ARRAY(SELECT jsonb_array_elements_text(c.value->'truth')::float8) AS truth,
       ARRAY(SELECT jsonb_array_elements_text(c.value->'prediction')::float8) AS prediction,
       e.key AS kind,
       e.value::float8 AS expected
FROM jsonb_array_elements(:'vectors'::jsonb->'cases') WITH ORDINALITY AS c(value, ord),
     jsonb_each(c.value->'expected') AS e;

-- Every case of every kind to 1e-12: expect one line per kind, no failures.
SELECT kind, count(*) AS cases,
       count(*) FILTER (WHERE abs(ldl_metric(truth, prediction, kind) - expected) > 1e-12) AS failures
FROM metric_cases GROUP BY kind ORDER BY kind;

-- The cases that fail, if any (none expected).
SELECT case_no, kind, expected, ldl_metric(truth, prediction, kind) AS got
FROM metric_cases
WHERE abs(ldl_metric(truth, prediction, kind) - expected) > 1e-12;

-- ldl_metrics gives the six standard kinds, each equal to ldl_metric.
SELECT count(*) AS pairs,
       bool_and(m.chebyshev = ldl_metric(truth, prediction, 'chebyshev')
            AND m.clark = ldl_metric(truth, prediction, 'clark')
            AND m.canberra = ldl_metric(truth, prediction, 'canberra')
            AND m.kl = ldl_metric(truth, prediction, 'kl')
            AND m.cosine = ldl_metric(truth, prediction, 'cosine')
            AND m.intersection = ldl_metric(truth, prediction, 'intersection')) AS all_equal
FROM (SELECT DISTINCT case_no, truth, prediction FROM metric_cases) p,
     LATERAL ldl_metrics(truth, prediction) m;

SELECT * FROM ldl_metrics('{0.2,0.8}', '{0.3,0.7}');

-- Kinds are matched case-insensitively.
SELECT ldl_metric('{0.2,0.8}', '{0.3,0.7}', 'KL') = ldl_metric('{0.2,0.8}', '{0.3,0.7}', 'kl') AS kl_any_case,
       ldl_metric('{0.2,0.8}', '{0.3,0.7}', 'Squared_Chi2') > 0 AS chi2_any_case;

-- Untyped literals, real[] and numeric-looking input all resolve to float8[].
SELECT round(ldl_metric('{0.2,0.8}', '{0.3,0.7}', 'kl')::numeric, 12) AS untyped,
       round(ldl_metric('{0.25,0.75}'::real[], '{0.5,0.5}'::real[], 'euclidean')::numeric, 12) AS real_args,
       round(ldl_metric(ARRAY[0.25, 0.75], ARRAY[0.5, 0.5], 'chebyshev')::numeric, 12) AS numeric_args;

-- Arrays with a lower bound other than 1 are fine: only the values count.
SELECT ldl_metric('[0:1]={0.2,0.8}', '{0.2,0.8}', 'euclidean') AS shifted_bounds;

-- A NULL argument gives NULL (STRICT).
SELECT ldl_metric(NULL, '{0.5,0.5}', 'kl') IS NULL AS null_truth,
       ldl_metric('{0.5,0.5}', NULL, 'kl') IS NULL AS null_prediction,
       ldl_metric('{0.5,0.5}', '{0.5,0.5}', NULL) IS NULL AS null_kind,
       ldl_metrics(NULL, '{0.5,0.5}') IS NULL AS null_metrics;

SELECT * FROM ldl_metric_kinds() ORDER BY kind;

-- Every kind the function lists is one ldl_metric accepts.
SELECT count(*) AS kinds, bool_and(ldl_metric('{0.5,0.5}', '{0.5,0.5}', kind) IS NOT NULL) AS all_accepted
FROM ldl_metric_kinds();

-- Volatility, strictness and parallel safety as documented.
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'uaknn'
WHERE p.proname IN ('ldl_metric', 'ldl_metrics', 'ldl_metric_kinds', 'ldl_score')
ORDER BY p.proname;
