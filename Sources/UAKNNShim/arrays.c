/*
 * arrays.c
 *     float8[] arguments in and out, with the shape checks that need
 *     PostgreSQL's view of the array (dimensions, NULL elements).
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/lsyscache.h"

#include "shim.h"

/*
 * The values of a one-dimensional float8[] (or real[]) without NULLs, and
 * its length. A view: for float8[] it points into the array itself (never
 * write or free it; it lives as long as the array), for real[] into a
 * palloc'd copy converted to double. Values are checked by the Swift side,
 * which knows what they mean.
 */
const double *
uaknn_float8_view(ArrayType *array, const char *name, int *length)
{
	int			n;

	if (ARR_ELEMTYPE(array) != FLOAT8OID && ARR_ELEMTYPE(array) != FLOAT4OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("%s must be an array of double precision or real", name)));
	if (ARR_NDIM(array) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must not be empty", name)));
	if (ARR_NDIM(array) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional",
						name, ARR_NDIM(array))));

	n = ARR_DIMS(array)[0];
	if (ARR_HASNULL(array))
	{
		bits8	   *bitmap = ARR_NULLBITMAP(array);

		for (int i = 0; i < n; i++)
			if (!(bitmap[i / 8] & (1 << (i % 8))))
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("%s must not contain NULL elements", name),
						 errdetail("Element %d is NULL.", i + 1)));
	}

	*length = n;
	if (ARR_ELEMTYPE(array) == FLOAT4OID)
	{
		float4	   *in = (float4 *) ARR_DATA_PTR(array);
		double	   *out = palloc(sizeof(double) * Max(n, 1));

		for (int i = 0; i < n; i++)
			out[i] = in[i];
		return out;
	}
	return (double *) ARR_DATA_PTR(array);
}

/* A new one-dimensional float8[] of `length` values, palloc'd. */
ArrayType *
uaknn_make_float8_array(const double *values, int length)
{
	Datum	   *elems = palloc(sizeof(Datum) * length);

	for (int i = 0; i < length; i++)
		elems[i] = Float8GetDatum(values[i]);
	return construct_array(elems, length, FLOAT8OID, sizeof(float8),
						   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}
