/*
 * metrics.c
 *     ldl_metric(), ldl_metrics(), ldl_metric_kinds() and
 *     ldl_metric_focused(): scoring one pair of label distributions in SQL.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"

#include "bridge.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(ldl_metric);
PG_FUNCTION_INFO_V1(ldl_metrics);
PG_FUNCTION_INFO_V1(ldl_metric_kinds);
PG_FUNCTION_INFO_V1(ldl_metric_focused);

/*
 * The kind's index, cached in fn_extra: a query scoring many rows with the
 * same kind looks its name up once.
 */
typedef struct MetricKindCache
{
	int32		kind;
	int			length;
	char		name[FLEXIBLE_ARRAY_MEMBER];
} MetricKindCache;

/* The index of the kind named in text, from the call site's cache when it is the last name seen. */
static int32
lookup_kind(FunctionCallInfo fcinfo, text *name)
{
	MetricKindCache *cache = (MetricKindCache *) fcinfo->flinfo->fn_extra;
	int			length = VARSIZE_ANY_EXHDR(name);
	uaknn_error error;
	int32		kind = 0;

	if (cache && cache->length == length &&
		memcmp(cache->name, VARDATA_ANY(name), length) == 0)
		return cache->kind;

	uaknn_raise_if_failed(uaknn_metric_kind_lookup(VARDATA_ANY(name), length, &kind, &error), &error);

	/* A query whose kind changes from row to row replaces the cache, not leaks it. */
	if (cache)
		pfree(cache);
	cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, offsetof(MetricKindCache, name) + length);
	cache->kind = kind;
	cache->length = length;
	memcpy(cache->name, VARDATA_ANY(name), length);
	fcinfo->flinfo->fn_extra = cache;
	return kind;
}

/* ldl_metric(truth, prediction, kind): one metric of a pair; raises 22023/22004/2202E on bad input. */
Datum
ldl_metric(PG_FUNCTION_ARGS)
{
	ArrayType  *truth = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *prediction = PG_GETARG_ARRAYTYPE_P(1);
	int32		kind = lookup_kind(fcinfo, PG_GETARG_TEXT_PP(2));
	int			n_truth,
				n_prediction;
	const double *a = uaknn_float8_view(truth, "truth", &n_truth);
	const double *b = uaknn_float8_view(prediction, "prediction", &n_prediction);
	double		result = 0;
	uaknn_error error;

	uaknn_raise_if_failed(uaknn_metric(kind, a, n_truth, b, n_prediction, &result, &error), &error);
	PG_RETURN_FLOAT8(result);
}

/* The six standard metrics of one pair, as the columns of a record. */
Datum
ldl_metrics(PG_FUNCTION_ARGS)
{
	ArrayType  *truth = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *prediction = PG_GETARG_ARRAYTYPE_P(1);
	int			n_truth,
				n_prediction;
	const double *a = uaknn_float8_view(truth, "truth", &n_truth);
	const double *b = uaknn_float8_view(prediction, "prediction", &n_prediction);
	double		values[STANDARD_METRICS];
	Datum		datums[STANDARD_METRICS];
	bool		nulls[STANDARD_METRICS] = {0};
	TupleDesc	desc;
	uaknn_error error;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ldl_metrics must be called in a context that accepts a record")));

	uaknn_raise_if_failed(uaknn_metrics_standard(a, n_truth, b, n_prediction, values, STANDARD_METRICS, &error), &error);
	for (int i = 0; i < STANDARD_METRICS; i++)
		datums[i] = Float8GetDatum(values[i]);
	desc = BlessTupleDesc(desc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, datums, nulls)));
}

/* Each metric kind, and whether a lower or a higher value is better. */
Datum
ldl_metric_kinds(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		count = uaknn_metric_kind_count();

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < count; i++)
	{
		char		name[64];
		bool		higher = false;
		Datum		values[2];
		bool		nulls[2] = {0};

		if (!uaknn_metric_kind_describe(i, name, sizeof(name), &higher))
			continue;
		values[0] = CStringGetTextDatum(name);
		values[1] = CStringGetTextDatum(higher ? "higher" : "lower");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * ldl_metric_focused(truth, prediction, kind, threshold): the metric of the
 * focused pair (G2); NULL truth, prediction or kind gives NULL, a NULL
 * threshold the default (0.014).
 */
Datum
ldl_metric_focused(PG_FUNCTION_ARGS)
{
	int32		kind;
	int			n_truth,
				n_prediction;
	const double *a,
			   *b;
	bool		has_threshold = PG_NARGS() > 3 && !PG_ARGISNULL(3);
	double		result = 0;
	uaknn_error error;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_NULL();
	kind = lookup_kind(fcinfo, PG_GETARG_TEXT_PP(2));
	a = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(0), "truth", &n_truth);
	b = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "prediction", &n_prediction);
	uaknn_raise_if_failed(uaknn_metric_focused(kind, a, n_truth, b, n_prediction, has_threshold,
											   has_threshold ? PG_GETARG_FLOAT8(3) : 0, &result, &error), &error);
	PG_RETURN_FLOAT8(result);
}
