/*
 * tuning.c
 *     uaknn_cross_validate() and uaknn_tune() (docs/tuning.md §§ 6, 7): the
 *     model's rows read into a job, its candidates cross-validated by the
 *     core's engine with folds by key (so the same call gives the same table
 *     in every session), and the result as rows. With apply, uaknn_tune()
 *     makes the winner the model's configuration and refits what it needs.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/formatting.h"
#include "utils/jsonb.h"

#include "bridge.h"
#include "extension.h"
#include "job.h"
#include "owner.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_cross_validate);
PG_FUNCTION_INFO_V1(uaknn_tune);

/* A jsonb argument as JSON text, or NULL (length in *length). */
static char *
json_arg(FunctionCallInfo fcinfo, int i, int32 *length)
{
	char	   *text;

	*length = 0;
	if (PG_ARGISNULL(i))
		return NULL;
	text = JsonbToCString(NULL, &PG_GETARG_JSONB_P(i)->root, -1);
	*length = (int32) strlen(text);
	return text;
}

/* One of the job's texts (uaknn_job_text_kind), palloc'd; NULL when it has none. */
static char *
job_text(int64 job, int32 kind, int32 index)
{
	int32		length = uaknn_job_text(job, kind, index, NULL, 0);
	char	   *buffer;

	if (length < 0)
		return NULL;
	buffer = palloc((Size) length + 1);
	if (uaknn_job_text(job, kind, index, buffer, length + 1) != length)
		elog(ERROR, "uaknn: a job's text changed while it was read");
	return buffer;
}

/* JSON text (the bridge's, valid) as a jsonb datum. */
static Datum
jsonb_datum(const char *text)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(text));
}

/* A metric's value, NULL when it could not be computed. */
static void
put_metric(double value, Datum *datum, bool *null)
{
	*null = isnan(value);
	*datum = Float8GetDatum(value);
}

/* Reports the candidates that could not be evaluated, after the run. */
static void
notice_failure(const uaknn_result_row *row, const char *candidate, const char *function)
{
	if (row->failure[0])
		ereport(NOTICE,
				(errmsg("%s: candidate %s could not be evaluated: %s", function, candidate, row->failure)));
}

/*
 * uaknn_cross_validate(model, candidates, folds, repeats, seed): one row per
 * candidate (NULL: the default grid), its six metrics' means over every test
 * row and their standard deviations over folds, rows scored and seconds.
 */
Datum
uaknn_cross_validate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelJob	job;
	uaknn_error error;
	int32		length;
	char	   *candidates;
	int32		count;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	candidates = json_arg(fcinfo, 1, &length);
	uaknn_job_open(text_to_cstring(PG_GETARG_TEXT_PP(0)), NULL, &job);
	uaknn_raise_if_failed(uaknn_job_cross_validate(job.job, candidates, length,
												   PG_ARGISNULL(2) ? 5 : PG_GETARG_INT32(2),
												   PG_ARGISNULL(3) ? 1 : PG_GETARG_INT32(3),
												   PG_ARGISNULL(4) ? 0 : PG_GETARG_INT64(4), &error), &error);
	uaknn_job_run(&job, "uaknn_cross_validate");

	count = uaknn_job_result_count(job.job);
	for (int32 i = 0; i < count; i++)
	{
		uaknn_result_row row;
		Datum		values[2 + 2 * UAKNN_ROW_METRICS + 1];
		bool		nulls[2 + 2 * UAKNN_ROW_METRICS + 1] = {0};
		char	   *candidate = job_text(job.job, UAKNN_TEXT_CANDIDATE, i);

		uaknn_raise_if_failed(uaknn_job_result(job.job, i, &row, &error), &error);
		notice_failure(&row, candidate, "uaknn_cross_validate");
		values[0] = jsonb_datum(candidate);
		values[1] = Int64GetDatum(row.n);
		for (int k = 0; k < UAKNN_ROW_METRICS; k++)
		{
			put_metric(row.mean[k], &values[2 + k], &nulls[2 + k]);
			put_metric(row.std[k], &values[2 + UAKNN_ROW_METRICS + k], &nulls[2 + UAKNN_ROW_METRICS + k]);
		}
		values[2 + 2 * UAKNN_ROW_METRICS] = Float8GetDatum(row.seconds);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	uaknn_job_close(&job);
	return (Datum) 0;
}

/*
 * Makes the winner the model's configuration: its options (label options
 * kept, the winner's in place of the rest) and `tuned`, which records the
 * choice; then refits what the new options predict from. Refuses (40001)
 * when the model's options changed while it was being tuned: the new
 * options were built from the old ones and would undo the change.
 */
