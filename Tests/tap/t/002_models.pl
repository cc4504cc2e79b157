# Models across the server's life: a streaming standby predicts what the
# primary predicts, before and after inserts on the primary (a standby
# backend that holds the model catches up incrementally); a restart keeps
# the models (the catalog persists, fresh backends reload); no backend ever
# crashes.
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
is(scalar @features, 213, 'SJAFFE features: 213 rows');
is(scalar @labels,   213, 'SJAFFE labels: 213 rows');
my $values = join(",\n", map { "($_, '{$features[$_]}', '{$labels[$_]}')" } 0 .. 212);

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', qq{
	CREATE EXTENSION uaknn;
	CREATE TABLE sjaffe (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO sjaffe VALUES $values;
	CREATE TABLE train (id bigint PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO train SELECT * FROM sjaffe WHERE id < 170;
});
is($primary->safe_psql('postgres', q{SELECT uaknn_create_model('sj', 'train', 'features', 'labels')}),
	'170', 'model over the 170 training rows');

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;
my $primary_start = $primary->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');
my $standby_start = $standby->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# Every prediction of every row, UAKNN and AA-kNN, rounded to 12 digits.
my $predictions = q{
	SELECT string_agg(id || ':' || (SELECT string_agg(round(x::numeric, 12)::text, ',')
	                                 FROM unnest(uaknn_predict('sj', features)) x)
	                        || '/' || (SELECT string_agg(round(x::numeric, 12)::text, ',')
	                                   FROM unnest(uaknn_predict('sj', features, method => 'aaknn')) x),
	                  ' ' ORDER BY id)
	FROM sjaffe};
# Rows whose AA-kNN prediction with k 1 is their own labels: the training rows
# (rows 0 and 8 have identical features: neither counts).
my $own = q{SELECT count(*) FROM sjaffe
	WHERE uaknn_predict('sj', features, method => 'aaknn', k => 1) = labels AND id NOT IN (0, 8)};
my $sums = q{SELECT bool_and(abs((SELECT sum(x) FROM unnest(uaknn_predict('sj', features)) x) - 1) < 1e-12) FROM sjaffe};

my $p1 = $primary->safe_psql('postgres', $predictions);
like($p1, qr/^0:0\.\d+/, 'primary predicts');
is($primary->safe_psql('postgres', $own), '168', 'primary: 168 training rows predict their own labels');
is($standby->safe_psql('postgres', $predictions), $p1, 'standby predicts exactly what the primary predicts');
is($standby->safe_psql('postgres', $own), '168', 'standby: 168 rows predict their own labels');
is($standby->safe_psql('postgres', $sums), 't', 'standby: every prediction sums to 1');

my $sampled = q{SELECT uaknn_predict('sj', features, mode => 'sampled', samples => 50, seed => 7) FROM sjaffe WHERE id = 170};
is($standby->safe_psql('postgres', $sampled), $primary->safe_psql('postgres', $sampled),
	'sampled mode with a seed: the same prediction on both servers');

# A standby backend that holds the model while the primary learns.
my $sb = $standby->background_psql('postgres');
is($sb->query_safe($own), '168', 'standby session caches the model');
is($sb->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'sj'}),
	'170 full', 'standby session: 170 rows, loaded in full');

$primary->safe_psql('postgres', q{INSERT INTO train SELECT * FROM sjaffe WHERE id BETWEEN 170 AND 199});
$primary->safe_psql('postgres', q{INSERT INTO train SELECT * FROM sjaffe WHERE id >= 200});
$primary->wait_for_catchup($standby);
my $p2 = $primary->safe_psql('postgres', $predictions);
isnt($p2, $p1, 'the inserts change the primary\'s predictions');
is($primary->safe_psql('postgres', $own), '211', 'primary: all 211 rows now predict their own labels');
is($sb->query_safe($own), '211', 'standby session sees the replicated inserts');
is($sb->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'sj'}),
	'213 incremental', 'standby session loaded only the 43 new rows');
is($sb->query_safe($predictions), $p2, 'standby session predicts what the primary predicts');
is($standby->safe_psql('postgres', $predictions), $p2, 'a fresh standby backend too');

# An UPDATE on the primary: the standby session reloads in full.
$primary->safe_psql('postgres', q{UPDATE train SET labels = '{1,0,0,0,0,0}' WHERE id = 170});
$primary->wait_for_catchup($standby);
is($sb->query_safe(q{SELECT uaknn_predict('sj', features, method => 'aaknn', k => 1) FROM sjaffe WHERE id = 170}),
	'{1,0,0,0,0,0}', 'standby session sees the replicated update');
is($sb->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'sj'}),
	'213 full', 'standby session reloaded in full after the update');
my $p3 = $primary->safe_psql('postgres', $predictions);
is($sb->query_safe($predictions), $p3, 'standby session predicts what the primary predicts after the update');

# The standby cannot change models.
my ($ret, $out, $err) = $standby->psql('postgres',
	q{SELECT uaknn_create_model('sj2', 'train', 'features', 'labels')});
isnt($ret, 0, 'no model creation on a standby');
like($err, qr/read-only transaction/, 'refused as a read-only transaction');
$sb->quit;

is($primary->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $primary_start,
	'the primary never restarted by itself');
is($standby->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $standby_start,
	'the standby never restarted by itself');

# A restart: the catalog persists and fresh backends reload the model.
$primary->restart;
is($primary->safe_psql('postgres', q{SELECT count(*) FROM uaknn_cache_info()}), '0',
	'after the restart nothing is cached');
is($primary->safe_psql('postgres', q{SELECT name || ' ' || n_features || ' ' || n_labels || ' ' || rows FROM uaknn_models WHERE name = 'sj'}),
	'sj 243 6 213', 'the model survives the restart');
is($primary->safe_psql('postgres', $predictions), $p3, 'same predictions after the restart');
is($primary->safe_psql('postgres', qq{$own; SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'sj'}),
	"210\n213 full", 'a fresh backend loads the model in full');
# It keeps learning after the restart.
$primary->safe_psql('postgres', q{DELETE FROM train WHERE id >= 170; INSERT INTO train SELECT * FROM sjaffe WHERE id >= 170});
is($primary->safe_psql('postgres', $own), '211', 'inserts after the restart are predicted from');
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', $predictions), $primary->safe_psql('postgres', $predictions),
	'the standby follows the restarted primary');

$standby->restart;
is($standby->safe_psql('postgres', $predictions), $primary->safe_psql('postgres', $predictions),
	'a restarted standby predicts what the primary predicts');

$standby->stop;
$primary->stop;
for my $node ($primary, $standby)
{
	my $log = slurp_file($node->logfile);
	unlike($log, qr/terminated by signal/, $node->name . ': no backend was terminated by a signal');
	unlike($log, qr/PANIC|server process .* was terminated/, $node->name . ': no PANIC, no crashed backend');
}
done_testing();
