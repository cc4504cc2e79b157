/*
 * job.h
 *     A model's rows read into a Swift job for cross-validation, tuning or a
 *     refit (job.c), and the writes that store what a job found (fit.c).
 */
#ifndef UAKNN_JOB_H
#define UAKNN_JOB_H

#include "catalog.h"

typedef struct ModelJob
{
	ModelEntry *entry;
	ModelRow	row;			/* the catalog row the rows were read with */
	int64		job;			/* the bridge's job; 0 once closed */
	int64		rows;
	int64		version;		/* the model's version in the snapshot they were read in */
	struct JobGuard *guard;
} ModelJob;

/* job.c */
extern void uaknn_check_owner(ModelEntry *entry, const char *action);
extern void uaknn_job_open(const char *name, const char *owner_action, ModelJob *job);
extern void uaknn_job_run(ModelJob *job, const char *function);
extern void uaknn_job_close(ModelJob *job);

/* fit.c */
extern void uaknn_fit_write(ModelJob *job, const char *options);

#endif							/* UAKNN_JOB_H */
