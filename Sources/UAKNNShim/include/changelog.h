/*
 * changelog.h
 *     The change log of models' tables (uaknn_change) and what a backend's
 *     cache has seen of it. Writers only append rows: no lock on a shared
 *     row is held until commit. A cache knows which changes its rows
 *     include by the snapshot it loaded them in: a committed log row is
 *     either visible to that snapshot or not.
 */
#ifndef UAKNN_CHANGELOG_H
#define UAKNN_CHANGELOG_H

#include "postgres.h"

#include "utils/snapshot.h"

/* Kinds of log rows. */
#define CHANGE_INSERT	'i'		/* keys inserted */
#define CHANGE_RESET	'r'		/* update, delete or truncate: reload in full */
#define CHANGE_PRUNED	'p'		/* rows written before `horizon` were removed */

/*
 * The log as a snapshot saw it: transaction ids widened to 64 bits (xid8),
 * in TopMemoryContext.
 */
typedef struct LogView
{
	bool		valid;
	uint64		xmin;
	uint64		xmax;
	uint64	   *xids;			/* in progress then, sorted (xip and subxip) */
	int			nxids;
	int			xcap;
	uint64		own;			/* the backend's own transaction then, or 0 */
	int64	   *own_versions;	/* rows of `own` the cache includes */
	int			nown;
	int			owncap;
	/* 0.1.0's layout: the model's version whose contents the cache holds */
	bool		v1;
	int64		v1_version;
} LogView;

/* What changed between a view and a snapshot. */
typedef struct LogDelta
{
	bool		full;			/* reload everything */
	int64	   *keys;			/* else: load these keys (palloc'd) */
	int64		nkeys;
	int64	   *own_versions;	/* own rows visible in the snapshot */
	int			nown;
	int64		version;		/* the newest version visible, or 0 */
} LogDelta;

extern void uaknn_log_delta(int64 model_id, int64 catalog_version, const LogView *view,
							Snapshot snapshot, LogDelta *delta);
extern void uaknn_log_view_set(LogView *view, Snapshot snapshot, const LogDelta *delta,
							   int64 catalog_version);
extern void uaknn_log_view_invalidate(LogView *view);
extern int64 uaknn_log_version(int64 model_id, int64 catalog_version, Snapshot snapshot);
extern void uaknn_log_append(int64 model_id, char kind, const int64 *keys, int64 nkeys);

#endif							/* UAKNN_CHANGELOG_H */
