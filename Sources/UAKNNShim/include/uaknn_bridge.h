/*
 * uaknn_bridge.h
 *     The Swift bridge's entry points (Sources/UAKNNBridge, @_cdecl), as C
 *     sees them. Each returns a uaknn_status and fills *error on failure;
 *     none of them calls into PostgreSQL.
 */
#ifndef UAKNN_BRIDGE_H
#define UAKNN_BRIDGE_H

#include "uaknn_abi.h"

/* Metrics: kinds are indexes into the core's list of kinds. */
extern int32_t uaknn_metric_kind_lookup(const char *name, int32_t length,
										int32_t *kind, uaknn_error *error);
extern int32_t uaknn_metric_kind_count(void);
extern bool uaknn_metric_kind_describe(int32_t index, char *buffer, int32_t capacity,
									   bool *higher_is_better);
extern int32_t uaknn_metric(int32_t kind,
							const double *truth, int32_t truth_length,
							const double *prediction, int32_t prediction_length,
							double *result, uaknn_error *error);

#define UAKNN_STANDARD_METRICS 6
extern int32_t uaknn_metrics_standard(const double *truth, int32_t truth_length,
									  const double *prediction, int32_t prediction_length,
									  double *out, uaknn_error *error);

#endif							/* UAKNN_BRIDGE_H */
