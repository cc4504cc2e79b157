/*
 * neighbours.c
 *     The neighbour family (NEIGHBOURS.md) in SQL: uaknn_confidence(),
 *     uaknn_label_noise(), uaknn_label_support(), uaknn_label_split(),
 *     uaknn_influence(), uaknn_neighbour_recall() and
 *     uaknn_prototype_overlap(). Each resolves its model as uaknn_predict()
 *     does (uaknn_model_acquire: privileges checked, cache current), and the
 *     long ones poll for cancel. Set-returning ones have the bridge compute
 *     the whole result, then fetch it row by row into a materialized set.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "bridge.h"
#include "catalog.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_confidence);
PG_FUNCTION_INFO_V1(uaknn_label_noise);
PG_FUNCTION_INFO_V1(uaknn_label_support);
PG_FUNCTION_INFO_V1(uaknn_label_split);
PG_FUNCTION_INFO_V1(uaknn_influence);
PG_FUNCTION_INFO_V1(uaknn_neighbour_recall);
PG_FUNCTION_INFO_V1(uaknn_prototype_overlap);

/* Raises a failed bridge status after dropping whatever result the bridge kept. */
static void
raise_clearing(int32 status, const uaknn_error *error)
{
	if (status != UAKNN_OK)
		uaknn_result_clear();
	uaknn_raise_if_failed(status, error);
}

/* An optional integer argument: absent when NULL (the core's default). */
static uaknn_optional_int
optional_int(FunctionCallInfo fcinfo, int i)
{
	uaknn_optional_int v = {false, 0};

	if (PG_NARGS() > i && !PG_ARGISNULL(i))
	{
		v.present = true;
		v.value = PG_GETARG_INT32(i);
	}
	return v;
}

/* An optional text argument: NULL pointer when NULL (the core's default). */
static const char *
optional_text(FunctionCallInfo fcinfo, int i, int32 *length)
{
	text	   *t;

	*length = 0;
	if (PG_NARGS() <= i || PG_ARGISNULL(i))
		return NULL;
	t = PG_GETARG_TEXT_PP(i);
	*length = VARSIZE_ANY_EXHDR(t);
	return VARDATA_ANY(t);
}

/* An int4[] of `count` values as a Datum. */
static Datum
int4_array(const int32 *values, int count)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(count, 1));

	for (int i = 0; i < count; i++)
		elems[i] = Int32GetDatum(values[i]);
	return PointerGetDatum(construct_array(elems, count, INT4OID, sizeof(int32), true, TYPALIGN_INT));
}

/* A buffer for one distribution of the model's L labels. */
static double *
label_buffer(const ModelEntry *model)
{
	return palloc(sizeof(double) * Max(model->l, 1));
}

/* The most columns of a set the bridge computes (uaknn_label_support's 10). */
#define RESULT_MAX_COLUMNS 16

/* Fills a set's row from the bridge's result row i; nulls come zeroed. */
typedef void (*ResultRowFn) (int64 i, Datum *values, bool *nulls, void *context);

/*
 * Puts the bridge's `count` result rows into the materialized set, and
 * clears the bridge's result afterwards, whatever happens while fetching.
 */
