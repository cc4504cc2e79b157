# Random mutations of the metric functions' input on a primary and on its
# streaming standby: every call either answers or raises an ordinary error,
# and no backend ever crashes (the postmaster never restarts).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;
$primary->safe_psql('postgres', 'CREATE EXTENSION uaknn');
$primary->backup('backup');

my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;

my $start_time = $primary->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# The standby replays the extension and computes the same metrics.
$primary->safe_psql('postgres',
	q{CREATE TABLE pairs AS SELECT '{0.2,0.3,0.5}'::float8[] AS t, '{0.1,0.6,0.3}'::float8[] AS p});
$primary->wait_for_catchup($standby);
my $sql = q{SELECT round(ldl_metric(t, p, 'kl')::numeric, 12) FROM pairs};
is($standby->safe_psql('postgres', $sql), $primary->safe_psql('postgres', $sql),
	'standby computes the same metric as the primary');
like($standby->safe_psql('postgres', q{SELECT (ldl_score(t, p)).n FROM pairs}), qr/^1$/,
	'aggregate runs on the standby');

# Random arrays: odd lengths, NULLs, NaN, infinities, negatives, huge values,
# empty and two-dimensional arrays, unknown kinds.
srand(20261129);
my @atoms = ('0', '1', '0.5', '0.25', 'NULL', 'NaN', 'Infinity', '-Infinity', '-0.1',
	'1e308', '1e-320', '-0', '3');
my @kinds = qw(chebyshev clark canberra kl cosine intersection euclidean sorensen
  squared_chi2 fidelity js top1 KL nope);
# The kinds ldl_metric_kinds() lists are exactly these, top1 last.
is($primary->safe_psql('postgres', q{SELECT string_agg(kind, ' ') FROM ldl_metric_kinds()}),
	join(' ', grep { $_ ne 'KL' && $_ ne 'nope' } @kinds), 'ldl_metric_kinds lists every kind, top1 included');
sub random_array
{
	my $shape = int(rand(20));
	return "'{}'" if $shape == 0;
	if ($shape == 1)
	{
		return "'{{0.5,0.5},{0.5,0.5}}'";
	}
	my $n = 1 + int(rand(8));
	return "'{" . join(',', map { $atoms[ int(rand(@atoms)) ] } 1 .. $n) . "}'";
}

my ($answered, $errors) = (0, 0);
for my $i (1 .. 600)
{
	my $kind = $kinds[ int(rand(@kinds)) ];
	my ($a, $b) = (random_array(), random_array());
	my $threshold = ('NULL', '0', '0.014', '0.5', '-1', "'NaN'", "'Infinity'", '1e-320')[ int(rand(8)) ];
	my $q = $i % 6 == 0
	  ? "SELECT (ldl_score(t, p)).* FROM (VALUES (${a}::float8[], ${b}::float8[])) v(t, p)"
	  : $i % 6 == 1 ? "SELECT ldl_metric($a, $b, '$kind')"
	  : $i % 6 == 2 ? "SELECT * FROM ldl_metrics($a, $b)"
	  : $i % 6 == 3 ? "SELECT ldl_metric_focused($a, $b, '$kind', $threshold)"
	  : $i % 6 == 4 ? "SELECT (ldl_score_focused(t, p, $threshold)).* FROM (VALUES (${a}::float8[], ${b}::float8[])) v(t, p)"
	  : "SELECT (ldl_prediction_stats(p)).* FROM (VALUES (${a}::float8[]), (${b}::float8[])) v(p)";
	my ($ret, $out, $err) = $primary->psql('postgres', $q);
	if ($ret == 0) { $answered++; }
	elsif ($ret == 3 && $err =~ /ERROR:/) { $errors++; }
	else { fail("unexpected outcome for $q: ret=$ret err=$err"); }
}
ok($answered > 0, "some random calls answered ($answered)");
ok($errors > 0, "some random calls raised errors ($errors)");

is($primary->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $start_time,
	'the postmaster never restarted');
my $log = slurp_file($primary->logfile);
unlike($log, qr/terminated by signal/, 'no backend was terminated by a signal');

$standby->stop;
$primary->stop;
done_testing();
