/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Scoring helpers: normalize_score, pct_over and weighted_mean.
 *
 * normalize_score maps a value onto 0-100 between a worst and a best value,
 * in either direction, clamped.  pct_over is the percentage by which a value
 * exceeds a reference.  weighted_mean is the mean of the components present
 * (the Corruption Risk Index convention: a missing component is left out
 * and the others are re-weighted), kept as the sums of the weights and of
 * weight * value, each a double-double (106 bits), rounded once at the end
 * so that the result is the same to the last bit whatever the order of the
 * rows and of the combination of partial states (serial and parallel plans,
 * Citus shards), short of the bound stated below; its state is a fixed
 * 56-byte type whose text form reads back exactly.
 *
 * IDENTIFICATION
 *	  src/scoring.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <float.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"

/*
 * The state: the sums as double-doubles (about 106 bits), and the largest
 * positive and the largest negative weight * value, which are exact in any
 * order.  Each weight * value enters exactly (TwoProd).  The sum of the
 * weights has terms of one sign, so its double-double error is below
 * 3 n u^2 of the sum (u = 2^-53), and its float8 rounding is the same in any
 * order unless the exact sum lies within that of a rounding boundary.  So is
 * the weighted sum when its terms have one sign.  When they have both, the
 * sum may cancel, and its error is only bounded by 3 n^2 u^2 max |w v|: it
 * is then rounded to a multiple of 2^(2 e(n) + e(max |w v|) - 78)
 * (src/ddouble.c), a step 2^26 times that bound, so it is the same in any
 * order unless the exact sum lies within 2^-26 of a step of a midpoint
 * (doc/robust.md).
 */
typedef struct WMeanState
{
	int64		n;				/* rows that counted */
	CleangovDD	w;				/* sum of their weights */
	CleangovDD	wv;				/* sum of weight * value */
	double		pos;			/* largest weight * value > 0, or 0 */
	double		neg;			/* largest -(weight * value) > 0, or 0 */
} WMeanState;

#define WMEAN_GRID_BITS 78

StaticAssertDecl(sizeof(WMeanState) == 56,
				 "weighted_mean_state has INTERNALLENGTH 56 in src/sql/38_scoring.sql");

PG_FUNCTION_INFO_V1(cleangov_normalize_score);
PG_FUNCTION_INFO_V1(cleangov_pct_over);
PG_FUNCTION_INFO_V1(cleangov_wmean_state_in);
PG_FUNCTION_INFO_V1(cleangov_wmean_state_out);
PG_FUNCTION_INFO_V1(cleangov_wmean_trans);
PG_FUNCTION_INFO_V1(cleangov_wmean_combine);
PG_FUNCTION_INFO_V1(cleangov_wmean_final);

static const char *const wmean_kernel = "weighted_mean";

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

/* a += x, refusing a sum beyond float8 */
static inline void
dd_add(CleangovDD *a, CleangovDD x, const char *what)
{
	CleangovDD	r = cleangov_dd_add(*a, x);

	if (unlikely(isinf(r.hi) || isnan(r.hi) || isnan(r.lo)))
		out_of_range(wmean_kernel, what);
	*a = r;
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
	cleangov_check_finite(v, wmean_kernel);
	cleangov_check_finite(w, wmean_kernel);
	if (w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weighted_mean: weight must not be negative"),
				 errdetail("The weight was %g.", w)));
	s = wmean_arg(fcinfo);
	s->n = cleangov_add_count(s->n, 1, wmean_kernel);
	if (w != 0)
	{
		double		wv = w * v;

		/*
		 * An overflow, and an underflow that would lose the digits of the
		 * product (weight 1e-300, value 1e-300: the mean would come out 0),
		 * are refused; only the ratios of the weights matter, so scaling
		 * them avoids both.
		 */
		if (unlikely(isinf(wv) || w < DBL_MIN || (fabs(wv) < DBL_MIN && v != 0)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("weighted_mean: weight * value is out of range"),
					 errdetail("Weight %g times value %g %s float8.", w, v,
							   isinf(wv) ? "overflows" : "underflows"),
					 errhint("Scale the weights; only their ratios matter.")));
		dd_add(&s->w, cleangov_dd_make(w, 0), "the sum of the weights");
		dd_add(&s->wv, cleangov_two_prod(w, v), "the sum of weight * value");
		if (wv > s->pos)
			s->pos = wv;
		else if (-wv > s->neg)
			s->neg = -wv;
	}
	PG_RETURN_POINTER(s);
}

