/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Scoring helpers: normalize_score, pct_over and weighted_mean.
 *
 * normalize_score maps a value onto 0-100 between a worst and a best value,
 * in either direction, clamped.  pct_over is the percentage by which a value
 * exceeds a reference.  weighted_mean is the mean of the components present
 * (the Corruption Risk Index convention: a missing component is left out
 * and the others are re-weighted), kept as a running weighted mean (West's
 * update) so that large values with tiny spreads keep their digits; its
 * state is a fixed 24-byte type whose text form reads back exactly.
 *
 * IDENTIFICATION
 *	  src/scoring.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"

typedef struct WMeanState
{
	int64		n;				/* rows that counted */
	float8		wsum;			/* sum of their weights */
	float8		mean;			/* weighted mean so far (0 while wsum is 0) */
} WMeanState;

PG_FUNCTION_INFO_V1(cleangov_normalize_score);
PG_FUNCTION_INFO_V1(cleangov_pct_over);
PG_FUNCTION_INFO_V1(cleangov_wmean_state_in);
PG_FUNCTION_INFO_V1(cleangov_wmean_state_out);
PG_FUNCTION_INFO_V1(cleangov_wmean_trans);
PG_FUNCTION_INFO_V1(cleangov_wmean_combine);
PG_FUNCTION_INFO_V1(cleangov_wmean_final);

static void
out_of_range(const char *kernel, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s is out of range", kernel, what)));
}

/*
 * 100 * (value - worst) / (best - worst), clamped to [0, 100].  best may be
 * below worst (lower is better).  When a difference overflows, both are
 * halved first, which keeps the ratio.
 */
Datum
cleangov_normalize_score(PG_FUNCTION_ARGS)
{
	double		v = PG_GETARG_FLOAT8(0);
	double		worst = PG_GETARG_FLOAT8(1);
	double		best = PG_GETARG_FLOAT8(2);
	double		num,
				den,
				r;

	cleangov_check_finite(v, "normalize_score");
	cleangov_check_finite(worst, "normalize_score");
	cleangov_check_finite(best, "normalize_score");
	if (worst == best)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("normalize_score: worst and best must differ"),
				 errdetail("Both were %g.", best),
				 errhint("A scale needs two different ends.")));
	num = v - worst;
	den = best - worst;
	if (isinf(num) || isinf(den))
	{
		num = v / 2 - worst / 2;
		den = best / 2 - worst / 2;
	}
	r = 100.0 * (num / den);
	if (r <= 0)
		r = 0;					/* also turns -0 into 0 */
	else if (r > 100)
		r = 100;
	PG_RETURN_FLOAT8(r);
}

/*
 * 100 * (value - reference) / |reference|: positive when the value is above
 * the reference, whatever the reference's sign.  NULL for a zero reference.
 */
Datum
cleangov_pct_over(PG_FUNCTION_ARGS)
{
	double		v = PG_GETARG_FLOAT8(0);
	double		ref = PG_GETARG_FLOAT8(1);
	double		r;

	cleangov_check_finite(v, "pct_over");
	cleangov_check_finite(ref, "pct_over");
	if (ref == 0)
		PG_RETURN_NULL();
	r = 100.0 * ((v - ref) / fabs(ref));
	if (isinf(r))
	{
		/* v - ref overflowed: divide first */
		r = 100.0 * (v / fabs(ref) - ref / fabs(ref));
		if (isinf(r) || isnan(r))
			out_of_range("pct_over", "the result");
	}
	PG_RETURN_FLOAT8(r);
}

static WMeanState *
wmean_arg(FunctionCallInfo fcinfo)
{
	WMeanState *s;

	if (PG_ARGISNULL(0))
		return palloc0(sizeof(WMeanState));
	s = (WMeanState *) PG_GETARG_POINTER(0);
	if (AggCheckCallContext(fcinfo, NULL))
		return s;				/* the executor lets us update it in place */
	return memcpy(palloc(sizeof(WMeanState)), s, sizeof(WMeanState));
}

/* Fold in weight w with mean m (West 1979): stable for large, close values. */
static void
wmean_add(WMeanState *s, double w, double m)
{
	double		wsum;

	if (w == 0)
		return;
	wsum = s->wsum + w;
	if (isinf(wsum))
		out_of_range("weighted_mean", "the sum of the weights");
	s->mean += (w / wsum) * (m - s->mean);
	if (isinf(s->mean) || isnan(s->mean))
		out_of_range("weighted_mean", "the mean");
	s->wsum = wsum;
}

Datum
cleangov_wmean_trans(PG_FUNCTION_ARGS)
{
	WMeanState *s;
	double		v,
				w;

	/* a component that is not there does not count */
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	v = PG_GETARG_FLOAT8(1);
	w = PG_GETARG_FLOAT8(2);
	cleangov_check_finite(v, "weighted_mean");
	cleangov_check_finite(w, "weighted_mean");
	if (w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weighted_mean: weight must not be negative"),
				 errdetail("The weight was %g.", w)));
	s = wmean_arg(fcinfo);
	s->n++;
	wmean_add(s, w, v);
	PG_RETURN_POINTER(s);
}

Datum
cleangov_wmean_combine(PG_FUNCTION_ARGS)
{
	WMeanState *a = wmean_arg(fcinfo);
	WMeanState *b = (WMeanState *) PG_GETARG_POINTER(1);

	a->n += b->n;
	wmean_add(a, b->wsum, b->mean);
	PG_RETURN_POINTER(a);
}

Datum
cleangov_wmean_final(PG_FUNCTION_ARGS)
{
	WMeanState *s = (WMeanState *) PG_GETARG_POINTER(0);

	if (s->wsum == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->mean);
}

/* Text form: n=<n>;w=<sum of weights>;mean=<mean> */
Datum
cleangov_wmean_state_out(PG_FUNCTION_ARGS)
{
	WMeanState *s = (WMeanState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "n=" INT64_FORMAT ";w=", s->n);
	cleangov_append_float8(&buf, s->wsum);
	appendStringInfoString(&buf, ";mean=");
	cleangov_append_float8(&buf, s->mean);
	PG_RETURN_CSTRING(buf.data);
}

Datum
cleangov_wmean_state_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	const char *tn = "cleangov.weighted_mean_state";
	WMeanState *s = palloc0(sizeof(WMeanState));

	cleangov_read_literal(&p, "n=", tn, input);
	s->n = cleangov_read_int64(&p, tn, input);
	cleangov_read_literal(&p, ";w=", tn, input);
	s->wsum = cleangov_read_float8(&p, tn, input);
	cleangov_read_literal(&p, ";mean=", tn, input);
	s->mean = cleangov_read_float8(&p, tn, input);
	cleangov_read_end(&p, tn, input);
	if (s->n < 0 || s->wsum < 0 || (s->wsum == 0 && s->mean != 0))
		cleangov_read_literal(&p, "(n >= 0, w >= 0, and mean = 0 when w = 0)", tn, input);
	PG_RETURN_POINTER(s);
}
