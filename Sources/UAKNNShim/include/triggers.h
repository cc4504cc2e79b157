/*
 * triggers.h
 *     What the triggers on a model's table share: the model they serve,
 *     with its columns' positions in the table, their types checked.
 */
#ifndef UAKNN_TRIGGERS_H
#define UAKNN_TRIGGERS_H

#include "postgres.h"

#include "commands/trigger.h"

#include "catalog.h"

typedef struct TriggerModel
{
	ModelRow	row;			/* the catalog row (strings in the caller's context) */
	int			key_attnum;
	int			features_attnum;
	int			labels_attnum;
	int			weight_attnum;	/* the weight_column option's; 0: none */
} TriggerModel;

extern bool uaknn_trigger_model(TriggerData *trigdata, Snapshot snapshot, TriggerModel *out);

#endif							/* UAKNN_TRIGGERS_H */
