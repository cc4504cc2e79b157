/*
 * uaknn_model.h
 *     A model as the shim tracks it: its catalog row, as read in the
 *     current statement's snapshot, and what the Swift cache holds of it.
 */
#ifndef UAKNN_MODEL_H
#define UAKNN_MODEL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "executor/spi.h"

#include "uaknn_abi.h"

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

/* The prediction parameters, in the order the SQL functions take them. */
typedef enum ParamId
{
	P_METHOD, P_VARIANCE, P_SAMPLES, P_PERTURBATION_RATIO, P_SOFTMAX_BASE,
	P_TEMPERATURE, P_MODE, P_SEED, P_NORMALIZATION, P_PROTOTYPES,
	P_PERTURBATION, P_K, P_BANDWIDTH,
	P_COUNT
} ParamId;

typedef struct ModelEntry
{
	struct ModelEntry *next;
	char	   *name;
	Oid			catalog;		/* uaknn_model's oid: changes when the
								 * extension is recreated */
	int64		id;
	Oid			source;
	char	   *key_column;
	char	   *features_column;
	char	   *labels_column;
	int32		n;				/* -1 while the model has no rows */
	int32		l;
	int64		version;		/* in the catalog, at the last check */
	uaknn_params defaults;		/* the model's options */
	char	   *default_text[3];	/* their strings: method, mode,
									 * normalization */
	SPIPlanPtr	load_all;		/* SELECT key, features, labels FROM source */
	SPIPlanPtr	load_keys;		/* ... WHERE key = ANY($1) */
	char	   *load_relation;	/* the qualified name those plans read */

	SnapshotKey checked;		/* the snapshot of the last check */
	int64		loaded_version; /* what the Swift cache holds; -1: nothing
								 * usable */
	TimestampTz loaded_at;
	double		load_ms;
	int64		last_load_rows;
	bool		last_load_full;
} ModelEntry;

/* A model as its triggers see it: its columns' positions in the table. */
typedef struct TriggerModelColumns
{
	int64		model_id;
	char	   *name;
	int			key_attnum;
	int			features_attnum;
	int			labels_attnum;
	int32		n;				/* -1: not fixed yet */
	int32		l;
} TriggerModelColumns;

struct TriggerData;

/* samples.c */
extern bool uaknn_trigger_model_columns(struct TriggerData *trigdata, TriggerModelColumns *out);

/* catalog.c */
extern ModelEntry *uaknn_model_acquire(const char *name);
extern ModelEntry *uaknn_model_entries(void);
extern void uaknn_model_sweep(void);
extern char *uaknn_extension_schema(void);
extern Oid	uaknn_extension_owner(void);
extern SPIPlanPtr uaknn_change_plan(void);

/* uaknn.c */
extern int	uaknn_max_model_kb;

/* load.c */
extern void uaknn_model_track_relation(ModelEntry *entry);
extern void uaknn_model_load(ModelEntry *entry);

/* params.c */
extern void uaknn_param_set(uaknn_params *params, ParamId id, Datum value);
extern void uaknn_params_from_args(FunctionCallInfo fcinfo, int first,
								   const ParamId *layout, int count,
								   const uaknn_params *defaults, uaknn_params *out);

#endif							/* UAKNN_MODEL_H */
