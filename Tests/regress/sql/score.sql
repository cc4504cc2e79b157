-- The ldl_score aggregate over SJAFFE's label distributions.
\getenv abs_srcdir PG_ABS_SRCDIR
\set labels_file :abs_srcdir '/../data/SJAFFE/labels.csv'
\set labels `cat :labels_file`

CREATE TABLE sjaffe_labels AS
SELECT (ord - 1)::int AS id, string_to_array(line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'labels', E'\n'), E'\n') WITH ORDINALITY AS t(line, ord);

-- Score each row against the row after it: a real, imperfect "prediction".
CREATE TABLE pairs AS
SELECT a.id, a.id % 3 AS grp, a.labels AS truth, b.labels AS prediction
FROM sjaffe_labels a JOIN sjaffe_labels b ON b.id = a.id + 1;

SELECT count(*) AS rows, min(array_length(labels, 1)) AS l FROM sjaffe_labels;

-- The aggregate equals the mean of ldl_metric over the rows, for each metric.
WITH s AS (SELECT (ldl_score(truth, prediction)).* FROM pairs),
     m AS (SELECT avg(ldl_metric(truth, prediction, 'chebyshev')) AS chebyshev,
                  avg(ldl_metric(truth, prediction, 'clark')) AS clark,
                  avg(ldl_metric(truth, prediction, 'canberra')) AS canberra,
                  avg(ldl_metric(truth, prediction, 'kl')) AS kl,
                  avg(ldl_metric(truth, prediction, 'cosine')) AS cosine,
                  avg(ldl_metric(truth, prediction, 'intersection')) AS intersection
           FROM pairs)
SELECT s.n,
       abs(s.chebyshev - m.chebyshev) < 1e-12 AS chebyshev,
       abs(s.clark - m.clark) < 1e-12 AS clark,
       abs(s.canberra - m.canberra) < 1e-12 AS canberra,
       abs(s.kl - m.kl) < 1e-12 AS kl,
       abs(s.cosine - m.cosine) < 1e-12 AS cosine,
       abs(s.intersection - m.intersection) < 1e-12 AS intersection
FROM s, m;

SELECT n, round(chebyshev::numeric, 6) AS chebyshev, round(clark::numeric, 6) AS clark,
       round(canberra::numeric, 6) AS canberra, round(kl::numeric, 6) AS kl,
       round(cosine::numeric, 6) AS cosine, round(intersection::numeric, 6) AS intersection
FROM (SELECT (ldl_score(truth, prediction)).* FROM pairs) s;

-- GROUP BY: one score per group, and the counts add up.
SELECT grp, (ldl_score(truth, prediction)).n FROM pairs GROUP BY grp ORDER BY grp;

-- A perfect prediction scores 0 distance and 1 similarity.
SELECT (s).n, (s).chebyshev, (s).kl, round((s).cosine::numeric, 12) AS cosine,
       round((s).intersection::numeric, 12) AS intersection
FROM (SELECT ldl_score(truth, truth) AS s FROM pairs) t;

-- Rows where either side is NULL are skipped, as avg() skips them.
SELECT (ldl_score(truth, prediction)).n
FROM (SELECT truth, prediction FROM pairs
      UNION ALL SELECT NULL, '{0.5,0.5}' UNION ALL SELECT '{0.5,0.5}', NULL) t;

-- No rows: n = 0 and the means are NULL.
SELECT * FROM (SELECT (ldl_score(truth, prediction)).* FROM pairs WHERE false) s;

-- Parallel aggregation (combine, serialize, deserialize) gives the same result.
CREATE TABLE many_pairs AS
SELECT p.* FROM pairs p, generate_series(1, 200);
ANALYZE many_pairs;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT ldl_score(truth, prediction) FROM many_pairs;
CREATE TEMP TABLE parallel_result AS SELECT (ldl_score(truth, prediction)).* FROM many_pairs;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_result AS SELECT (ldl_score(truth, prediction)).* FROM many_pairs;
RESET max_parallel_workers_per_gather;
SELECT p.n = s.n AS same_n,
       abs(p.chebyshev - s.chebyshev) < 1e-12 AND abs(p.clark - s.clark) < 1e-12
       AND abs(p.canberra - s.canberra) < 1e-12 AND abs(p.kl - s.kl) < 1e-12
       AND abs(p.cosine - s.cosine) < 1e-12 AND abs(p.intersection - s.intersection) < 1e-12 AS same_means
FROM parallel_result p, serial_result s;

-- Bad rows fail the aggregate with the same errors as ldl_metric.
SELECT ldl_score(truth, prediction)
FROM (VALUES ('{0.5,0.5}'::float8[], '{0.5,0.5}'::float8[]), ('{0.5,0.5}', '{0.2,0.3,0.5}')) v(truth, prediction);
