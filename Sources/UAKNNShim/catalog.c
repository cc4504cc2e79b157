/*
 * catalog.c
 *     Resolves a model by name and keeps the backend's cache of it current.
 *
 * The catalog row is read at most once per snapshot: a statement that calls
 * uaknn_predict() for a million rows reads it once. When the version there
 * differs from the cached one, load.c catches up (inserted rows only, or a
 * full reload). The caller's SELECT privilege on the source table is checked
 * on every call, since one backend serves several roles over its life.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "uaknn_bridge.h"
#include "uaknn_model.h"
#include "uaknn_shim.h"

static ModelEntry *entries = NULL;

/*
 * Saved plans of the extension's own queries, and the extension they were
 * prepared for: DROP and CREATE EXTENSION (maybe in another schema) in the
 * same backend must not leave them pointing at the old tables.
 */
static Oid	plans_extension = InvalidOid;
static SPIPlanPtr catalog_plan = NULL;
static SPIPlanPtr change_plan = NULL;

ModelEntry *
uaknn_model_entries(void)
{
	return entries;
}

/*
 * The extension's schema, quoted for SQL; palloc'd. Needs an SPI connection
 * (PostgreSQL 15 exports no get_extension_schema()).
 */
char *
uaknn_extension_schema(void)
{
	const char *sql = "SELECT quote_ident(n.nspname) FROM pg_catalog.pg_extension e "
		"JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'uaknn'";

	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"uaknn\" is not installed in this database")));
	return pstrdup(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
}

/* The role that owns the extension (and its catalog). Needs SPI. */
Oid
uaknn_extension_owner(void)
{
	bool		isnull;

	if (SPI_execute("SELECT extowner FROM pg_catalog.pg_extension WHERE extname = 'uaknn'", true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"uaknn\" is not installed in this database")));
	return DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

static Snapshot
current_snapshot(void)
{
	return ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
}

static bool
snapshot_matches(Snapshot snap, const SnapshotKey *k)
{
	return k->valid && k->lxid == MyProc->lxid && k->xmin == snap->xmin &&
		k->xmax == snap->xmax && k->xcnt == snap->xcnt && k->subxcnt == snap->subxcnt &&
		k->suboverflowed == snap->suboverflowed && k->curcid == snap->curcid &&
		memcmp(k->xids, snap->xip, sizeof(TransactionId) * snap->xcnt) == 0 &&
		memcmp(k->xids + snap->xcnt, snap->subxip, sizeof(TransactionId) * Max(snap->subxcnt, 0)) == 0;
}

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

