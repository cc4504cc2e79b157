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

#endif							/* UAKNN_ABI_H */
