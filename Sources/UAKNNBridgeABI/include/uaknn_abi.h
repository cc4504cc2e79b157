/*
 * uaknn_abi.h
 *     Types shared by the Swift bridge and the C shim across the C ABI.
 *
 * Every bridge entry point returns a uaknn_status. On failure it has filled a
 * uaknn_error owned by the caller; the shim turns that into ereport() after
 * the Swift frames have returned, so no longjmp ever crosses Swift code.
 * This header must not include PostgreSQL headers: Swift imports it.
 */
#ifndef UAKNN_ABI_H
#define UAKNN_ABI_H

#include <stdbool.h>
#include <stdint.h>

typedef enum uaknn_status
{
	UAKNN_OK = 0,
	UAKNN_INVALID_PARAMETER = 1,	/* 22023 invalid_parameter_value */
	UAKNN_NULL_VALUE = 2,			/* 22004 null_value_not_allowed */
	UAKNN_ARRAY_SUBSCRIPT = 3,		/* 2202E array_subscript_error */
	UAKNN_UNDEFINED_OBJECT = 4,		/* 42704 undefined_object */
	UAKNN_NOT_READY = 5,			/* 55000 object_not_in_prerequisite_state */
	UAKNN_CANCELLED = 6,			/* the shim calls CHECK_FOR_INTERRUPTS() */
	UAKNN_PROGRAM_LIMIT = 7,		/* 54000 program_limit_exceeded */
	UAKNN_INTERNAL = 8				/* XX000 internal_error */
} uaknn_status;

#define UAKNN_MESSAGE_LEN 512

typedef struct uaknn_error
{
	int32_t		status;			/* a uaknn_status */
	char		message[UAKNN_MESSAGE_LEN];
	char		detail[UAKNN_MESSAGE_LEN];	/* empty string: none */
	char		hint[UAKNN_MESSAGE_LEN];	/* empty string: none */
} uaknn_error;

/*
 * Polled by long Swift loops; returns true when the backend has an interrupt
 * pending (query cancel, statement_timeout, termination). Must not raise.
 */
typedef bool (*uaknn_interrupt_fn) (void);

/* The kinds of value a named argument carries (its SQL type's). */
typedef enum uaknn_value_kind
{
	UAKNN_VALUE_TEXT = 0,		/* text */
	UAKNN_VALUE_NUMBER = 1,		/* float8 */
	UAKNN_VALUE_INTEGER = 2,	/* integer, bigint */
	UAKNN_VALUE_BOOLEAN = 3,	/* boolean */
	UAKNN_VALUE_JSON = 4,		/* jsonb, as JSON text */
	UAKNN_VALUE_NUMBERS = 5		/* float8[] */
} uaknn_value_kind;

/*
 * One non-NULL named argument of a call. The shim knows parameters only by
 * the SQL names of a function's arguments, which the core resolves to an
 * index into its list of parameters (uaknn_parameter_lookup); the core
 * parses, range-checks and applies the value. Pointers are borrowed from the
 * call's arguments for the duration of the bridge call.
 */
typedef struct uaknn_arg
{
	int32_t		parameter;		/* index into the core's parameter list */
	int32_t		kind;			/* a uaknn_value_kind */
	double		number;
	int64_t		integer;
	bool		boolean;
	const char *text;			/* text or JSON; not NUL-terminated */
	int32_t		length;
	const double *numbers;
	int32_t		count;
} uaknn_arg;

/* A parameter as uaknn_parameters() shows it; NUL-terminated strings. */
typedef struct uaknn_parameter_info
{
	char		name[64];
	char		type[16];
	char		scope[8];
	char		methods[128];
	char		default_value[128];
	char		range[256];
	char		summary[256];
} uaknn_parameter_info;

/* One prototype of an explained UAKNN prediction. */
typedef struct uaknn_explain_row
{
	int32_t		label;			/* 0-based */
	int64_t		key;			/* the matched sample */
	double		mu;
	double		softmax;
	double		s;
	double		c;
	double		w;
} uaknn_explain_row;

