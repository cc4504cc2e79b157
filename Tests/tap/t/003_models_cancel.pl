# Query cancel and statement_timeout take effect within a second while a
# large model loads and while a long batch prediction runs; the backend stays
# usable and predicts correctly afterwards; nothing crashes.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(gettimeofday tv_interval usleep);

my $node = PostgreSQL::Test::Cluster->new('cancel');
$node->init;
$node->start;
my $start_time = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# A million samples of 8 features: loading takes most of a second; a batch
# of 8000 queries against them takes many seconds.
$node->safe_psql('postgres', q{
	CREATE EXTENSION uaknn;
	CREATE TABLE big (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
	SELECT setseed(0.25);
	INSERT INTO big
	SELECT i, ARRAY[random(), random(), random(), random(), random(), random(), random(), random()],
	       CASE i % 3 WHEN 0 THEN '{0.7,0.2,0.1}'::float8[] WHEN 1 THEN '{0.1,0.7,0.2}' ELSE '{0.2,0.1,0.7}' END
	FROM generate_series(1, 1000000) i;
	CREATE TABLE queries AS SELECT array_agg(f ORDER BY id) AS a FROM big WHERE id <= 8000;
	SELECT uaknn_create_model('big', 'big', 'f', 'l');
});

my $predict = q{SELECT uaknn_predict('big', (SELECT f FROM big WHERE id = 7), method => 'aaknn', k => 3)};
my $reference_sql = qq{$predict; SELECT load_ms FROM uaknn_cache_info() WHERE model = 'big'};
my ($reference, $load_ms) = split /\n/, $node->safe_psql('postgres', $reference_sql);
like($reference, qr/^\{[0-9.e-]+,[0-9.e-]+,[0-9.e-]+\}$/, 'reference prediction');
note "a full load takes $load_ms ms";
cmp_ok($load_ms, '>', 300, 'the load takes long enough for a 100 ms timeout to interrupt it');

sub timed_query
{
	my ($session, $sql) = @_;
	$session->{stderr} = '';
	my $t0 = [gettimeofday];
	my ($out, $ret) = $session->query($sql);
	my $elapsed = tv_interval($t0);
	my $err = $session->{stderr};
	$session->{stderr} = '';
	return ($out, $err, $elapsed);
}

# 1. statement_timeout during the first load of the model.
my $s = $node->background_psql('postgres', on_error_stop => 0);
$s->query_safe(q{\set VERBOSITY verbose});
$s->query_safe(q{SET statement_timeout = '100ms'});
my ($out, $err, $elapsed) = timed_query($s, $predict);
like($err, qr/57014: canceling statement due to statement timeout/, 'load: statement_timeout cancels (57014)');
cmp_ok($elapsed, '<', 1.1, "load: cancelled within a second of the timeout ($elapsed s)");
cmp_ok($elapsed, '<', 0.6 * $load_ms / 1000, 'load: interrupted half-way, not after the load');
is($s->query_safe(q{SELECT count(*) FROM uaknn_cache_info() WHERE model = 'big'}), '0',
	'load: the half-loaded model is not shown as cached');
$s->query_safe(q{SET statement_timeout = 0});
is($s->query_safe($predict), $reference, 'load: the same backend then loads and predicts correctly');
is($s->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'big'}),
	'1000000 full', 'load: all rows loaded');

# 2. statement_timeout during a batch prediction over a cached model.
$s->query_safe(q{SET statement_timeout = '300ms'});
($out, $err, $elapsed) = timed_query($s,
	q{SELECT count(*) FROM uaknn_predict_batch('big', NULL, (SELECT a FROM queries), method => 'uaknn')});
like($err, qr/57014: canceling statement due to statement timeout/, 'batch: statement_timeout cancels (57014)');
cmp_ok($elapsed, '<', 1.3, "batch: cancelled within a second of the timeout ($elapsed s)");
$s->query_safe(q{SET statement_timeout = 0});
is($s->query_safe($predict), $reference, 'batch: the backend predicts correctly afterwards');
is($s->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'big'}),
	'1000000 full', 'batch: the cache is intact');
# The batch works when left alone (a small one).
is($s->query_safe(q{SELECT count(*) FROM uaknn_predict_batch('big', NULL, (SELECT a[1:20] FROM queries))}),
	'20', 'batch: a small batch completes');

# 3. pg_cancel_backend from another session during a long batch.
my $pid = $s->query_safe('SELECT pg_backend_pid()');
$s->{stderr} = '';
$s->query_until(qr/started/, qq{\\echo started\nSELECT count(*) FROM uaknn_predict_batch('big', NULL, (SELECT a FROM queries), method => 'aaknn');\n});
$node->poll_query_until('postgres',
	qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND query LIKE '%uaknn_predict_batch%'})
  or die 'the batch did not start';
