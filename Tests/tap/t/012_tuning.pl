# Tuning in SQL (docs/tuning.md) across sessions and under cancel:
#   - a fit written by one session (uaknn_refit, uaknn_tune) reaches the
#     caches of the others: new statistics of a zscore model reload its rows,
#     a new maxent fit is attached without a reload; every backend predicts
#     the same as a fresh one;
#   - statement_timeout and pg_cancel_backend stop a tuning or a
#     cross-validation within a second, leave the model as it was, and the
#     backend works afterwards;
#   - a long run reports progress in a NOTICE at most every 5 seconds.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(gettimeofday tv_interval usleep);

my $node = PostgreSQL::Test::Cluster->new('tuning');
$node->init;
$node->start;
my $start_time = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# 10,000 rows of 200 random features and random distributions over 6
# labels: the default grid takes a few seconds.
$node->safe_psql('postgres', q{
	CREATE EXTENSION uaknn;
	CREATE TABLE big (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
	SELECT setseed(0.3);
	INSERT INTO big
	SELECT i, (SELECT array_agg(random() * 2 - 1) FROM generate_series(1, 200 + i * 0)),
	       (SELECT array_agg(x / s) FROM (SELECT x, sum(x) OVER () AS s
	                                      FROM (SELECT random() + i * 0 AS x FROM generate_series(1, 6)) a) b)
	FROM generate_series(1, 10000) i;
	SELECT uaknn_create_model('big', 'big', 'f', 'l');
	CREATE TABLE small (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
	INSERT INTO small SELECT * FROM big WHERE id <= 400;
	SELECT uaknn_create_model('small', 'small', 'f', 'l', options => '{"standardize": "zscore"}');
});

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

# 1. Fits reach every session.
my $probe = q{SELECT array_to_string(uaknn_predict('small', f), ',') || ' | '
	|| array_to_string(uaknn_predict('small', f, method => 'maxent'), ',') FROM big WHERE id = 9000};
my $a = $node->background_psql('postgres', on_error_stop => 0);
my $first = $a->query_safe($probe);
like($first, qr/^[0-9.e-]+(,[0-9.e-]+){5} \| /, 'session A predicts from the standardized model and its maxent fit');
is($a->query_safe(q{SELECT last_load FROM uaknn_cache_info() WHERE model = 'small'}), 'full', 'session A loaded it');
# Rows arrive: neighbours use them at once, the statistics and maxent do not move.
$node->safe_psql('postgres', q{INSERT INTO small SELECT * FROM big WHERE id BETWEEN 401 AND 600});
my $after_insert = $a->query_safe($probe);
is($a->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'small'}), '600 incremental',
	'session A loads the inserted rows alone, standardized with the stored statistics');
is($node->safe_psql('postgres', $probe), $after_insert, 'a fresh backend predicts the same');
is((split / \| /, $after_insert)[1], (split / \| /, $first)[1], 'maxent waits for the next fit');
is($node->safe_psql('postgres', q{SELECT fitted_version < version FROM uaknn_models WHERE name = 'small'}), 't',
	'the models view shows the fit behind');
# Another session refits: A takes the new statistics (reloading its rows) and the new maxent fit.
$node->safe_psql('postgres', q{SELECT uaknn_refit('small')});
my $refitted = $a->query_safe($probe);
isnt($refitted, $after_insert, 'session A predicts from the new fit');
is($a->query_safe(q{SELECT last_load FROM uaknn_cache_info() WHERE model = 'small'}), 'full',
	'new statistics reload the standardized rows');
is($node->safe_psql('postgres', $probe), $refitted, 'a fresh backend agrees');
# A model of raw rows: a new maxent fit is attached without a reload.
$node->safe_psql('postgres', q{UPDATE uaknn_model SET options = '{}' WHERE name = 'small'});
$a->query_safe($probe);
is($a->query_safe(q{SELECT last_load FROM uaknn_cache_info() WHERE model = 'small'}), 'full', 'standardize none: reloaded raw');
$node->safe_psql('postgres', q{INSERT INTO small SELECT * FROM big WHERE id BETWEEN 601 AND 650});
$a->query_safe($probe);
$node->safe_psql('postgres', q{SELECT uaknn_refit('small')});
my $raw = $a->query_safe($probe);
is($a->query_safe(q{SELECT rows || ' ' || last_load FROM uaknn_cache_info() WHERE model = 'small'}), '650 incremental',
	'a new maxent fit is attached without reloading the rows');
