# Random, mostly bad, calls of the model functions: every call answers or
# raises an ordinary error, and no backend ever crashes.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('models_fuzz');
$node->init;
$node->start;
my $start_time = $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

$node->safe_psql('postgres', q{
	CREATE EXTENSION uaknn;
	CREATE TABLE m (id bigint PRIMARY KEY, f float8[] NOT NULL, l float8[] NOT NULL);
	SELECT setseed(0.5);
	INSERT INTO m SELECT i, ARRAY[random(), random(), random()],
	       CASE i % 3 WHEN 0 THEN '{0.6,0.3,0.1}'::float8[] WHEN 1 THEN '{0.1,0.6,0.3}' ELSE '{0.3,0.1,0.6}' END
	FROM generate_series(1, 300) i;
	SELECT uaknn_create_model('m', 'm', 'f', 'l');
	ALTER TABLE m ADD COLUMN w float8 NOT NULL DEFAULT 1;
	UPDATE m SET w = (id % 4) / 2.0;
	SELECT uaknn_create_model('mw', 'm', 'f', 'l', options => '{"weight_column": "w", "method": "kernel", "bandwidth_rule": "median"}');
	INSERT INTO uaknn_samples (features, labels) SELECT f, l FROM m WHERE id <= 20;
});

srand(20261129);
my @atoms = ('0', '1', '0.5', '-1', 'NULL', 'NaN', 'Infinity', '-Infinity', '1e308', '1e-320', '3');
my @methods = ('uaknn', 'wuaknn', 'aaknn', 'kernel', 'UAKNN', 'nope', '', 'NULL');
my @numbers = ('0', '-1', '1', '0.5', '2', '1e308', "'NaN'", "'Infinity'", "'-Infinity'", 'NULL', '100000', '10001');
my @ints = ('0', '-1', '1', '2', '3', '10000', '10001', '2147483647', 'NULL');
sub pick { return $_[ int(rand(@_)) ]; }

sub vector
{
	my $n = int(rand(6));
	return "'{}'" if $n == 0;
	return "'{{0.5,0.5,0.5},{1,0,0}}'" if $n == 5;
	return "'{" . join(',', map { pick(@atoms) } 1 .. $n) . "}'";
}

sub parameters
{
	my @p;
	if (rand() < 0.7)
	{
		my $method = pick(@methods);
		push @p, "method => " . ($method eq 'NULL' ? 'NULL' : "'$method'");
	}
	push @p, "variance => " . pick(@numbers) if rand() < 0.3;
	push @p, "samples => " . pick(@ints) if rand() < 0.2;
	push @p, "softmax_base => " . pick(@numbers) if rand() < 0.3;
	push @p, "temperature => " . pick(@numbers) if rand() < 0.3;
	push @p, "mode => '" . pick('expected', 'sampled', 'x') . "'" if rand() < 0.3;
	push @p, "normalization => '" . pick('softmax', 'linear', 'x') . "'" if rand() < 0.3;
	push @p, "k => " . pick(@ints) if rand() < 0.4;
	push @p, "bandwidth => " . pick(@numbers) if rand() < 0.3;
	push @p, "prototypes => " . pick('true', 'false', 'NULL') if rand() < 0.2;
	push @p, kernel_parameters() if rand() < 0.3;
	return @p ? ', ' . join(', ', @p) : '';
}

# The kernel's bandwidth rules, scale and fallback (F2.1, F2.2).
sub kernel_parameters
{
	my @p;
	push @p, "bandwidth_rule => " . pick("'kth'", "'fixed'", "'median'", "'MEDIAN'", "'x'", 'NULL') if rand() < 0.6;
	push @p, "bandwidth_scale => " . pick(@numbers) if rand() < 0.4;
	push @p, "fallback => " . pick("'none'", "'prior'", "'aaknn'", "'uaknn'", "'wuaknn'", "'mix'", 'NULL') if rand() < 0.4;
	return @p ? join(', ', @p) : "bandwidth_rule => 'median'";
}

