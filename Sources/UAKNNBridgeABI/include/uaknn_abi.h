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
	UAKNN_OUT_OF_MEMORY = 7,		/* 53200 out_of_memory */
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

/* A string that need not be NUL-terminated; data NULL means "not given". */
typedef struct uaknn_text
{
	const char *data;
	int32_t		length;
} uaknn_text;

/* Which numeric and boolean fields of uaknn_params were given. */
enum
{
	UAKNN_GIVEN_VARIANCE = 1 << 0,
	UAKNN_GIVEN_SAMPLES = 1 << 1,
	UAKNN_GIVEN_PERTURBATION_RATIO = 1 << 2,
	UAKNN_GIVEN_SOFTMAX_BASE = 1 << 3,
	UAKNN_GIVEN_TEMPERATURE = 1 << 4,
	UAKNN_GIVEN_SEED = 1 << 5,
	UAKNN_GIVEN_PROTOTYPES = 1 << 6,
	UAKNN_GIVEN_PERTURBATION = 1 << 7,
	UAKNN_GIVEN_K = 1 << 8,
	UAKNN_GIVEN_BANDWIDTH = 1 << 9
};

/*
 * Prediction parameters as SQL passes them: anything not given takes the
 * spec's default on the Swift side, which also parses names and checks ranges.
 */
typedef struct uaknn_params
{
	uint32_t	given;			/* UAKNN_GIVEN_* bits */
	uaknn_text	method;			/* uaknn | wuaknn | aaknn | kernel */
	uaknn_text	mode;			/* expected | sampled */
	uaknn_text	normalization;	/* softmax | linear */
	double		variance;
	double		perturbation_ratio;
	double		softmax_base;
	double		temperature;
	double		bandwidth;
	int64_t		samples;
	int64_t		seed;
	int64_t		k;
	bool		prototypes;
	bool		perturbation;
} uaknn_params;

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

#endif							/* UAKNN_ABI_H */
