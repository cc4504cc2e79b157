/*
 * load.c
 *     Brings the Swift cache of a model up to the catalog's version: only
 *     the inserted rows when every change since the cached version was an
 *     INSERT, otherwise everything. Rows are read through an SPI cursor in
 *     batches, between which query cancel is honoured.
 *
 * Called by catalog.c inside an SPI connection, with the caller's SELECT
 * privilege on the source table already checked; the queries run as the
 * caller. While a load is under way the entry's loaded_version is -1, so an
 * error half-way (cancel included) leaves nothing that looks current.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "portability/instr_time.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "uaknn_bridge.h"
#include "uaknn_model.h"
#include "uaknn_shim.h"

#define LOAD_BATCH 1000
#define LOAD_BATCH_BYTES (64 * 1024 * 1024)

/* The source table's schema-qualified name, as SQL; palloc'd. */
static char *
relation_name(ModelEntry *e)
{
	char	   *schema = get_namespace_name(get_rel_namespace(e->source));
	char	   *table = get_rel_name(e->source);

	if (schema == NULL || table == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the table of model \"%s\" no longer exists", e->name)));
	return quote_qualified_identifier(schema, table);
}

/*
 * The load plans read the table by name: when it was renamed or moved to
 * another schema since they were prepared, drop them to prepare anew.
 */
void
uaknn_model_track_relation(ModelEntry *e)
{
	char	   *now;

	if (e->load_relation == NULL)
		return;
	now = relation_name(e);
	if (strcmp(now, e->load_relation) != 0)
	{
		if (e->load_all)
			SPI_freeplan(e->load_all);
		if (e->load_keys)
			SPI_freeplan(e->load_keys);
		e->load_all = e->load_keys = NULL;
		pfree(e->load_relation);
		e->load_relation = NULL;
	}
	pfree(now);
}

/* ONLY: inheritance children are not the model's (no triggers track them). */
static SPIPlanPtr
prepare_load(ModelEntry *e, bool by_keys)
{
	char	   *relation = relation_name(e);
	char	   *sql = psprintf("SELECT %s::int8, %s::float8[], %s::float8[] FROM ONLY %s%s",
							   quote_identifier(e->key_column),
							   quote_identifier(e->features_column),
							   quote_identifier(e->labels_column),
							   relation,
							   by_keys ? psprintf(" WHERE %s = ANY($1)", quote_identifier(e->key_column)) : "");
	Oid			argtypes[1] = {INT8ARRAYOID};
	SPIPlanPtr	plan = SPI_prepare(sql, by_keys ? 1 : 0, argtypes);

	if (plan == NULL)
		elog(ERROR, "uaknn: could not prepare the load query of model \"%s\": %s",
			 e->name, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	if (e->load_relation == NULL)
		e->load_relation = MemoryContextStrdup(TopMemoryContext, relation);
	return plan;
}

/*
 * Refuses, before the bridge allocates, a load that would make the cached
 * model larger than uaknn.max_model_memory (samples, labels and per-row
 * bookkeeping; growth may briefly take up to twice that).
 */
static void
check_model_size(ModelEntry *e, uint64 adding)
{
	int64		rows = 0,
				bytes = 0;
	double		need_kb;

	if (uaknn_max_model_kb < 0)
		return;
	(void) uaknn_cache_stats(e->id, &rows, &bytes);
	need_kb = ((double) rows + adding) * ((double) e->n + e->l + 3) * sizeof(double) / 1024.0;
	if (need_kb > uaknn_max_model_kb)
	{
		uaknn_cache_drop(e->id);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model \"%s\" needs more than uaknn.max_model_memory (%d kB) in this backend",
						e->name, uaknn_max_model_kb),
				 errdetail("%lld rows of %d features and %d labels take about %.0f kB.",
						   (long long) (rows + adding), e->n, e->l, need_kb),
				 errhint("A superuser can raise uaknn.max_model_memory (-1: no limit).")));
	}
}

/*
 * Streams the rows of a load query into the Swift cache. Returns false when
 * the bridge refused a row (a duplicate key in an incremental load, say),
 * with *error filled; raises for anything else.
 */
