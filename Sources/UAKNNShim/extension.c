/*
 * extension.c
 *     Finds the extension's schema, owner, catalog tables, indexes and
 *     columns from the system catalogs, without SQL: nothing here depends on
 *     a search_path, and the names come from the catalog, not from a query
 *     run as the invoker. Looked up again after a relcache invalidation of
 *     the catalog tables (which recreating or updating the extension causes).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_index.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "extension.h"

static UaknnCatalog known;
static bool known_valid = false;
static bool callback_registered = false;
static uint64 invalidations = 0;

/*
 * Forgets what is known when the extension's tables change: DROP EXTENSION
 * drops them, ALTER EXTENSION UPDATE alters them, and a full cache reset
 * (relation InvalidOid) may hide either. Until then nothing is read again,
 * so a statement pays no catalog scan for finding the extension.
 */
static void
forget_on_invalidation(Datum arg, Oid relation)
{
	invalidations++;
	if (!OidIsValid(relation) || relation == known.model || relation == known.change)
		known_valid = false;
}

/* The attribute number of a column the extension's scripts create. */
static AttrNumber
column(Oid relation, const char *name, bool required)
{
	AttrNumber	attnum = get_attnum(relation, name);

	if (attnum == InvalidAttrNumber && required)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("column \"%s\" of the extension's table \"%s\" is missing", name, get_rel_name(relation)),
				 errhint("Reinstall the extension uaknn.")));
	return attnum;
}

/* One of the extension's tables, by name in its schema. */
static Oid
table_of(const char *name)
{
	Oid			relation = get_relname_relid(name, known.schema);

	if (!OidIsValid(relation))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" of the extension uaknn is missing", name),
				 errhint("Reinstall the extension uaknn.")));
	return relation;
}

/*
 * The index of `relation` whose key columns are exactly `first` (and
 * `second`, when not 0), or InvalidOid.
 */
static Oid
index_on(Oid relation, AttrNumber first, AttrNumber second)
{
	Relation	rel = table_open(relation, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	Oid			found = InvalidOid;

	foreach(lc, indexes)
	{
		Oid			index = lfirst_oid(lc);
		HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(index));
		Form_pg_index form;

		if (!HeapTupleIsValid(tuple))
			continue;
		form = (Form_pg_index) GETSTRUCT(tuple);
		if (form->indnkeyatts == (second ? 2 : 1) && form->indkey.values[0] == first &&
			(!second || form->indkey.values[1] == second) &&
			heap_attisnull(tuple, Anum_pg_index_indexprs, NULL) && heap_attisnull(tuple, Anum_pg_index_indpred, NULL))
			found = index;
		ReleaseSysCache(tuple);
		if (OidIsValid(found))
			break;
	}
	list_free(indexes);
	table_close(rel, AccessShareLock);
	return found;
}

/* Reads pg_extension's row of uaknn; false when it is not installed. */
static bool
read_extension(Oid *oid, Oid *schema, Oid *owner)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
				CStringGetDatum("uaknn"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tuple = systable_getnext(scan);
	if (HeapTupleIsValid(tuple))
	{
		Form_pg_extension form = (Form_pg_extension) GETSTRUCT(tuple);

		*oid = form->oid;
		*schema = form->extnamespace;
		*owner = form->extowner;
		found = true;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

/* Looks everything up anew; on error, leaves nothing half-known. */
static void
look_up(Oid oid, Oid schema, Oid owner)
{
	char	   *nspname = get_namespace_name(schema);
	uint64		before = invalidations;

	known_valid = false;
	memset(&known, 0, sizeof(known));
	known.extension = oid;
	known.schema = schema;
	known.owner = owner;
	if (nspname == NULL)
		elog(ERROR, "uaknn: the extension's schema %u does not exist", schema);

	known.model = table_of("uaknn_model");
	known.m_id = column(known.model, "id", true);
	known.m_name = column(known.model, "name", true);
	known.m_source = column(known.model, "source", true);
	known.m_key = column(known.model, "key_column", true);
	known.m_features = column(known.model, "features_column", true);
	known.m_labels = column(known.model, "labels_column", true);
	known.m_options = column(known.model, "options", true);
	known.m_n = column(known.model, "feature_count", true);
	known.m_l = column(known.model, "label_count", true);
	known.m_version = column(known.model, "version", true);
	known.m_tuned = column(known.model, "tuned", false);
	known.m_fit_id = column(known.model, "fit_id", false);
	known.m_feature_stats = column(known.model, "feature_stats", false);
	known.m_maxent = column(known.model, "maxent", false);
	known.model_by_id = index_on(known.model, known.m_id, 0);
	known.model_by_name = index_on(known.model, known.m_name, 0);

	known.change = table_of("uaknn_change");
	known.version_seq = table_of("uaknn_version_seq");
	known.c_model = column(known.change, "model_id", true);
	known.c_version = column(known.change, "version", true);
	known.c_writer = column(known.change, "writer", false);
	known.v1 = known.c_writer == InvalidAttrNumber;
	known.c_inserted = column(known.change, "inserted", true);
	if (!known.v1)
	{
		known.c_kind = column(known.change, "kind", true);
		known.c_horizon = column(known.change, "horizon", true);
		known.change_by_writer = index_on(known.change, known.c_model, known.c_writer);
	}
	known.change_by_version = index_on(known.change, known.c_model, known.c_version);
	if (!OidIsValid(known.model_by_id) || !OidIsValid(known.model_by_name) ||
		!OidIsValid(known.change_by_version) || (!known.v1 && !OidIsValid(known.change_by_writer)))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("an index of the extension uaknn's catalog is missing"),
				 errhint("Reinstall the extension uaknn.")));

	/* An invalidation while looking up may have made what was read stale. */
	known_valid = invalidations == before;
}

/* The extension's objects, or NULL when it is not installed in this database. */
const UaknnCatalog *
uaknn_catalog_if_installed(void)
{
	Oid			oid,
				schema,
				owner;

	if (known_valid)
		return &known;
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(forget_on_invalidation, (Datum) 0);
		callback_registered = true;
	}
	if (!read_extension(&oid, &schema, &owner))
		return NULL;
	look_up(oid, schema, owner);
	return &known;
}

/* The extension's objects; raises 42704 when it is not installed. */
const UaknnCatalog *
uaknn_catalog(void)
{
	const UaknnCatalog *c = uaknn_catalog_if_installed();

	if (c == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("extension \"uaknn\" is not installed in this database")));
	return c;
}
