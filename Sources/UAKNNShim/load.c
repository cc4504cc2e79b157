/*
 * load.c
 *     Brings the Swift cache of a model up to a snapshot: only the rows
 *     inserted since the cached snapshot when the change log says nothing
 *     else changed, otherwise everything. Rows are read through an SPI
 *     cursor in batches, between which query cancel is honoured.
 *
 * The queries read the user's table as the caller (whose SELECT privilege
 * catalog.c checked) and name everything by schema. A load that fails half
 * way (cancel included) frees what it had added, so nothing partial stays
 * held or looks current. Before a full load, least recently used models
 * are evicted to keep the backend within uaknn.max_cache_memory.
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

#include "bridge.h"
#include "load.h"
#include "shim.h"

#define LOAD_BATCH 1000
#define LOAD_BATCH_BYTES (64 * 1024 * 1024)

static int64 evictions = 0;

/* Models evicted by the backend-wide limit since the backend started. */
int64
uaknn_evictions(void)
{
	return evictions;
}

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

/* Frees the load plans (they name the table and columns of a former row). */
void
uaknn_model_forget_plans(ModelEntry *e)
{
	if (e->load_all)
		SPI_freeplan(e->load_all);
	if (e->load_keys)
		SPI_freeplan(e->load_keys);
	e->load_all = e->load_keys = NULL;
	if (e->load_relation)
		pfree(e->load_relation);
	e->load_relation = NULL;
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
		uaknn_model_forget_plans(e);
	pfree(now);
}

/*
 * ONLY: inheritance children are not the model's (no triggers track them).
 * Casts and the key comparison are named by schema, so the caller's
 * search_path plays no part. A model with a weight column reads it fourth.
 */
static SPIPlanPtr
prepare_load(ModelEntry *e, bool by_keys)
{
	char	   *relation = relation_name(e);
	char	   *sql = psprintf("SELECT CAST(%s AS pg_catalog.int8), CAST(%s AS pg_catalog.float8[]), "
							   "CAST(%s AS pg_catalog.float8[])%s FROM ONLY %s%s",
							   quote_identifier(e->key_column),
							   quote_identifier(e->features_column),
							   quote_identifier(e->labels_column),
							   e->weight_column ? psprintf(", CAST(%s AS pg_catalog.float8)",
														   quote_identifier(e->weight_column)) : "",
							   relation,
							   by_keys ? psprintf(" WHERE %s OPERATOR(pg_catalog.=) ANY ($1)",
												  quote_identifier(e->key_column)) : "");
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
 * Bytes the model would hold with `adding` more rows: at the rate its rows
 * take so far (sparse and float4 layouts hold less than dense ones), or the
 * dense float8 layout's, an upper bound, while it holds too few to tell.
 */
static double
bytes_with(const ModelEntry *e, int64 rows, int64 bytes, uint64 adding)
{
	double		dense = ((double) e->n + e->l + 3 + (e->weight_column ? 1 : 0)) * sizeof(double);
	double		per_row = rows >= 64 ? Min((double) bytes / rows, dense) : dense;

	return (rows >= 64 ? (double) bytes : rows * dense) + adding * per_row;
}

/*
 * Raises 54000 for a model whose rows would take `need` bytes, more than the
 * setting `name` allows (limit_kb).
 */
static void refuse_memory(const ModelEntry *e, const char *name, int limit_kb, int64 rows, double need)
			pg_attribute_noreturn();

static void
refuse_memory(const ModelEntry *e, const char *name, int limit_kb, int64 rows, double need)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("model \"%s\" needs more than %s (%d kB) in this backend", e->name, name, limit_kb),
			 errdetail("%lld rows of %d features and %d labels take about %.0f kB.",
					   (long long) rows, e->n, e->l, need / 1024.0),
			 errhint("A superuser can raise %s (-1: no limit).", name)));
}

/*
 * Refuses, before the bridge allocates, a load that would make the cached
 * model larger than uaknn.max_model_memory, and evicts the least recently
 * used other models while this backend's cached models would exceed
 * uaknn.max_cache_memory.
 */
