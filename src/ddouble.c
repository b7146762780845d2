/*-------------------------------------------------------------------------
 *
 * ddouble.c
 *	  Rounding a double-double onto a grid fixed by exact quantities, so that
 *	  a result does not depend on the order of rows or of partial states.
 *
 * A double-double sum or moment computed over the same values in another
 * order (rows arriving differently, partial states combined in another tree
 * on parallel workers or Citus shards) differs from the exact value by less
 * than a proven bound E, but not by the same amount each time, so its last
 * bits vary.  Where the value is a difference of nearly equal terms (a
 * central moment, a sum of both signs) even its float8 rounding varies.
 * Rounding it to the nearest multiple of a grid spacing g, where g is a
 * power of two computed only from quantities that are exact under any order
 * (the count, the minimum, the maximum), and g is far larger than E, gives
 * the same multiple, and so the same float8, in every order, unless the
 * exact value lies within E of a midpoint between two multiples.  The
 * kernels state g and E (doc/kernels.md, "Order of rows and of partial
 * states").
 *
 * IDENTIFICATION
 *	  src/ddouble.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <float.h>

/* a * b - p exactly, for p = fl(a * b) of huge factors (cleangov_two_prod) */
double
cleangov_fma_error(double a, double b, double p)
{
	return fma(a, b, -p);
}

/*
 * The e with 2^(e - 1) <= |x| < 2^e (frexp's), for a grid exponent built from
 * exact quantities; 0 gives the lowest exponent.
 */
int
cleangov_exponent(double x)
{
	int			e;

	if (x == 0)
		return DBL_MIN_EXP - DBL_MANT_DIG;
	(void) frexp(x, &e);
	return e;
}

/*
 * x rounded to the nearest multiple of 2^e and returned as the float8
 * nearest that multiple (-0 comes back as 0).  e must come from exact
 * quantities only (cleangov_exponent of counts, minima, maxima) and leave
 * the grid far below |x|'s order of magnitude.
 */
double
cleangov_dd_round_grid(CleangovDD x, int e)
{
	double		hi,
				lo,
				r;

	/* x / 2^e: exact scaling */
	hi = ldexp(x.hi, -e);
	lo = ldexp(x.lo, -e);
	if (isinf(hi))
		return x.hi + 0.0;		/* cannot happen for a grid below x */
	if (fabs(hi) >= 4503599627370496.0)
	{
		/* |hi| >= 2^52: hi is an integer, the fraction is lo's */
		r = hi + rint(lo);
	}
	else
	{
		double		f;

		r = rint(hi);
		f = (hi - r) + lo;		/* hi - r is exact */
		if (f > 0.5)
			r += 1.0;
		else if (f < -0.5)
			r -= 1.0;
	}
	return ldexp(r, e) + 0.0;
}
