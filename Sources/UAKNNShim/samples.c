/*
 * samples.c
 *     Keeping a model's table valid: uaknn_validate_trigger() rejects, at
 *     INSERT or UPDATE, a row that is not a valid sample for its model, and
 *     uaknn_sample_error() lets uaknn_create_model() check existing rows.
 *     Both apply the model's label options (tolerance, normalization);
 *     with a weight_column option the trigger checks the row's weight too,
 *     and uaknn_weight_error() lets the catalog check a table's weights.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "bridge.h"
#include "extension.h"
#include "shim.h"
#include "triggers.h"

PG_FUNCTION_INFO_V1(uaknn_sample_error);
PG_FUNCTION_INFO_V1(uaknn_validate_trigger);
PG_FUNCTION_INFO_V1(uaknn_weight_error);

/*
 * What is wrong with a sample for a model of n features and l labels (-1:
 * not fixed) and these options (JSON text, NULL: none), or NULL; *hint gets
 * the core's hint (the option that would accept the row, say) or NULL.
 * Shape errors PostgreSQL detects (NULL elements, more dimensions) are
 * reported as the message too.
 */
static char *
sample_problem(ArrayType *features, ArrayType *labels, int32 n, int32 l, const char *options, char **hint)
{
	uaknn_error error;
	int			nf,
				nl;
	const double *f,
			   *lv;

	*hint = NULL;
	if (array_contains_nulls(features) || array_contains_nulls(labels))
		return pstrdup("features and labels must not contain NULL elements");
	if (ARR_NDIM(features) > 1 || ARR_NDIM(labels) > 1)
		return pstrdup("features and labels must be one-dimensional arrays");
	if (ARR_NDIM(features) == 0 || ARR_NDIM(labels) == 0)
		return pstrdup("features and labels must not be empty");
	f = uaknn_float8_view(features, "features", &nf);
	lv = uaknn_float8_view(labels, "labels", &nl);
	if (uaknn_sample_check(f, nf, lv, nl, n, l, options, options ? (int32) strlen(options) : 0, &error) != UAKNN_OK)
	{
		*hint = error.hint[0] ? pstrdup(error.hint) : NULL;
		return error.detail[0] ? psprintf("%s (%s)", error.message, error.detail) : pstrdup(error.message);
	}
	return NULL;
}

/* uaknn_sample_error(features, labels, n, l [, options jsonb]) */
Datum
uaknn_sample_error(PG_FUNCTION_ARGS)
{
	char	   *problem;
	char	   *hint;
	char	   *options = NULL;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_TEXT_P(cstring_to_text("features and labels must not be NULL"));
	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		options = JsonbToCString(NULL, &PG_GETARG_JSONB_P(4)->root, -1);
	problem = sample_problem(PG_GETARG_ARRAYTYPE_P(0), PG_GETARG_ARRAYTYPE_P(1),
							 PG_ARGISNULL(2) ? -1 : PG_GETARG_INT32(2),
							 PG_ARGISNULL(3) ? -1 : PG_GETARG_INT32(3), options, &hint);
	if (problem == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(problem));
}

/* The attribute number of a model's column, its type checked. */
static int
column_of(Relation rel, const char *column, const char *model, Oid type1, Oid type2, Oid type3)
{
	TupleDesc	desc = RelationGetDescr(rel);
	AttrNumber	attnum = get_attnum(RelationGetRelid(rel), column);
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

/* The attribute number of a model's weight column, of a numeric type. */
static int
weight_column_of(Relation rel, const char *column, const char *model)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(rel), column);
	Oid			type;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("weight column \"%s\" of model \"%s\" is missing from table \"%s\"",
						column, model, RelationGetRelationName(rel))));
	type = TupleDescAttr(RelationGetDescr(rel), attnum - 1)->atttypid;
	if (type != INT2OID && type != INT4OID && type != INT8OID && type != FLOAT4OID &&
		type != FLOAT8OID && type != NUMERICOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("weight column \"%s\" of table \"%s\" is of type %s, which model \"%s\" cannot read",
						column, RelationGetRelationName(rel), format_type_be(type), model),
				 errhint("A weight column is of a numeric type: smallint, integer, bigint, real, double precision or numeric.")));
	return attnum;
}

/*
 * The model a uaknn trigger serves (its argument is the model's id), read in
 * `snapshot`, with the positions of its columns in the trigger's table and
 * their types checked. False when the model no longer exists.
 */
bool
uaknn_trigger_model(TriggerData *trigdata, Snapshot snapshot, TriggerModel *out)
{
	Relation	rel = trigdata->tg_relation;
	int64		id;

	if (trigdata->tg_trigger->tgnargs != 1)
		elog(ERROR, "a uaknn trigger takes the model's id as its one argument");
	id = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(trigdata->tg_trigger->tgargs[0])));
	if (!uaknn_model_row_by_id(id, snapshot, &out->row))
		return false;
	if (out->row.source != RelationGetRelid(rel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("uaknn trigger on table \"%s\" names a model of another table",
						RelationGetRelationName(rel))));
	out->key_attnum = column_of(rel, out->row.key_column, out->row.name, INT2OID, INT4OID, INT8OID);
	out->features_attnum = column_of(rel, out->row.features_column, out->row.name,
									 FLOAT8ARRAYOID, FLOAT4ARRAYOID, FLOAT8ARRAYOID);
	out->labels_attnum = column_of(rel, out->row.labels_column, out->row.name,
								   FLOAT8ARRAYOID, FLOAT4ARRAYOID, FLOAT8ARRAYOID);
	{
		char	   *weight = uaknn_options_weight(out->row.options);

		out->weight_attnum = weight ? weight_column_of(rel, weight, out->row.name) : 0;
	}
	return true;
}

