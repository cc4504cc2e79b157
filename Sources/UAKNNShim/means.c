/*
 * means.c
 *     The transition state of the averaging aggregates (means.h): the
 *     first argument of a support function is the state, the aggregate's
 *     name only words its errors.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "libpq/pqformat.h"

#include "means.h"

/* The state in argument 0, or a zeroed one in the aggregate's memory context; raises outside an aggregate. */
MeansState *
uaknn_means_state(FunctionCallInfo fcinfo, const char *aggregate)
{
	MemoryContext aggcontext;

	if (PG_NARGS() > 0 && !PG_ARGISNULL(0))
		return (MeansState *) PG_GETARG_POINTER(0);
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s support function called in non-aggregate context", aggregate)));
	return MemoryContextAllocZero(aggcontext, sizeof(MeansState));
}

/* Counts one row and adds its nterms values to the sums. */
void
uaknn_means_add(MeansState *state, const double *values, int nterms)
{
	Assert(nterms <= MEANS_MAX_TERMS);
	state->n++;
	for (int i = 0; i < nterms; i++)
		state->sums[i] += values[i];
}

/* The left state with the right one added (parallel aggregation); either may be NULL. */
Datum
uaknn_means_combine(FunctionCallInfo fcinfo, int nterms, const char *aggregate)
{
	MeansState *right = PG_ARGISNULL(1) ? NULL : (MeansState *) PG_GETARG_POINTER(1);
	MeansState *left;

	if (right == NULL)
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	left = uaknn_means_state(fcinfo, aggregate);
	left->n += right->n;
	for (int i = 0; i < nterms; i++)
		left->sums[i] += right->sums[i];
	PG_RETURN_POINTER(left);
}

/* The state as bytea for parallel workers: n, then the nterms sums. */
Datum
uaknn_means_serialize(FunctionCallInfo fcinfo, int nterms)
{
	MeansState *state = (MeansState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, state->n);
	for (int i = 0; i < nterms; i++)
		pq_sendfloat8(&buf, state->sums[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The state uaknn_means_serialize wrote, read back exactly (a malformed one raises). */
Datum
uaknn_means_deserialize(FunctionCallInfo fcinfo, int nterms, const char *aggregate)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	MeansState *state;
	MemoryContext aggcontext;
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s support function called in non-aggregate context", aggregate)));
	state = MemoryContextAllocZero(aggcontext, sizeof(MeansState));
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	state->n = pq_getmsgint64(&buf);
	for (int i = 0; i < nterms; i++)
		state->sums[i] = pq_getmsgfloat8(&buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/*
 * The record (n, mean of each sum) of the result type desc, whose columns
 * after n take the first sums; over no rows n = 0 and the means are NULL.
 */
Datum
uaknn_means_result(FunctionCallInfo fcinfo, TupleDesc desc)
{
	MeansState *state = PG_ARGISNULL(0) ? NULL : (MeansState *) PG_GETARG_POINTER(0);
	Datum		datums[1 + MEANS_MAX_TERMS];
	bool		nulls[1 + MEANS_MAX_TERMS];

	Assert(desc->natts <= 1 + MEANS_MAX_TERMS);
	datums[0] = Int64GetDatum(state ? state->n : 0);
	nulls[0] = false;
	for (int i = 0; i < desc->natts - 1; i++)
	{
		nulls[i + 1] = state == NULL || state->n == 0;
		datums[i + 1] = nulls[i + 1] ? (Datum) 0 : Float8GetDatum(state->sums[i] / state->n);
	}
	desc = BlessTupleDesc(desc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, datums, nulls)));
}
