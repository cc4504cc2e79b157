/*
 * predict.c
 *     uaknn_predict(), uaknn_predict_batch() and uaknn_explain(): predictions
 *     from a cached model.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "bridge.h"
#include "catalog.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_predict);
PG_FUNCTION_INFO_V1(uaknn_predict_default);
PG_FUNCTION_INFO_V1(uaknn_predict_batch);
PG_FUNCTION_INFO_V1(uaknn_explain);

/* One prediction; the named arguments from `first_param` on override the model's options. */
static Datum
predict_one(FunctionCallInfo fcinfo, const char *name, ArrayType *features, int first_param)
{
	ModelEntry *model = uaknn_model_acquire(name);
	CallArgs	args = uaknn_call_args(fcinfo, first_param);
	uaknn_error error;
	int			n;
	const double *query = uaknn_float8_view(features, "features", &n);
	double	   *out = palloc(sizeof(double) * model->l);

	uaknn_raise_if_failed(uaknn_cache_predict(model->id, query, n, args.items, args.count, out, model->l,
											  uaknn_interrupt_pending, &error), &error);
	PG_RETURN_ARRAYTYPE_P(uaknn_make_float8_array(out, model->l));
}

/* uaknn_predict(model, features, method, ...): NULL model or features, NULL result. */
Datum
uaknn_predict(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	return predict_one(fcinfo, text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_GETARG_ARRAYTYPE_P(1), 2);
}

/* uaknn_predict(features, method, ...): the default model, with the same named arguments. */
Datum
uaknn_predict_default(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return predict_one(fcinfo, "default", PG_GETARG_ARRAYTYPE_P(0), 1);
}

/*
 * uaknn_predict_batch(model, keys, features, method, ...): features is a
 * count x N array (or one N-vector); one (key, prediction) row per query.
 */
Datum
uaknn_predict_batch(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	ArrayType  *features;
	ArrayType  *keys = NULL;
	int64	   *key_values = NULL;
	int			count,
				n;
	const double *queries;
	double	   *out;
	CallArgs	args;
	uaknn_error error;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(2))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	features = PG_GETARG_ARRAYTYPE_P(2);

	if (ARR_NDIM(features) == 0)
		return (Datum) 0;		/* no queries */
	if (ARR_NDIM(features) > 2)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("features must be a two-dimensional array (one query per row), not %d-dimensional",
						ARR_NDIM(features))));
	count = ARR_NDIM(features) == 2 ? ARR_DIMS(features)[0] : 1;
	n = ARR_NDIM(features) == 2 ? ARR_DIMS(features)[1] : ARR_DIMS(features)[0];
	if (n != model->n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature vectors have %d elements, model \"%s\" expects %d", n, model->name, model->n)));
	if (array_contains_nulls(features))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("features must not contain NULL elements")));
	queries = (double *) ARR_DATA_PTR(features);

	if (!PG_ARGISNULL(1))
	{
		int			nkeys;

		keys = PG_GETARG_ARRAYTYPE_P(1);
		nkeys = ArrayGetNItems(ARR_NDIM(keys), ARR_DIMS(keys));
		if (ARR_NDIM(keys) > 1 || nkeys != count)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("keys has %d elements, features has %d rows", nkeys, count),
					 errhint("Pass one key per query, or NULL to number the rows.")));
		if (array_contains_nulls(keys))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("keys must not contain NULL elements")));
		key_values = (int64 *) ARR_DATA_PTR(keys);
	}

	args = uaknn_call_args(fcinfo, 3);
	if ((Size) count * model->l > MaxAllocSize / sizeof(double))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a batch of %d queries with %d labels is too large", count, model->l),
				 errhint("Predict in batches of fewer rows.")));
	out = palloc(sizeof(double) * (Size) count * model->l);
	uaknn_raise_if_failed(uaknn_cache_predict_batch(model->id, queries, count, n, args.items, args.count, out,
													(int64) count * model->l, uaknn_interrupt_pending, &error),
						  &error);

	for (int i = 0; i < count; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		values[0] = Int64GetDatum(key_values ? key_values[i] : (int64) i + 1);
		values[1] = PointerGetDatum(uaknn_make_float8_array(out + (Size) i * model->l, model->l));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* uaknn_explain(model, features, variance, ...): one row per prototype. */
Datum
uaknn_explain(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	CallArgs	args;
	uaknn_error error;
	uaknn_explain_row *rows;
	int32		count = 0;
	int			n;
	const double *query;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	query = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "features", &n);
	args = uaknn_call_args(fcinfo, 2);

	rows = palloc(sizeof(uaknn_explain_row) * model->l);
	uaknn_raise_if_failed(uaknn_cache_explain(model->id, query, n, args.items, args.count, rows, model->l, &count, &error), &error);
	for (int32 i = 0; i < count; i++)
	{
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = Int32GetDatum(rows[i].label + 1);
		values[1] = Int64GetDatum(rows[i].key);
		values[2] = Float8GetDatum(rows[i].mu);
		values[3] = Float8GetDatum(rows[i].softmax);
		values[4] = Float8GetDatum(rows[i].s);
		values[5] = Float8GetDatum(rows[i].c);
		values[6] = Float8GetDatum(rows[i].w);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