Datum
cleangov_wmean_combine(PG_FUNCTION_ARGS)
{
	WMeanState *a = wmean_arg(fcinfo);
	WMeanState *b = (WMeanState *) PG_GETARG_POINTER(1);

	a->n = cleangov_add_count(a->n, b->n, wmean_kernel);
	dd_add(&a->w, b->w, "the sum of the weights");
	dd_add(&a->wv, b->wv, "the sum of weight * value");
	a->pos = Max(a->pos, b->pos);
	a->neg = Max(a->neg, b->neg);
	PG_RETURN_POINTER(a);
}

/*
 * The mean: the two sums, each rounded once (the weighted sum onto its grid
 * when its terms have both signs), divided.
 */
Datum
cleangov_wmean_final(PG_FUNCTION_ARGS)
{
	WMeanState *s = (WMeanState *) PG_GETARG_POINTER(0);
	double		wv = s->wv.hi + 0.0;	/* -0 is 0 */

	if (s->w.hi == 0)
		PG_RETURN_NULL();
	if (s->pos > 0 && s->neg > 0)
		wv = cleangov_dd_round_grid(s->wv,
									2 * cleangov_exponent((double) s->n) +
									cleangov_exponent(Max(s->pos, s->neg)) - WMEAN_GRID_BITS);
	PG_RETURN_FLOAT8(cleangov_check_result(wv / s->w.hi, wmean_kernel, "the mean"));
}

/*
 * Text form: n=<n>;w=<hi>,<lo>;wv=<hi>,<lo>;max=<pos>,<neg> (the sums of
 * weights and of weight * value, the largest positive and negative weight *
 * value)
 */
Datum
cleangov_wmean_state_out(PG_FUNCTION_ARGS)
{
	WMeanState *s = (WMeanState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "n=" INT64_FORMAT ";w=", s->n);
	cleangov_append_float8(&buf, s->w.hi);
	appendStringInfoChar(&buf, ',');
	cleangov_append_float8(&buf, s->w.lo);
	appendStringInfoString(&buf, ";wv=");
	cleangov_append_float8(&buf, s->wv.hi);
	appendStringInfoChar(&buf, ',');
	cleangov_append_float8(&buf, s->wv.lo);
	appendStringInfoString(&buf, ";max=");
	cleangov_append_float8(&buf, s->pos);
	appendStringInfoChar(&buf, ',');
	cleangov_append_float8(&buf, s->neg);
	PG_RETURN_CSTRING(buf.data);
}

static CleangovDD
read_ddouble(const char **p, const char *tn, const char *input)
{
	CleangovDD	d;

	d.hi = cleangov_read_float8(p, tn, input);
	cleangov_read_literal(p, ",", tn, input);
	d.lo = cleangov_read_float8(p, tn, input);
	/* renormalised: hi is the rounding of hi + lo */
	if (d.hi + d.lo != d.hi || (d.hi == 0 && d.lo != 0))
		cleangov_bad_state(tn, input, "a sum whose second part is below half a unit in the last place of the first");
	return d;
}

/*
 * Reads the text form back, and refuses a state no rows could produce: a
 * negative count or sum of weights, sums without rows, a weighted sum
 * without weights (rows of weight 0 add nothing to either sum).
 */
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
	s->w = read_ddouble(&p, tn, input);
	cleangov_read_literal(&p, ";wv=", tn, input);
	s->wv = read_ddouble(&p, tn, input);
	cleangov_read_literal(&p, ";max=", tn, input);
	s->pos = cleangov_read_float8(&p, tn, input);
	cleangov_read_literal(&p, ",", tn, input);
	s->neg = cleangov_read_float8(&p, tn, input);
	cleangov_read_end(&p, tn, input);
	if (s->n < 0)
		cleangov_bad_state(tn, input, "a count of rows, 0 or more");
	if (s->w.hi < 0)
		cleangov_bad_state(tn, input, "a sum of weights, 0 or more");
	if (s->n == 0 && s->w.hi != 0)
		cleangov_bad_state(tn, input, "a sum of weights of 0 for no rows");
	if (s->w.hi == 0 && s->wv.hi != 0)
		cleangov_bad_state(tn, input, "a sum of weight * value of 0 when the weights sum to 0");
	if (s->pos < 0 || s->neg < 0)
		cleangov_bad_state(tn, input, "largest weights * values of 0 or more");
	if (s->wv.hi > (double) s->n * s->pos * (1 + 1e-6) ||
		-s->wv.hi > (double) s->n * s->neg * (1 + 1e-6))
		cleangov_bad_state(tn, input, "a sum of weight * value within n times the largest terms of each sign");
	PG_RETURN_POINTER(s);
}
