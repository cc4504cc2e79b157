/*
 * job.c
 *     Reading a model's rows into a Swift job (the rows as stored: the
 *     cache's may be standardized) and running the job's cross-validation
 *     or tuning a step at a time. Between steps, back in C, a NOTICE
 *     reports progress at most every 5 seconds and CHECK_FOR_INTERRUPTS()
 *     honours cancel; inside a step the Swift side polls the interrupt flag
 *     and returns. So no ereport() happens while Swift frames are on the
 *     stack, and none is needed to stop. A job is dropped when its
 *     statement's memory goes, whether the statement succeeded or failed.
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "bridge.h"
#include "changelog.h"
#include "job.h"
#include "load.h"
#include "shim.h"

/* How long one step of a job runs before it returns to C. */
#define STEP_SECONDS 0.2
/* The least time between two progress notices. */
#define NOTICE_EVERY_MS 5000

/* Drops a job with the memory of the statement that made it. */
typedef struct JobGuard
{
	MemoryContextCallback callback;
	int64		job;
} JobGuard;

/* Frees the Swift job of a statement that ended, however it ended. */
static void
drop_job(void *arg)
{
	JobGuard   *guard = (JobGuard *) arg;

	if (guard->job != 0)
		uaknn_job_drop(guard->job);
	guard->job = 0;
}

/* Ensures the current role owns the model's table (or is a member of its owner); 42501 otherwise. */
void
uaknn_check_owner(ModelEntry *e, const char *action)
{
	if (!pg_class_ownercheck(e->source, GetUserId()))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be owner of table %s to %s model \"%s\"", get_rel_name(e->source), action, e->name)));
}

/*
 * Ensures `job` holds the rows of model `name` that the statement's snapshot
 * sees, read as the caller (who needs SELECT on the table), and the model's
 * version in that snapshot; with `owner_action`, first that the caller owns
 * the table. The job goes with the current memory context.
 */
void
uaknn_job_open(const char *name, const char *owner_action, ModelJob *job)
{
	uaknn_error error;
	ModelEntry *e;

	memset(job, 0, sizeof(*job));
	e = job->entry = uaknn_model_resolve(name, &job->row);
	if (owner_action)
		uaknn_check_owner(e, owner_action);
	job->guard = MemoryContextAllocZero(CurrentMemoryContext, sizeof(JobGuard));
	job->guard->callback.func = drop_job;
	job->guard->callback.arg = job->guard;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, &job->guard->callback);
	uaknn_raise_if_failed(uaknn_job_create(e->n, e->l, job->row.options, (int32) strlen(job->row.options),
										   &job->job, &error), &error);
	job->guard->job = job->job;
	/* A run's predictions of a fold are one more copy's worth: the same bound. */
	uaknn_job_set_memory_limit(job->job, uaknn_max_model_kb);
	job->rows = uaknn_model_load_job(e, job->job);
	job->version = uaknn_log_version(e->id, job->row.version, GetActiveSnapshot());
}

/* Seconds since `start`. */
static double
seconds_since(TimestampTz start)
{
	long		secs;
	int			usecs;

	TimestampDifference(start, GetCurrentTimestamp(), &secs, &usecs);
	return secs + usecs / 1e6;
}

/*
 * Ensures the job's prepared run is complete: steps it, checking for
 * interrupts between steps and reporting progress in a NOTICE at most every
 * NOTICE_EVERY_MS.
 */
void
uaknn_job_run(ModelJob *job, const char *function)
{
	TimestampTz start = GetCurrentTimestamp();
	TimestampTz last = start;

	for (;;)
	{
		uaknn_progress progress;
		uaknn_error error;
		bool		done = false;
		TimestampTz now;

		CHECK_FOR_INTERRUPTS();
		memset(&progress, 0, sizeof(progress));
		uaknn_raise_if_failed(uaknn_job_step(job->job, STEP_SECONDS, &done, &progress, uaknn_interrupt_pending,
											 &error), &error);
		if (done)
			return;
		now = GetCurrentTimestamp();
		if (TimestampDifferenceExceeds(last, now, NOTICE_EVERY_MS))
		{
			double		elapsed = seconds_since(start);
			double		left = progress.fraction > 0 ? elapsed / progress.fraction * (1 - progress.fraction) : -1;

			ereport(NOTICE,
					(errmsg("%s(%s): %d%% done in %.0f s%s (repeat %d, fold %d: %s)",
							function, quote_literal_cstr(job->entry->name), (int) (progress.fraction * 100),
							elapsed, left >= 0 ? psprintf(", about %.0f s left", ceil(left)) : "",
							progress.repeat_number, progress.fold_number, progress.stage)));
			last = now;
		}
	}
}

/* Frees the job now (its statement need not end first). */
void
uaknn_job_close(ModelJob *job)
{
	if (job->guard)
		drop_job(job->guard);
	job->job = 0;
}
