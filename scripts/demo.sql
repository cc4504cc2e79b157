-- uaknn demo: SJAFFE's label distributions scored inside PostgreSQL.
\pset footer off
CREATE EXTENSION uaknn;
\set labels_file :data '/labels.csv'
\set labels `cat :labels_file`
CREATE TABLE sjaffe AS
SELECT (ord - 1)::int AS id, string_to_array(line, ',')::float8[] AS labels
FROM regexp_split_to_table(trim(:'labels', E'\n'), E'\n') WITH ORDINALITY AS t(line, ord);
\echo 'SJAFFE: 213 faces, each with the distribution of 6 emotions people read in it.'
\echo
\echo 'How far is each face from the average face (the baseline every model must beat)?'
WITH mean AS (
    SELECT ARRAY(SELECT avg(labels[j]) FROM sjaffe, generate_series(1, 6) j GROUP BY j ORDER BY j) AS d)
SELECT s.n, round(s.chebyshev::numeric, 4) AS chebyshev, round(s.clark::numeric, 4) AS clark,
       round(s.canberra::numeric, 4) AS canberra, round(s.kl::numeric, 4) AS kl,
       round(s.cosine::numeric, 4) AS cosine, round(s.intersection::numeric, 4) AS intersection
FROM (SELECT (ldl_score(labels, mean.d)).* FROM sjaffe, mean) s;
