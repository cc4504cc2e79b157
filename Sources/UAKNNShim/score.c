/*
 * score.c
 *     The ldl_score(truth, prediction) aggregate: the row count and the mean
 *     of each standard metric and, since 0.2.0, of top1 (top-label
 *     accuracy); and ldl_score_focused(truth, prediction[, threshold]), the
 *     same of the focused pairs (G2). The state is sums (means.c), combined
 *     and serialized for parallel aggregation.
 *
 * The final function fills the columns the installed ldl_scores type has:
 * with 0.1.0's SQL (n and the six, before ALTER EXTENSION UPDATE) this
 * library leaves top1 out.
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"

#include "bridge.h"
#include "means.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(ldl_score_transfn);
PG_FUNCTION_INFO_V1(ldl_score_combinefn);
PG_FUNCTION_INFO_V1(ldl_score_serialfn);
PG_FUNCTION_INFO_V1(ldl_score_deserialfn);
PG_FUNCTION_INFO_V1(ldl_score_finalfn);
PG_FUNCTION_INFO_V1(ldl_score_focused_transfn);

/* The standard six, then top1 (the bridge's uaknn_metrics_score order). */
#define SCORED_METRICS (STANDARD_METRICS + 1)

StaticAssertDecl(SCORED_METRICS <= MEANS_MAX_TERMS, "ldl_score averages more values than MeansState holds");

#define AGGREGATE "ldl_score"

/* Adds one pair; a row where either array is NULL is skipped, as avg() does. */
Datum
ldl_score_transfn(PG_FUNCTION_ARGS)
{
	MeansState *state = uaknn_means_state(fcinfo, AGGREGATE);
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
	uaknn_means_add(state, values, SCORED_METRICS);
	PG_RETURN_POINTER(state);
}

/*
 * Adds one focused pair (threshold NULL or absent: the default); a row
 * where either array is NULL is skipped.
 */
Datum
ldl_score_focused_transfn(PG_FUNCTION_ARGS)
{
	MeansState *state = uaknn_means_state(fcinfo, AGGREGATE);
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
	uaknn_means_add(state, values, SCORED_METRICS);
	PG_RETURN_POINTER(state);
}

/* Adds the right state into the left (parallel aggregation); either may be NULL. */
Datum
ldl_score_combinefn(PG_FUNCTION_ARGS)
{
	return uaknn_means_combine(fcinfo, SCORED_METRICS, AGGREGATE);
}

/* The state as bytea, for parallel workers. */
Datum
ldl_score_serialfn(PG_FUNCTION_ARGS)
{
	return uaknn_means_serialize(fcinfo, SCORED_METRICS);
}

/* The state back from ldl_score_serialfn's bytea. */
Datum
ldl_score_deserialfn(PG_FUNCTION_ARGS)
{
	return uaknn_means_deserialize(fcinfo, SCORED_METRICS, AGGREGATE);
}

/*
 * (n, means...) as the installed ldl_scores type has them: n, the six, and
 * top1 when the type has that column (0.2.0); with no rows scored, n = 0
 * and the means are NULL.
 */
Datum
ldl_score_finalfn(PG_FUNCTION_ARGS)
{
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
	return uaknn_means_result(fcinfo, desc);
}
