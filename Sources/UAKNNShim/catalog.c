/*
 * catalog.c
 *     Resolves a model by name and keeps the backend's cache of it current.
 *
 * The model's catalog row is read in C (an index scan in the statement's
 * snapshot, no SQL), at most once per snapshot: a statement that calls
 * uaknn_predict() for a million rows reads it once. load.c then brings the
 * cached rows up to that snapshot through the change log. The caller's
 * SELECT privilege on the source table is checked on every call, since one
 * backend serves several roles over its life.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "bridge.h"
#include "catalog.h"
#include "extension.h"
#include "load.h"
#include "shim.h"

static ModelEntry *entries = NULL;
/* The installation of the extension the entries belong to. */
static Oid	entries_extension = InvalidOid;

/* The backend's model entries (a list, most recently added first). */
ModelEntry *
uaknn_model_entries(void)
{
	return entries;
}

/* A text or jsonb column as a C string, or NULL. */
static char *
text_column(HeapTuple tuple, TupleDesc desc, AttrNumber attnum, bool json)
{
	bool		isnull;
	Datum		d;

	if (attnum == InvalidAttrNumber)
		return NULL;
	d = heap_getattr(tuple, attnum, desc, &isnull);
	if (isnull)
		return NULL;
	if (json)
	{
		Jsonb	   *j = DatumGetJsonbP(d);

		return JsonbToCString(NULL, &j->root, VARSIZE(j));
	}
	if (TupleDescAttr(desc, attnum - 1)->atttypid == NAMEOID)
		return pstrdup(NameStr(*DatumGetName(d)));
	return TextDatumGetCString(d);
}

/* A bigint column, 0 for NULL or a column the installed version lacks. */
static int64
int8_column(HeapTuple tuple, TupleDesc desc, AttrNumber attnum)
{
	bool		isnull;
	Datum		d;

	if (attnum == InvalidAttrNumber)
		return 0;
	d = heap_getattr(tuple, attnum, desc, &isnull);
	return isnull ? 0 : DatumGetInt64(d);
}

/* A float8[] column, copied into the current memory context, or NULL. */
static ArrayType *
array_column(HeapTuple tuple, TupleDesc desc, AttrNumber attnum)
{
	bool		isnull;
	Datum		d;

	if (attnum == InvalidAttrNumber)
		return NULL;
	d = heap_getattr(tuple, attnum, desc, &isnull);
	return isnull ? NULL : DatumGetArrayTypePCopy(d);
}

/* An integer column, -1 for NULL. */
static int32
int4_column(HeapTuple tuple, TupleDesc desc, AttrNumber attnum)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, desc, &isnull);

	return isnull ? -1 : DatumGetInt32(d);
}

