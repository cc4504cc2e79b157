/*
 * prediction_stats.c
 *     The ldl_prediction_stats(prediction) aggregate (G4): the number of
 *     predictions and the mean of their entropy, variance across labels and
 *     largest value. The state is sums, combined and serialized for
 *     parallel aggregation as ldl_score's (means.c).
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"

#include "bridge.h"
#include "means.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(ldl_prediction_stats_transfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_combinefn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_serialfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_deserialfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_finalfn);

/* entropy, variance, max: the bridge's uaknn_prediction_stats order. */
#define STATS_TERMS 3

#define AGGREGATE "ldl_prediction_stats"

/* Adds one prediction; a NULL one is skipped, as avg() does. */
Datum
ldl_prediction_stats_transfn(PG_FUNCTION_ARGS)
{
	MeansState *state = uaknn_means_state(fcinfo, AGGREGATE);
	double		values[STATS_TERMS];
	int			n;
	const double *p;
	uaknn_error error;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	p = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "prediction", &n);
	uaknn_raise_if_failed(uaknn_prediction_stats(p, n, values, STATS_TERMS, &error), &error);
	uaknn_means_add(state, values, STATS_TERMS);
	PG_RETURN_POINTER(state);
}

/* The sum of two partial states (either may be NULL). */
Datum
ldl_prediction_stats_combinefn(PG_FUNCTION_ARGS)
{
	return uaknn_means_combine(fcinfo, STATS_TERMS, AGGREGATE);
}

/* The state as bytes: n, then the sums. */
Datum
ldl_prediction_stats_serialfn(PG_FUNCTION_ARGS)
{
	return uaknn_means_serialize(fcinfo, STATS_TERMS);
}

/* The state serialfn wrote, read back exactly (a malformed one raises). */
Datum
ldl_prediction_stats_deserialfn(PG_FUNCTION_ARGS)
{
	return uaknn_means_deserialize(fcinfo, STATS_TERMS, AGGREGATE);
}

/* (n, mean_entropy, mean_variance, mean_max); over no predictions n = 0 and NULL means. */
Datum
ldl_prediction_stats_finalfn(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != 1 + STATS_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ldl_prediction_stats must return a record of %d columns", 1 + STATS_TERMS)));
	return uaknn_means_result(fcinfo, desc);
}
