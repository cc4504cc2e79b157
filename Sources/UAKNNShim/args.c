/*
 * args.c
 *     The named arguments of a call, handed to the core by their SQL names:
 *     the shim knows no parameter, so a new one needs no C. The argument
 *     names of a function are read from pg_proc once per call site (cached
 *     in fn_extra) and resolved by the core to its parameter list; a name
 *     it does not know is a mismatch between the SQL script and the core,
 *     which the tests catch.
 *
 * Also: uaknn_parameters() (the core's list, for users and those tests),
 * uaknn_check_options(jsonb) and 0.1.0's uaknn_check_parameters().
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"

#include "bridge.h"
#include "shim.h"

PG_FUNCTION_INFO_V1(uaknn_parameters);
PG_FUNCTION_INFO_V1(uaknn_check_options);
PG_FUNCTION_INFO_V1(uaknn_check_parameters);

/* A function's arguments from `first` on: the core's parameter index and SQL type of each. */
typedef struct ArgLayout
{
	Oid			fn_oid;
	int			first;
	uint64		skip;
	int			count;
	int32	   *parameter;
	Oid		   *type;
} ArgLayout;

/*
 * Reads the argument names of the called function once per call site;
 * positions in `skip` (bit i: argument i) are the caller's own, not parameters.
 */
static ArgLayout *
arg_layout(FunctionCallInfo fcinfo, int first, uint64 skip)
{
	ArgLayout  *layout = (ArgLayout *) fcinfo->flinfo->fn_extra;
	HeapTuple	proc;
	Oid		   *types;
	char	  **names;
	char	   *modes;
	int			nargs;
	MemoryContext old;

	if (layout != NULL && layout->fn_oid == fcinfo->flinfo->fn_oid && layout->first == first &&
		layout->skip == skip)
		return layout;
	proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(fcinfo->flinfo->fn_oid));
	if (!HeapTupleIsValid(proc))
		elog(ERROR, "uaknn: cache lookup failed for function %u", fcinfo->flinfo->fn_oid);
	nargs = get_func_arg_info(proc, &types, &names, &modes);
	ReleaseSysCache(proc);

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	layout = palloc0(sizeof(ArgLayout));
	layout->fn_oid = fcinfo->flinfo->fn_oid;
	layout->first = first;
	layout->skip = skip;
	layout->parameter = palloc(sizeof(int32) * Max(nargs, 1));
	layout->type = palloc(sizeof(Oid) * Max(nargs, 1));
	/* Input arguments in call order; those before `first` are not parameters. */
	for (int i = 0; i < nargs; i++)
	{
		int			pos = layout->count;

		if (modes && (modes[i] == PROARGMODE_OUT || modes[i] == PROARGMODE_TABLE))
			continue;
		layout->type[pos] = types[i];
		layout->parameter[pos] = -1;
		layout->count++;
		if (pos < first || (pos < 64 && (skip & ((uint64) 1 << pos))))
			continue;
		if (names == NULL || names[i] == NULL || names[i][0] == '\0')
			elog(ERROR, "uaknn: argument %d of function %u has no name", i + 1, fcinfo->flinfo->fn_oid);
		layout->parameter[pos] = uaknn_parameter_lookup(names[i], (int32) strlen(names[i]));
		if (layout->parameter[pos] < 0)
			elog(ERROR, "uaknn: argument \"%s\" of function %s is not a parameter the library knows",
				 names[i], get_func_name(fcinfo->flinfo->fn_oid));
	}
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = layout;
	return layout;
}