/* Reads the row an index key finds in `snapshot`; false when there is none. */
static bool
read_row(Oid index, ScanKey key, Snapshot snapshot, ModelRow *row)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Relation	rel = table_open(cat->model, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	SysScanDesc scan = systable_beginscan(rel, index, true, snapshot, 1, key);
	HeapTuple	tuple = systable_getnext(scan);
	bool		found = HeapTupleIsValid(tuple);

	if (found)
	{
		bool		isnull;

		row->id = DatumGetInt64(heap_getattr(tuple, cat->m_id, desc, &isnull));
		row->name = text_column(tuple, desc, cat->m_name, false);
		row->source = DatumGetObjectId(heap_getattr(tuple, cat->m_source, desc, &isnull));
		row->key_column = text_column(tuple, desc, cat->m_key, false);
		row->features_column = text_column(tuple, desc, cat->m_features, false);
		row->labels_column = text_column(tuple, desc, cat->m_labels, false);
		row->n = int4_column(tuple, desc, cat->m_n);
		row->l = int4_column(tuple, desc, cat->m_l);
		row->version = DatumGetInt64(heap_getattr(tuple, cat->m_version, desc, &isnull));
		row->options = text_column(tuple, desc, cat->m_options, true);
		row->tuned = text_column(tuple, desc, cat->m_tuned, true);
		row->fit_id = int8_column(tuple, desc, cat->m_fit_id);
		if (row->options == NULL)
			row->options = pstrdup("{}");
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* The catalog row of the model `name` as `snapshot` sees it. */
bool
uaknn_model_row_by_name(const char *name, Snapshot snapshot, ModelRow *row)
{
	ScanKeyData key;

	/* systable scans take heap attribute numbers. */
	ScanKeyEntryInitialize(&key, 0, uaknn_catalog()->m_name, BTEqualStrategyNumber, InvalidOid,
						   DEFAULT_COLLATION_OID, F_TEXTEQ, CStringGetTextDatum(name));
	return read_row(uaknn_catalog()->model_by_name, &key, snapshot, row);
}

/* The catalog row of model `id` as `snapshot` sees it. */
bool
uaknn_model_row_by_id(int64 id, Snapshot snapshot, ModelRow *row)
{
	ScanKeyData key;

	ScanKeyInit(&key, uaknn_catalog()->m_id, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(id));
	return read_row(uaknn_catalog()->model_by_id, &key, snapshot, row);
}

/*
 * The weight column a model's options (JSON text) name, palloc'd, or NULL
 * when they name none; 22023 for a name no column could have.
 */
char *
uaknn_options_weight(const char *options)
{
	char		column[NAMEDATALEN];
	uaknn_error error;

	uaknn_raise_if_failed(uaknn_options_weight_column(options, (int32) strlen(options), column,
													  sizeof(column), &error), &error);
	return column[0] ? pstrdup(column) : NULL;
}

/*
 * Model `id`'s stored fit as `snapshot` sees it: read only when its fit_id
 * differs from what a cache holds, since the arrays may be large.
 */
bool
uaknn_model_fit_by_id(int64 id, Snapshot snapshot, ModelFit *fit)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Relation	rel = table_open(cat->model, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found;

	ScanKeyInit(&key, cat->m_id, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(id));
	scan = systable_beginscan(rel, cat->model_by_id, true, snapshot, 1, &key);
	tuple = systable_getnext(scan);
	found = HeapTupleIsValid(tuple);
	memset(fit, 0, sizeof(*fit));
	if (found)
	{
		fit->fit_id = int8_column(tuple, desc, cat->m_fit_id);
		fit->feature_stats = array_column(tuple, desc, cat->m_feature_stats);
		fit->maxent = array_column(tuple, desc, cat->m_maxent);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* The snapshot the running statement reads with. */
static Snapshot
current_snapshot(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}

/* Whether snap is the snapshot k remembers (same transaction, same ids). */
static bool
snapshot_matches(Snapshot snap, const SnapshotKey *k)
{
	return k->valid && k->lxid == MyProc->lxid && k->xmin == snap->xmin &&
		k->xmax == snap->xmax && k->xcnt == snap->xcnt && k->subxcnt == snap->subxcnt &&
		k->suboverflowed == snap->suboverflowed && k->curcid == snap->curcid &&
		memcmp(k->xids, snap->xip, sizeof(TransactionId) * snap->xcnt) == 0 &&
		memcmp(k->xids + snap->xcnt, snap->subxip, sizeof(TransactionId) * Max(snap->subxcnt, 0)) == 0;
}

/* Ensures k remembers snap, its in-progress ids copied to TopMemoryContext. */
static void
snapshot_remember(Snapshot snap, SnapshotKey *k)
{
	int			needed = snap->xcnt + Max(snap->subxcnt, 0);

	if (k->capacity < Max(needed, 1))
	{
		if (k->xids)
			pfree(k->xids);
		k->capacity = Max(needed, 16);
		k->xids = MemoryContextAlloc(TopMemoryContext, sizeof(TransactionId) * k->capacity);
	}
	memcpy(k->xids, snap->xip, sizeof(TransactionId) * snap->xcnt);
	memcpy(k->xids + snap->xcnt, snap->subxip, sizeof(TransactionId) * Max(snap->subxcnt, 0));
	k->lxid = MyProc->lxid;
	k->xmin = snap->xmin;
	k->xmax = snap->xmax;
	k->xcnt = snap->xcnt;
	k->subxcnt = snap->subxcnt;
	k->suboverflowed = snap->suboverflowed;
	k->curcid = snap->curcid;
	k->valid = true;
}

/* The entry of the model `name`, or NULL. */
static ModelEntry *
lookup_entry(const char *name)
{
	for (ModelEntry *e = entries; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* The entry of the model `name`, made empty when there is none. */
static ModelEntry *
find_entry(const char *name)
{
	ModelEntry *e = lookup_entry(name);

	if (e != NULL)
		return e;
	e = MemoryContextAllocZero(TopMemoryContext, sizeof(ModelEntry));
	e->name = MemoryContextStrdup(TopMemoryContext, name);
	e->next = entries;
	entries = e;
	return e;
}

/* Ensures *field holds a TopMemoryContext copy of value (or NULL). */
static void
replace_string(char **field, const char *value)
{
	if (*field)
		pfree(*field);
	*field = value ? MemoryContextStrdup(TopMemoryContext, value) : NULL;
}

/* Frees an entry's cached rows but keeps what it knows of the catalog. */
void
uaknn_model_unload(ModelEntry *e)
{
	if (e->id != 0)
		uaknn_cache_unload(e->id);
	uaknn_log_view_invalidate(&e->view);
	e->checked.valid = false;
}

/* Forgets a previous catalog row altogether, with its cached samples. */
static void
forget(ModelEntry *e)
{
	if (e->id != 0)
		uaknn_cache_drop(e->id);
	uaknn_model_forget_plans(e);
	e->id = 0;
	e->fit_id = 0;
	uaknn_log_view_invalidate(&e->view);
	e->checked.valid = false;
}

/* Unlinks and frees an entry, with its cached samples. */
static void
drop_entry(ModelEntry *e)
{
	ModelEntry **link;

	forget(e);
	for (link = &entries; *link != NULL; link = &(*link)->next)
		if (*link == e)
		{
			*link = e->next;
			break;
		}
	if (e->checked.xids)
		pfree(e->checked.xids);
	if (e->view.xids)
		pfree(e->view.xids);
	if (e->view.own_versions)
		pfree(e->view.own_versions);
	replace_string(&e->key_column, NULL);
	replace_string(&e->features_column, NULL);
	replace_string(&e->labels_column, NULL);
	replace_string(&e->weight_column, NULL);
	pfree(e->name);
	pfree(e);
}

/* A recreated extension starts its ids again: drop what belongs to the old one. */
static void
check_installation(const UaknnCatalog *cat)
{
	if (cat->extension == entries_extension)
		return;
	while (entries != NULL)
		drop_entry(entries);
	entries_extension = cat->extension;
}

/*
 * What reading the table by name would need: USAGE on its schema and SELECT
 * on it. Checked on every call: the cache may have been filled by another role.
 */
static void
check_privileges(ModelEntry *e)
{
	Oid			schema = get_rel_namespace(e->source);
	AclResult	acl = pg_namespace_aclcheck(schema, GetUserId(), ACL_USAGE);

	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_SCHEMA, get_namespace_name(schema));
	acl = pg_class_aclcheck(e->source, GetUserId(), ACL_SELECT);
	if (acl != ACLCHECK_OK)
		aclcheck_error(acl, OBJECT_TABLE, get_rel_name(e->source));
	if (check_enable_rls(e->source, InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("table \"%s\" of model \"%s\" has row-level security enabled",
						get_rel_name(e->source), e->name),
				 errdetail("A cached model cannot honour row policies.")));
}

/*
 * One column a load reads: a column of the table (not a system column) of
 * one of the types the model reads, so that the load's casts are built-in
 * ones. A catalog row may be written directly (INSERT on uaknn_model is
 * granted), and a table without the model's triggers may change its columns'
 * types: a column of a type of the owner's, with a cast the owner wrote,
 * would make the load run the owner's function as whoever predicts.
 */
static void
check_column(ModelEntry *e, const char *column, const Oid *types)
{
	AttrNumber	attnum = get_attnum(e->source, column);
	Oid			type;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of model \"%s\" is missing from table \"%s\"",
						column, e->name, get_rel_name(e->source))));
	type = get_atttype(e->source, attnum);
	for (const Oid *t = types; *t != InvalidOid; t++)
		if (type == *t)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("column \"%s\" of table \"%s\" is of type %s, which model \"%s\" cannot read",
					column, get_rel_name(e->source), format_type_be(type), e->name),
			 errhint("Keys are smallint, integer or bigint; features and labels double precision[] or real[]; "
					 "weights smallint, integer, bigint, real, double precision or numeric.")));
}

