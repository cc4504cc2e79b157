/*
 * load.h
 *     Bringing the Swift cache of a model up to a snapshot (load.c).
 */
#ifndef UAKNN_LOAD_H
#define UAKNN_LOAD_H

#include "catalog.h"

extern void uaknn_model_track_relation(ModelEntry *entry);
extern void uaknn_model_forget_plans(ModelEntry *entry);
extern void uaknn_model_load(ModelEntry *entry, Snapshot snapshot, int64 catalog_version);
extern int64 uaknn_evictions(void);
extern int64 uaknn_model_load_job(ModelEntry *entry, int64 job);

#endif							/* UAKNN_LOAD_H */
