/*
 * changelog.c
 *     The change log of models' tables. The change trigger appends one row
 *     per statement (inserted keys, or a reset) in C, without SQL and
 *     without a lock held until commit; a backend brings its cache up to
 *     date with the rows that its snapshot sees and the snapshot its cached
 *     rows were loaded in did not. Rows are read through the index on
 *     (model_id, writer): a row whose writer precedes that snapshot's xmin
 *     was committed before it, so it is already in the cache.
 *
 * Transaction ids are widened to 64 bits (xid8) so that comparisons stay
 * right however old a log row or a cached view is.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/indexing.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "changelog.h"
#include "extension.h"

/*
 * About every PRUNE_EVERY log rows, the writer of one prunes rows more than
 * KEPT_VERSIONS versions old: a cache that far behind reloads in full.
 */
#define PRUNE_EVERY 1024
#define KEPT_VERSIONS 16384

/* xid, which precedes or equals next, as a 64-bit id in next's epoch or the one before. */
static uint64
widen(TransactionId xid, FullTransactionId next)
{
	uint32		epoch = EpochFromFullTransactionId(next);

	if (!TransactionIdIsNormal(xid))
		return (uint64) xid;
	if (xid > XidFromFullTransactionId(next) && epoch > 0)
		epoch--;
	return ((uint64) epoch << 32) | xid;
}

