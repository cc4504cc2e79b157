# pg_dump and restore: models, their options, their samples and the triggers
# that keep them valid come back, and predict exactly as before; so do a
# tuned model's configuration and fit.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

# SJAFFE, from the copy tap.sh makes beside the tests.
my $data = $ENV{UAKNN_DATA} . '/SJAFFE';
my @features = split /\n/, slurp_file("$data/features.csv");
my @labels = split /\n/, slurp_file("$data/labels.csv");
my $values = join(",\n",
	map { "($_, '{$features[$_]}', '{$labels[$_]}')" } 0 .. 169);

$node->safe_psql('postgres', qq{
	CREATE EXTENSION uaknn;
	CREATE TABLE faces (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO faces VALUES $values;
	SELECT uaknn_create_model('faces', 'faces', 'features', 'labels',
	                          options => '{"method": "wuaknn", "softmax_base": 3}');
	INSERT INTO uaknn_samples (features, labels) SELECT features, labels FROM faces WHERE id < 50;
	CREATE TABLE queries (id integer PRIMARY KEY, features float8[] NOT NULL);
	-- A tuned model: its options, tuned configuration and fit (statistics, maxent) are dumped.
	SELECT uaknn_create_model('tuned', 'faces', 'features', 'labels');
	SELECT count(*) FROM uaknn_tune('tuned', candidates =>
	    '[{"method": "mix", "members": [{"method": "aaknn", "k": 5}, {"method": "maxent"}], "weights": [0.75, 0.25], "standardize": "zscore"}]');
});
$node->safe_psql('postgres',
	"INSERT INTO queries VALUES " . join(',', map { "($_, '{$features[$_]}')" } 170 .. 212));

my $predictions = q{
	SELECT string_agg(id || ':' || array_to_string(uaknn_predict('faces', features), ',') || ':'
	                  || array_to_string(uaknn_predict(features), ',') || ':'
	                  || array_to_string(uaknn_predict('tuned', features), ','), ';' ORDER BY id)
	FROM queries};
my $before = $node->safe_psql('postgres', $predictions);
my $models = q{SELECT string_agg(name || ' ' || source || ' ' || n_features || ' ' || n_labels || ' '
                                 || rows || ' ' || options || ' ' || coalesce(tuned::text, '-') || ' '
                                 || (fitted_version IS NOT NULL), '; ' ORDER BY name) FROM uaknn_models};
my $fits = q{SELECT string_agg(name || ' ' || md5(feature_stats::text) || ' ' || md5(maxent::text), '; ' ORDER BY name)
             FROM uaknn_model WHERE fit_id IS NOT NULL};
my $models_before = $node->safe_psql('postgres', $models);
my $fits_before = $node->safe_psql('postgres', $fits);
like($fits_before, qr/^tuned [0-9a-f]{32} [0-9a-f]{32}$/, 'the tuned model has a fit');

my $dump = $node->basedir . '/uaknn.sql';
$node->command_ok([ 'pg_dump', '-d', $node->connstr('postgres'), '-f', $dump ], 'pg_dump succeeds');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', $node->connstr('restored'), '-f', $dump ],
	'the dump restores without error');

is($node->safe_psql('restored', $models), $models_before, 'the models are listed as before');
is($node->safe_psql('restored', $fits), $fits_before, 'the fits are restored');
is($node->safe_psql('restored', $predictions), $before,
	'the restored models predict exactly as before');

my ($ret, $out, $err) = $node->psql('restored',
	q{INSERT INTO faces VALUES (1000, '{1,2}', '{0.5,0.5}')});
like($err, qr/not a valid sample for model "faces"/, 'the validation trigger came back');

is( $node->safe_psql(
		'restored', q{
		SELECT count(uaknn_predict('faces', features)) FROM queries;
		INSERT INTO faces SELECT id + 1000, features, labels FROM faces WHERE id < 3;
		SELECT count(uaknn_predict('faces', features)) FROM queries;
		SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'faces';}),
	"43\n43\n173 incremental",
	'inserts after the restore reach the cache incrementally');

unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend crashed');
$node->stop;
done_testing();
