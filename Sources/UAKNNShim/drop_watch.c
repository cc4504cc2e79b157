/*
 * drop_watch.c
 *     uaknn_drop_watch(): when a model's table is dropped, by whatever
 *     command (DROP TABLE, DROP SCHEMA, DROP OWNED, DROP TYPE ... CASCADE of
 *     a typed table, ...), its models go with it. An event trigger in C, not
 *     SECURITY DEFINER: it asks PostgreSQL which relations were dropped (one
 *     fixed, fully qualified query) and deletes the models' catalog and log
 *     rows directly, running no SQL over them.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "commands/event_trigger.h"
#include "executor/spi.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "extension.h"

PG_FUNCTION_INFO_V1(uaknn_drop_watch);

/* Deletes the log rows of one model. */
static void
delete_log(const UaknnCatalog *cat, int64 model_id)
{
	Relation	rel = table_open(cat->change, RowExclusiveLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;

	ScanKeyInit(&key, cat->c_model, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(model_id));
	scan = systable_beginscan(rel, cat->change_by_version, true, NULL, 1, &key);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		CatalogTupleDelete(rel, &tuple->t_self);
	systable_endscan(scan);
	table_close(rel, RowExclusiveLock);
}

/* ON sql_drop: deletes the models whose tables were dropped. */
Datum
uaknn_drop_watch(PG_FUNCTION_ARGS)
{
	const UaknnCatalog *cat;
	Oid		   *dropped;
	uint64		ndropped;
	Relation	rel;
	SysScanDesc scan;
	HeapTuple	tuple;
	Snapshot	snapshot;

	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		elog(ERROR, "uaknn_drop_watch must be called as an event trigger");
	cat = uaknn_catalog_if_installed();
	if (cat == NULL)
		PG_RETURN_VOID();

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	/*
	 * Every relation dropped, whatever the command: DROP TYPE ... CASCADE
	 * drops a typed table, DROP VIEW a table an ON SELECT rule made a view.
	 */
	if (SPI_execute("SELECT objid FROM pg_catalog.pg_event_trigger_dropped_objects() "
					"WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass "
					"AND objsubid OPERATOR(pg_catalog.=) 0", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: could not read the dropped objects");
	ndropped = SPI_processed;
	dropped = SPI_palloc(sizeof(Oid) * Max(ndropped, 1));
	for (uint64 i = 0; i < ndropped; i++)
	{
		bool		isnull;

		dropped[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
	}
	SPI_finish();
	if (ndropped == 0)
		PG_RETURN_VOID();

	snapshot = RegisterSnapshot(GetLatestSnapshot());
	rel = table_open(cat->model, RowExclusiveLock);
	scan = systable_beginscan(rel, InvalidOid, false, snapshot, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		isnull;
		Oid			source = DatumGetObjectId(heap_getattr(tuple, cat->m_source, RelationGetDescr(rel), &isnull));
		int64		id = DatumGetInt64(heap_getattr(tuple, cat->m_id, RelationGetDescr(rel), &isnull));

		for (uint64 i = 0; i < ndropped; i++)
			if (dropped[i] == source)
			{
				CatalogTupleDelete(rel, &tuple->t_self);
				delete_log(cat, id);
				break;
			}
	}
	systable_endscan(scan);
	table_close(rel, RowExclusiveLock);
	UnregisterSnapshot(snapshot);
	pfree(dropped);
	PG_RETURN_VOID();
}