# The arguments of the neighbour family's functions (NULL, bad or fine).
sub text_of { my $v = pick(@_); return $v eq 'NULL' ? 'NULL' : "'$v'"; }
sub neighbour_call
{
	my ($model) = @_;
	my $kind = int(rand(8));
	my $k = "k => " . pick(@ints);
	my $bw = rand() < 0.5 ? ", bandwidth => " . pick(@numbers) : '';
	my $kernel = rand() < 0.5 ? ", " . kernel_parameters() : '';
	$kernel =~ s/, fallback => [^,]*//;
	if ($kind == 0) { return "SELECT uaknn_confidence($model, " . vector() . "::float8[], $k$bw$kernel)"; }
	if ($kind == 1)
	{
		return "SELECT count(*) FROM uaknn_label_noise($model, $k, method => "
		  . text_of('aaknn', 'kernel', 'uaknn', 'wuaknn', 'prior', 'x', 'NULL') . ", score => "
		  . text_of('kl', 'cosine', 'top1', 'js', 'x', 'NULL') . "$bw$kernel)";
	}
	if ($kind == 2)
	{
		return "SELECT count(*) FROM uaknn_label_support($model, few_below => " . pick(@ints)
		  . ", many_above => " . pick(@ints) . ", support => " . text_of('top', 'prototype', 'soft', 'x', 'NULL')
		  . ", k => " . pick(@ints) . ", distance => " . text_of('euclidean', 'cosine', 'x', 'NULL')
		  . ", evaluate => " . pick('true', 'false', 'NULL') . ")";
	}
	if ($kind == 3)
	{
		return "SELECT uaknn_label_split($model, " . vector() . "::float8[], few_below => " . pick(@ints)
		  . ", many_above => " . pick(@ints) . ", support => " . text_of('top', 'soft', 'x', 'NULL') . ")";
	}
	if ($kind == 4)
	{
		return "SELECT count(*) FROM uaknn_influence($model, " . pick('1', '2', '300', '-1', '0', 'NULL', '9223372036854775807')
		  . ", $k$bw$kernel)";
	}
	if ($kind == 5)
	{
		return "SELECT count(*) FROM uaknn_neighbour_recall($model, "
		  . pick("'{1,2,4}'", "'{}'", "'{0}'", "'{-1,3}'", "'{1,NULL}'", "'{2147483647}'", "'{{1},{2}}'", 'NULL')
		  . ", " . text_of('euclidean', 'cosine', 'x', 'NULL') . ")";
	}
	if ($kind == 6) { return "SELECT count(*) FROM uaknn_prototype_overlap($model)"; }
	return "SELECT ldl_metric_focused(" . vector() . ", " . vector() . ", "
	  . text_of('kl', 'top1', 'cosine', 'x', 'NULL') . ", " . pick(@numbers) . ")";
}

# Candidates for cross-validation and tuning: JSON arrays of option objects,
# mostly well-formed, some not.
my @candidate_methods = ('"uaknn"', '"wuaknn"', '"aaknn"', '"kernel"', '"prior"', '"maxent"', '"mix"', '"auto"', '"nope"', '3', 'null');
my @option_values = ('0', '-1', '1', '0.5', '3', '1e308', '"x"', 'true', 'null', '[]', '{}', '"zscore"', '"none"');
my @option_names = ('k', 'variance', 'temperature', 'bandwidth', 'standardize', 'l2', 'members', 'weights',
	'normalize_labels', 'softmax_base', 'nope');

sub candidates
{
	my $r = rand();
	return 'NULL' if $r < 0.15;
	return pick("'{}'", "'[]'", "'3'", "'\"aaknn\"'", "'[[]]'", "'[null]'") if $r < 0.25;
	return pick(q{'[{"method": "prior"}, {"method": "maxent"}]'}, q{'[{"method": "aaknn", "k": 3, "standardize": "zscore"}]'},
		q{'[{"method": "kernel", "k": 0}, {"method": "uaknn", "temperature": 0.1}]'},
		q{'[{"method": "mix", "members": [{"method": "wuaknn"}, {"method": "maxent", "l2": 0.1}], "weights": [1, 3]}]'})
	  if $r < 0.55;
	my @items;
	for (1 .. 1 + int(rand(3)))
	{
		my @fields = ('"method": ' . pick(@candidate_methods));
		push @fields, '"' . pick(@option_names) . '": ' . pick(@option_values) for 1 .. int(rand(3));
		push @fields, '"members": [{"method": "aaknn"}, {"method": ' . pick(@candidate_methods) . '}]' if rand() < 0.2;
		push @items, '{' . join(', ', @fields) . '}';
	}
	return "'[" . join(', ', @items) . "]'";
}

