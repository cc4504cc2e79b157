/*
 * shim.h
 *     Helpers shared by the C shim's files: errors from the bridge, float8[]
 *     arguments, and the named arguments of a call.
 */
#ifndef UAKNN_SHIM_H
#define UAKNN_SHIM_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"

#include "uaknn_abi.h"

/* The metrics ldl_metrics() and ldl_score() report (the core's standard six). */
#define STANDARD_METRICS UAKNN_ROW_METRICS

/* errors.c */
extern void uaknn_raise_if_failed(int32 status, const uaknn_error *error);
extern bool uaknn_interrupt_pending(void);

/* arrays.c */
extern const double *uaknn_float8_view(ArrayType *array, const char *name, int *length);
extern ArrayType *uaknn_make_float8_array(const double *values, int length);

/* args.c: the non-NULL arguments from position `first` on, by their SQL names. */
typedef struct CallArgs
{
	uaknn_arg  *items;
	int32		count;
} CallArgs;

extern CallArgs uaknn_call_args(FunctionCallInfo fcinfo, int first);
extern CallArgs uaknn_call_args_except(FunctionCallInfo fcinfo, int first, uint64 skip);

/* uaknn.c: settings */
extern int	uaknn_max_model_kb;
extern int	uaknn_max_cache_kb;

#endif							/* UAKNN_SHIM_H */
