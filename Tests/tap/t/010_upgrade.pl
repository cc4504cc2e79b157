# Upgrades: an installation of 0.1.0 with models over tables, rows inserted
# and predictions made (by this library, as after installing a new release's
# files and before ALTER EXTENSION UPDATE), is updated to the current
# version. Models, options and predictions are unchanged, the new functions
# work (a model of 0.1.0 is tuned), and the updated installation has exactly
# the objects of a fresh one.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $data = $ENV{UAKNN_DATA} or die "UAKNN_DATA is not set (run through scripts/tap.sh)";

sub read_lines
{
	my ($file) = @_;
	open my $fh, '<', $file or die "cannot open $file: $!";
	my @lines = grep { /\S/ } map { s/\s+$//r } <$fh>;
	close $fh;
	return @lines;
}
my @features = read_lines("$data/SJAFFE/features.csv");
my @labels   = read_lines("$data/SJAFFE/labels.csv");
my $values = join(",\n", map { "($_, '{$features[$_]}', '{$labels[$_]}')" } 0 .. 212);

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;
my $current = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'uaknn'});
isnt($current, '0.1.0', "the current version ($current) is not the first release");

$node->safe_psql('postgres', qq{
	CREATE EXTENSION uaknn VERSION '0.1.0';
	CREATE TABLE sjaffe (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO sjaffe VALUES $values;
	CREATE TABLE train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO train SELECT * FROM sjaffe WHERE id < 150;
	SELECT uaknn_create_model('sj', 'train', 'features', 'labels');
	SELECT uaknn_create_model('sj_opts', 'train', 'features', 'labels',
	                          options => '{"method": "aaknn", "k": 3}');
	INSERT INTO uaknn_samples (features, labels) SELECT features, labels FROM sjaffe WHERE id < 60;
});
is($node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'uaknn'}),
	'0.1.0', 'installed as 0.1.0');

# Every test row's prediction by several methods and models, to 12 digits.
my $predictions = q{
	SELECT string_agg(id || ':' || (
		SELECT string_agg(round(x::numeric, 12)::text, ',')
		FROM unnest(uaknn_predict('sj', features) || uaknn_predict('sj', features, method => 'wuaknn')
		            || uaknn_predict('sj', features, method => 'aaknn') || uaknn_predict('sj', features, method => 'kernel', k => 10)
		            || uaknn_predict('sj_opts', features) || uaknn_predict(features)) x), ' ' ORDER BY id)
	FROM sjaffe WHERE id >= 150};
my $models = q{SELECT string_agg(name || ' ' || source || ' ' || key_column || ' ' || features_column || ' '
	|| labels_column || ' ' || n_features || ' ' || n_labels || ' ' || rows || ' ' || options::text, E'\n' ORDER BY name)
	FROM uaknn_models};

my $before = $node->safe_psql('postgres', $predictions);
like($before, qr/^150:0\.\d+/, '0.1.0 predicts');
# Rows inserted under 0.1.0, after its models were cached and used.
$node->safe_psql('postgres', q{INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 150 AND 169});
my $learned = $node->safe_psql('postgres', $predictions);
isnt($learned, $before, '0.1.0 learns from inserted rows');
my $models_before = $node->safe_psql('postgres', $models);
# ldl_score under 0.1.0's SQL with this library: n and the six means, as
# the installed type has them (top1 comes with the update).
my $score = q{SELECT (ldl_score(a.labels, b.labels)).* FROM sjaffe a JOIN sjaffe b ON b.id = a.id + 1};
my $score_before = $node->safe_psql('postgres', $score);
like($score_before, qr/^212(\|[0-9.e-]+){6}$/, 'ldl_score under 0.1.0: n and six means');

# A session that holds the models across the update.
my $session = $node->background_psql('postgres');
is($session->query_safe($predictions), $learned, 'a session holds the 0.1.0 models');

$node->safe_psql('postgres', 'ALTER EXTENSION uaknn UPDATE');
is($node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'uaknn'}),
	$current, "updated to $current");
is($node->safe_psql('postgres', $models), $models_before, 'models and options are unchanged');
my $score_after = $node->safe_psql('postgres', $score);
like($score_after, qr/^\Q$score_before\E\|0\.\d+$/, 'ldl_score after the update: the same, and top1');
is($node->safe_psql('postgres', $predictions), $learned, 'a new session predicts what 0.1.0 predicted');
is($session->query_safe($predictions), $learned, 'the session that held the models too');

# The models keep learning, incrementally, and the new functions work.
$node->safe_psql('postgres', q{INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 170 AND 189});
my $after = $session->query_safe($predictions);
isnt($after, $learned, 'rows inserted after the update are predicted from');
is($session->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'sj'}),
	'190 incremental', 'the session loaded only the inserted rows');
is($node->safe_psql('postgres', $predictions), $after, 'a fresh backend agrees');
is($node->safe_psql('postgres', q{SELECT count(*) > 10 FROM uaknn_parameters()}), 't', 'uaknn_parameters() lists the parameters');
is($node->safe_psql('postgres', q{SELECT uaknn_predict(features, method => 'aaknn', k => 1) = labels FROM sjaffe WHERE id = 10}),
	't', 'the default model takes named parameters');
