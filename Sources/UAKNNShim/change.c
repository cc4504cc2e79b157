/*
 * change.c
 *     uaknn_change_trigger(): records a change to a model's table (AFTER,
 *     FOR EACH STATEMENT). It moves the model's version on and logs the keys
 *     an INSERT added, so that every backend's cache can catch up.
 *
 * It runs as whoever changed the table, so it runs no SQL over user objects:
 * the inserted rows are read from the transition table in C, with their
 * columns' types checked. Only the writes to the extension's own catalog
 * (fixed, parameterized statements) run as the extension's owner, switched
 * to the way PostgreSQL's foreign-key triggers switch to a table's owner.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

#include "uaknn_model.h"
#include "uaknn_shim.h"

PG_FUNCTION_INFO_V1(uaknn_change_trigger);

/* Keep the log short: a backend this many changes behind reloads in full. */
#define KEPT_CHANGES 1000

typedef struct InsertedRows
{
	int64	   *keys;
	int			count;
	int32		n;				/* features of every row; -1 if they differ */
	int32		l;
} InsertedRows;

/* The keys, N and L of the rows in an INSERT's transition table. */
static InsertedRows
inserted_rows(TriggerData *trigdata, int key_attnum, int features_attnum, int labels_attnum)
{
	Relation	rel = trigdata->tg_relation;
	TupleDesc	desc = RelationGetDescr(rel);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	Tuplestorestate *rows = trigdata->tg_newtable;
	InsertedRows result = {palloc(sizeof(int64) * 64), 0, -2, -2};
	int			capacity = 64;
	/* Detoasted arrays of one row live here, freed after it. */
	MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "uaknn inserted row",
													  ALLOCSET_SMALL_SIZES);
	MemoryContext outer = CurrentMemoryContext;

	tuplestore_rescan(rows);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		bool		null_key,
					null_f,
					null_l;
		Datum		key = slot_getattr(slot, key_attnum, &null_key);
		Datum		f = slot_getattr(slot, features_attnum, &null_f);
		Datum		l = slot_getattr(slot, labels_attnum, &null_l);
		int32		n,
					m;

		if (null_key || null_f || null_l)
			continue;			/* the validation trigger refused such rows */
		MemoryContextSwitchTo(row_context);
		{
			ArrayType  *fa = DatumGetArrayTypeP(f);
			ArrayType  *la = DatumGetArrayTypeP(l);

			n = ArrayGetNItems(ARR_NDIM(fa), ARR_DIMS(fa));
			m = ArrayGetNItems(ARR_NDIM(la), ARR_DIMS(la));
		}
		MemoryContextSwitchTo(outer);
		MemoryContextReset(row_context);
		result.n = result.n == -2 || result.n == n ? n : -1;
		result.l = result.l == -2 || result.l == m ? m : -1;
		if (result.count == capacity)
		{
			capacity *= 2;
			result.keys = repalloc_huge(result.keys, sizeof(int64) * capacity);
		}
		switch (TupleDescAttr(desc, key_attnum - 1)->atttypid)
		{
			case INT2OID:
				result.keys[result.count++] = DatumGetInt16(key);
				break;
			case INT4OID:
				result.keys[result.count++] = DatumGetInt32(key);
				break;
			default:
				result.keys[result.count++] = DatumGetInt64(key);
				break;
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	MemoryContextDelete(row_context);
	return result;
}

