/*
 * errors.c
 *     Turns a status returned by the Swift bridge into ereport(), after the
 *     Swift frames have returned, and lets Swift loops see pending interrupts.
 */
#include "postgres.h"

#include "miscadmin.h"

#include "shim.h"

/* The SQLSTATE of a bridge status (internal_error for one it does not know). */
static int
sqlstate_for(int32 status)
{
	switch (status)
	{
		case UAKNN_INVALID_PARAMETER:
			return ERRCODE_INVALID_PARAMETER_VALUE;
		case UAKNN_NULL_VALUE:
			return ERRCODE_NULL_VALUE_NOT_ALLOWED;
		case UAKNN_ARRAY_SUBSCRIPT:
			return ERRCODE_ARRAY_SUBSCRIPT_ERROR;
		case UAKNN_UNDEFINED_OBJECT:
			return ERRCODE_UNDEFINED_OBJECT;
		case UAKNN_NOT_READY:
			return ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE;
		case UAKNN_CANCELLED:
			return ERRCODE_QUERY_CANCELED;
		case UAKNN_PROGRAM_LIMIT:
			return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
		default:
			return ERRCODE_INTERNAL_ERROR;
	}
}

/*
 * Raises the error a bridge call reported; returns when status is UAKNN_OK.
 * A cancelled status first lets PostgreSQL raise its own cancel or timeout
 * error, which carries the right message and SQLSTATE.
 */
void
uaknn_raise_if_failed(int32 status, const uaknn_error *error)
{
	if (status == UAKNN_OK)
		return;
	if (status == UAKNN_CANCELLED)
		CHECK_FOR_INTERRUPTS();

	ereport(ERROR,
			(errcode(sqlstate_for(status)),
			 errmsg_internal("%s", error->message),
			 error->detail[0] ? errdetail_internal("%s", error->detail) : 0,
			 error->hint[0] ? errhint("%s", error->hint) : 0));
}

/*
 * Polled from Swift loops: true when CHECK_FOR_INTERRUPTS() would process
 * an interrupt, under the conditions it checks (none inside
 * HOLD_INTERRUPTS() or a critical section, where it would not raise and a
 * 57014 would be false). Reads flags only, so it cannot raise itself.
 */
bool
uaknn_interrupt_pending(void)
{
	return InterruptPending && InterruptHoldoffCount == 0 && CritSectionCount == 0 &&
		(ProcDiePending || (QueryCancelPending && QueryCancelHoldoffCount == 0));
}
