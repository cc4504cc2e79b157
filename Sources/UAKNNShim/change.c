/*
 * change.c
 *     uaknn_change_trigger(): records a change to a model's table (AFTER,
 *     FOR EACH STATEMENT). It appends one row to the change log (the keys an
 *     INSERT added, or a reset for UPDATE, DELETE and TRUNCATE), in C: no
 *     SQL runs for it, so nothing depends on the caller's search_path, and
 *     no lock on a shared row is held, so writers to one table proceed in
 *     parallel.
 *
 * Two rare changes do write the model's catalog row, as the extension's
 * owner (owner.c; the writer may not update the catalog): the first rows of
 * an empty model fix its numbers of features and labels, and TRUNCATE frees
 * them.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/tuplestore.h"

#include "changelog.h"
#include "extension.h"
#include "owner.h"
#include "triggers.h"

PG_FUNCTION_INFO_V1(uaknn_change_trigger);

/* The keys of an INSERT's rows, and (for a model's first rows) their shape. */
typedef struct InsertedRows
{
	int64	   *keys;
	int64		count;
	int32		n;				/* features of every row; -1 if they differ */
	int32		l;
} InsertedRows;

/* Reads the transition table's keys; with `shapes`, also N and L of each row. */
static InsertedRows
inserted_rows(TriggerData *trigdata, const TriggerModel *model, bool shapes)
{
	TupleDesc	desc = RelationGetDescr(trigdata->tg_relation);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	Oid			key_type = TupleDescAttr(desc, model->key_attnum - 1)->atttypid;
	InsertedRows result = {NULL, 0, -2, -2};
	int64		capacity = 64;
	/* Detoasted arrays of one row live here, freed after it. */
	MemoryContext row_context = AllocSetContextCreate(CurrentMemoryContext, "uaknn inserted row",
													  ALLOCSET_SMALL_SIZES);

	result.keys = palloc(sizeof(int64) * capacity);
	tuplestore_rescan(trigdata->tg_newtable);
	while (tuplestore_gettupleslot(trigdata->tg_newtable, true, false, slot))
	{
		bool		isnull;
		Datum		key = slot_getattr(slot, model->key_attnum, &isnull);

		if (isnull)
			continue;			/* the validation trigger refused such rows */
		if (shapes)
		{
			bool		null_f,
						null_l;
			Datum		f = slot_getattr(slot, model->features_attnum, &null_f);
			Datum		l = slot_getattr(slot, model->labels_attnum, &null_l);
			MemoryContext outer = MemoryContextSwitchTo(row_context);
			int32		n = null_f ? -1 : ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(f)), ARR_DIMS(DatumGetArrayTypeP(f)));
			int32		m = null_l ? -1 : ArrayGetNItems(ARR_NDIM(DatumGetArrayTypeP(l)), ARR_DIMS(DatumGetArrayTypeP(l)));

			MemoryContextSwitchTo(outer);
			MemoryContextReset(row_context);
			result.n = result.n == -2 || result.n == n ? n : -1;
			result.l = result.l == -2 || result.l == m ? m : -1;
		}
		if (result.count == capacity)
		{
			capacity *= 2;
			result.keys = repalloc_huge(result.keys, sizeof(int64) * (Size) capacity);
		}
		result.keys[result.count++] = key_type == INT2OID ? DatumGetInt16(key) :
			key_type == INT4OID ? DatumGetInt32(key) : DatumGetInt64(key);
	}
	ExecDropSingleTupleTableSlot(slot);
	MemoryContextDelete(row_context);
	return result;
}

/*
 * Fixes an empty model's N and L from its first rows. Two first inserts of
 * different shapes at once: the row lock makes the second wait, read the
 * first's N and L, and fail.
 */
static void
fix_shape(TriggerData *trigdata, const TriggerModel *model, const InsertedRows *rows)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Datum		args[3] = {Int64GetDatum(model->row.id), Int32GetDatum(rows->n), Int32GetDatum(rows->l)};
	Oid			types[3] = {INT8OID, INT4OID, INT4OID};
	ModelRow	now;

	uaknn_run_as_owner(psprintf("SELECT FROM %s WHERE id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
						  uaknn_model_table_sql(cat)), 1, types, args, SPI_OK_SELECT);
	/* The locked row as the latest committed state has it. */
	if (!uaknn_model_row_by_id(model->row.id, GetLatestSnapshot(), &now))
		return;
	if (rows->n < 0 || rows->l < 0 || (now.n >= 0 && rows->n != now.n) || (now.l >= 0 && rows->l != now.l))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows inserted into \"%s\" do not all have the model's numbers of features and labels",
						RelationGetRelationName(trigdata->tg_relation)),
				 errdetail("Model \"%s\" has %d features and %d labels.", model->row.name,
						   now.n >= 0 ? now.n : rows->n, now.l >= 0 ? now.l : rows->l)));
	if (now.n < 0)
		uaknn_run_as_owner(psprintf("UPDATE %s SET feature_count = $2, label_count = $3 "
							  "WHERE id OPERATOR(pg_catalog.=) $1", uaknn_model_table_sql(cat)),
					 3, types, args, SPI_OK_UPDATE);
}

/* AFTER INSERT/UPDATE/DELETE/TRUNCATE FOR EACH STATEMENT; the argument is the model's id. */
Datum
uaknn_change_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const UaknnCatalog *cat;
	TriggerModel model;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_STATEMENT(trigdata->tg_event) ||
		!TRIGGER_FIRED_AFTER(trigdata->tg_event))
		elog(ERROR, "uaknn_change_trigger must fire AFTER ... FOR EACH STATEMENT");
	cat = uaknn_catalog();
	if (!uaknn_trigger_model(trigdata, GetLatestSnapshot(), &model))
		return PointerGetDatum(NULL);	/* the model was dropped */

	if (TRIGGER_FIRED_BY_INSERT(trigdata->tg_event))
	{
		InsertedRows rows;

		if (trigdata->tg_newtable == NULL)
			elog(ERROR, "uaknn_change_trigger on INSERT needs REFERENCING NEW TABLE");
		rows = inserted_rows(trigdata, &model, model.row.n < 0);
		if (rows.count == 0)
			return PointerGetDatum(NULL);	/* nothing changed */
		if (model.row.n < 0)
			fix_shape(trigdata, &model, &rows);
		if (!cat->v1)
			uaknn_log_append(model.row.id, CHANGE_INSERT, rows.keys, rows.count);
	}
	else
	{
		if (TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		{
			Datum		args[1] = {Int64GetDatum(model.row.id)};

			uaknn_run_as_owner(psprintf("UPDATE %s SET feature_count = NULL, label_count = NULL "
								  "WHERE id OPERATOR(pg_catalog.=) $1", uaknn_model_table_sql(cat)),
						 1, (Oid[]) {INT8OID}, args, SPI_OK_UPDATE);
		}
		if (!cat->v1)
			uaknn_log_append(model.row.id, CHANGE_RESET, NULL, 0);
	}

	/* 0.1.0's catalog: every change moves the model's version on. */
	if (cat->v1)
	{
		Datum		args[2] = {Int64GetDatum(model.row.id),
		Int64GetDatum(nextval_internal(cat->version_seq, false))};

		uaknn_run_as_owner(psprintf("UPDATE %s SET version = $2 WHERE id OPERATOR(pg_catalog.=) $1",
							  uaknn_model_table_sql(cat)),
					 2, (Oid[]) {INT8OID, INT8OID}, args, SPI_OK_UPDATE);
	}
	return PointerGetDatum(NULL);
}
