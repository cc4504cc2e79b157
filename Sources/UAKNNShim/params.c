/*
 * params.c
 *     Prediction parameters from SQL arguments and model options. The Swift
 *     side parses the names and checks every range; this file only records
 *     which parameters were given and their values.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "uaknn_bridge.h"
#include "uaknn_model.h"
#include "uaknn_shim.h"

PG_FUNCTION_INFO_V1(uaknn_check_parameters);

static void
set_text(uaknn_text *field, Datum value)
{
	text	   *t = DatumGetTextPP(value);

	field->data = VARDATA_ANY(t);
	field->length = VARSIZE_ANY_EXHDR(t);
}

/* Records one given parameter; value is of the parameter's SQL type. */
void
uaknn_param_set(uaknn_params *p, ParamId id, Datum value)
{
	switch (id)
	{
		case P_METHOD:
			set_text(&p->method, value);
			break;
		case P_MODE:
			set_text(&p->mode, value);
			break;
		case P_NORMALIZATION:
			set_text(&p->normalization, value);
			break;
		case P_VARIANCE:
			p->variance = DatumGetFloat8(value);
			p->given |= UAKNN_GIVEN_VARIANCE;
			break;
		case P_SAMPLES:
			p->samples = DatumGetInt32(value);
			p->given |= UAKNN_GIVEN_SAMPLES;
			break;
		case P_PERTURBATION_RATIO:
			p->perturbation_ratio = DatumGetFloat8(value);
			p->given |= UAKNN_GIVEN_PERTURBATION_RATIO;
			break;
		case P_SOFTMAX_BASE:
			p->softmax_base = DatumGetFloat8(value);
			p->given |= UAKNN_GIVEN_SOFTMAX_BASE;
			break;
		case P_TEMPERATURE:
			p->temperature = DatumGetFloat8(value);
			p->given |= UAKNN_GIVEN_TEMPERATURE;
			break;
		case P_SEED:
			p->seed = DatumGetInt64(value);
			p->given |= UAKNN_GIVEN_SEED;
			break;
		case P_PROTOTYPES:
			p->prototypes = DatumGetBool(value);
			p->given |= UAKNN_GIVEN_PROTOTYPES;
			break;
		case P_PERTURBATION:
			p->perturbation = DatumGetBool(value);
			p->given |= UAKNN_GIVEN_PERTURBATION;
			break;
		case P_K:
			p->k = DatumGetInt32(value);
			p->given |= UAKNN_GIVEN_K;
			break;
		case P_BANDWIDTH:
			p->bandwidth = DatumGetFloat8(value);
			p->given |= UAKNN_GIVEN_BANDWIDTH;
			break;
		case P_COUNT:
			break;
	}
}

/*
 * The parameters of a call: the model's options (defaults) overridden by the
 * arguments fcinfo->args[first .. first + count) that are not NULL, which
 * stand for the parameters layout[0 .. count).
 */
void
uaknn_params_from_args(FunctionCallInfo fcinfo, int first, const ParamId *layout, int count,
					   const uaknn_params *defaults, uaknn_params *out)
{
	if (defaults)
		*out = *defaults;
	else
		memset(out, 0, sizeof(*out));
	for (int i = 0; i < count && first + i < PG_NARGS(); i++)
		if (!PG_ARGISNULL(first + i))
			uaknn_param_set(out, layout[i], PG_GETARG_DATUM(first + i));
}

static const ParamId all_params[P_COUNT] = {
	P_METHOD, P_VARIANCE, P_SAMPLES, P_PERTURBATION_RATIO, P_SOFTMAX_BASE,
	P_TEMPERATURE, P_MODE, P_SEED, P_NORMALIZATION, P_PROTOTYPES,
	P_PERTURBATION, P_K, P_BANDWIDTH
};

/* uaknn_check_parameters(method, variance, ...): raises on a bad parameter. */
Datum
uaknn_check_parameters(PG_FUNCTION_ARGS)
{
	uaknn_params params;
	uaknn_error error;

	uaknn_params_from_args(fcinfo, 0, all_params, P_COUNT, NULL, &params);
	uaknn_check(uaknn_params_check(&params, &error), &error);
	PG_RETURN_VOID();
}
