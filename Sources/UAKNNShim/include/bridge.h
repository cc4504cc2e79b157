/*
 * bridge.h
 *     The Swift bridge's entry points (Sources/UAKNNBridge, @_cdecl), as C
 *     sees them. Each returns a uaknn_status and fills *error on failure;
 *     none of them calls into PostgreSQL. Every output buffer is passed with
 *     its capacity, which the Swift side checks.
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
extern int32_t uaknn_metrics_standard(const double *truth, int32_t truth_length,
									  const double *prediction, int32_t prediction_length,
									  double *out, int32_t capacity, uaknn_error *error);
/* ldl_score's values since 0.2.0: the standard six, then top1. */
extern int32_t uaknn_metrics_score(const double *truth, int32_t truth_length,
								   const double *prediction, int32_t prediction_length,
								   double *out, int32_t capacity, uaknn_error *error);
/* Focused evaluation (G2); has_threshold false: the default threshold. */
extern int32_t uaknn_metric_focused(int32_t kind, const double *truth, int32_t truth_length,
									const double *prediction, int32_t prediction_length,
									bool has_threshold, double threshold,
									double *result, uaknn_error *error);
extern int32_t uaknn_metrics_score_focused(const double *truth, int32_t truth_length,
										   const double *prediction, int32_t prediction_length,
										   bool has_threshold, double threshold,
										   double *out, int32_t capacity, uaknn_error *error);
/* One prediction's entropy, variance and largest value (G4). */
extern int32_t uaknn_prediction_stats(const double *prediction, int32_t length,
									  double *out, int32_t capacity, uaknn_error *error);

/* Parameters (by the SQL names of a function's arguments), options, samples. */
extern int32_t uaknn_parameter_lookup(const char *name, int32_t length);
extern int32_t uaknn_parameter_count(void);
extern bool uaknn_parameter_describe(int32_t index, uaknn_parameter_info *info);
extern int32_t uaknn_options_check(const char *json, int32_t length, uaknn_error *error);
extern int32_t uaknn_args_check(const uaknn_arg *args, int32_t count, uaknn_error *error);
extern int32_t uaknn_sample_check(const double *features, int32_t feature_length,
								  const double *labels, int32_t label_length,
								  int32_t n, int32_t l, const char *options, int32_t options_length,
								  uaknn_error *error);

/*
 * The per-backend cache of models, by model id. The shim decides when to
 * (re)load; the bridge holds the samples and options and predicts.
 */
extern int32_t uaknn_cache_reset(int64_t model_id, int32_t n, int32_t l, uaknn_error *error);
extern int32_t uaknn_cache_configure(int64_t model_id, const char *name, int32_t name_length,
									 const char *options, int32_t options_length,
									 const char *tuned, int32_t tuned_length, bool *reload,
									 uaknn_error *error);
extern int32_t uaknn_cache_set_fit(int64_t model_id, const double *stats, int32_t nstats,
								   const double *maxent, int32_t nmaxent, bool *reload, uaknn_error *error);
extern int32_t uaknn_cache_add(int64_t model_id, int32_t count, const int64_t *keys,
							   const double *features, const double *labels,
							   const double *weights, uaknn_error *error);
extern void uaknn_cache_finish_load(int64_t model_id);
extern bool uaknn_cache_storage(int64_t model_id, char *buffer, int32_t capacity);
extern void uaknn_cache_drop(int64_t model_id);
extern void uaknn_cache_unload(int64_t model_id);
extern bool uaknn_cache_stats(int64_t model_id, int64_t *rows, int64_t *bytes);
extern int32_t uaknn_cache_predict(int64_t model_id, const double *query, int32_t n,
								   const uaknn_arg *args, int32_t nargs, double *out, int64_t capacity,
								   uaknn_interrupt_fn interrupted, uaknn_error *error);
extern int32_t uaknn_cache_predict_batch(int64_t model_id, const double *queries,
										 int32_t count, int32_t n,
										 const uaknn_arg *args, int32_t nargs,
										 double *out, int64_t capacity,
										 uaknn_interrupt_fn interrupted,
										 uaknn_error *error);
extern int32_t uaknn_cache_explain(int64_t model_id, const double *query, int32_t n,
								   const uaknn_arg *args, int32_t nargs, uaknn_explain_row *rows,
								   int32_t capacity, int32_t *count, uaknn_error *error);
extern int32_t uaknn_cache_prototype(int64_t model_id, int32_t label, int64_t *keys,
									 int32_t capacity, int32_t *count, uaknn_error *error);

/*
 * The neighbour family (NEIGHBOURS.md). Set-returning ones compute a result
 * the bridge keeps (count = its rows), fetched with uaknn_result_*_row and
 * freed with uaknn_result_clear.
 */
extern int32_t uaknn_options_weight_column(const char *options, int32_t length, char *column,
										   int32_t capacity, uaknn_error *error);