is($node->safe_psql('postgres', $probe), $raw, 'and predicts what a fresh backend predicts');
# uaknn_tune in another session: A uses the tuned configuration.
my $tuned = $node->safe_psql('postgres',
	q{SELECT candidate FROM uaknn_tune('small', candidates => '[{"method": "aaknn", "k": 20, "standardize": "zscore"}]')});
is($tuned, '{"k": 20, "method": "aaknn", "standardize": "zscore"}', 'tuned in another session');
is($a->query_safe(q{SELECT uaknn_predict('small', f) = uaknn_predict('small', f, method => 'auto') FROM big WHERE id = 9000}),
	't', 'session A predicts with the tuned configuration');
is($a->query_safe(q{SELECT array_to_string(uaknn_predict('small', f), ',') FROM big WHERE id = 9000}),
	$node->safe_psql('postgres', q{SELECT array_to_string(uaknn_predict('small', f), ',') FROM big WHERE id = 9000}),
	'as a fresh backend does');
$a->quit;

# 2. Cancel and statement_timeout.
my $options = q{SELECT options::text || ' ' || coalesce(tuned::text, '-') || ' ' || coalesce(fit_id, 0) FROM uaknn_model WHERE name = 'big'};
my $options_before = $node->safe_psql('postgres', $options);
my $s = $node->background_psql('postgres', on_error_stop => 0);
$s->query_safe(q{\set VERBOSITY verbose});
$s->query_safe(q{SET statement_timeout = '1s'});
my ($out, $err, $elapsed) = timed_query($s, q{SELECT count(*) FROM uaknn_tune('big')});
like($err, qr/57014: canceling statement due to statement timeout/, 'tune: statement_timeout cancels (57014)');
cmp_ok($elapsed, '<', 2.0, "tune: stopped within a second of the timeout ($elapsed s)");
$s->query_safe(q{SET statement_timeout = 0});
is($node->safe_psql('postgres', $options), $options_before, 'tune: the model is as it was');

my $pid = $s->query_safe('SELECT pg_backend_pid()');
$s->query_until(qr/started/, qq{\\echo started\nSELECT count(*) FROM uaknn_cross_validate('big', repeats => 3);\n});
$node->poll_query_until('postgres',
	qq{SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid AND state = 'active' AND query LIKE '%uaknn_cross_validate%'})
  or die 'the cross-validation did not start';
usleep(1_500_000);
is($node->safe_psql('postgres', qq{SELECT state FROM pg_stat_activity WHERE pid = $pid}), 'active',
	'cancel: the cross-validation is still running after 1.5 s');
my $t0 = [gettimeofday];
$node->safe_psql('postgres', qq{SELECT pg_cancel_backend($pid)});
$s->query('SELECT 1');
$elapsed = tv_interval($t0);
like($s->{stderr}, qr/57014: canceling statement due to user request/, 'cancel: the cross-validation is cancelled (57014)');
cmp_ok($elapsed, '<', 1.0, "cancel: took effect within a second ($elapsed s)");
$s->{stderr} = '';
is($s->query_safe(q{SELECT count(*) FROM uaknn_cross_validate('small', '[{"method": "prior"}]')}), '1',
	'cancel: the backend cross-validates afterwards');

# A refit of a large dense model, cancelled.
$s->query_safe(q{SET statement_timeout = '50ms'});
($out, $err, $elapsed) = timed_query($s, q{SELECT uaknn_refit('big')});
like($err, qr/57014: canceling statement due to statement timeout/, 'refit: statement_timeout cancels (57014)');
cmp_ok($elapsed, '<', 1.05, "refit: stopped within a second ($elapsed s)");
$s->query_safe(q{SET statement_timeout = 0});
is($node->safe_psql('postgres', $options), $options_before, 'refit: the model is as it was');

# 3. Progress: a NOTICE at most every 5 s while a long run goes on.
$s->query_safe(q{SET client_min_messages = notice});
($out, $err, $elapsed) = timed_query($s, q{SELECT count(*) FROM uaknn_cross_validate('big', repeats => 2)});
is($out, '31', 'the cross-validation of the default grid, 2 repeats');
my @notices = $err =~ /NOTICE:  00000: uaknn_cross_validate\('big'\): \d+% done in \d+ s/g;
note "cross-validation took $elapsed s, with " . scalar(@notices) . " progress notices";
cmp_ok(scalar(@notices), '<=', int($elapsed / 5), 'no more than one notice every 5 s');
SKIP:
{
	skip "the run took under 6 s ($elapsed s)", 1 if $elapsed < 6;
	cmp_ok(scalar(@notices), '>=', 1, 'a run of more than 5 s reports its progress');
}
$s->quit;

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $start_time, 'the postmaster never restarted');
$node->stop;
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend was terminated by a signal');
done_testing();