/*
 * What a load reads must be a plain table with columns of the model's types
 * (checked with the table locked, before every load): reading a view would
 * run the view's functions, and a cast from another type the cast's
 * function, as the caller.
 */
static void
check_source(ModelEntry *e)
{
	static const Oid keys[] = {INT2OID, INT4OID, INT8OID, InvalidOid};
	static const Oid vectors[] = {FLOAT8ARRAYOID, FLOAT4ARRAYOID, InvalidOid};
	static const Oid weights[] = {INT2OID, INT4OID, INT8OID, FLOAT4OID, FLOAT8OID, NUMERICOID, InvalidOid};

	if (get_rel_relkind(e->source) != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" of model \"%s\" is not a table", get_rel_name(e->source), e->name),
				 errdetail("A model reads one plain table.")));
	check_column(e, e->key_column, keys);
	check_column(e, e->features_column, vectors);
	check_column(e, e->labels_column, vectors);
	if (e->weight_column != NULL)
		check_column(e, e->weight_column, weights);
}

/* The values of a float8[] fit column for the bridge (none: 0 values). */
static const double *
fit_values(ArrayType *array, const char *name, int *count)
{
	*count = 0;
	if (array == NULL || ARR_NDIM(array) == 0)
		return NULL;
	return uaknn_float8_view(array, name, count);
}