static bool
stream_rows(ModelEntry *e, SPIPlanPtr plan, Datum *args, int64 *rows, uaknn_error *error)
{
	Portal		portal = SPI_cursor_open(NULL, plan, args, NULL, true);
	/* Up to LOAD_BATCH rows a batch, and no more than LOAD_BATCH_BYTES. */
	long		batch_rows = Max(1, Min(LOAD_BATCH, LOAD_BATCH_BYTES / (((Size) e->n + e->l) * sizeof(double))));
	int64	   *keys = palloc(sizeof(int64) * batch_rows);
	double	   *features = palloc(sizeof(double) * (Size) e->n * batch_rows);
	double	   *labels = palloc(sizeof(double) * (Size) e->l * batch_rows);
	bool		ok = true;
	/* Detoasted arrays of one batch live here, freed after it. */
	MemoryContext batch = AllocSetContextCreate(CurrentMemoryContext, "uaknn load batch",
												ALLOCSET_DEFAULT_SIZES);
	MemoryContext outer = CurrentMemoryContext;

	*rows = 0;
	for (;;)
	{
		uint64		count;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, batch_rows);
		count = SPI_processed;
		if (count == 0)
			break;
		MemoryContextSwitchTo(batch);
		for (uint64 i = 0; i < count; i++)
		{
			HeapTuple	tuple = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		null_key,
						null_features,
						null_labels;
			Datum		key = SPI_getbinval(tuple, desc, 1, &null_key);
			Datum		f = SPI_getbinval(tuple, desc, 2, &null_features);
			Datum		l = SPI_getbinval(tuple, desc, 3, &null_labels);
			int			nf,
						nl;
			double	   *fv,
					   *lv;

			if (null_key || null_features || null_labels)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("a row of table \"%s\" has a NULL key, features or labels",
								get_rel_name(e->source)),
						 errdetail("Model \"%s\" cannot load it.", e->name)));
			fv = uaknn_float8_array(DatumGetArrayTypeP(f), "features", &nf);
			lv = uaknn_float8_array(DatumGetArrayTypeP(l), "labels", &nl);
			if (nf != e->n || nl != e->l)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("row " INT64_FORMAT " of table \"%s\" has %d features and %d labels, model \"%s\" has %d and %d",
								DatumGetInt64(key), get_rel_name(e->source), nf, nl, e->name, e->n, e->l)));
			keys[i] = DatumGetInt64(key);
			memcpy(features + i * e->n, fv, sizeof(double) * e->n);
			memcpy(labels + i * e->l, lv, sizeof(double) * e->l);
		}
		MemoryContextSwitchTo(outer);
		MemoryContextReset(batch);
		check_model_size(e, count);
		if (uaknn_cache_add(e->id, (int32) count, keys, features, labels, error) != UAKNN_OK)
		{
			ok = false;
			break;
		}
		*rows += count;
		SPI_freetuptable(SPI_tuptable);
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(batch);
	pfree(keys);
	pfree(features);
	pfree(labels);
	return ok;
}

static void
load_all(ModelEntry *e, int64 *rows)
{
	uaknn_error error;

	uaknn_check(uaknn_cache_reset(e->id, e->n, e->l, &error), &error);
	if (e->load_all == NULL)
		e->load_all = prepare_load(e, false);
	if (!stream_rows(e, e->load_all, NULL, rows, &error))
		uaknn_check(error.status, &error);
}

static ArrayBuildState *
append_keys(ArrayBuildState *keys, ArrayType *array)
{
	Datum	   *elems;
	bool	   *nulls;
	int			count;

	deconstruct_array(array, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &count);
	for (int i = 0; i < count; i++)
		if (!nulls[i])
			keys = accumArrayResult(keys, elems[i], false, INT8OID, CurrentMemoryContext);
	return keys;
}

/*
 * The keys inserted since the cached version, or NULL when the changes since
 * then are not all inserts along one chain from it (a rolled-back change, an
 * update, delete or truncate, or a log pruned in between).
 */
static ArrayType *
inserted_since(ModelEntry *e)
{
	Datum		args[2] = {Int64GetDatum(e->id), Int64GetDatum(e->loaded_version)};
	int64		want = e->version;
	ArrayBuildState *keys = NULL;

	if (SPI_execute_plan(uaknn_change_plan(), args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: change query failed");

	for (uint64 i = 0; i < SPI_processed && want != e->loaded_version; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		int64		version = DatumGetInt64(SPI_getbinval(tuple, desc, 1, &isnull));
		Datum		inserted;

		if (version != want)
			continue;			/* not on the chain: a concurrent branch */
		inserted = SPI_getbinval(tuple, desc, 3, &isnull);
		if (isnull)
			return NULL;
		keys = append_keys(keys, DatumGetArrayTypeP(inserted));
		want = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));
	}
	if (want != e->loaded_version || keys == NULL)
		return NULL;
	return DatumGetArrayTypeP(makeArrayResult(keys, CurrentMemoryContext));
}

void
uaknn_model_load(ModelEntry *e)
{
	instr_time	start,
				elapsed;
	int64		rows = 0;
	bool		full = true;

	INSTR_TIME_SET_CURRENT(start);
	if (e->loaded_version > 0)
	{
		ArrayType  *keys = inserted_since(e);

		if (keys != NULL)
		{
			Datum		args[1] = {PointerGetDatum(keys)};
			uaknn_error error;

			if (e->load_keys == NULL)
				e->load_keys = prepare_load(e, true);
			e->loaded_version = -1;
			/* A refused row (a key already held, say): reload in full. */
			full = !stream_rows(e, e->load_keys, args, &rows, &error);
		}
	}
	e->loaded_version = -1;		/* until the load below completes */
	if (full)
		load_all(e, &rows);

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	e->loaded_version = e->version;
	e->loaded_at = GetCurrentTimestamp();
	e->load_ms = INSTR_TIME_GET_MILLISEC(elapsed);
	e->last_load_rows = rows;
	e->last_load_full = full;
}
