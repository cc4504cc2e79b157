/*
 * owner.c
 *     Writes to the extension's catalog table that the role calling cannot
 *     make itself (it holds no grant on those columns): a fixed statement,
 *     run through SPI as the extension's owner with search_path pinned to
 *     pg_catalog, pg_temp for exactly that statement. The statements name
 *     everything by schema and take their values as parameters. The
 *     callers check, before, that the role may ask for the change (the
 *     change trigger fires for the table's writer; uaknn_refit and
 *     uaknn_tune check ownership of the model's table).
 */
#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#include "owner.h"

/*
 * Runs `sql` with `nargs` parameters as the extension's owner, in a
 * security-restricted operation; raises unless SPI returns `expected`.
 * Returns the rows it processed.
 */
uint64
uaknn_run_as_owner(const char *sql, int nargs, Oid *types, Datum *args, int expected)
{
	const UaknnCatalog *cat = uaknn_catalog();
	Oid			save_userid;
	int			save_sec_context;
	int			nest;
	uint64		processed;

	GetUserIdAndSecContext(&save_userid, &save_sec_context);
	SetUserIdAndSecContext(cat->owner, save_sec_context | SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	nest = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "uaknn: SPI_connect failed");
	if (SPI_execute_with_args(sql, nargs, types, args, NULL, false, 0) != expected)
		elog(ERROR, "uaknn: catalog statement failed: %s", sql);
	processed = SPI_processed;
	SPI_finish();
	AtEOXact_GUC(true, nest);
	SetUserIdAndSecContext(save_userid, save_sec_context);
	return processed;
}

/*
 * The catalog table's name, schema-qualified and quoted, from its oid as it
 * is now: a name remembered since the extension was looked up would be stale
 * after ALTER SCHEMA ... RENAME, and would then name whatever table another
 * role made under the old name, to be written as the extension's owner.
 */
char *
uaknn_model_table_sql(const UaknnCatalog *cat)
{
	char	   *schema = get_namespace_name(get_rel_namespace(cat->model));
	char	   *table = get_rel_name(cat->model);

	if (schema == NULL || table == NULL)
		elog(ERROR, "uaknn: the extension's table uaknn_model (%u) no longer exists", cat->model);
	return quote_qualified_identifier(schema, table);
}