is($node->safe_psql('postgres', q{SELECT round((uaknn_predict('sj', '{1}'::float8[] || array_fill(0::float8, ARRAY[242]), method => 'prior'))[1]::numeric, 12)
	= (SELECT round(avg(labels[1])::numeric, 12) FROM train)}), 't', 'method prior: the mean distribution');
# A model of 0.1.0 is tuned, refitted and predicts from its fit, in the session that held it.
is($session->query_safe(q{SELECT candidate FROM uaknn_tune('sj_opts', folds => 3,
	candidates => '[{"method": "mix", "members": [{"method": "aaknn", "k": 3}, {"method": "maxent"}], "standardize": "zscore"}]')}),
	'{"method": "mix", "members": [{"k": 3, "method": "aaknn"}, {"method": "maxent"}], "standardize": "zscore"}',
	'a model of 0.1.0 is tuned');
is($session->query_safe(q{SELECT uaknn_predict('sj_opts', features) = uaknn_predict('sj_opts', features, method => 'auto')
	AND cardinality(uaknn_predict('sj_opts', features, method => 'maxent')) = 6 FROM sjaffe WHERE id = 200}), 't',
	'and predicts from its fit');
is($node->safe_psql('postgres', q{SELECT array_to_string(uaknn_predict('sj_opts', features), ',') FROM sjaffe WHERE id = 200}),
	$session->query_safe(q{SELECT array_to_string(uaknn_predict('sj_opts', features), ',') FROM sjaffe WHERE id = 200}),
	'as a fresh backend does');
# A model of 0.1.0 takes a weight column: weights of 1 predict as none,
# and an UPDATE of a weight reaches the session's cache.
$node->safe_psql('postgres', q{
	ALTER TABLE train ADD COLUMN raters integer NOT NULL DEFAULT 1;
	UPDATE uaknn_model SET options = '{"method": "aaknn", "k": 3, "weight_column": "raters"}' WHERE name = 'sj_opts'});
is($session->query_safe($predictions), $after, 'weights of 1 on an updated model predict as none');
my $weighted = q{SELECT uaknn_predict('sj_opts', features) FROM sjaffe WHERE id = 200};
my $unweighted = $session->query_safe($weighted);
$node->safe_psql('postgres', q{UPDATE train SET raters = 0 WHERE id IN (
	SELECT t.id FROM train t, sjaffe s WHERE s.id = 200 ORDER BY (SELECT sum((x - y) ^ 2) FROM unnest(t.features, s.features) u(x, y)) LIMIT 1)});
isnt($session->query_safe($weighted), $unweighted, 'a weight set to 0 takes the nearest row out of the prediction');
$session->quit;

# The updated installation has the objects of a fresh one.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION uaknn');
my $objects = q{
	SELECT string_agg(d, E'\n' ORDER BY d) FROM (
		SELECT 'object ' || pg_describe_object(classid, objid, objsubid) AS d
		FROM pg_depend WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
		  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'uaknn')
		UNION ALL
		SELECT 'function ' || pg_get_functiondef(p.oid) FROM pg_proc p
		JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		WHERE d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'uaknn') AND p.prokind <> 'a'
		UNION ALL
		SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
		       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
		       || coalesce(' default ' || pg_get_expr(ad.adbin, ad.adrelid), '')
		FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
		WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE 'uaknn%'
		UNION ALL
		SELECT 'index ' || pg_get_indexdef(indexrelid) FROM pg_index
		WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'uaknn%')
		UNION ALL
		SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text LIKE 'uaknn%'
		UNION ALL
		SELECT 'policy ' || tablename || ' ' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '')
		FROM pg_policies WHERE schemaname = 'public'
		UNION ALL
		SELECT 'trigger ' || regexp_replace(pg_get_triggerdef(t.oid), 'RI_ConstraintTrigger_[a-z]_[0-9]+', 'RI_ConstraintTrigger')
		FROM pg_trigger t
		WHERE tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'uaknn_model%')
		UNION ALL
		SELECT 'view ' || pg_get_viewdef('uaknn_models'::regclass)
		UNION ALL
		SELECT 'acl ' || relname || ' ' || coalesce(relacl::text, '') FROM pg_class
		WHERE relnamespace = 'public'::regnamespace AND relname LIKE 'uaknn%'
		UNION ALL
		SELECT 'event trigger ' || evtname || ' ' || evtevent || ' ' || evtfoid::regproc || ' ' || array_to_string(evttags, ',')
		FROM pg_event_trigger
		UNION ALL
		SELECT 'config ' || extconfig::regclass[]::text || ' ' || extcondition::text FROM pg_extension WHERE extname = 'uaknn'
	) o};
my $fresh = $node->safe_psql('fresh', $objects);
like($fresh, qr/function CREATE OR REPLACE FUNCTION public\.uaknn_parameters/, 'the comparison sees the functions');
is($node->safe_psql('postgres', $objects), $fresh, 'an updated installation has the objects of a fresh one');
is($node->safe_psql('postgres', '\dx+ uaknn'), $node->safe_psql('fresh', '\dx+ uaknn'),
	'\dx+ uaknn: the same objects');

$node->stop;
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC/, 'no backend crashed');
done_testing();
