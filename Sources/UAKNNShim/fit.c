/*
 * fit.c
 *     A model's stored fit (docs/tuning.md §§ 2, 4): the standardization
 *     statistics and the maximum-entropy fit, computed from the rows as
 *     stored and written to the model's catalog row with a new fit_id, the
 *     version they were fitted at and the time. Every backend's cache takes
 *     them from there (catalog.c). uaknn_refit() on request, uaknn_tune()
 *     after choosing, uaknn_create_model() when the options need them.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "bridge.h"
#include "extension.h"
#include "job.h"
#include "owner.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_refit);
PG_FUNCTION_INFO_V1(uaknn_options_need_fit_sql);

/*
 * Ensures the model's catalog row holds the fit of the job's rows under
 * `options` (the model's options as they are, or as uaknn_tune() has just
 * written them: their l2), with a new fit_id. Written as the extension's
 * owner: the caller has shown ownership of the model's table.
 */
void
uaknn_fit_write(ModelJob *job, const char *options)
{
	const UaknnCatalog *cat = uaknn_catalog();
	uaknn_error error;
	int32		nstats = 0,
				nmaxent = 0;
	double	   *stats,
			   *maxent;
	Datum		args[5];
	Oid			types[5] = {INT8OID, INT8OID, FLOAT8ARRAYOID, FLOAT8ARRAYOID, INT8OID};

	uaknn_raise_if_failed(uaknn_job_fit(job->job, options, (int32) strlen(options), uaknn_interrupt_pending,
										&nstats, &nmaxent, &error), &error);
	stats = palloc(sizeof(double) * Max(nstats, 1));
	maxent = palloc(sizeof(double) * Max(nmaxent, 1));
	uaknn_raise_if_failed(uaknn_job_fit_copy(job->job, stats, nstats, maxent, nmaxent, &error), &error);
	args[0] = Int64GetDatum(job->entry->id);
	args[1] = Int64GetDatum(nextval_internal(cat->version_seq, false));
	args[2] = PointerGetDatum(uaknn_make_float8_array(stats, nstats));
	args[3] = PointerGetDatum(uaknn_make_float8_array(maxent, nmaxent));
	args[4] = Int64GetDatum(job->version);
	if (uaknn_run_as_owner(psprintf("UPDATE %s SET fit_id = $2, feature_stats = $3, maxent = $4, "
									"fitted_version = $5, fitted_at = pg_catalog.now() "
									"WHERE id OPERATOR(pg_catalog.=) $1", uaknn_model_table_sql(cat)),
						   5, types, args, SPI_OK_UPDATE) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" was dropped while it was being fitted", job->entry->name)));
}

/*
 * uaknn_refit(model text): recomputes the model's standardization
 * statistics and maximum-entropy fit (l2 from its options) from its rows.
 * Only the table's owner; cancellable.
 */
Datum
uaknn_refit(PG_FUNCTION_ARGS)
{
	ModelJob	job;

	uaknn_job_open(text_to_cstring(PG_GETARG_TEXT_PP(0)), "refit", &job);
	uaknn_fit_write(&job, job.row.options);
	uaknn_job_close(&job);
	PG_RETURN_VOID();
}

/*
 * uaknn_options_need_fit(options jsonb): whether a model with these options
 * predicts from a stored fit (standardize zscore, or maxent in the method
 * or its members), so that uaknn_create_model() makes one.
 */
Datum
uaknn_options_need_fit_sql(PG_FUNCTION_ARGS)
{
	char	   *json = JsonbToCString(NULL, &PG_GETARG_JSONB_P(0)->root, -1);
	uaknn_error error;
	bool		needed = false;

	uaknn_raise_if_failed(uaknn_options_need_fit(json, (int32) strlen(json), &needed, &error), &error);
	PG_RETURN_BOOL(needed);
}