static ModelEntry *
lookup_entry(const char *name)
{
	for (ModelEntry *e = entries; e != NULL; e = e->next)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static ModelEntry *
find_entry(const char *name)
{
	ModelEntry *e = lookup_entry(name);

	if (e != NULL)
		return e;
	e = MemoryContextAllocZero(TopMemoryContext, sizeof(ModelEntry));
	e->name = MemoryContextStrdup(TopMemoryContext, name);
	e->loaded_version = -1;
	e->next = entries;
	entries = e;
	return e;
}

/* Frees the column names and option strings read from the catalog. */
static void
clear_metadata(ModelEntry *e)
{
	char	  **strings[] = {&e->key_column, &e->features_column, &e->labels_column,
	&e->default_text[0], &e->default_text[1], &e->default_text[2]};

	for (int i = 0; i < lengthof(strings); i++)
	{
		if (*strings[i])
			pfree(*strings[i]);
		*strings[i] = NULL;
	}
	memset(&e->defaults, 0, sizeof(e->defaults));
}

/* Forgets a previous catalog row altogether, with its cached samples. */
static void
forget(ModelEntry *e)
{
	clear_metadata(e);
	if (e->id != 0)
		uaknn_cache_drop(e->id);
	if (e->load_all)
		SPI_freeplan(e->load_all);
	if (e->load_keys)
		SPI_freeplan(e->load_keys);
	e->load_all = e->load_keys = NULL;
	if (e->load_relation)
		pfree(e->load_relation);
	e->load_relation = NULL;
	e->id = 0;
	e->loaded_version = -1;
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
	pfree(e->name);
	pfree(e);
}

static char *
top_text(HeapTuple tuple, TupleDesc desc, int column)
{
	bool		isnull;
	Datum		d = SPI_getbinval(tuple, desc, column, &isnull);

	return isnull ? NULL : MemoryContextStrdup(TopMemoryContext, TextDatumGetCString(d));
}

/* The model's options, as the catalog query returns them in columns 10..22. */
static void
read_options(ModelEntry *e, HeapTuple tuple, TupleDesc desc)
{
	const int	first = 10;

	for (int id = 0; id < P_COUNT; id++)
	{
		bool		isnull;
		Datum		d = SPI_getbinval(tuple, desc, first + id, &isnull);

		if (isnull)
			continue;
		if (id == P_METHOD || id == P_MODE || id == P_NORMALIZATION)
		{
			int			slot = id == P_METHOD ? 0 : id == P_MODE ? 1 : 2;
			char	   *s = MemoryContextStrdup(TopMemoryContext, TextDatumGetCString(d));
			uaknn_text *field = id == P_METHOD ? &e->defaults.method :
				id == P_MODE ? &e->defaults.mode : &e->defaults.normalization;

			e->default_text[slot] = s;
			field->data = s;
			field->length = strlen(s);
		}
		else
			uaknn_param_set(&e->defaults, (ParamId) id, d);
	}
}

static SPIPlanPtr
prepare_kept(const char *sql, int nargs, Oid *argtypes)
{
	SPIPlanPtr	plan = SPI_prepare(sql, nargs, argtypes);

	if (plan == NULL)
		elog(ERROR, "uaknn: could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
	SPI_keepplan(plan);
	return plan;
}

/* (Re)prepares the extension's own queries when the extension changed. */
static void
prepare_extension_plans(void)
{
	Oid			extension = get_extension_oid("uaknn", false);
	char	   *schema;
	Oid			by_name[1] = {TEXTOID};
	Oid			by_version[2] = {INT8OID, INT8OID};

	if (extension == plans_extension && catalog_plan != NULL)
		return;

	/*
	 * A recreated extension starts its ids again: what this backend holds
	 * under an id may belong to a model of the old one.
	 */
	while (entries != NULL)
		drop_entry(entries);
	if (catalog_plan)
		SPI_freeplan(catalog_plan);
	if (change_plan)
		SPI_freeplan(change_plan);
	catalog_plan = change_plan = NULL;

	schema = uaknn_extension_schema();
	catalog_plan = prepare_kept(psprintf(
		"SELECT tableoid, id, source::oid, key_column::text, features_column::text, "
		"labels_column::text, coalesce(feature_count, -1), coalesce(label_count, -1), version, "
		"options->>'method', (options->>'variance')::float8, (options->>'samples')::int4, "
		"(options->>'perturbation_ratio')::float8, (options->>'softmax_base')::float8, "
		"(options->>'temperature')::float8, options->>'mode', (options->>'seed')::int8, "
		"options->>'normalization', (options->>'prototypes')::bool, "
		"(options->>'perturbation')::bool, (options->>'k')::int4, (options->>'bandwidth')::float8 "
		"FROM %s.uaknn_model WHERE name = $1", schema), 1, by_name);
	change_plan = prepare_kept(psprintf(
		"SELECT version, previous, inserted FROM %s.uaknn_change "
		"WHERE model_id = $1 AND version > $2 ORDER BY version DESC", schema), 2, by_version);
	plans_extension = extension;
}

/* The query of a model's changes after a version (load.c). */
SPIPlanPtr
uaknn_change_plan(void)
{
	return change_plan;
}

/* Reads the model's catalog row; false when there is none. */
static bool
read_catalog(ModelEntry *e)
{
	Datum		args[1] = {CStringGetTextDatum(e->name)};
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	Oid			catalog;
	int64		id;

	prepare_extension_plans();
	if (SPI_execute_plan(catalog_plan, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "uaknn: catalog query failed");
	if (SPI_processed == 0)
		return false;
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	catalog = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
	id = DatumGetInt64(SPI_getbinval(tuple, desc, 2, &isnull));

	/* Another model under this name, or the extension was recreated. */
	if (e->catalog != catalog || e->id != id)
		forget(e);
	else
		clear_metadata(e);		/* options may change under the same id */

	e->catalog = catalog;
	e->id = id;
	e->source = DatumGetObjectId(SPI_getbinval(tuple, desc, 3, &isnull));
	e->key_column = top_text(tuple, desc, 4);
	e->features_column = top_text(tuple, desc, 5);
	e->labels_column = top_text(tuple, desc, 6);
	e->n = DatumGetInt32(SPI_getbinval(tuple, desc, 7, &isnull));
	e->l = DatumGetInt32(SPI_getbinval(tuple, desc, 8, &isnull));
	e->version = DatumGetInt64(SPI_getbinval(tuple, desc, 9, &isnull));
	read_options(e, tuple, desc);
	return true;
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
 * The model `name`, current for this statement's snapshot and readable by
 * the current user. Raises 42704 for an unknown model, 42501 without SELECT
 * on its table, 55000 for a model with no rows.
 */
ModelEntry *
uaknn_model_acquire(const char *name)
{
	ModelEntry *e = lookup_entry(name);
	Snapshot	snapshot = current_snapshot();
	bool		found;

	if (e != NULL && snapshot_matches(snapshot, &e->checked) && e->loaded_version == e->version)
	{
		check_privileges(e);
		return e;
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	prepare_extension_plans();	/* may forget every entry */
	e = find_entry(name);
	e->checked.valid = false;
	found = read_catalog(e);
	if (found)
	{
		/*
		 * Lock the table as any query reading it would, so that a concurrent
		 * DROP cannot pull it away between the checks and the load.
		 */
		LockRelationOid(e->source, AccessShareLock);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(e->source)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("the table of model \"%s\" no longer exists", name)));
		check_privileges(e);
		uaknn_model_track_relation(e);
		if (e->n > 0 && e->loaded_version != e->version)
			uaknn_model_load(e);
	}
	SPI_finish();
	if (!found)
	{
		drop_entry(e);
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errhint("uaknn_models lists the models; uaknn_create_model() makes one.")));
	}
	snapshot_remember(snapshot, &e->checked);

	if (e->n <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("model \"%s\" has no samples", name),
				 errhint("Insert rows into %s first.", get_rel_name(e->source))));
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
	ModelEntry *e;

	if (entries == NULL)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	prepare_extension_plans();	/* may forget every entry */
	e = entries;
	while (e != NULL)
	{
		ModelEntry *next = e->next;
		Datum		args[1] = {CStringGetTextDatum(e->name)};
		bool		isnull;

		if (SPI_execute_plan(catalog_plan, args, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "uaknn: catalog query failed");
		if (SPI_processed == 0 ||
			DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull)) != e->id)
			drop_entry(e);
		e = next;
	}
	SPI_finish();
}
