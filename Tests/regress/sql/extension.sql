-- DROP EXTENSION leaves nothing behind; CREATE EXTENSION works again.
DROP EXTENSION uaknn;
SELECT count(*) AS leftover_functions FROM pg_proc WHERE proname LIKE 'ldl\_%' OR proname LIKE 'uaknn\_%';
SELECT count(*) AS leftover_types FROM pg_type WHERE typname LIKE 'ldl\_%' OR typname LIKE 'uaknn\_%';
SELECT count(*) AS leftover_relations FROM pg_class WHERE relname LIKE 'uaknn\_%';
CREATE EXTENSION uaknn;
SELECT extversion FROM pg_extension WHERE extname = 'uaknn';
SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'kl') AS works_again;

-- The plans this session prepared for the extension's tables follow it when
-- it is recreated, here in another schema.
INSERT INTO uaknn_samples (features, labels) VALUES ('{1,0}', '{0.9,0.1}'), ('{0,1}', '{0.2,0.8}');
SELECT uaknn_predict('{1,0.1}') AS before_move;
DROP EXTENSION uaknn;
CREATE SCHEMA uaknn_elsewhere;
CREATE EXTENSION uaknn SCHEMA uaknn_elsewhere;
INSERT INTO uaknn_elsewhere.uaknn_samples (features, labels) VALUES ('{1,0}', '{0.6,0.4}'), ('{0,1}', '{0.2,0.8}');
SELECT uaknn_elsewhere.uaknn_predict('{1,0.1}') AS after_move;
SELECT model, rows FROM uaknn_elsewhere.uaknn_cache_info();
DROP EXTENSION uaknn;
DROP SCHEMA uaknn_elsewhere;
CREATE EXTENSION uaknn;
