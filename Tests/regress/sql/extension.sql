-- DROP EXTENSION leaves nothing behind; CREATE EXTENSION works again.
DROP EXTENSION uaknn;
SELECT count(*) AS leftover_functions FROM pg_proc WHERE proname LIKE 'ldl\_%' OR proname LIKE 'uaknn\_%';
SELECT count(*) AS leftover_types FROM pg_type WHERE typname LIKE 'ldl\_%' OR typname LIKE 'uaknn\_%';
SELECT count(*) AS leftover_relations FROM pg_class WHERE relname LIKE 'uaknn\_%';
CREATE EXTENSION uaknn;
SELECT extversion FROM pg_extension WHERE extname = 'uaknn';
SELECT ldl_metric('{0.5,0.5}', '{0.5,0.5}', 'kl') AS works_again;

