/*
 * means.h
 *     The state shared by the aggregates that average a few values per row
 *     (ldl_score, ldl_score_focused, ldl_prediction_stats): a row count and
 *     one sum per value, combined and serialized for parallel aggregation.
 */
#ifndef UAKNN_MEANS_H
#define UAKNN_MEANS_H

#include "postgres.h"

#include "fmgr.h"

/* The most values an aggregate averages (ldl_score: the six and top1). */
#define MEANS_MAX_TERMS 8

typedef struct MeansState
{
	int64		n;
	double		sums[MEANS_MAX_TERMS];
} MeansState;

extern MeansState *uaknn_means_state(FunctionCallInfo fcinfo, const char *aggregate);
extern void uaknn_means_add(MeansState *state, const double *values, int nterms);
extern Datum uaknn_means_combine(FunctionCallInfo fcinfo, int nterms, const char *aggregate);
extern Datum uaknn_means_serialize(FunctionCallInfo fcinfo, int nterms);
extern Datum uaknn_means_deserialize(FunctionCallInfo fcinfo, int nterms, const char *aggregate);
extern Datum uaknn_means_result(FunctionCallInfo fcinfo, TupleDesc desc);

#endif