/*
 * The neighbour family (NEIGHBOURS.md). Set-returning diagnostics run in two
 * steps: a compute call returns the number of rows and keeps the result in
 * the bridge; the shim then fetches row by row (arrays into buffers it
 * passes with their capacity) and clears it.
 */

/* One row of uaknn_label_noise(); labels and neighbour labels go to buffers. */
typedef struct uaknn_noise_row
{
	int64_t		key;
	double		score;
	int64_t		rank;
	int32_t		top_label;		/* 0-based */
	int32_t		neighbour_top_label;
	bool		disagrees;
} uaknn_noise_row;

/* One label of uaknn_label_support(); neighbours and distances go to buffers. */
typedef struct uaknn_support_row
{
	int32_t		label;			/* 0-based */
	int64_t		rows_top;
	int64_t		prototype_size;
	double		soft_support;
	char		split[8];		/* empty, few, medium, many */
	int32_t		neighbour_count;	/* -1: none (an empty label) */
	bool		has_mean_distance;
	double		mean_distance;
	bool		has_loo_top1_recall;
	double		loo_top1_recall;
	bool		has_loo_mae;
	double		loo_mae;
} uaknn_support_row;

/* One row of uaknn_influence(); delta and the predictions go to buffers. */
typedef struct uaknn_influence_row
{
	int64_t		key;
	double		r;
	bool		has_prediction_without;
} uaknn_influence_row;

/* One k of uaknn_neighbour_recall(). */
typedef struct uaknn_recall_row
{
	int32_t		k;
	bool		has_recall;
	double		recall;
	int64_t		rows;
	int64_t		skipped;
} uaknn_recall_row;

/* Rows by the number of prototypes they belong to (0, 1, 2, 3 or more). */
typedef struct uaknn_overlap_counts
{
	int64_t		none;
	int64_t		one;
	int64_t		two;
	int64_t		three_or_more;
} uaknn_overlap_counts;

/* Optional integer arguments: present = false means the core's default. */
typedef struct uaknn_optional_int
{
	bool		present;
	int64_t		value;
} uaknn_optional_int;

/* Where a cross-validation or tuning job is (uaknn_job_step). */
typedef struct uaknn_progress
{
	double		fraction;		/* of the work done, 0 to 1 */
	int32_t		repeat_number;	/* 1-based */
	int32_t		fold_number;	/* 1-based */
	char		stage[128];		/* what runs, NUL-terminated */
} uaknn_progress;

/*
 * The core's standard six metrics (MetricKind.standard): what a
 * cross-validation row, ldl_metrics() and ldl_score() report.
 */
#define UAKNN_ROW_METRICS 6

/* One row of a cross-validation table or of a leaderboard. */
typedef struct uaknn_result_row
{
	int32_t		rank;			/* 1 = best; 0: not ranked (cross-validation, a failed candidate) */
	int64_t		n;				/* test rows scored */
	double		mean[UAKNN_ROW_METRICS];	/* chebyshev .. intersection; NaN: failed */
	double		std[UAKNN_ROW_METRICS];
	double		score;			/* the tuning metric's mean; NaN when not tuning */
	double		seconds;		/* attributable to the candidate */
	char		failure[UAKNN_MESSAGE_LEN]; /* why it could not be evaluated; empty: it was */
} uaknn_result_row;

/* The texts a job gives back (uaknn_job_text). */
typedef enum uaknn_job_text_kind
{
	UAKNN_TEXT_CANDIDATE = 0,	/* row `index`'s candidate, as an options object */
	UAKNN_TEXT_WINNER = 1,		/* the tuned candidate, as an options object */
	UAKNN_TEXT_TUNED_OPTIONS = 2	/* the model's options with the winner applied */
} uaknn_job_text_kind;

#endif							/* UAKNN_ABI_H */
