/*
 * score.c
 *     The ldl_score(truth, prediction) aggregate: the row count and the mean
 *     of each standard metric and, since 0.2.0, of top1 (top-label
 *     accuracy); and ldl_score_focused(truth, prediction[, threshold]), the
 *     same of the focused pairs (G2). The state is a small fixed struct, so
 *     that it can be combined and serialized for parallel aggregation.
 *
 * The final function fills the columns the installed ldl_scores type has:
 * with 0.1.0's SQL (n and the six, before ALTER EXTENSION UPDATE) this
 * library leaves top1 out.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"

#include "bridge.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(ldl_score_transfn);
PG_FUNCTION_INFO_V1(ldl_score_combinefn);
PG_FUNCTION_INFO_V1(ldl_score_serialfn);
PG_FUNCTION_INFO_V1(ldl_score_deserialfn);
PG_FUNCTION_INFO_V1(ldl_score_finalfn);
PG_FUNCTION_INFO_V1(ldl_score_focused_transfn);

/* The standard six, then top1 (the bridge's uaknn_metrics_score order). */
#define SCORED_METRICS (STANDARD_METRICS + 1)

typedef struct ScoreState
{
	int64		n;
	double		sums[SCORED_METRICS];
} ScoreState;

/* A zeroed aggregate state in the aggregate's memory context. */
static ScoreState *
new_state(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ldl_score support function called in non-aggregate context")));
	return MemoryContextAllocZero(aggcontext, sizeof(ScoreState));
}

/* Adds one pair; a row where either array is NULL is skipped, as avg() does. */
Datum
ldl_score_transfn(PG_FUNCTION_ARGS)
{
	ScoreState *state = PG_ARGISNULL(0) ? new_state(fcinfo) : (ScoreState *) PG_GETARG_POINTER(0);
	double		values[SCORED_METRICS];
	int			n_truth,
				n_prediction;
	const double *a,
			   *b;
	uaknn_error error;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	a = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "truth", &n_truth);
	b = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(2), "prediction", &n_prediction);
	uaknn_raise_if_failed(uaknn_metrics_score(a, n_truth, b, n_prediction, values, SCORED_METRICS, &error), &error);

	state->n++;
	for (int i = 0; i < SCORED_METRICS; i++)
		state->sums[i] += values[i];
	PG_RETURN_POINTER(state);
}

/*
 * Adds one focused pair (threshold NULL or absent: the default); a row
 * where either array is NULL is skipped.
 */
Datum
ldl_score_focused_transfn(PG_FUNCTION_ARGS)
{
	ScoreState *state = PG_ARGISNULL(0) ? new_state(fcinfo) : (ScoreState *) PG_GETARG_POINTER(0);
	double		values[SCORED_METRICS];
	int			n_truth,
				n_prediction;
	const double *a,
			   *b;
	bool		has_threshold = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	uaknn_error error;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	a = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "truth", &n_truth);
	b = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(2), "prediction", &n_prediction);
	uaknn_raise_if_failed(uaknn_metrics_score_focused(a, n_truth, b, n_prediction, has_threshold,
													  has_threshold ? PG_GETARG_FLOAT8(3) : 0,
													  values, SCORED_METRICS, &error), &error);

	state->n++;
	for (int i = 0; i < SCORED_METRICS; i++)
		state->sums[i] += values[i];
	PG_RETURN_POINTER(state);
}

/* Adds the right state into the left (parallel aggregation); either may be NULL. */
Datum
ldl_score_combinefn(PG_FUNCTION_ARGS)
{
	ScoreState *left = PG_ARGISNULL(0) ? NULL : (ScoreState *) PG_GETARG_POINTER(0);
	ScoreState *right = PG_ARGISNULL(1) ? NULL : (ScoreState *) PG_GETARG_POINTER(1);

	if (right == NULL)
	{
		if (left == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(left);
	}
	if (left == NULL)
		left = new_state(fcinfo);
	left->n += right->n;
	for (int i = 0; i < SCORED_METRICS; i++)
		left->sums[i] += right->sums[i];
	PG_RETURN_POINTER(left);
}

/* The state as bytea, for parallel workers. */
Datum
ldl_score_serialfn(PG_FUNCTION_ARGS)
{
	ScoreState *state = (ScoreState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, state->n);
	for (int i = 0; i < SCORED_METRICS; i++)
		pq_sendfloat8(&buf, state->sums[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* The state back from ldl_score_serialfn's bytea. */
Datum
ldl_score_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *bytes = PG_GETARG_BYTEA_PP(0);
	ScoreState *state = new_state(fcinfo);
	StringInfoData buf;

	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(bytes), VARSIZE_ANY_EXHDR(bytes));
	state->n = pq_getmsgint64(&buf);
	for (int i = 0; i < SCORED_METRICS; i++)
		state->sums[i] = pq_getmsgfloat8(&buf);
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/*
 * (n, means...) as the installed ldl_scores type has them: n, the six, and
 * top1 when the type has that column (0.2.0); with no rows scored, n = 0
 * and the means are NULL.
 */
Datum
ldl_score_finalfn(PG_FUNCTION_ARGS)
{
	ScoreState *state = PG_ARGISNULL(0) ? NULL : (ScoreState *) PG_GETARG_POINTER(0);
	Datum		datums[1 + SCORED_METRICS];
	bool		nulls[1 + SCORED_METRICS];
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ldl_score must return a record")));
	if (desc->natts != 1 + STANDARD_METRICS && desc->natts != 1 + SCORED_METRICS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ldl_scores has %d columns, expected %d or %d", desc->natts,
						1 + STANDARD_METRICS, 1 + SCORED_METRICS),
				 errhint("ALTER EXTENSION uaknn UPDATE brings the type to this library's version.")));

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
