-- uaknn.max_model_memory: a load that would hold more than the limit fails
-- with 54000 before it allocates, and leaves nothing half-loaded.
SELECT ldl_metric('{1}', '{1}', 'kl') AS loads_the_library;
SHOW uaknn.max_model_memory;
CREATE TABLE sized (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
INSERT INTO sized SELECT i, array_fill(i::float8, ARRAY[100]), '{0.5,0.5}' FROM generate_series(1, 50) i;
SELECT uaknn_create_model('sized', 'sized', 'f', 'l') AS rows;

-- 50 rows of 100 features and 2 labels take about 41 kB.
SET uaknn.max_model_memory = '16kB';
SELECT uaknn_predict('sized', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1);
SELECT count(*) AS cached FROM uaknn_cache_info() WHERE model = 'sized';

-- Under the limit the model loads; an incremental load past it fails too.
SET uaknn.max_model_memory = '50kB';
SELECT uaknn_predict('sized', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1) AS within_limit;
INSERT INTO sized SELECT i, array_fill(i::float8, ARRAY[100]), '{0.5,0.5}' FROM generate_series(51, 70) i;
SELECT uaknn_predict('sized', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1);
SELECT count(*) AS cached FROM uaknn_cache_info() WHERE model = 'sized';

-- -1: no limit.
SET uaknn.max_model_memory = -1;
SELECT uaknn_predict('sized', array_fill(70::float8, ARRAY[100]), method => 'aaknn', k => 1) AS no_limit;
SELECT rows FROM uaknn_cache_info() WHERE model = 'sized';
RESET uaknn.max_model_memory;

-- Only a superuser may change it.
CREATE ROLE regress_uaknn_plain;
SET ROLE regress_uaknn_plain;
SET uaknn.max_model_memory = -1;
RESET ROLE;
DROP ROLE regress_uaknn_plain;
DROP TABLE sized;

-- uaknn.max_cache_memory: all of a backend's models together. Loading one
-- that would pass it evicts the least recently used others first (their
-- rows are freed, and they load again when next used); a model that alone
-- passes it fails with 54000.
CREATE TABLE lru_a (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
CREATE TABLE lru_b (LIKE lru_a INCLUDING ALL);
CREATE TABLE lru_c (LIKE lru_a INCLUDING ALL);
INSERT INTO lru_a SELECT i, array_fill(i::float8, ARRAY[100]), '{0.5,0.5}' FROM generate_series(1, 50) i;
INSERT INTO lru_b SELECT * FROM lru_a;
INSERT INTO lru_c SELECT * FROM lru_a;
SELECT uaknn_create_model('lru_a', 'lru_a', 'f', 'l', options => '{"storage": "dense"}'),
       uaknn_create_model('lru_b', 'lru_b', 'f', 'l', options => '{"storage": "dense"}'),
       uaknn_create_model('lru_c', 'lru_c', 'f', 'l', options => '{"storage": "dense"}');
SHOW uaknn.max_cache_memory;
-- Each holds about 45 kB: two fit in 100 kB, three do not.
SET uaknn.max_cache_memory = '100kB';
SELECT (SELECT evictions FROM uaknn_cache_summary()) AS evictions_before \gset
SELECT uaknn_predict('lru_a', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1) IS NOT NULL AS a,
       uaknn_predict('lru_b', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1) IS NOT NULL AS b;
SELECT model FROM uaknn_cache_info() WHERE model LIKE 'lru%' ORDER BY model;
-- a was used last before b; using a again makes b the least recently used.
SELECT uaknn_predict('lru_a', array_fill(2::float8, ARRAY[100]), method => 'aaknn', k => 1) IS NOT NULL AS a_again;
SELECT uaknn_predict('lru_c', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1) IS NOT NULL AS c;
SELECT model FROM uaknn_cache_info() WHERE model LIKE 'lru%' ORDER BY model;
SELECT models, bytes <= limit_bytes AS within_limit, limit_bytes, evictions - :evictions_before AS evicted
FROM uaknn_cache_summary();
-- b loads again when used, evicting the least recently used (a).
SELECT uaknn_predict('lru_b', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1) IS NOT NULL AS b_again;
SELECT model FROM uaknn_cache_info() WHERE model LIKE 'lru%' ORDER BY model;
-- A limit below one model's size: that model fails to load.
SET uaknn.max_cache_memory = '20kB';
SELECT uaknn_predict('lru_a', array_fill(1::float8, ARRAY[100]), method => 'aaknn', k => 1);
SET uaknn.max_cache_memory = -1;
SELECT limit_bytes IS NULL AS no_limit FROM uaknn_cache_summary();
RESET uaknn.max_cache_memory;
DROP TABLE lru_a, lru_b, lru_c;