sub tuning_call
{
	my ($model) = @_;
	my $r = rand();
	my $folds = pick('2', '3', '5', 'NULL', '0', '1', '-1', '100000');
	my $seed = pick('0', '1', '-1', '9223372036854775807', 'NULL');
	if ($r < 0.45)
	{
		my $repeats = pick('1', '2', '0', '-3', '1001', 'NULL');
		return "SELECT count(*) FROM uaknn_cross_validate($model, " . candidates()
		  . ", folds => $folds, repeats => $repeats, seed => $seed)";
	}
	if ($r < 0.9)
	{
		my $metric = pick("'kl'", "'cosine'", "'KL'", "'top1'", "'nope'", "''", 'NULL');
		my $apply = pick('true', 'false', 'NULL');
		return "SELECT count(*) FROM uaknn_tune($model, metric => $metric, folds => $folds, seed => $seed, "
		  . "candidates => " . candidates() . ", apply => $apply)";
	}
	return "SELECT uaknn_refit($model)";
}

my ($answered, $errors, $tuned) = (0, 0, 0);
for my $i (1 .. 480)
{
	my $model = pick("'m'", "'m'", "'mw'", "'default'", "'nope'", "NULL");
	my $q;
	my $kind = $i % 7;
	if ($kind == 0) { $q = "SELECT uaknn_predict($model, " . vector() . "::float8[]" . parameters() . ")"; }
	elsif ($kind == 1) { $q = "SELECT uaknn_predict(" . vector() . "::float8[])"; }
	elsif ($kind == 2)
	{
		my $rows = 1 + int(rand(3));
		my $m = "ARRAY[" . join(',', map { "ARRAY[" . join(',', map { my $a = pick(@atoms); $a eq 'NULL' ? $a : "'$a'" } 1 .. 3) . "]::float8[]" } 1 .. $rows) . "]";
		$q = "SELECT count(*) FROM uaknn_predict_batch($model, NULL, $m" . parameters() . ")";
	}
	elsif ($kind == 3) { $q = "SELECT count(*) FROM uaknn_explain($model, " . vector() . "::float8[])"; }
	elsif ($kind == 4) { $q = "INSERT INTO m VALUES (" . (1000 + $i) . ", " . vector() . ", " . vector() . ")"; }
	elsif ($kind == 5) { $q = tuning_call($model); }
	else { $q = neighbour_call($model); }
	my ($ret, $out, $err) = $node->psql('postgres', $q);
	if ($ret == 0) { $answered++; $tuned++ if $kind == 5; }
	elsif ($ret == 3 && $err =~ /ERROR:/) { $errors++; }
	else { fail("unexpected outcome for $q: ret=$ret err=$err"); }
}

# Weights at random: bad ones refused, good ones predicted with.
for my $i (1 .. 40)
{
	my $q = "UPDATE m SET w = " . pick(@numbers, "'1e-300'", '0', '3') . " WHERE id = " . (1 + int(rand(300)));
	my ($ret, $out, $err) = $node->psql('postgres', $q);
	if ($ret == 0) { $answered++; }
	elsif ($ret == 3 && $err =~ /ERROR:/) { $errors++; }
	else { fail("unexpected outcome for $q: ret=$ret err=$err"); }
	($ret, $out, $err) = $node->psql('postgres',
		"SELECT uaknn_predict('mw', '{0.2,0.3,0.4}', k => " . pick('0', '1', '5', '299') . ")");
	fail("unexpected outcome of a weighted prediction: ret=$ret err=$err") unless $ret == 0 || ($ret == 3 && $err =~ /ERROR:/);
}
ok($answered > 20, "some random calls answered ($answered)");
ok($errors > 20, "some random calls raised errors ($errors)");
ok($tuned > 3, "some random cross-validations, tunings and refits answered ($tuned)");

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'), $start_time,
	'the postmaster never restarted');
unlike(slurp_file($node->logfile), qr/terminated by signal/, 'no backend was terminated by a signal');
is($node->safe_psql('postgres', q{SELECT cardinality(uaknn_predict('m', '{0.2,0.3,0.4}'))}), '3',
	'the model still predicts');
is($node->safe_psql('postgres', q{SELECT count(*) > 0 FROM uaknn_label_noise('m', k => 5)}), 't',
	'the label-noise report still answers');
is($node->safe_psql('postgres', q{SELECT count(*) FROM uaknn_tune('m', apply => false)}), '31',
	'and it tunes');
$node->stop;
done_testing();