/* One argument's value as the core takes it, by its SQL type. */
static void
convert(FunctionCallInfo fcinfo, int i, Oid type, uaknn_arg *arg)
{
	switch (type)
	{
		case TEXTOID:
			{
				text	   *t = PG_GETARG_TEXT_PP(i);

				arg->kind = UAKNN_VALUE_TEXT;
				arg->text = VARDATA_ANY(t);
				arg->length = VARSIZE_ANY_EXHDR(t);
				break;
			}
		case FLOAT8OID:
			arg->kind = UAKNN_VALUE_NUMBER;
			arg->number = PG_GETARG_FLOAT8(i);
			break;
		case INT4OID:
			arg->kind = UAKNN_VALUE_INTEGER;
			arg->integer = PG_GETARG_INT32(i);
			break;
		case INT8OID:
			arg->kind = UAKNN_VALUE_INTEGER;
			arg->integer = PG_GETARG_INT64(i);
			break;
		case BOOLOID:
			arg->kind = UAKNN_VALUE_BOOLEAN;
			arg->boolean = PG_GETARG_BOOL(i);
			break;
		case JSONBOID:
			{
				Jsonb	   *j = PG_GETARG_JSONB_P(i);

				arg->kind = UAKNN_VALUE_JSON;
				arg->text = JsonbToCString(NULL, &j->root, VARSIZE(j));
				arg->length = strlen(arg->text);
				break;
			}
		case FLOAT8ARRAYOID:
			{
				ArrayType  *a = PG_GETARG_ARRAYTYPE_P(i);
				int			n = 0;

				arg->kind = UAKNN_VALUE_NUMBERS;
				if (ARR_NDIM(a) > 0)
					arg->numbers = uaknn_float8_view(a, "array argument", &n);
				arg->count = n;
				break;
			}
		default:
			elog(ERROR, "uaknn: arguments of type %s are not supported", format_type_be(type));
	}
}

/*
 * The non-NULL arguments of the call from position `first` on, for the
 * core. Pointers borrow from the call's arguments (palloc'd conversions
 * live in the current memory context).
 */
CallArgs
uaknn_call_args(FunctionCallInfo fcinfo, int first)
{
	return uaknn_call_args_except(fcinfo, first, 0);
}

/*
 * As uaknn_call_args, leaving out the positions in `skip` (bit i: argument
 * i), arguments the caller reads itself (a function's own, not parameters).
 */
CallArgs
uaknn_call_args_except(FunctionCallInfo fcinfo, int first, uint64 skip)
{
	ArgLayout  *layout = arg_layout(fcinfo, first, skip);
	CallArgs	result = {NULL, 0};

	result.items = palloc0(sizeof(uaknn_arg) * Max(layout->count, 1));
	for (int i = first; i < layout->count && i < PG_NARGS(); i++)
	{
		uaknn_arg  *arg;

		if (PG_ARGISNULL(i) || layout->parameter[i] < 0)
			continue;
		arg = &result.items[result.count++];
		arg->parameter = layout->parameter[i];
		convert(fcinfo, i, layout->type[i], arg);
	}
	return result;
}

/* uaknn_parameters(): every parameter and model option the library knows. */
Datum
uaknn_parameters(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		count = uaknn_parameter_count();

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < count; i++)
	{
		uaknn_parameter_info info;
		Datum		values[7];
		bool		nulls[7] = {0};

		if (!uaknn_parameter_describe(i, &info))
			continue;
		values[0] = CStringGetTextDatum(info.name);
		values[1] = CStringGetTextDatum(info.type);
		values[2] = CStringGetTextDatum(info.scope);
		values[3] = CStringGetTextDatum(info.methods);
		values[4] = CStringGetTextDatum(info.default_value);
		values[5] = CStringGetTextDatum(info.range);
		values[6] = CStringGetTextDatum(info.summary);
		nulls[3] = info.methods[0] == '\0';
		nulls[5] = info.range[0] == '\0';
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* uaknn_check_options(options jsonb): raises 22023 naming the bad option. */
Datum
uaknn_check_options(PG_FUNCTION_ARGS)
{
	uaknn_error error;
	char	   *json;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model options must be a JSON object, not NULL")));
	json = JsonbToCString(NULL, &PG_GETARG_JSONB_P(0)->root, -1);
	uaknn_raise_if_failed(uaknn_options_check(json, (int32) strlen(json), &error), &error);
	PG_RETURN_VOID();
}

/* 0.1.0's uaknn_check_parameters(method, variance, ...): raises on a bad one. */
Datum
uaknn_check_parameters(PG_FUNCTION_ARGS)
{
	CallArgs	args = uaknn_call_args(fcinfo, 0);
	uaknn_error error;

	uaknn_raise_if_failed(uaknn_args_check(args.items, args.count, &error), &error);
	PG_RETURN_VOID();
}