/*
 * Brings the Swift cache's fit up to the catalog's (a refit or a tune wrote
 * a new one): a new maximum-entropy fit is attached to the cached rows; new
 * statistics of a standardized model mean its rows must be loaded again.
 */
static void
take_fit(ModelEntry *e, const ModelRow *row, Snapshot snapshot)
{
	ModelFit	fit;
	uaknn_error error;
	bool		reload = false;
	int			nstats,
				nmaxent;
	const double *stats,
			   *maxent;

	if (!uaknn_model_fit_by_id(row->id, snapshot, &fit))
		memset(&fit, 0, sizeof(fit));
	stats = fit_values(fit.feature_stats, "feature_stats", &nstats);
	maxent = fit_values(fit.maxent, "maxent", &nmaxent);
	e->fit_id = 0;
	uaknn_raise_if_failed(uaknn_cache_set_fit(e->id, stats, nstats, maxent, nmaxent, &reload, &error),
						  &error);
	e->fit_id = fit.fit_id;
	if (reload)
		uaknn_model_unload(e);
	if (fit.feature_stats)
		pfree(fit.feature_stats);
	if (fit.maxent)
		pfree(fit.maxent);
}

/*
 * Takes the catalog row into the entry, and the options and fit into the
 * Swift cache; unloads the cached rows when they were stored under other
 * options or statistics.
 */
static void
take_row(ModelEntry *e, const ModelRow *row, Snapshot snapshot)
{
	uaknn_error error;
	char	   *weight = uaknn_options_weight(row->options);
	bool		reload = false;

	if (e->id != row->id)
		forget(e);				/* another model under this name */
	/* Another weight column: other rows' weights, and other load plans. */
	if ((weight == NULL) != (e->weight_column == NULL) ||
		(weight != NULL && strcmp(weight, e->weight_column) != 0))
	{
		uaknn_model_unload(e);
		uaknn_model_forget_plans(e);
		replace_string(&e->weight_column, weight);
	}
	e->id = row->id;
	e->source = row->source;
	replace_string(&e->key_column, row->key_column);
	replace_string(&e->features_column, row->features_column);
	replace_string(&e->labels_column, row->labels_column);
	/* Another N or L (a TRUNCATE, then rows of another shape): reload. */
	if (e->n != row->n || e->l != row->l)
		uaknn_model_unload(e);
	e->n = row->n;
	e->l = row->l;
	uaknn_raise_if_failed(uaknn_cache_configure(e->id, e->name, (int32) strlen(e->name),
												row->options, (int32) strlen(row->options),
												row->tuned, row->tuned ? (int32) strlen(row->tuned) : 0,
												&reload, &error), &error);
	if (reload)
		uaknn_model_unload(e);
	if (row->fit_id != e->fit_id)
		take_fit(e, row, snapshot);
}

/* A clock for the least-recently-used eviction (load.c). */
static uint64 use_clock = 0;

/* Marks the entry as used now, for eviction and uaknn_cache_info(). */
static void
touch(ModelEntry *e)
{
	e->used_tick = ++use_clock;
	e->used_at = GetCurrentStatementStartTimestamp();
}

/*
 * The model `name` as this statement's snapshot sees it, readable by the
 * current user, its table locked as a query would lock it and of the types
 * a load reads, without loading its rows (uaknn_model_acquire does; jobs
 * read them otherwise). *row gets its catalog row. Raises 42704 for an
 * unknown model, 42501 without SELECT on its table, 55000 for a model with
 * no rows.
 */