usleep(700_000);    # well into the batch
is($node->safe_psql('postgres', qq{SELECT state FROM pg_stat_activity WHERE pid = $pid}), 'active',
	'cancel: the batch is still running after 0.7 s');
my $t0 = [gettimeofday];
is($node->safe_psql('postgres', qq{SELECT pg_cancel_backend($pid)}), 't', 'cancel: pg_cancel_backend sent');
$s->query('SELECT 1');    # returns once the cancelled batch has ended
$elapsed = tv_interval($t0);
like($s->{stderr}, qr/57014: canceling statement due to user request/, 'cancel: the batch is cancelled (57014)');
cmp_ok($elapsed, '<', 1.0, "cancel: took effect within a second ($elapsed s)");
$s->{stderr} = '';
is($s->query_safe($predict), $reference, 'cancel: the backend predicts correctly afterwards');

# 4. pg_cancel_backend during a load (after an update, the model reloads in full).
$node->safe_psql('postgres', q{UPDATE big SET l = l WHERE id = 50000});
$s->query_until(qr/started/, qq{\\echo started\n$predict;\n});
$node->poll_query_until('postgres',
	qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND query LIKE '%uaknn_predict%'})
  or die 'the load did not start';
$t0 = [gettimeofday];
$node->safe_psql('postgres', qq{SELECT pg_cancel_backend($pid)});
$s->query('SELECT 1');
$elapsed = tv_interval($t0);
like($s->{stderr}, qr/57014: canceling statement due to user request/, 'cancel during load: cancelled (57014)');
cmp_ok($elapsed, '<', 1.0, "cancel during load: took effect within a second ($elapsed s)");
$s->{stderr} = '';
is($s->query_safe($predict), $reference, 'cancel during load: the backend reloads and predicts correctly');
is($s->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'big'}),
	'1000000 full', 'cancel during load: all rows loaded again');

# 5. Learning by INSERT: 100 new rows into the million are loaded alone,
# at a small fraction of the cost of a full load.
$node->safe_psql('postgres', q{INSERT INTO big SELECT 1000000 + i, ARRAY[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, i / 100.0], '{0.05,0.05,0.9}' FROM generate_series(1, 100) i});
is($s->query_safe(q{SELECT uaknn_predict('big', ARRAY[0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]::float8[], method => 'aaknn', k => 1)}),
	'{0.05,0.05,0.9}', 'insert: the new rows are predicted from');
my ($rows, $last_load, $insert_ms) = split /\|/,
  $s->query_safe(q{SELECT rows || '|' || last_load || '|' || load_ms FROM uaknn_cache_info() WHERE model = 'big'});
is("$rows $last_load", '1000100 incremental', 'insert: 100 rows loaded incrementally');
note "incremental load of 100 rows: $insert_ms ms; full load: $load_ms ms";
cmp_ok($insert_ms, '<', $load_ms / 100, 'insert: the incremental load costs under 1% of a full load');

# 6. The neighbour family polls too: statement_timeout interrupts each
# long diagnostic of the million rows (leave-one-out, d_med, influence,
# Recall@K), and the backend predicts correctly afterwards.
$s->query_safe(q{SET statement_timeout = '300ms'});
for my $call (
	q{SELECT count(*) FROM uaknn_label_noise('big', k => 5)},
	q{SELECT count(*) FROM uaknn_label_noise('big', method => 'uaknn')},
	q{SELECT count(*) FROM uaknn_label_support('big', evaluate => true)},
	q{SELECT uaknn_confidence('big', (SELECT f FROM big WHERE id = 7))},
	q{SELECT count(*) FROM uaknn_influence('big', 7, k => 5, bandwidth_rule => 'median')},
	q{SELECT count(*) FROM uaknn_neighbour_recall('big', '{1,50}')})
{
	($out, $err, $elapsed) = timed_query($s, $call);
	like($err, qr/57014: canceling statement due to statement timeout/, "$call: statement_timeout cancels (57014)");
	cmp_ok($elapsed, '<', 1.3, "$call: cancelled within a second of the timeout ($elapsed s)");
}
$s->query_safe(q{SET statement_timeout = 0});
is($s->query_safe($predict), $reference, 'neighbour family: the backend predicts correctly afterwards');
$s->quit;

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $start_time, 'the postmaster never restarted');
$node->stop;
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal/, 'no backend was terminated by a signal');
done_testing();
