/*
 * uaknn_shim.h
 *     Helpers shared by the C shim's files.
 */
#ifndef UAKNN_SHIM_H
#define UAKNN_SHIM_H

#include "postgres.h"
#include "utils/array.h"

#include "uaknn_abi.h"

/* errors.c */
extern void uaknn_check(int32 status, const uaknn_error *error);
extern bool uaknn_interrupt_pending(void);

/* arrays.c */
extern double *uaknn_float8_array(ArrayType *array, const char *name, int *length);
extern ArrayType *uaknn_make_float8_array(const double *values, int length);

#endif							/* UAKNN_SHIM_H */
