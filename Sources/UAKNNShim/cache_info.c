/*
 * cache_info.c
 *     uaknn_cache_info() and uaknn_prototypes(): what this backend holds.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "access/htup_details.h"

#include "bridge.h"
#include "catalog.h"
#include "load.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_cache_info);
PG_FUNCTION_INFO_V1(uaknn_cache_summary);
PG_FUNCTION_INFO_V1(uaknn_prototypes);

/*
 * uaknn_cache_info(): one row per model this backend holds. The columns
 * after 0.1.0's seven (last_used, storage) are filled when the SQL declares
 * them.
 */
Datum
uaknn_cache_info(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			columns;

	InitMaterializedSRF(fcinfo, 0);
	columns = rsinfo->setDesc->natts;
	uaknn_model_sweep();
	for (ModelEntry *e = uaknn_model_entries(); e != NULL; e = e->next)
	{
		int64		rows,
					bytes;
		Datum		values[9];
		bool		nulls[9] = {0};
		char		storage[16];

		if (!e->view.valid || !uaknn_cache_stats(e->id, &rows, &bytes))
			continue;
		values[0] = CStringGetTextDatum(e->name);
		values[1] = Int64GetDatum(rows);
		values[2] = Int64GetDatum(bytes);
		values[3] = Int64GetDatum(e->version);
		values[4] = TimestampTzGetDatum(e->loaded_at);
		values[5] = Float8GetDatum(e->load_ms);
		values[6] = CStringGetTextDatum(e->last_load_full ? "full" : "incremental");
		values[7] = TimestampTzGetDatum(e->used_at);
		nulls[8] = !uaknn_cache_storage(e->id, storage, sizeof(storage));
		values[8] = nulls[8] ? (Datum) 0 : CStringGetTextDatum(storage);
		if (columns > lengthof(values))
			elog(ERROR, "uaknn_cache_info() declares %d columns, the library fills %d", columns,
				 (int) lengthof(values));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * uaknn_cache_summary(): the backend's cached models together, against
 * uaknn.max_cache_memory, and how many were evicted to stay within it.
 */
Datum
uaknn_cache_summary(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {0};
	int64		models = 0,
				total = 0;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "uaknn_cache_summary() must return a record");
	uaknn_model_sweep();
	for (ModelEntry *e = uaknn_model_entries(); e != NULL; e = e->next)
	{
		int64		rows,
					bytes;

		if (uaknn_cache_stats(e->id, &rows, &bytes))
		{
			models++;
			total += bytes;
		}
	}
	values[0] = Int64GetDatum(models);
	values[1] = Int64GetDatum(total);
	values[2] = Int64GetDatum((int64) uaknn_max_cache_kb * 1024);
	nulls[2] = uaknn_max_cache_kb < 0;
	values[3] = Int64GetDatum(uaknn_evictions());
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* uaknn_prototypes(model): each label (1-based), its size and member keys. */
Datum
uaknn_prototypes(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelEntry *model;

	InitMaterializedSRF(fcinfo, 0);
	model = uaknn_model_acquire(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	for (int32 label = 0; label < model->l; label++)
	{
		int32		count = 0;
		int64	   *keys;
		Datum	   *elems;
		Datum		values[3];
		bool		nulls[3] = {0};
		uaknn_error error;

		CHECK_FOR_INTERRUPTS();
		uaknn_raise_if_failed(uaknn_cache_prototype(model->id, label, NULL, 0, &count, &error), &error);
		keys = palloc(sizeof(int64) * Max(count, 1));
		uaknn_raise_if_failed(uaknn_cache_prototype(model->id, label, keys, count, &count, &error), &error);
		elems = palloc(sizeof(Datum) * Max(count, 1));
		for (int32 i = 0; i < count; i++)
			elems[i] = Int64GetDatum(keys[i]);
		values[0] = Int32GetDatum(label + 1);
		values[1] = Int32GetDatum(count);
		values[2] = PointerGetDatum(construct_array(elems, count, INT8OID, sizeof(int64),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
