/*
 * catalog.h
 *     Models as the shim knows them: a model's catalog row, read in C in the
 *     current snapshot, and the per-backend entry that ties it to what the
 *     Swift cache holds.
 */
#ifndef UAKNN_CATALOG_H
#define UAKNN_CATALOG_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/snapshot.h"

#include "changelog.h"

/* A model's row in uaknn_model; strings palloc'd in the caller's context. */
typedef struct ModelRow
{
	int64		id;
	char	   *name;
	Oid			source;
	char	   *key_column;
	char	   *features_column;
	char	   *labels_column;
	int32		n;				/* -1 while the model has no rows */
	int32		l;
	int64		version;		/* of the definition; 0.1.0: of the contents */
	char	   *options;		/* JSON text */
	char	   *tuned;			/* JSON text, or NULL when not tuned */
	int64		fit_id;			/* the stored fit's id; 0: none */
} ModelRow;

extern bool uaknn_model_row_by_name(const char *name, Snapshot snapshot, ModelRow *row);
extern bool uaknn_model_row_by_id(int64 id, Snapshot snapshot, ModelRow *row);
extern char *uaknn_options_weight(const char *options);

/* A model's stored fit (docs/tuning.md): its id and columns, palloc'd; NULL: none. */
typedef struct ModelFit
{
	int64		fit_id;
	ArrayType  *feature_stats;
	ArrayType  *maxent;
} ModelFit;

extern bool uaknn_model_fit_by_id(int64 id, Snapshot snapshot, ModelFit *fit);

/*
 * What a snapshot lets a query see: two snapshots equal in all of this see
 * the same rows, so the catalog need not be read again.
 */
typedef struct SnapshotKey
{
	bool		valid;
	uint32		lxid;			/* the backend's transaction */
	TransactionId xmin;
	TransactionId xmax;
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
	CommandId	curcid;
	TransactionId *xids;		/* xip then subxip, in TopMemoryContext */
	int			capacity;
} SnapshotKey;

/* A model this backend has used: its catalog row and what Swift holds of it. */
typedef struct ModelEntry
{
	struct ModelEntry *next;
	char	   *name;
	int64		id;				/* 0: nothing known */
	Oid			source;
	char	   *key_column;		/* TopMemoryContext */
	char	   *features_column;
	char	   *labels_column;
	char	   *weight_column;	/* the weight_column option; NULL: none */
	int32		n;
	int32		l;
	int64		fit_id;			/* the fit the Swift cache holds; 0: none */
	SPIPlanPtr	load_all;		/* SELECT key, features, labels[, weight] FROM source */
	SPIPlanPtr	load_keys;		/* ... WHERE key = ANY($1) */
	char	   *load_relation;	/* the qualified name those plans read */

	SnapshotKey checked;		/* the snapshot of the last check */
	LogView		view;			/* the change log as the cached rows saw it */
	int64		version;		/* the newest change the cache has seen */
	TimestampTz loaded_at;
	uint64		used_tick;		/* for the least-recently-used eviction */
	TimestampTz used_at;		/* the start of the statement that last used it */
	double		load_ms;
	bool		last_load_full;
} ModelEntry;

extern ModelEntry *uaknn_model_acquire(const char *name);
extern ModelEntry *uaknn_model_resolve(const char *name, ModelRow *row);
extern ModelEntry *uaknn_model_entries(void);
extern void uaknn_model_sweep(void);
extern void uaknn_model_unload(ModelEntry *entry);

#endif							/* UAKNN_CATALOG_H */
