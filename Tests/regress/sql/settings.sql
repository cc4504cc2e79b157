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