static void
make_room(ModelEntry *e, uint64 adding)
{
	int64		rows = 0,
				bytes = 0;
	double		need;

	(void) uaknn_cache_stats(e->id, &rows, &bytes);
	need = bytes_with(e, rows, bytes, adding);
	if (uaknn_max_model_kb >= 0 && need / 1024.0 > uaknn_max_model_kb)
	{
		uaknn_model_unload(e);
		refuse_memory(e, "uaknn.max_model_memory", uaknn_max_model_kb, rows + adding, need);
	}
	if (uaknn_max_cache_kb < 0)
		return;
	for (;;)
	{
		double		total = need;
		ModelEntry *oldest = NULL;

		for (ModelEntry *o = uaknn_model_entries(); o != NULL; o = o->next)
		{
			int64		r,
						b;

			if (o == e || !uaknn_cache_stats(o->id, &r, &b))
				continue;
			total += b;
			if (oldest == NULL || o->used_tick < oldest->used_tick)
				oldest = o;
		}
		if (total / 1024.0 <= uaknn_max_cache_kb)
			return;
		if (oldest == NULL)
		{
			uaknn_model_unload(e);
			refuse_memory(e, "uaknn.max_cache_memory", uaknn_max_cache_kb, rows + adding, need);
		}
		uaknn_model_unload(oldest);
		evictions++;
	}
}

/* Where streamed rows go: the Swift cache, or a job. weights: NULL without a weight column. */
typedef int32 (*RowSink) (ModelEntry *e, void *target, int32 count, const int64 *keys,
						  const double *features, const double *labels, const double *weights,
						  uaknn_error *error);

/* Adds a batch to the model's cache entry, within the memory limits. */
static int32
cache_sink(ModelEntry *e, void *target, int32 count, const int64 *keys, const double *features,
		   const double *labels, const double *weights, uaknn_error *error)
{
	make_room(e, count);
	return uaknn_cache_add(e->id, count, keys, features, labels, weights, error);
}

/* What a job's load has read so far. */
typedef struct JobTarget
{
	int64		job;
	int64		rows;
} JobTarget;

/*
 * Adds a batch to a job, refusing (before the bridge allocates) a job that
 * would hold more than uaknn.max_model_memory: it is one more copy of the
 * model, counted at the dense float8 size since cross-validation and fits
 * work on dense copies of the rows whatever the storage.
 */
static int32
job_sink(ModelEntry *e, void *target, int32 count, const int64 *keys, const double *features,
		 const double *labels, const double *weights, uaknn_error *error)
{
	JobTarget  *t = (JobTarget *) target;
	double		need = bytes_with(e, 0, 0, (uint64) t->rows + count);

	if (uaknn_max_model_kb >= 0 && need / 1024.0 > uaknn_max_model_kb)
		refuse_memory(e, "uaknn.max_model_memory", uaknn_max_model_kb, t->rows + count, need);
	t->rows += count;
	return uaknn_job_add(t->job, count, keys, features, labels, weights, error);
}

/*
 * Streams the rows of a load query into `sink`. Returns false when the
 * bridge refused a row (a duplicate key in an incremental load, say), with
 * *error filled; raises for anything else.
 */
static bool
stream_rows(ModelEntry *e, SPIPlanPtr plan, Datum *args, RowSink sink, void *target, int64 *rows,
			uaknn_error *error)
{
	Portal		portal = SPI_cursor_open(NULL, plan, args, NULL, true);
	/* Up to LOAD_BATCH rows a batch, and no more than LOAD_BATCH_BYTES. */
	long		batch_rows = Max(1, Min(LOAD_BATCH, LOAD_BATCH_BYTES / (((Size) e->n + e->l) * sizeof(double))));
	int64	   *keys = palloc(sizeof(int64) * batch_rows);
	double	   *features = palloc(sizeof(double) * (Size) e->n * batch_rows);
	double	   *labels = palloc(sizeof(double) * (Size) e->l * batch_rows);
	double	   *weights = e->weight_column ? palloc(sizeof(double) * batch_rows) : NULL;
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
			const double *fv,
					   *lv;

			if (null_key || null_features || null_labels)
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("a row of table \"%s\" has a NULL key, features or labels",
								get_rel_name(e->source)),
						 errdetail("Model \"%s\" cannot load it.", e->name)));
			fv = uaknn_float8_view(DatumGetArrayTypeP(f), "features", &nf);
			lv = uaknn_float8_view(DatumGetArrayTypeP(l), "labels", &nl);
			if (nf != e->n || nl != e->l)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("row " INT64_FORMAT " of table \"%s\" has %d features and %d labels, model \"%s\" has %d and %d",
								DatumGetInt64(key), get_rel_name(e->source), nf, nl, e->name, e->n, e->l)));
			keys[i] = DatumGetInt64(key);
			memcpy(features + i * e->n, fv, sizeof(double) * e->n);
			memcpy(labels + i * e->l, lv, sizeof(double) * e->l);
			if (weights)
			{
				bool		null_weight;
				Datum		w = SPI_getbinval(tuple, desc, 4, &null_weight);

				if (null_weight)
					ereport(ERROR,
							(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
							 errmsg("row " INT64_FORMAT " of table \"%s\" has a NULL weight",
									DatumGetInt64(key), get_rel_name(e->source)),
							 errdetail("Model \"%s\" reads its weights from column \"%s\".",
									   e->name, e->weight_column)));
				weights[i] = DatumGetFloat8(w);
			}
		}
		MemoryContextSwitchTo(outer);
		MemoryContextReset(batch);
		if (sink(e, target, (int32) count, keys, features, labels, weights, error) != UAKNN_OK)
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
	if (weights)
		pfree(weights);
	return ok;
}

