/*
 * samples.c
 *     Keeping a model's table valid: uaknn_validate_trigger() rejects, at
 *     INSERT or UPDATE, a row that is not a valid sample for its model, and
 *     uaknn_sample_error() lets uaknn_create_model() check existing rows.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "uaknn_bridge.h"
#include "uaknn_model.h"
#include "uaknn_shim.h"

PG_FUNCTION_INFO_V1(uaknn_sample_error);
PG_FUNCTION_INFO_V1(uaknn_validate_trigger);

/*
 * What is wrong with a sample for a model of n features and l labels (-1:
 * not fixed), or NULL. Shape errors PostgreSQL detects (NULL elements, more
 * dimensions) are reported as the message too.
 */
static char *
sample_problem(ArrayType *features, ArrayType *labels, int32 n, int32 l)
{
	uaknn_error error;
	int			nf,
				nl;
	double	   *f,
			   *lv;

	if (array_contains_nulls(features) || array_contains_nulls(labels))
		return pstrdup("features and labels must not contain NULL elements");
	if (ARR_NDIM(features) > 1 || ARR_NDIM(labels) > 1)
		return pstrdup("features and labels must be one-dimensional arrays");
	if (ARR_NDIM(features) == 0 || ARR_NDIM(labels) == 0)
		return pstrdup("features and labels must not be empty");
	f = uaknn_float8_array(features, "features", &nf);
	lv = uaknn_float8_array(labels, "labels", &nl);
	if (uaknn_sample_check(f, nf, lv, nl, n, l, &error) != UAKNN_OK)
		return pstrdup(error.message);
	return NULL;
}

/* uaknn_sample_error(features, labels, n, l) */
Datum
uaknn_sample_error(PG_FUNCTION_ARGS)
{
	char	   *problem;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_TEXT_P(cstring_to_text("features and labels must not be NULL"));
	problem = sample_problem(PG_GETARG_ARRAYTYPE_P(0), PG_GETARG_ARRAYTYPE_P(1),
							 PG_ARGISNULL(2) ? -1 : PG_GETARG_INT32(2),
							 PG_ARGISNULL(3) ? -1 : PG_GETARG_INT32(3));
	if (problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(problem));
}

/* What the trigger needs of its model, looked up once per statement. */
typedef struct TriggerModel
{
	bool		exists;
	char	   *name;
	int			key_attnum;
	int			features_attnum;
	int			labels_attnum;
	int32		n;				/* -1: fixed by this statement's first row */
	int32		l;
} TriggerModel;

static TriggerModel *
trigger_model(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	TriggerModel *m = (TriggerModel *) fcinfo->flinfo->fn_extra;
	Relation	rel = trigdata->tg_relation;
	char	   *sql;
	Datum		args[1];
	Oid			argtypes[1] = {INT8OID};

	if (m != NULL)
		return m;
	if (trigdata->tg_trigger->tgnargs != 1)
		elog(ERROR, "uaknn_validate_trigger takes the model id as its one argument");

	m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TriggerModel));
	args[0] = DirectFunctionCall1(int8in, CStringGetDatum(trigdata->tg_trigger->tgargs[0]));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	sql = psprintf("SELECT name, source::oid, key_column::text, features_column::text, "
				   "labels_column::text, coalesce(feature_count, -1), coalesce(label_count, -1) "
				   "FROM %s.uaknn_model WHERE id = $1", uaknn_extension_schema());
	if (SPI_execute_with_args(sql, 1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: model query failed");
	if (SPI_processed == 1)
	{
		HeapTuple	t = SPI_tuptable->vals[0];
		TupleDesc	d = SPI_tuptable->tupdesc;
		bool		isnull;

		if (DatumGetObjectId(SPI_getbinval(t, d, 2, &isnull)) != RelationGetRelid(rel))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("uaknn trigger on table \"%s\" names a model of another table",
							RelationGetRelationName(rel))));
		m->exists = true;
		m->name = MemoryContextStrdup(fcinfo->flinfo->fn_mcxt, SPI_getvalue(t, d, 1));
		m->key_attnum = SPI_fnumber(RelationGetDescr(rel), SPI_getvalue(t, d, 3));
		m->features_attnum = SPI_fnumber(RelationGetDescr(rel), SPI_getvalue(t, d, 4));
		m->labels_attnum = SPI_fnumber(RelationGetDescr(rel), SPI_getvalue(t, d, 5));
		m->n = DatumGetInt32(SPI_getbinval(t, d, 6, &isnull));
		m->l = DatumGetInt32(SPI_getbinval(t, d, 7, &isnull));
		if (m->key_attnum <= 0 || m->features_attnum <= 0 || m->labels_attnum <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("a column of model \"%s\" is missing from table \"%s\"",
							m->name, RelationGetRelationName(rel))));
	}
	SPI_finish();
	fcinfo->flinfo->fn_extra = m;
	return m;
}

/* BEFORE INSERT OR UPDATE, FOR EACH ROW; the argument is the model's id. */
Datum
uaknn_validate_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	TriggerModel *m;
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		null_key,
				null_features,
				null_labels;
	Datum		key,
				features,
				labels;
	char	   *problem;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) || TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "uaknn_validate_trigger must fire BEFORE INSERT OR UPDATE FOR EACH ROW");

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	m = trigger_model(fcinfo, trigdata);
	if (!m->exists)
		return PointerGetDatum(tuple);	/* the model was dropped */

	desc = RelationGetDescr(trigdata->tg_relation);
	key = heap_getattr(tuple, m->key_attnum, desc, &null_key);
	features = heap_getattr(tuple, m->features_attnum, desc, &null_features);
	labels = heap_getattr(tuple, m->labels_attnum, desc, &null_labels);

	if (null_key || null_features || null_labels)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a sample of model \"%s\" must have a key, features and labels", m->name),
				 errdetail("The %s of the new row is NULL.",
						   null_key ? "key" : null_features ? "features" : "labels")));

	problem = sample_problem(DatumGetArrayTypeP(features), DatumGetArrayTypeP(labels), m->n, m->l);
	if (problem != NULL)
	{
		Oid			key_type = TupleDescAttr(desc, m->key_attnum - 1)->atttypid;
		Oid			out;
		bool		varlena;

		getTypeOutputInfo(key_type, &out, &varlena);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("row %s of table \"%s\" is not a valid sample for model \"%s\"",
						OidOutputFunctionCall(out, key), RelationGetRelationName(trigdata->tg_relation),
						m->name),
				 errdetail("%s", problem)));
	}

	/* The first row of a statement into an empty model fixes N and L. */
	if (m->n < 0)
	{
		m->n = ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(features)), ARR_DIMS(DatumGetArrayTypeP(features)));
		m->l = ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(labels)), ARR_DIMS(DatumGetArrayTypeP(labels)));
	}
	return PointerGetDatum(tuple);
}