ModelEntry *
uaknn_model_resolve(const char *name, ModelRow *row)
{
	Snapshot	snapshot = current_snapshot();
	const UaknnCatalog *cat;
	ModelEntry *e;

	cat = uaknn_catalog();
	check_installation(cat);
	if (!uaknn_model_row_by_name(name, snapshot, row))
	{
		if ((e = lookup_entry(name)) != NULL)
			drop_entry(e);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errhint("uaknn_models lists the models; uaknn_create_model() makes one.")));
	}
	e = find_entry(name);
	e->checked.valid = false;
	take_row(e, row, snapshot);

	/*
	 * Lock the table as any query reading it would, so that a concurrent DROP
	 * cannot pull it away between the checks and the load.
	 */
	LockRelationOid(e->source, AccessShareLock);
	if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(e->source)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the table of model \"%s\" no longer exists", name)));
	check_privileges(e);
	if (e->n <= 0)
	{
		uaknn_model_unload(e);	/* after a TRUNCATE: free the old rows now */
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no samples", name),
				 errhint("Insert rows into %s first.", get_rel_name(e->source))));
	}
	touch(e);
	check_source(e);
	uaknn_model_track_relation(e);
	return e;
}

/*
 * The model `name`, current for this statement's snapshot and readable by
 * the current user. Raises 42704 for an unknown model, 42501 without SELECT
 * on its table, 55000 for a model with no rows (or one that needs a fit it
 * does not have).
 */
ModelEntry *
uaknn_model_acquire(const char *name)
{
	ModelEntry *e = lookup_entry(name);
	Snapshot	snapshot = current_snapshot();
	ModelRow	row;

	if (e != NULL && snapshot_matches(snapshot, &e->checked) && e->view.valid)
	{
		check_privileges(e);
		touch(e);
		return e;
	}
	e = uaknn_model_resolve(name, &row);
	uaknn_model_load(e, snapshot, row.version);
	snapshot_remember(snapshot, &e->checked);
	return e;
}

/*
 * Forgets the entries of models that no longer exist (dropped by another
 * session, say), freeing their samples. Run by uaknn_cache_info(), so that
 * what it reports is what is held.
 */
void
uaknn_model_sweep(void)
{
	const UaknnCatalog *cat;
	ModelEntry *e;
	Snapshot	snapshot = current_snapshot();

	if (entries == NULL)
		return;
	cat = uaknn_catalog();
	check_installation(cat);
	e = entries;
	while (e != NULL)
	{
		ModelEntry *next = e->next;
		ModelRow	row;

		if (!uaknn_model_row_by_name(e->name, snapshot, &row) || row.id != e->id)
			drop_entry(e);
		e = next;
	}
}

PG_FUNCTION_INFO_V1(uaknn_row_count);

/*
 * uaknn_row_count(source regclass): the rows of a model's table, for the
 * uaknn_models view; NULL where the caller may not read the table (no
 * SELECT on it or no USAGE on its schema), where row policies would apply to
 * the caller, where the table no longer exists, and where it is no longer a
 * plain table. Counted by a scan in C in the statement's snapshot, with the
 * table locked as a SELECT would lock it: no SQL runs, so a view (a table
 * made into one by an ON SELECT rule) or a row policy of the table's owner
 * never runs the owner's functions as whoever lists the models.
 */
Datum
uaknn_row_count(PG_FUNCTION_ARGS)
{
	Oid			source = PG_GETARG_OID(0);
	bool		missing = false;
	Relation	rel;
	TableScanDesc scan;
	TupleTableSlot *slot;
	int64		rows = 0;

	if (pg_class_aclcheck_ext(source, GetUserId(), ACL_SELECT, &missing) != ACLCHECK_OK || missing)
		PG_RETURN_NULL();
	rel = try_relation_open(source, AccessShareLock);
	if (rel == NULL)
		PG_RETURN_NULL();
	if (rel->rd_rel->relkind != RELKIND_RELATION ||
		pg_namespace_aclcheck(RelationGetNamespace(rel), GetUserId(), ACL_USAGE) != ACLCHECK_OK ||
		pg_class_aclcheck(source, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
		check_enable_rls(source, InvalidOid, true) == RLS_ENABLED)
	{
		relation_close(rel, AccessShareLock);
		PG_RETURN_NULL();
	}
	scan = table_beginscan(rel, GetActiveSnapshot(), 0, NULL);
	slot = table_slot_create(rel, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		if (++rows % 4096 == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	/* Like a query, keep the lock until the transaction ends. */
	relation_close(rel, NoLock);
	PG_RETURN_INT64(rows);
}