/* What the validation trigger needs, looked up once per statement. */
typedef struct ValidationState
{
	bool		exists;
	TriggerModel model;
} ValidationState;

/* The trigger's model, read once per statement (cached in fn_extra). */
static ValidationState *
validation_state(FunctionCallInfo fcinfo, TriggerData *trigdata)
{
	ValidationState *state = (ValidationState *) fcinfo->flinfo->fn_extra;
	MemoryContext old;

	if (state != NULL)
		return state;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	state = palloc0(sizeof(ValidationState));
	state->exists = uaknn_trigger_model(trigdata, GetActiveSnapshot(), &state->model);
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = state;
	return state;
}

/* A weight column's value as a float8 (numeric converted, NaN and overflow as PostgreSQL casts them). */
static double
weight_value(Datum value, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return DatumGetInt16(value);
		case INT4OID:
			return DatumGetInt32(value);
		case INT8OID:
			return (double) DatumGetInt64(value);
		case FLOAT4OID:
			return DatumGetFloat4(value);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
		default:
			return DatumGetFloat8(value);
	}
}

/* What is wrong with a row's weight (negative, not finite), or NULL; raises 22004 for a NULL one. */
static char *
weight_problem(HeapTuple tuple, TupleDesc desc, const TriggerModel *m)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, m->weight_attnum, desc, &isnull);
	uaknn_error error;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a sample of model \"%s\" must have a weight", m->row.name),
				 errdetail("The weight (column \"%s\") of the new row is NULL.",
						   NameStr(TupleDescAttr(desc, m->weight_attnum - 1)->attname))));
	if (uaknn_weight_check(weight_value(value, TupleDescAttr(desc, m->weight_attnum - 1)->atttypid),
						   &error) != UAKNN_OK)
		return psprintf("%s (column \"%s\")", error.message,
						NameStr(TupleDescAttr(desc, m->weight_attnum - 1)->attname));
	return NULL;
}

/* BEFORE INSERT OR UPDATE, FOR EACH ROW; the argument is the model's id. */
Datum
uaknn_validate_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	ValidationState *state;
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
	char	   *hint;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!TRIGGER_FIRED_BEFORE(trigdata->tg_event) || TRIGGER_FIRED_BY_DELETE(trigdata->tg_event))
		elog(ERROR, "uaknn_validate_trigger must fire BEFORE INSERT OR UPDATE FOR EACH ROW");

	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	state = validation_state(fcinfo, trigdata);
	if (!state->exists)
		return PointerGetDatum(tuple);	/* the model was dropped */
	m = &state->model;

	desc = RelationGetDescr(trigdata->tg_relation);
	key = heap_getattr(tuple, m->key_attnum, desc, &null_key);
	features = heap_getattr(tuple, m->features_attnum, desc, &null_features);
	labels = heap_getattr(tuple, m->labels_attnum, desc, &null_labels);

	if (null_key || null_features || null_labels)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("a sample of model \"%s\" must have a key, features and labels", m->row.name),
				 errdetail("The %s of the new row is NULL.",
						   null_key ? "key" : null_features ? "features" : "labels")));

	feature_array = DatumGetArrayTypeP(features);
	label_array = DatumGetArrayTypeP(labels);
	problem = sample_problem(feature_array, label_array, m->row.n, m->row.l, m->row.options, &hint);
	if (problem == NULL && m->weight_attnum > 0)
		problem = weight_problem(tuple, desc, m);
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
						m->row.name),
				 errdetail("%s", problem),
				 hint ? errhint("%s", hint) : 0));
	}

	/* The first row of a statement into an empty model fixes N and L. */
	if (m->row.n < 0)
	{
		m->row.n = ArrayGetNItems(ARR_NDIM(feature_array), ARR_DIMS(feature_array));
		m->row.l = ArrayGetNItems(ARR_NDIM(label_array), ARR_DIMS(label_array));
	}
	if ((Pointer) feature_array != DatumGetPointer(features))
		pfree(feature_array);
	if ((Pointer) label_array != DatumGetPointer(labels))
		pfree(label_array);
	return PointerGetDatum(tuple);
}

/*
 * uaknn_weight_error(weight): NULL for a valid row weight (finite, >= 0),
 * else what is wrong with it (a NULL weight included).
 */
Datum
uaknn_weight_error(PG_FUNCTION_ARGS)
{
	uaknn_error error;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text("weight is NULL, expected a finite number of at least 0"));
	if (uaknn_weight_check(PG_GETARG_FLOAT8(0), &error) != UAKNN_OK)
		PG_RETURN_TEXT_P(cstring_to_text(error.message));
	PG_RETURN_NULL();
}
