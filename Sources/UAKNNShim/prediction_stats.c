/*
 * prediction_stats.c
 *     The ldl_prediction_stats(prediction) aggregate (G4): the number of
 *     predictions and the mean of their entropy, variance across labels and
 *     largest value. The state is sums, combined and serialized for
 *     parallel aggregation as ldl_score's.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"

#include "bridge.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(ldl_prediction_stats_transfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_combinefn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_serialfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_deserialfn);
PG_FUNCTION_INFO_V1(ldl_prediction_stats_finalfn);

/* entropy, variance, max: the bridge's uaknn_prediction_stats order. */
#define STATS_TERMS 3

typedef struct StatsState
{
	int64		n;
	double		sums[STATS_TERMS];
} StatsState;

/* A zeroed state in the aggregate's memory context; raises outside an aggregate. */
static StatsState *
new_state(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ldl_prediction_stats support function called in non-aggregate context")));
	return MemoryContextAllocZero(aggcontext, sizeof(StatsState));
}

/* Adds one prediction; a NULL one is skipped, as avg() does. */
Datum
ldl_prediction_stats_transfn(PG_FUNCTION_ARGS)
{
	StatsState *state = PG_ARGISNULL(0) ? new_state(fcinfo) : (StatsState *) PG_GETARG_POINTER(0);
	double		values[STATS_TERMS];
	int			n;
	const double *p;
	uaknn_error error;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	p = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "prediction", &n);
	uaknn_raise_if_failed(uaknn_prediction_stats(p, n, values, STATS_TERMS, &error), &error);
	state->n++;
	for (int i = 0; i < STATS_TERMS; i++)
		state->sums[i] += values[i];
	PG_RETURN_POINTER(state);
}

/* The sum of two partial states (either may be NULL). */
Datum
ldl_prediction_stats_combinefn(PG_FUNCTION_ARGS)
{
	StatsState *left = PG_ARGISNULL(0) ? NULL : (StatsState *) PG_GETARG_POINTER(0);
	StatsState *right = PG_ARGISNULL(1) ? NULL : (StatsState *) PG_GETARG_POINTER(1);

	if (right == NULL)
	{
		if (left == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(left);
	}
	if (left == NULL)
		left = new_state(fcinfo);
	left->n += right->n;
	for (int i = 0; i < STATS_TERMS; i++)
		left->sums[i] += right->sums[i];
	PG_RETURN_POINTER(left);
}

/* The state as bytes: n, then the sums. */
Datum
ldl_prediction_stats_serialfn(PG_FUNCTION_ARGS)
{
	StatsState *state = (StatsState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, state->n);
	for (int i = 0; i < STATS_TERMS; i++)
		pq_sendfloat8(&buf, state->sums[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The state serialfn wrote, read back exactly (a malformed one raises). */
Datum
ldl_prediction_stats_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	StatsState *state = new_state(fcinfo);
	StringInfoData buf;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	state->n = pq_getmsgint64(&buf);
	for (int i = 0; i < STATS_TERMS; i++)
		state->sums[i] = pq_getmsgfloat8(&buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/* (n, mean_entropy, mean_variance, mean_max); over no predictions n = 0 and NULL means. */
Datum
ldl_prediction_stats_finalfn(PG_FUNCTION_ARGS)
{
	StatsState *state = PG_ARGISNULL(0) ? NULL : (StatsState *) PG_GETARG_POINTER(0);
	Datum		datums[1 + STATS_TERMS];
	bool		nulls[1 + STATS_TERMS];
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != 1 + STATS_TERMS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ldl_prediction_stats must return a record of %d columns", 1 + STATS_TERMS)));
	datums[0] = Int64GetDatum(state ? state->n : 0);
	nulls[0] = false;
	for (int i = 0; i < STATS_TERMS; i++)
	{
		nulls[i + 1] = state == NULL || state->n == 0;
		datums[i + 1] = nulls[i + 1] ? (Datum) 0 : Float8GetDatum(state->sums[i] / state->n);
	}
	desc = BlessTupleDesc(desc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, datums, nulls)));
}