/* qsort/bsearch order of uint64 values. */
static int
compare_u64(const void *a, const void *b)
{
	uint64		x = *(const uint64 *) a;
	uint64		y = *(const uint64 *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/* A snapshot widened: its xmin, xmax and in-progress ids, sorted. */
typedef struct WideSnapshot
{
	uint64		xmin;
	uint64		xmax;
	uint64	   *xids;
	int			nxids;
} WideSnapshot;

/* Ensures *wide holds snapshot's ids widened (palloc'd array). */
static void
widen_snapshot(Snapshot snapshot, WideSnapshot *wide)
{
	FullTransactionId next = ReadNextFullTransactionId();
	int			sub = Max(snapshot->subxcnt, 0);

	wide->xmin = widen(snapshot->xmin, next);
	wide->xmax = widen(snapshot->xmax, next);
	wide->nxids = 0;
	wide->xids = palloc(sizeof(uint64) * Max(snapshot->xcnt + sub, 1));
	for (uint32 i = 0; i < snapshot->xcnt; i++)
		wide->xids[wide->nxids++] = widen(snapshot->xip[i], next);
	for (int i = 0; i < sub; i++)
		wide->xids[wide->nxids++] = widen(snapshot->subxip[i], next);
	qsort(wide->xids, wide->nxids, sizeof(uint64), compare_u64);
}

/* Whether the sorted array holds x. */
static bool
contains_u64(const uint64 *sorted, int n, uint64 x)
{
	return n > 0 && bsearch(&x, sorted, n, sizeof(uint64), compare_u64) != NULL;
}

/* The backend's own top-level transaction id, widened, or 0. */
static uint64
own_transaction(void)
{
	FullTransactionId own = GetTopFullTransactionIdIfAny();

	return FullTransactionIdIsValid(own) ? U64FromFullTransactionId(own) : 0;
}

/* Whether the view's snapshot saw a committed log row (own: by its version). */
static bool
view_saw(const LogView *view, uint64 writer, int64 version, bool *own_row)
{
	*own_row = view->own != 0 && writer == view->own;
	if (*own_row)
	{
		for (int i = 0; i < view->nown; i++)
			if (view->own_versions[i] == version)
				return true;
		return false;
	}
	return writer < view->xmax && !contains_u64(view->xids, view->nxids, writer);
}

/*
 * Whether everything the view's snapshot saw, `wide` sees too: a cursor
 * opened earlier can run with an older snapshot than the cache's.
 */
static bool
sees_all_of(const WideSnapshot *wide, const LogView *view)
{
	if (wide->xmax < view->xmax)
		return false;
	for (int i = 0; i < wide->nxids; i++)
		if (wide->xids[i] < view->xmax && !contains_u64(view->xids, view->nxids, wide->xids[i]))
			return false;
	return true;
}

/* Ensures delta->keys ends with key, growing the array (huge allowed). */
static void
append_key(LogDelta *delta, int64 *capacity, int64 key)
{
	if (delta->nkeys == *capacity)
	{
		*capacity = Max(*capacity * 2, 64);
		delta->keys = delta->keys ? repalloc_huge(delta->keys, sizeof(int64) * *capacity)
			: palloc_extended(sizeof(int64) * *capacity, MCXT_ALLOC_HUGE);
	}
	delta->keys[delta->nkeys++] = key;
}

/* The newest log version of a model that the snapshot sees, or 0. */
static int64
newest_version(const UaknnCatalog *cat, Relation rel, int64 model_id, Snapshot snapshot)
{
	Relation	index = index_open(cat->change_by_version, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	int64		version = 0;

	ScanKeyInit(&key, cat->c_model, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(model_id));
	scan = systable_beginscan_ordered(rel, index, snapshot, 1, &key);
	tuple = systable_getnext_ordered(scan, BackwardScanDirection);
	if (HeapTupleIsValid(tuple))
	{
		bool		isnull;

		version = DatumGetInt64(heap_getattr(tuple, cat->c_version, RelationGetDescr(rel), &isnull));
	}
	systable_endscan_ordered(scan);
	index_close(index, AccessShareLock);
	return version;
}

/*
 * What changed in a model's table between the cache's view and `snapshot`:
 * the keys to load, or a full reload (an update, delete or truncate; a view
 * the snapshot does not contain; a rolled-back change the cache had
 * applied; log rows pruned that the view had not seen). Also lists the
 * backend's own uncommitted log rows the snapshot sees, which the cache
 * includes once loaded.
 */
void
uaknn_log_delta(int64 model_id, int64 catalog_version, const LogView *view, Snapshot snapshot,
				LogDelta *delta)
{
	const UaknnCatalog *cat = uaknn_catalog();
	WideSnapshot wide;
	uint64		own = own_transaction();
	uint64		bound;
	int64		key_capacity = 0;
	int			own_capacity = 0;
	bool	   *seen;
	Relation	rel;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;

	memset(delta, 0, sizeof(*delta));
	if (cat->v1)
	{
		delta->full = !view->valid || !view->v1 || view->v1_version != catalog_version;
		delta->version = catalog_version;
		return;
	}
	widen_snapshot(snapshot, &wide);
	delta->full = !view->valid || view->v1 || !sees_all_of(&wide, view);
	bound = wide.xmin;
	if (!delta->full)
	{
		bound = Min(bound, view->xmin);
		if (view->own != 0)
			bound = Min(bound, view->own);
	}
	if (own != 0)
		bound = Min(bound, own);
	seen = palloc0(sizeof(bool) * Max(view->nown, 1));

	rel = table_open(cat->change, AccessShareLock);
	ScanKeyInit(&keys[0], cat->c_model, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(model_id));
	ScanKeyInit(&keys[1], cat->c_writer, BTGreaterEqualStrategyNumber, F_XID8GE, UInt64GetDatum(bound));
	scan = systable_beginscan(rel, cat->change_by_writer, true, snapshot, 2, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		TupleDesc	desc = RelationGetDescr(rel);
		bool		isnull;
		int64		version = DatumGetInt64(heap_getattr(tuple, cat->c_version, desc, &isnull));
		uint64		writer = DatumGetUInt64(heap_getattr(tuple, cat->c_writer, desc, &isnull));
		char		kind = DatumGetChar(heap_getattr(tuple, cat->c_kind, desc, &isnull));
		bool		own_row;

		if (own != 0 && writer == own)
		{
			if (delta->nown == own_capacity)
			{
				own_capacity = Max(own_capacity * 2, 8);
				delta->own_versions = delta->own_versions ?
					repalloc(delta->own_versions, sizeof(int64) * own_capacity) : palloc(sizeof(int64) * own_capacity);
			}
			delta->own_versions[delta->nown++] = version;
		}
		if (delta->full)
			continue;
		if (view_saw(view, writer, version, &own_row))
		{
			if (own_row)
				for (int i = 0; i < view->nown; i++)
					if (view->own_versions[i] == version)
						seen[i] = true;
			continue;
		}
		if (kind == CHANGE_RESET)
			delta->full = true;
		else if (kind == CHANGE_PRUNED)
		{
			Datum		horizon = heap_getattr(tuple, cat->c_horizon, desc, &isnull);

			if (isnull || DatumGetUInt64(horizon) > view->xmin)
				delta->full = true;
		}
		else
		{
			Datum		inserted = heap_getattr(tuple, cat->c_inserted, desc, &isnull);
			ArrayType  *array;
			int64	   *values;
			int			count;

			if (isnull)
			{
				delta->full = true;
				continue;
			}
			array = DatumGetArrayTypeP(inserted);
			if (ARR_NDIM(array) > 1 || ARR_HASNULL(array) || ARR_ELEMTYPE(array) != INT8OID)
			{
				delta->full = true;
				continue;
			}
			count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
			values = (int64 *) ARR_DATA_PTR(array);
			for (int i = 0; i < count; i++)
				append_key(delta, &key_capacity, values[i]);
		}
	}
	systable_endscan(scan);

	/* A rolled-back savepoint took rows the cache holds with it. */
	if (!delta->full)
		for (int i = 0; i < view->nown; i++)
			if (!seen[i])
				delta->full = true;
	delta->version = newest_version(cat, rel, model_id, snapshot);
	table_close(rel, AccessShareLock);
	pfree(seen);
	pfree(wide.xids);
}

/*
 * The model's version as `snapshot` sees it: the newest change logged for
 * it, or the catalog row's version when that is newer (what the models view
 * shows as version).
 */
int64
uaknn_log_version(int64 model_id, int64 catalog_version, Snapshot snapshot)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Relation	rel;
	int64		version;

	if (cat->v1)
		return catalog_version;
	rel = table_open(cat->change, AccessShareLock);
	version = newest_version(cat, rel, model_id, snapshot);
	table_close(rel, AccessShareLock);
	return Max(version, catalog_version);
}

/* Records that the cache now holds what `snapshot` sees (after a load). */
void
uaknn_log_view_set(LogView *view, Snapshot snapshot, const LogDelta *delta, int64 catalog_version)
{
	WideSnapshot wide;

	view->valid = false;
	view->v1 = uaknn_catalog()->v1;
	view->v1_version = catalog_version;
	widen_snapshot(snapshot, &wide);
	if (view->xcap < wide.nxids)
	{
		if (view->xids)
			pfree(view->xids);
		view->xcap = Max(wide.nxids, 16);
		view->xids = MemoryContextAlloc(TopMemoryContext, sizeof(uint64) * view->xcap);
	}
	if (wide.nxids > 0)
		memcpy(view->xids, wide.xids, sizeof(uint64) * wide.nxids);
	view->nxids = wide.nxids;
	view->xmin = wide.xmin;
	view->xmax = wide.xmax;
	view->own = own_transaction();
	if (view->owncap < delta->nown)
	{
		if (view->own_versions)
			pfree(view->own_versions);
		view->owncap = Max(delta->nown, 8);
		view->own_versions = MemoryContextAlloc(TopMemoryContext, sizeof(int64) * view->owncap);
	}
	if (delta->nown > 0)
		memcpy(view->own_versions, delta->own_versions, sizeof(int64) * delta->nown);
	view->nown = delta->nown;
	view->valid = true;
	pfree(wide.xids);
}

/* Ensures the next delta of this view starts from a full read. */
void
uaknn_log_view_invalidate(LogView *view)
{
	view->valid = false;
}

/* Builds and inserts one log row (indexes included); returns its version. */
static int64
insert_row(const UaknnCatalog *cat, Relation rel, int64 model_id, char kind, const int64 *keys,
		   int64 nkeys, uint64 horizon)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *values = palloc0(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc(sizeof(bool) * desc->natts);
	HeapTuple	tuple;
	int64		version = nextval_internal(cat->version_seq, false);

	memset(nulls, true, sizeof(bool) * desc->natts);
	values[cat->c_model - 1] = Int64GetDatum(model_id);
	nulls[cat->c_model - 1] = false;
	values[cat->c_version - 1] = Int64GetDatum(version);
	nulls[cat->c_version - 1] = false;
	values[cat->c_writer - 1] = UInt64GetDatum(U64FromFullTransactionId(GetTopFullTransactionId()));
	nulls[cat->c_writer - 1] = false;
	values[cat->c_kind - 1] = CharGetDatum(kind);
	nulls[cat->c_kind - 1] = false;
	if (kind == CHANGE_INSERT)
	{
		Datum	   *elems = palloc_extended(sizeof(Datum) * Max(nkeys, 1), MCXT_ALLOC_HUGE);

		for (int64 i = 0; i < nkeys; i++)
			elems[i] = Int64GetDatum(keys[i]);
		if (nkeys > INT_MAX / (int64) sizeof(int64))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a statement inserted too many rows into a model's table to log them: " INT64_FORMAT, nkeys)));
		values[cat->c_inserted - 1] = PointerGetDatum(construct_array(elems, (int) nkeys, INT8OID, sizeof(int64),
																	 FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		nulls[cat->c_inserted - 1] = false;
	}
	if (kind == CHANGE_PRUNED)
	{
		values[cat->c_horizon - 1] = UInt64GetDatum(horizon);
		nulls[cat->c_horizon - 1] = false;
	}
	tuple = heap_form_tuple(desc, values, nulls);
	CatalogTupleInsert(rel, tuple);
	heap_freetuple(tuple);
	pfree(values);
	pfree(nulls);
	return version;
}

/*
 * Removes a model's log rows more than KEPT_VERSIONS versions older than
 * `version` whose writers every snapshot now sees as finished, and records
 * the newest removed writer in a marker row: a cache whose snapshot is
 * older than that reloads in full. Only one writer at a time prunes a model
 * (the others skip, never wait), and only under READ COMMITTED, where rows
 * another pruner removed meanwhile are skipped rather than raise a
 * serialization failure.
 */
static void
prune(const UaknnCatalog *cat, Relation rel, int64 model_id, int64 version)
{
	uint64		horizon;
	uint64		removed = 0;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tuple;
	Snapshot	latest;

	if (version <= KEPT_VERSIONS || XactIsoLevel != XACT_READ_COMMITTED ||
		!ConditionalLockDatabaseObject(RelationGetRelid(rel), (Oid) model_id, 0, ExclusiveLock))
		return;
	horizon = widen(GetOldestNonRemovableTransactionId(rel), ReadNextFullTransactionId());
	latest = RegisterSnapshot(GetLatestSnapshot());
	ScanKeyInit(&keys[0], cat->c_model, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(model_id));
	ScanKeyInit(&keys[1], cat->c_version, BTLessStrategyNumber, F_INT8LT, Int64GetDatum(version - KEPT_VERSIONS));
	scan = systable_beginscan(rel, cat->change_by_version, true, latest, 2, keys);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		bool		isnull;
		uint64		writer = DatumGetUInt64(heap_getattr(tuple, cat->c_writer, RelationGetDescr(rel), &isnull));
		TM_FailureData failure;

		if (writer >= horizon)
			continue;			/* a snapshot may still not see it: keep */
		/* Gone already (another pruner committed since): nothing to do. */
		if (heap_delete(rel, &tuple->t_self, GetCurrentCommandId(true), InvalidSnapshot, true,
						&failure, false) == TM_Ok)
			removed = Max(removed, writer + 1);
	}
	systable_endscan(scan);
	UnregisterSnapshot(latest);
	if (removed > 0)
		(void) insert_row(cat, rel, model_id, CHANGE_PRUNED, NULL, 0, removed);
}

/* Appends a log row for a statement that changed a model's table. */
void
uaknn_log_append(int64 model_id, char kind, const int64 *keys, int64 nkeys)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Relation	rel = table_open(cat->change, RowExclusiveLock);

	int64		version = insert_row(cat, rel, model_id, kind, keys, nkeys, 0);

	if (version % PRUNE_EVERY == 0)
		prune(cat, rel, model_id, version);
	table_close(rel, NoLock);
}