static void
put_result_rows(ReturnSetInfo *rsinfo, int64 count, ResultRowFn fill, void *context)
{
	Datum		values[RESULT_MAX_COLUMNS];
	bool		nulls[RESULT_MAX_COLUMNS];

	if (rsinfo->setDesc->natts > RESULT_MAX_COLUMNS)
		elog(ERROR, "uaknn: a result of %d columns, at most %d expected", rsinfo->setDesc->natts,
			 RESULT_MAX_COLUMNS);
	PG_TRY();
	{
		for (int64 i = 0; i < count; i++)
		{
			memset(nulls, 0, sizeof(nulls));
			fill(i, values, nulls, context);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	PG_FINALLY();
	{
		uaknn_result_clear();
	}
	PG_END_TRY();
}

/*
 * uaknn_confidence(model, features, k, bandwidth, bandwidth_rule,
 * bandwidth_scale): the gate g(x) in (0, 1]; NULL model or features, NULL.
 */
Datum
uaknn_confidence(PG_FUNCTION_ARGS)
{
	ModelEntry *model;
	CallArgs	args;
	const double *query;
	int			n;
	double		g = 0;
	uaknn_error error;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	query = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "features", &n);
	args = uaknn_call_args(fcinfo, 2);
	uaknn_raise_if_failed(uaknn_cache_confidence(model->id, query, n, args.items, args.count, &g,
												 uaknn_interrupt_pending, &error), &error);
	PG_RETURN_FLOAT8(g);
}

/* The index of a metric kind named by a text argument, or -1 (the default) for NULL. */
static int32
kind_argument(FunctionCallInfo fcinfo, int i)
{
	int32		length;
	const char *name = optional_text(fcinfo, i, &length);
	int32		kind = -1;
	uaknn_error error;

	if (name != NULL)
		uaknn_raise_if_failed(uaknn_metric_kind_lookup(name, length, &kind, &error), &error);
	return kind;
}

/* The label-noise report's buffers for one row's distributions. */
typedef struct NoiseRows
{
	int			l;
	double	   *labels;
	double	   *neighbour;
} NoiseRows;

/* One row of the label-noise report. */
static void
noise_row(int64 i, Datum *values, bool *nulls, void *context)
{
	NoiseRows  *c = (NoiseRows *) context;
	uaknn_noise_row row;
	uaknn_error error;

	raise_clearing(uaknn_result_noise_row(i, &row, c->labels, c->neighbour, c->l, &error), &error);
	values[0] = Int64GetDatum(row.key);
	values[1] = PointerGetDatum(uaknn_make_float8_array(c->labels, c->l));
	values[2] = PointerGetDatum(uaknn_make_float8_array(c->neighbour, c->l));
	values[3] = Float8GetDatum(row.score);
	values[4] = Int64GetDatum(row.rank);
	values[5] = Int32GetDatum(row.top_label + 1);
	values[6] = Int32GetDatum(row.neighbour_top_label + 1);
	values[7] = BoolGetDatum(row.disagrees);
}

/*
 * uaknn_label_noise(model, k, method, score, bandwidth, bandwidth_rule,
 * bandwidth_scale): every row with its leave-one-out neighbour labels, in
 * rank order (most suspicious first).
 */
Datum
uaknn_label_noise(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	CallArgs	args;
	int32		kind;
	int64		count = 0;
	NoiseRows	rows;
	uaknn_error error;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	kind = kind_argument(fcinfo, 3);
	/* Argument 3, score, is this function's own; the rest are parameters. */
	args = uaknn_call_args_except(fcinfo, 1, (uint64) 1 << 3);
	rows.l = model->l;
	rows.labels = label_buffer(model);
	rows.neighbour = label_buffer(model);
	raise_clearing(uaknn_cache_label_noise(model->id, args.items, args.count, kind, uaknn_interrupt_pending,
										   &count, &error), &error);
	put_result_rows(rsinfo, count, noise_row, &rows);
	return (Datum) 0;
}

/* The label-support report's buffers for one label's neighbours. */
typedef struct SupportRows
{
	int32		capacity;
	int32	   *neighbours;
	double	   *distances;
} SupportRows;

/* One label's row of the label-support report. */
static void
support_row(int64 i, Datum *values, bool *nulls, void *context)
{
	SupportRows *c = (SupportRows *) context;
	uaknn_support_row row;
	uaknn_error error;

	raise_clearing(uaknn_result_support_row(i, &row, c->neighbours, c->distances, c->capacity, &error), &error);
	values[0] = Int32GetDatum(row.label + 1);
	values[1] = Int64GetDatum(row.rows_top);
	values[2] = Int64GetDatum(row.prototype_size);
	values[3] = Float8GetDatum(row.soft_support);
	values[4] = CStringGetTextDatum(row.split);
	if (row.neighbour_count < 0)
		nulls[5] = nulls[6] = true;
	else
	{
		for (int32 j = 0; j < row.neighbour_count; j++)
			c->neighbours[j] += 1;	/* SQL labels are 1-based */
		values[5] = int4_array(c->neighbours, row.neighbour_count);
		values[6] = PointerGetDatum(uaknn_make_float8_array(c->distances, row.neighbour_count));
	}
	values[7] = Float8GetDatum(row.mean_distance);
	nulls[7] = !row.has_mean_distance;
	values[8] = Float8GetDatum(row.loo_top1_recall);
	nulls[8] = !row.has_loo_top1_recall;
	values[9] = Float8GetDatum(row.loo_mae);
	nulls[9] = !row.has_loo_mae;
}

/*
 * uaknn_label_support(model, few_below, many_above, support, k, distance,
 * evaluate): one row per label.
 */
Datum
uaknn_label_support(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	uaknn_optional_int few_below,
				many_above,
				k;
	const char *support,
			   *distance;
	int32		support_length,
				distance_length;
	bool		evaluate;
	int64		count = 0;
	SupportRows rows;
	uaknn_error error;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	few_below = optional_int(fcinfo, 1);
	many_above = optional_int(fcinfo, 2);
	support = optional_text(fcinfo, 3, &support_length);
	k = optional_int(fcinfo, 4);
	distance = optional_text(fcinfo, 5, &distance_length);
	evaluate = !PG_ARGISNULL(6) && PG_GETARG_BOOL(6);

	/* A label's neighbours are other labels: at most L - 1. */
	rows.capacity = Max(model->l - 1, 1);
	rows.neighbours = palloc(sizeof(int32) * rows.capacity);
	rows.distances = palloc(sizeof(double) * rows.capacity);
	raise_clearing(uaknn_cache_label_support(model->id, &few_below, &many_above, support, support_length, &k,
											 distance, distance_length, evaluate, uaknn_interrupt_pending,
											 &count, &error), &error);
	put_result_rows(rsinfo, count, support_row, &rows);
	return (Datum) 0;
}

/*
 * uaknn_label_split(model, truth, few_below, many_above, support): the split
 * of truth's top label; NULL model or truth, NULL.
 */
Datum
uaknn_label_split(PG_FUNCTION_ARGS)
{
	ModelEntry *model;
	const double *truth;
	int			n;
	uaknn_optional_int few_below,
				many_above;
	const char *support;
	int32		support_length;
	char		split[16];
	uaknn_error error;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	truth = uaknn_float8_view(PG_GETARG_ARRAYTYPE_P(1), "truth", &n);
	few_below = optional_int(fcinfo, 2);
	many_above = optional_int(fcinfo, 3);
	support = optional_text(fcinfo, 4, &support_length);
	uaknn_raise_if_failed(uaknn_cache_label_split(model->id, truth, n, &few_below, &many_above, support,
												  support_length, split, sizeof(split),
												  uaknn_interrupt_pending, &error), &error);
	PG_RETURN_TEXT_P(cstring_to_text(split));
}

/* The influence report's buffers for one row's distributions. */
typedef struct InfluenceRows
{
	int			l;
	double	   *delta;
	double	   *prediction;
	double	   *without;
} InfluenceRows;

/* One row of the influence report. */
static void
influence_row(int64 i, Datum *values, bool *nulls, void *context)
{
	InfluenceRows *c = (InfluenceRows *) context;
	uaknn_influence_row row;
	uaknn_error error;

	raise_clearing(uaknn_result_influence_row(i, &row, c->delta, c->prediction, c->without, c->l, &error),
				   &error);
	values[0] = Int64GetDatum(row.key);
	values[1] = Float8GetDatum(row.r);
	values[2] = PointerGetDatum(uaknn_make_float8_array(c->delta, c->l));
	values[3] = PointerGetDatum(uaknn_make_float8_array(c->prediction, c->l));
	if (row.has_prediction_without)
		values[4] = PointerGetDatum(uaknn_make_float8_array(c->without, c->l));
	else
		nulls[4] = true;
}

/*
 * uaknn_influence(model, key, k, bandwidth, bandwidth_rule, bandwidth_scale):
 * the rows whose kernel predictions depend on row `key`, by r descending.
 */
Datum
uaknn_influence(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	CallArgs	args;
	int64		count = 0;
	InfluenceRows rows;
	uaknn_error error;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	args = uaknn_call_args(fcinfo, 2);
	rows.l = model->l;
	rows.delta = label_buffer(model);
	rows.prediction = label_buffer(model);
	rows.without = label_buffer(model);
	raise_clearing(uaknn_cache_influence(model->id, PG_GETARG_INT64(1), args.items, args.count,
										 uaknn_interrupt_pending, &count, &error), &error);
	put_result_rows(rsinfo, count, influence_row, &rows);
	return (Datum) 0;
}

/* One k's row of Recall@K. */
static void
recall_row(int64 i, Datum *values, bool *nulls, void *context)
{
	uaknn_recall_row row;
	uaknn_error error;

	raise_clearing(uaknn_result_recall_row(i, &row, &error), &error);
	values[0] = Int32GetDatum(row.k);
	values[1] = Float8GetDatum(row.recall);
	nulls[1] = !row.has_recall;
	values[2] = Int64GetDatum(row.rows);
	values[3] = Int64GetDatum(row.skipped);
}

/*
 * uaknn_neighbour_recall(model, ks, distance): Recall@K of top labels, one
 * row per k in the order given.
 */
Datum
uaknn_neighbour_recall(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	const int32 *ks = NULL;
	int32		nks = -1;
	const char *distance;
	int32		distance_length;
	int64		count = 0;
	uaknn_error error;

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (!PG_ARGISNULL(1))
	{
		ArrayType  *a = PG_GETARG_ARRAYTYPE_P(1);

		if (ARR_NDIM(a) > 1)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("ks must be a one-dimensional array, not %d-dimensional", ARR_NDIM(a))));
		if (array_contains_nulls(a))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("ks must not contain NULL elements")));
		nks = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
		ks = (const int32 *) ARR_DATA_PTR(a);
	}
	distance = optional_text(fcinfo, 2, &distance_length);
	raise_clearing(uaknn_cache_neighbour_recall(model->id, ks, nks, distance, distance_length,
												uaknn_interrupt_pending, &count, &error), &error);
	put_result_rows(rsinfo, count, recall_row, NULL);
	return (Datum) 0;
}

/*
 * uaknn_prototype_overlap(model): rows by the number of prototypes they
 * belong to, memberships '0', '1', '2' and '3+' (every one, with 0 rows too).
 */
Datum
uaknn_prototype_overlap(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;
	uaknn_overlap_counts counts;
	uaknn_error error;
	const char *names[4] = {"0", "1", "2", "3+"};
	int64		rows[4];

	InitMaterializedSRF(fcinfo, 0);
	if (PG_ARGISNULL(0))
		return (Datum) 0;
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	uaknn_raise_if_failed(uaknn_cache_prototype_overlap(model->id, &counts, uaknn_interrupt_pending, &error),
						  &error);
	rows[0] = counts.none;
	rows[1] = counts.one;
	rows[2] = counts.two;
	rows[3] = counts.three_or_more;
	for (int i = 0; i < 4; i++)
	{
		Datum		values[2] = {CStringGetTextDatum(names[i]), Int64GetDatum(rows[i])};
		bool		nulls[2] = {0};

		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