/* Ensures the Swift cache holds every row of the model's table; *rows gets their count. */
static void
load_all(ModelEntry *e, int64 *rows)
{
	uaknn_error error;

	uaknn_model_unload(e);		/* free the old rows before reading the new */
	make_room(e, 0);
	uaknn_raise_if_failed(uaknn_cache_reset(e->id, e->n, e->l, &error), &error);
	if (e->load_all == NULL)
		e->load_all = prepare_load(e, false);
	if (!stream_rows(e, e->load_all, NULL, cache_sink, NULL, rows, &error))
		uaknn_raise_if_failed(error.status, &error);
	uaknn_cache_finish_load(e->id);
}

/* The keys as an int8[] for the load query. */
static ArrayType *
key_array(const LogDelta *delta)
{
	Datum	   *elems = palloc_extended(sizeof(Datum) * Max(delta->nkeys, 1), MCXT_ALLOC_HUGE);

	if (delta->nkeys > MaxAllocSize / sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many rows were inserted since this backend loaded the model")));
	for (int64 i = 0; i < delta->nkeys; i++)
		elems[i] = Int64GetDatum(delta->keys[i]);
	return construct_array(elems, (int) delta->nkeys, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

/* Loads what `snapshot` sees of the model that the cache does not hold yet. */
void
uaknn_model_load(ModelEntry *e, Snapshot snapshot, int64 catalog_version)
{
	instr_time	start,
				elapsed;
	int64		rows = 0;
	LogDelta	delta;
	volatile bool full;

	uaknn_log_delta(e->id, catalog_version, &e->view, snapshot, &delta);
	full = delta.full;
	if (!full && delta.nkeys == 0)
	{
		uaknn_log_view_set(&e->view, snapshot, &delta, catalog_version);
		e->version = Max(e->version, delta.version);
		return;
	}

	INSTR_TIME_SET_CURRENT(start);
	uaknn_log_view_invalidate(&e->view);	/* until the load below completes */
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	PG_TRY();
	{
		if (!full)
		{
			Datum		args[1] = {PointerGetDatum(key_array(&delta))};
			uaknn_error error;

			if (e->load_keys == NULL)
				e->load_keys = prepare_load(e, true);
			/* A refused row (a key already held, say): reload in full. */
			full = !stream_rows(e, e->load_keys, args, cache_sink, NULL, &rows, &error);
		}
		if (full)
			load_all(e, &rows);
	}
	PG_CATCH();
	{
		uaknn_model_unload(e);
		PG_RE_THROW();
	}
	PG_END_TRY();
	SPI_finish();

	INSTR_TIME_SET_CURRENT(elapsed);
	INSTR_TIME_SUBTRACT(elapsed, start);
	uaknn_log_view_set(&e->view, snapshot, &delta, catalog_version);
	e->version = delta.version;
	e->loaded_at = GetCurrentTimestamp();
	e->load_ms = INSTR_TIME_GET_MILLISEC(elapsed);
	e->last_load_full = full;
}

/*
 * Reads every row of the model's table that the active snapshot sees into
 * `job` (the rows as stored, whatever the model's standardize), as a load
 * reads them. Returns the number of rows.
 */
int64
uaknn_model_load_job(ModelEntry *e, int64 job)
{
	JobTarget	target = {job, 0};
	int64		rows = 0;
	uaknn_error error;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	if (e->load_all == NULL)
		e->load_all = prepare_load(e, false);
	if (!stream_rows(e, e->load_all, NULL, job_sink, &target, &rows, &error))
		uaknn_raise_if_failed(error.status, &error);
	uaknn_job_finish_load(job);
	SPI_finish();
	return rows;
}