extern int32_t uaknn_weight_check(double weight, uaknn_error *error);
extern int32_t uaknn_cache_confidence(int64_t model_id, const double *query, int32_t n,
									  const uaknn_arg *args, int32_t nargs, double *result,
									  uaknn_interrupt_fn interrupted, uaknn_error *error);
extern int32_t uaknn_cache_label_noise(int64_t model_id, const uaknn_arg *args, int32_t nargs,
									   int32_t kind, uaknn_interrupt_fn interrupted, int64_t *count,
									   uaknn_error *error);
extern int32_t uaknn_result_noise_row(int64_t index, uaknn_noise_row *row, double *labels,
									  double *neighbour_labels, int32_t capacity, uaknn_error *error);
extern int32_t uaknn_cache_label_support(int64_t model_id, const uaknn_optional_int *few_below,
										 const uaknn_optional_int *many_above,
										 const char *support, int32_t support_length,
										 const uaknn_optional_int *k,
										 const char *distance, int32_t distance_length, bool evaluate,
										 uaknn_interrupt_fn interrupted, int64_t *count,
										 uaknn_error *error);
extern int32_t uaknn_result_support_row(int64_t index, uaknn_support_row *row, int32_t *neighbours,
										double *distances, int32_t capacity, uaknn_error *error);
extern int32_t uaknn_cache_label_split(int64_t model_id, const double *truth, int32_t length,
									   const uaknn_optional_int *few_below,
									   const uaknn_optional_int *many_above,
									   const char *support, int32_t support_length,
									   char *split, int32_t capacity,
									   uaknn_interrupt_fn interrupted, uaknn_error *error);
extern int32_t uaknn_cache_influence(int64_t model_id, int64_t key, const uaknn_arg *args, int32_t nargs,
									 uaknn_interrupt_fn interrupted, int64_t *count, uaknn_error *error);
extern int32_t uaknn_result_influence_row(int64_t index, uaknn_influence_row *row, double *delta,
										  double *prediction, double *without, int32_t capacity,
										  uaknn_error *error);
extern int32_t uaknn_cache_neighbour_recall(int64_t model_id, const int32_t *ks, int32_t nks,
											const char *distance, int32_t distance_length,
											uaknn_interrupt_fn interrupted, int64_t *count,
											uaknn_error *error);
extern int32_t uaknn_result_recall_row(int64_t index, uaknn_recall_row *row, uaknn_error *error);
extern int32_t uaknn_cache_prototype_overlap(int64_t model_id, uaknn_overlap_counts *counts,
											 uaknn_interrupt_fn interrupted, uaknn_error *error);
extern void uaknn_result_clear(void);

/*
 * Jobs: a model's rows as stored, read for cross-validation, tuning or a
 * refit (JobBridge.swift). The shim creates one, adds the rows, prepares a
 * run and steps it (regaining control between steps), reads the results or
 * the fit, and drops it when the statement ends.
 */
extern int32_t uaknn_job_create(int32_t n, int32_t l, const char *options, int32_t options_length,
								int64_t *job, uaknn_error *error);
extern int32_t uaknn_job_add(int64_t job, int32_t count, const int64_t *keys,
							 const double *features, const double *labels, const double *weights,
							 uaknn_error *error);
extern void uaknn_job_finish_load(int64_t job);
extern void uaknn_job_drop(int64_t job);
extern void uaknn_job_set_memory_limit(int64_t job, int32_t kilobytes);
extern int32_t uaknn_job_cross_validate(int64_t job, const char *candidates, int32_t candidates_length,
										int32_t folds, int32_t repeats, int64_t seed, uaknn_error *error);
extern int32_t uaknn_job_tune(int64_t job, const char *candidates, int32_t candidates_length,
							  const char *metric, int32_t metric_length, int32_t folds, int64_t seed,
							  uaknn_error *error);
extern int32_t uaknn_job_step(int64_t job, double budget, bool *done, uaknn_progress *progress,
							  uaknn_interrupt_fn interrupted, uaknn_error *error);
extern int32_t uaknn_job_result_count(int64_t job);
extern int32_t uaknn_job_result(int64_t job, int32_t index, uaknn_result_row *row, uaknn_error *error);
extern int32_t uaknn_job_text(int64_t job, int32_t kind, int32_t index, char *buffer, int32_t capacity);
extern int32_t uaknn_job_fit(int64_t job, const char *options, int32_t options_length,
							 uaknn_interrupt_fn interrupted, int32_t *stats_length, int32_t *maxent_length,
							 uaknn_error *error);
extern int32_t uaknn_job_fit_copy(int64_t job, double *stats, int32_t stats_capacity,
								  double *maxent, int32_t maxent_capacity, uaknn_error *error);
extern int32_t uaknn_options_need_fit(const char *options, int32_t options_length, bool *needed,
									  uaknn_error *error);

#endif							/* UAKNN_BRIDGE_H */