static ArrayType *
int8_array(const int64 *values, int count)
{
	Datum	   *elems = palloc(sizeof(Datum) * Max(count, 1));

	for (int i = 0; i < count; i++)
		elems[i] = Int64GetDatum(values[i]);
	return construct_array(elems, count, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

Datum
uaknn_change_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Relation	rel;
	TriggerModelColumns columns;
	InsertedRows inserted = {NULL, 0, -1, -1};
	bool		is_insert;
	char	   *schema;
	Oid			owner;
	Oid			save_userid;
	int			save_sec_context;
	Datum		args[4];
	bool		isnull;
	int64		version,
				previous;
	int32		n,
				l;
	HeapTuple	tuple;
	TupleDesc	desc;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		elog(ERROR, "uaknn_change_trigger must fire AFTER ... FOR EACH STATEMENT");
	rel = trigdata->tg_relation;
	is_insert = TRIGGER_FIRED_BY_INSERT(trigdata->tg_event);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	/* The model's columns, checked against the table (as the invoker). */
	if (!uaknn_trigger_model_columns(trigdata, &columns))
	{
		SPI_finish();
		return PointerGetDatum(NULL);	/* the model was dropped */
	}
	if (is_insert)
	{
		if (trigdata->tg_newtable == NULL)
			elog(ERROR, "uaknn_change_trigger on INSERT needs REFERENCING NEW TABLE");
		inserted = inserted_rows(trigdata, columns.key_attnum, columns.features_attnum,
								 columns.labels_attnum);
		if (inserted.count == 0)
		{
			SPI_finish();
			return PointerGetDatum(NULL);	/* nothing changed */
		}
	}

	/* The catalog's writes, as the extension's owner. */
	schema = uaknn_extension_schema();
	owner = uaknn_extension_owner();
	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);

	/*
	 * Lock the model's row until commit: writers to one model serialize, so
	 * the versions of committed changes form one chain.
	 */
	args[0] = Int64GetDatum(columns.model_id);
	if (SPI_execute_with_args(psprintf("SELECT version, coalesce(feature_count, -1), coalesce(label_count, -1), "
									   "nextval('%s.uaknn_version_seq') FROM %s.uaknn_model WHERE id = $1 FOR UPDATE",
									   schema, schema),
							  1, (Oid[]) {INT8OID}, args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: model query failed");
	if (SPI_processed == 0)
	{
		SetUserIdAndSecContext(save_userid, save_sec_context);
		SPI_finish();
		return PointerGetDatum(NULL);
	}
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	previous = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
	n = DatumGetInt32(SPI_getbinval(tuple, desc, 2, &isnull));
	l = DatumGetInt32(SPI_getbinval(tuple, desc, 3, &isnull));
	version = DatumGetInt64(SPI_getbinval(tuple, desc, 4, &isnull));

	if (is_insert)
	{
		/*
		 * Rows validated against N and L read before another transaction
		 * fixed them (two first inserts at once) must agree with them.
		 */
		if (inserted.n < 0 || inserted.l < 0 || (n >= 0 && inserted.n != n) || (l >= 0 && inserted.l != l))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("rows inserted into \"%s\" do not all have the model's numbers of features and labels",
							RelationGetRelationName(rel)),
					 errdetail("Model \"%s\" has %d features and %d labels.", columns.name, n, l)));
		n = inserted.n;
		l = inserted.l;
	}
	else
	{
		/* Caches reload in full after this: the log before it is useless. */
		if (SPI_execute_with_args(psprintf("DELETE FROM %s.uaknn_change WHERE model_id = $1", schema),
								  1, (Oid[]) {INT8OID}, args, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "uaknn: change log query failed");
		if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
			n = l = -1;			/* TRUNCATE frees N and L */
	}

	{
		Datum		update_args[4] = {args[0], Int64GetDatum(version), Int32GetDatum(n), Int32GetDatum(l)};
		Datum		log_args[4] = {args[0], Int64GetDatum(version), Int64GetDatum(previous),
		is_insert ? PointerGetDatum(int8_array(inserted.keys, inserted.count)) : (Datum) 0};

		if (SPI_execute_with_args(psprintf("UPDATE %s.uaknn_model SET version = $2, "
										   "feature_count = nullif($3, -1), label_count = nullif($4, -1) WHERE id = $1",
										   schema),
								  4, (Oid[]) {INT8OID, INT8OID, INT4OID, INT4OID}, update_args, NULL, false, 0) != SPI_OK_UPDATE)
			elog(ERROR, "uaknn: model update failed");
		if (SPI_execute_with_args(psprintf("INSERT INTO %s.uaknn_change VALUES ($1, $2, $3, $4)", schema),
								  4, (Oid[]) {INT8OID, INT8OID, INT8OID, INT8ARRAYOID}, log_args,
								  is_insert ? "    " : "   n", false, 0) != SPI_OK_INSERT)
			elog(ERROR, "uaknn: change log insert failed");
		if (version % 100 == 0 &&
			SPI_execute_with_args(psprintf("DELETE FROM %s.uaknn_change WHERE model_id = $1 AND version < "
										   "(SELECT version FROM %s.uaknn_change WHERE model_id = $1 "
										   "ORDER BY version DESC OFFSET %d LIMIT 1)",
										   schema, schema, KEPT_CHANGES),
								  1, (Oid[]) {INT8OID}, args, NULL, false, 0) != SPI_OK_DELETE)
			elog(ERROR, "uaknn: change log pruning failed");
	}

	SetUserIdAndSecContext(save_userid, save_sec_context);
	SPI_finish();
	return PointerGetDatum(NULL);
}
