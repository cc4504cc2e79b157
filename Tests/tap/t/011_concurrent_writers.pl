# Writers to one model's table proceed in parallel, and every reader's cache
# stays exact: 8 pgbench clients insert single rows (2,000 a second in all,
# so that readers stay within the log's reach and catch up incrementally;
# make bench measures the unthrottled rate) while 4 sessions predict
# again and again; each reader's predictions are compared with those of a
# fresh backend that loads the model in full under the reader's own snapshot
# (pg_export_snapshot / SET TRANSACTION SNAPSHOT). AA-kNN breaks ties by key,
# so an incremental cache and a full load agree exactly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use IPC::Run;

my $node = PostgreSQL::Test::Cluster->new('writers');
$node->init;
$node->append_conf('postgresql.conf', 'max_connections = 40');
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION uaknn;
	CREATE TABLE w (id bigserial PRIMARY KEY, features float8[] NOT NULL, labels float8[] NOT NULL);
	INSERT INTO w (features, labels)
	SELECT ARRAY[(i % 7)::float8, (i % 5)::float8, (i % 3)::float8], ARRAY[(i % 10) / 10.0, 1 - (i % 10) / 10.0]
	FROM generate_series(1, 50) i;
	SELECT uaknn_create_model('w', 'w', 'features', 'labels');
	CREATE TABLE queries (id int PRIMARY KEY, f float8[] NOT NULL);
	INSERT INTO queries SELECT i, ARRAY[(i % 7) + 0.5, (i % 5) + 0.25, (i % 3) + 0.125] FROM generate_series(1, 40) i;
});

# Each writer transaction inserts one row; features on a coarse grid, so that
# new rows tie with old ones and ties must be broken by key.
my $script = $node->basedir . '/insert.sql';
open my $fh, '>', $script or die $!;
print $fh q{\set a random(0, 6)
\set b random(0, 4)
\set c random(0, 2)
\set l random(0, 10)
INSERT INTO w (features, labels) VALUES (ARRAY[:a, :b, :c]::float8[], ARRAY[:l / 10.0, 1 - :l / 10.0]::float8[]);
};
close $fh;
my ($out, $err) = ('', '');
my $writers = IPC::Run::start(
	[ 'pgbench', '-n', '-c', '8', '-j', '8', '-T', '12', '-R', '2000', '-f', $script, '-h', $node->host, '-p', $node->port, 'postgres' ],
	'>', \$out, '2>', \$err);

my $checksum = q{SELECT md5(string_agg(uaknn_predict('w', f, method => 'aaknn', k => 3)::text, ';' ORDER BY id)) FROM queries};
my @readers = map { $node->background_psql('postgres') } 1 .. 4;
my ($rounds, $agree, $incremental) = (0, 0, 0);
my $deadline = time + 10;
while (time < $deadline)
{
	for my $reader (@readers)
	{
		$reader->query_safe('BEGIN ISOLATION LEVEL REPEATABLE READ');
		my $snapshot = $reader->query_safe('SELECT pg_export_snapshot()');
		my $mine = $reader->query_safe($checksum);
		my $fresh = $node->safe_psql('postgres',
			"BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '$snapshot'; $checksum; COMMIT");
		$incremental++ if $reader->query_safe(
			q{SELECT last_load FROM uaknn_cache_info() WHERE model = 'w'}) eq 'incremental';
		$reader->query_safe('COMMIT');
		$rounds++;
		$agree++ if $mine eq $fresh;
	}
}
$writers->finish;
is($?, 0, 'the writers finished without errors') or diag($err);
like($out, qr/number of failed transactions: 0/, 'no writer transaction failed');
my ($tps) = $out =~ /tps = ([\d.]+)/;
ok(defined $tps && $tps > 0, "writers ran (" . ($tps // '?') . " transactions per second)");
cmp_ok($rounds, '>=', 8, "readers checked $rounds times while the writers ran");
is($agree, $rounds, 'every reader predicted exactly what a fresh backend predicts under its snapshot');
cmp_ok($incremental, '>', 0, "readers caught up incrementally ($incremental of $rounds checks)");

# After the writers, every reader agrees with a fresh backend at the latest state.
my $final = $node->safe_psql('postgres', $checksum);
is($_->query_safe($checksum), $final, 'a reader agrees after the writers stopped') for @readers;
$_->quit for @readers;
my $rows = $node->safe_psql('postgres', 'SELECT count(*) FROM w');
cmp_ok($rows, '>', 100, "the writers inserted rows ($rows in all)");
is($node->safe_psql('postgres', q{SELECT rows FROM uaknn_models WHERE name = 'w'}), $rows, 'the models view counts them');

$node->stop;
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC/, 'no backend crashed');
done_testing();