static void
apply_winner(ModelJob *job, const char *metric, double score, int32 folds, int64 seed)
{
	const UaknnCatalog *cat = uaknn_catalog();
	char	   *options = job_text(job->job, UAKNN_TEXT_TUNED_OPTIONS, 0);
	char	   *winner = job_text(job->job, UAKNN_TEXT_WINNER, 0);
	Datum		args[9];
	Oid			types[9] = {INT8OID, JSONBOID, JSONBOID, TEXTOID, FLOAT8OID, INT8OID, INT4OID, INT8OID, JSONBOID};

	if (options == NULL || winner == NULL)
		elog(ERROR, "uaknn: tuning found no winner to apply");
	args[0] = Int64GetDatum(job->entry->id);
	args[1] = jsonb_datum(options);
	args[2] = jsonb_datum(winner);
	args[3] = CStringGetTextDatum(metric);
	args[4] = Float8GetDatum(score);
	args[5] = Int64GetDatum(job->version);
	args[6] = Int32GetDatum(folds);
	args[7] = Int64GetDatum(seed);
	args[8] = jsonb_datum(job->row.options);
	if (uaknn_run_as_owner(psprintf("UPDATE %s SET options = $2, tuned = pg_catalog.jsonb_build_object("
									"'candidate', $3, 'metric', $4, 'score', $5, 'version', $6, "
									"'folds', $7, 'seed', $8, 'tuned_at', pg_catalog.now()) "
									"WHERE id OPERATOR(pg_catalog.=) $1 AND options OPERATOR(pg_catalog.=) $9",
									uaknn_model_table_sql(cat)),
						   9, types, args, SPI_OK_UPDATE) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
				 errmsg("model \"%s\" was dropped or its options changed while it was being tuned",
						job->entry->name),
				 errhint("Tune it again.")));
	uaknn_fit_write(job, options);
}

/*
 * uaknn_tune(model, metric, folds, seed, candidates, apply): the
 * leaderboard, best first (rank, candidate, the six metrics, rows scored);
 * with apply (the default; owners only), the winner becomes the model's
 * configuration.
 */
Datum
uaknn_tune(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelJob	job;
	uaknn_error error;
	int32		length;
	char	   *candidates;
	char	   *metric;
	int32		folds;
	int64		seed;
	bool		apply;
	int32		count;
	double		score = NAN;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	/* Metric names are ASCII, matched in any case: recorded in lower case. */
	metric = PG_ARGISNULL(1) ? "kl" : asc_tolower(VARDATA_ANY(PG_GETARG_TEXT_PP(1)), VARSIZE_ANY_EXHDR(PG_GETARG_TEXT_PP(1)));
	folds = PG_ARGISNULL(2) ? 5 : PG_GETARG_INT32(2);
	seed = PG_ARGISNULL(3) ? 0 : PG_GETARG_INT64(3);
	candidates = json_arg(fcinfo, 4, &length);
	apply = PG_ARGISNULL(5) ? true : PG_GETARG_BOOL(5);

	uaknn_job_open(text_to_cstring(PG_GETARG_TEXT_PP(0)), apply ? "apply tuning to" : NULL, &job);
	uaknn_raise_if_failed(uaknn_job_tune(job.job, candidates, length, metric, (int32) strlen(metric), folds, seed,
										 &error), &error);
	uaknn_job_run(&job, "uaknn_tune");

	count = uaknn_job_result_count(job.job);
	for (int32 i = 0; i < count; i++)
	{
		uaknn_result_row row;
		Datum		values[3 + UAKNN_ROW_METRICS];
		bool		nulls[3 + UAKNN_ROW_METRICS] = {0};
		char	   *candidate = job_text(job.job, UAKNN_TEXT_CANDIDATE, i);

		uaknn_raise_if_failed(uaknn_job_result(job.job, i, &row, &error), &error);
		notice_failure(&row, candidate, "uaknn_tune");
		values[0] = Int32GetDatum(row.rank);
		nulls[0] = row.rank == 0;
		values[1] = jsonb_datum(candidate);
		for (int k = 0; k < UAKNN_ROW_METRICS; k++)
			put_metric(row.mean[k], &values[2 + k], &nulls[2 + k]);
		values[2 + UAKNN_ROW_METRICS] = Int64GetDatum(row.n);
		if (row.rank == 1)
			score = row.score;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (apply)
		apply_winner(&job, metric, score, folds, seed);
	uaknn_job_close(&job);
	return (Datum) 0;
}
