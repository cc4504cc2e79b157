/*
 * uaknn.c
 *     The module's entry: magic block and load-time setup (settings).
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "shim.h"

PG_MODULE_MAGIC;

/* uaknn.max_model_memory, in kB; -1: no limit. */
int			uaknn_max_model_kb = 1024 * 1024;

/* uaknn.max_cache_memory, in kB; -1: no limit. */
int			uaknn_max_cache_kb = 2 * 1024 * 1024;

void		_PG_init(void);

/* Defines the settings; both superuser-only, since they bound what one backend may allocate. */
void
_PG_init(void)
{
	DefineCustomIntVariable("uaknn.max_model_memory",
							"Largest model a backend loads into its cache.",
							"The samples of a model are held in each backend that uses it; "
							"a load that would hold more fails instead. -1 means no limit.",
							&uaknn_max_model_kb,
							1024 * 1024, -1, INT_MAX,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	DefineCustomIntVariable("uaknn.max_cache_memory",
							"Largest total of the models a backend holds in its cache.",
							"When a load would exceed it, the least recently used other models "
							"are evicted first; a model that alone exceeds it fails to load. "
							"-1 means no limit.",
							&uaknn_max_cache_kb,
							2 * 1024 * 1024, -1, INT_MAX,
							PGC_SUSET, GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("uaknn");
}
