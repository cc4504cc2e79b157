# Random interleavings of four sessions that insert, update, delete and
# truncate (in autocommit, in transactions that commit or roll back, with
# savepoints, reusing the keys of rolled-back rows) and predict from their
# caches. After every prediction a session checks its cache against the
# table it sees: AA-kNN with k 1 must return, for each of 40 query points,
# the labels of the nearest row by Euclidean distance (ties: lowest key),
# which SQL computes from the same snapshot. A cache holding a row the
# session cannot see, missing one it can, or holding stale labels fails it.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('concurrency');
$node->init;
$node->start;
my $start_time = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

$node->safe_psql('postgres', q{
	CREATE EXTENSION uaknn;
	CREATE TABLE c (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
	-- Rows 1..5 are never deleted, so the model is never empty.
	INSERT INTO c SELECT i, ARRAY[i / 6.0, 1 - i / 6.0]::float8[], ARRAY[0.5 + i / 20.0, 0.5 - i / 20.0]::float8[]
	FROM generate_series(1, 5) i;
	SELECT uaknn_create_model('c', 'c', 'f', 'l');
	SELECT setseed(0.5);
	CREATE TABLE queries AS
	SELECT q, ARRAY[random(), random()]::float8[] AS f FROM generate_series(1, 40) q;
	-- Mismatches between the cache and the visible table (0 expected).
	CREATE FUNCTION mismatches() RETURNS bigint LANGUAGE sql AS $$
		SELECT count(*) FROM queries q
		WHERE uaknn_predict('c', q.f, method => 'aaknn', k => 1) IS DISTINCT FROM
		      (SELECT c.l FROM c ORDER BY (c.f[1] - q.f[1]) ^ 2 + (c.f[2] - q.f[2]) ^ 2, c.id LIMIT 1)
	$$;
});

my @sessions = map { $node->background_psql('postgres') } 1 .. 4;
srand(20261129);
my $open;              # the session with an open write transaction, if any
my $next_id = 6;       # the next key to insert
my $id_at_begin;       # keys are reused after a rollback
my $in_savepoint = 0;
my $id_at_savepoint;
my (%ops, $checks, $failures, %loads);

sub row
{
	my ($id) = @_;
	my $p = int(rand(1000)) / 1000;
	return sprintf("(%d, ARRAY[%.4f, %.4f]::float8[], ARRAY[%.3f, %.3f]::float8[])",
		$id, rand(), rand(), $p, 1 - $p);
}

sub check
{
	my ($i) = @_;
	my $m = $sessions[$i]->query_safe('SELECT mismatches()');
	$checks++;
	if ($m ne '0')
	{
		$failures++;
		diag "session $i: $m mismatches after: " . join(', ', map { "$_=$ops{$_}" } sort keys %ops);
	}
	my $load = $sessions[$i]->query_safe(q{SELECT last_load FROM uaknn_cache_info() WHERE model = 'c'});
	$loads{$load}++;
}

for my $step (1 .. 400)
{
	my $i = int(rand(@sessions));
	my $s = $sessions[$i];
	my $may_write = !defined($open) || $open == $i;
	my $r = rand();
	if (!$may_write || $r < 0.35)
	{
		check($i);
		next;
	}
	if (!defined $open && $r < 0.45)
	{
		$s->query_safe('BEGIN');
		($open, $id_at_begin, $in_savepoint) = ($i, $next_id, 0);
		$ops{begin}++;
	}
	elsif (defined $open && $r < 0.50)
	{
		$s->query_safe('COMMIT');
		undef $open;
		$ops{commit}++;
	}
	elsif (defined $open && $r < 0.56)
	{
		$s->query_safe('ROLLBACK');
		undef $open;
		$next_id = $id_at_begin;
		$ops{rollback}++;
	}
	elsif (defined $open && !$in_savepoint && $r < 0.60)
	{
		$s->query_safe('SAVEPOINT s');
		($in_savepoint, $id_at_savepoint) = (1, $next_id);
		$ops{savepoint}++;
	}
	elsif (defined $open && $in_savepoint && $r < 0.64)
	{
		$s->query_safe('ROLLBACK TO SAVEPOINT s; RELEASE SAVEPOINT s');
		$in_savepoint = 0;
		$next_id = $id_at_savepoint;
		$ops{rollback_to_savepoint}++;
	}
	elsif ($r < 0.85)
	{
		my $n = 1 + int(rand(4));
		$s->query_safe('INSERT INTO c VALUES ' . join(', ', map { row($next_id++) } 1 .. $n));
		$ops{insert}++;
	}
	elsif ($r < 0.91)
	{
		$s->query_safe(sprintf('UPDATE c SET l = ARRAY[0.125, 0.875]::float8[], f = ARRAY[%.4f, %.4f]::float8[] WHERE id = (SELECT id FROM c ORDER BY random() LIMIT 1)', rand(), rand()));
		$ops{update}++;
	}
	elsif ($r < 0.98 || defined $open)
	{
		$s->query_safe('DELETE FROM c WHERE id IN (SELECT id FROM c WHERE id > 5 ORDER BY random() LIMIT 2)');
		$ops{delete}++;
	}
	else
	{
		# TRUNCATE only in autocommit: its lock would block the other sessions.
		$s->query_safe(q{TRUNCATE c; INSERT INTO c SELECT i, ARRAY[i / 6.0, 1 - i / 6.0]::float8[], ARRAY[0.5 + i / 20.0, 0.5 - i / 20.0]::float8[] FROM generate_series(1, 5) i});
		$ops{truncate}++;
	}
	check($i) if rand() < 0.5;
}
$sessions[$open]->query_safe('COMMIT') if defined $open;
check($_) for 0 .. $#sessions;
$_->quit for @sessions;

note 'operations: ' . join(', ', map { "$_=$ops{$_}" } sort keys %ops);
note 'loads seen: ' . join(', ', map { "$_=$loads{$_}" } sort keys %loads);
is($failures // 0, 0, "every cache matched its session's view of the table ($checks checks)");
cmp_ok($ops{$_} // 0, '>', 0, "some $_") for qw(insert update delete commit rollback rollback_to_savepoint);
cmp_ok($loads{incremental} // 0, '>', 0, 'some loads were incremental');
cmp_ok($loads{full} // 0, '>', 0, 'some loads were full');

# A fresh backend agrees with the last state too.
is($node->safe_psql('postgres', 'SELECT mismatches()'), '0', 'a fresh backend matches the table');
is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $start_time, 'the postmaster never restarted');
$node->stop;
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend was terminated by a signal');
done_testing();
