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

#include "uaknn_bridge.h"
#include "uaknn_model.h"
#include "uaknn_shim.h"

PG_FUNCTION_INFO_V1(uaknn_cache_info);
PG_FUNCTION_INFO_V1(uaknn_prototypes);

Datum
uaknn_cache_info(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	uaknn_model_sweep();
	for (ModelEntry *e = uaknn_model_entries(); e != NULL; e = e->next)
	{
		int64		rows,
					bytes;
		Datum		values[7];
		bool		nulls[7] = {0};

		if (e->loaded_version <= 0 || !uaknn_cache_stats(e->id, &rows, &bytes))
			continue;
		values[0] = CStringGetTextDatum(e->name);
		values[1] = Int64GetDatum(rows);
		values[2] = Int64GetDatum(bytes);
		values[3] = Int64GetDatum(e->loaded_version);
		values[4] = TimestampTzGetDatum(e->loaded_at);
		values[5] = Float8GetDatum(e->load_ms);
		values[6] = CStringGetTextDatum(e->last_load_full ? "full" : "incremental");
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
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
		uaknn_check(uaknn_cache_prototype(model->id, label, NULL, 0, &count, &error), &error);
		keys = palloc(sizeof(int64) * Max(count, 1));
		uaknn_check(uaknn_cache_prototype(model->id, label, keys, count, &count, &error), &error);
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
