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
#include "utils/memutils.h"
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

static int
column_of(Relation rel, const char *column, const char *model, Oid type1, Oid type2, Oid type3)
{
	TupleDesc	desc = RelationGetDescr(rel);
	int			attnum = SPI_fnumber(desc, column);
	Oid			type;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of model \"%s\" is missing from table \"%s\"",
						column, model, RelationGetRelationName(rel))));
	type = TupleDescAttr(desc, attnum - 1)->atttypid;
	if (type != type1 && type != type2 && type != type3)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" of table \"%s\" is of type %s, which model \"%s\" cannot read",
						column, RelationGetRelationName(rel), format_type_be(type), model),
				 errhint("Keys are smallint, integer or bigint; features and labels double precision[] or real[].")));
	return attnum;
}

/*
 * The model a uaknn trigger serves (its argument is the model's id), with
 * the positions of its columns in the trigger's table, their types checked.
 * False when the model no longer exists. Needs an SPI connection.
 */
bool
uaknn_trigger_model_columns(TriggerData *trigdata, TriggerModelColumns *out)
{
	Relation	rel = trigdata->tg_relation;
	Datum		args[1];
	HeapTuple	t;
	TupleDesc	d;
	bool		isnull;
	char	   *sql;

	if (trigdata->tg_trigger->tgnargs != 1)
		elog(ERROR, "a uaknn trigger takes the model's id as its one argument");
	args[0] = DirectFunctionCall1(int8in, CStringGetDatum(trigdata->tg_trigger->tgargs[0]));
	sql = psprintf("SELECT name, source::oid, key_column::text, features_column::text, "
				   "labels_column::text, coalesce(feature_count, -1), coalesce(label_count, -1) "
				   "FROM %s.uaknn_model WHERE id = $1", uaknn_extension_schema());
	if (SPI_execute_with_args(sql, 1, (Oid[]) {INT8OID}, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: model query failed");
	if (SPI_processed != 1)
		return false;

	t = SPI_tuptable->vals[0];
	d = SPI_tuptable->tupdesc;
	if (DatumGetObjectId(SPI_getbinval(t, d, 2, &isnull)) != RelationGetRelid(rel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("uaknn trigger on table \"%s\" names a model of another table",
						RelationGetRelationName(rel))));
	out->model_id = DatumGetInt64(args[0]);
	out->name = SPI_getvalue(t, d, 1);
	out->key_attnum = column_of(rel, SPI_getvalue(t, d, 3), out->name, INT2OID, INT4OID, INT8OID);
	out->features_attnum = column_of(rel, SPI_getvalue(t, d, 4), out->name,
									 FLOAT8ARRAYOID, FLOAT4ARRAYOID, FLOAT8ARRAYOID);
	out->labels_attnum = column_of(rel, SPI_getvalue(t, d, 5), out->name,
								   FLOAT8ARRAYOID, FLOAT4ARRAYOID, FLOAT8ARRAYOID);
	out->n = DatumGetInt32(SPI_getbinval(t, d, 6, &isnull));
	out->l = DatumGetInt32(SPI_getbinval(t, d, 7, &isnull));
	return true;
}

/* What the validation trigger needs, looked up once per statement. */
typedef struct TriggerModel
{
	bool		exists;
	TriggerModelColumns columns;
} TriggerModel;

static TriggerModel *
trigger_model(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	TriggerModel *m = (TriggerModel *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (m != NULL)
		return m;
	m = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TriggerModel));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	m->exists = uaknn_trigger_model_columns(trigdata, &m->columns);
	if (m->exists)
	{
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		m->columns.name = pstrdup(m->columns.name);
		MemoryContextSwitchTo(old);
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
	ArrayType  *feature_array,
			   *label_array;
	char	   *problem;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) || TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "uaknn_validate_trigger must fire BEFORE INSERT OR UPDATE FOR EACH ROW");

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	m = trigger_model(fcinfo, trigdata);
	if (!m->exists)
		return PointerGetDatum(tuple);	/* the model was dropped */

	desc = RelationGetDescr(trigdata->tg_relation);
	key = heap_getattr(tuple, m->columns.key_attnum, desc, &null_key);
	features = heap_getattr(tuple, m->columns.features_attnum, desc, &null_features);
	labels = heap_getattr(tuple, m->columns.labels_attnum, desc, &null_labels);

	if (null_key || null_features || null_labels)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a sample of model \"%s\" must have a key, features and labels", m->columns.name),
				 errdetail("The %s of the new row is NULL.",
						   null_key ? "key" : null_features ? "features" : "labels")));

	feature_array = DatumGetArrayTypeP(features);
	label_array = DatumGetArrayTypeP(labels);
	problem = sample_problem(feature_array, label_array, m->columns.n, m->columns.l);
	if (problem != NULL)
	{
		Oid			key_type = TupleDescAttr(desc, m->columns.key_attnum - 1)->atttypid;
		Oid			out;
		bool		varlena;

		getTypeOutputInfo(key_type, &out, &varlena);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("row %s of table \"%s\" is not a valid sample for model \"%s\"",
						OidOutputFunctionCall(out, key), RelationGetRelationName(trigdata->tg_relation),
						m->columns.name),
				 errdetail("%s", problem)));
	}

	/* The first row of a statement into an empty model fixes N and L. */
	if (m->columns.n < 0)
	{
		m->columns.n = ArrayGetNItems(ARR_NDIM(feature_array), ARR_DIMS(feature_array));
		m->columns.l = ArrayGetNItems(ARR_NDIM(label_array), ARR_DIMS(label_array));
	}
	return PointerGetDatum(tuple);
}
