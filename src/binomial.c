/*-------------------------------------------------------------------------
 *
 * binomial.c
 *	  The upper tail of the binomial distribution, cleangov.binomial_upper_p
 *	  (x, n, p) = P(X >= x) for X ~ Binomial(n, p): the p-value of "x or more
 *	  successes in n trials of probability p".  The rotation rule
 *	  (PROJ_ROTATION_MATCH) tests with it whether a reviewer was matched to an
 *	  applicant more often than a fair rotation would.
 *
 * The tail is summed term by term from the side of x away from the mode, so
 * that the terms only shrink and the sum stops once they are negligible
 * (about 40 standard deviations at most, a few dozen terms in the far tails a
 * test looks at): for x above the mode, P(X >= x) = sum over k >= x; for x at
 * or below it, 1 - P(X <= x - 1) = 1 - sum over k < x.  The first term is
 * computed by Loader's saddle-point formula, the next ones by the ratio of
 * consecutive terms.  A tail below about 1e-308 underflows to 0.  n is
 * limited to 2^31 - 1, which bounds the terms summed to a few million.
 *
 * IDENTIFICATION
 *	  src/binomial.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"
#include <math.h>
#include "miscadmin.h"

PG_FUNCTION_INFO_V1(binomial_upper_p);

/*
 * The probability of exactly k successes, by Loader's saddle-point form
 * (C. Loader, "Fast and accurate computation of binomial probabilities",
 * 2000): exp(-(deviance terms) - (Stirling errors)) * sqrt(n / (2 pi k (n - k))).
 * Computing log C(n, k) as lgamma differences instead would cancel numbers of
 * the size n log n and lose their last digits: 1e-9 of relative precision at
 * a million trials, 1e-5 at two billion.
 */

/* stirlerr(n) = log(n!) - log(sqrt(2 pi n) (n / e)^n) */
static double
stirlerr(double n)
{
	const double s0 = 1.0 / 12,
				s1 = 1.0 / 360,
				s2 = 1.0 / 1260,
				s3 = 1.0 / 1680,
				s4 = 1.0 / 1188;
	double		nn;

	if (n <= 15.0)
		return lgamma(n + 1.0) - (n + 0.5) * log(n) + n - 0.5 * log(2.0 * M_PI);
	nn = n * n;
	if (n > 500)
		return (s0 - s1 / nn) / n;
	if (n > 80)
		return (s0 - (s1 - s2 / nn) / nn) / n;
	if (n > 35)
		return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
	return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
}

/* bd0(x, m) = x log(x / m) + m - x, without cancellation when x is near m */
static double
bd0(double x, double m)
{
	if (fabs(x - m) < 0.1 * (x + m))
	{
		double		v = (x - m) / (x + m),
					s = (x - m) * v,
					ej = 2.0 * x * v;

		v *= v;
		for (int j = 1; j < 1000; j++)
		{
			double		s1;

			ej *= v;
			s1 = s + ej / (2 * j + 1);
			if (s1 == s)
				return s1;
			s = s1;
		}
		return s;
	}
	return x * log(x / m) + m - x;
}

static double
binomial_pmf(int64 k, int64 n, double p)
{
	double		q = 1.0 - p,
				dk = (double) k,
				dn = (double) n;

	if (k == 0)
		return exp(dn * log1p(-p));
	if (k == n)
		return pow(p, dn);
	return exp(stirlerr(dn) - stirlerr(dk) - stirlerr(dn - dk)
			   - bd0(dk, dn * p) - bd0(dn - dk, dn * q))
		* sqrt(dn / (2.0 * M_PI * dk * (dn - dk)));
}

static double
binomial_upper(int64 x, int64 n, double p)
{
	const double eps = 1e-17;
	double		mode;
	double		t,
				sum;

	if (x <= 0)
		return 1.0;
	if (x > n)
		return 0.0;
	if (p == 0.0)
		return 0.0;
	if (p == 1.0)
		return 1.0;
	mode = floor(((double) n + 1.0) * p);
	if ((double) x > mode)
	{
		/* k = x, x + 1, ..., n: decreasing terms */
		t = binomial_pmf(x, n, p);
		sum = t;
		for (int64 k = x; k < n; k++)
		{
			t *= ((double) (n - k) / (double) (k + 1)) * (p / (1.0 - p));
			sum += t;
			if (t < sum * eps)
				break;
			CHECK_FOR_INTERRUPTS();
		}
		return Min(sum, 1.0);
	}
	/* k = x - 1, x - 2, ..., 0: decreasing terms */
	t = binomial_pmf(x - 1, n, p);
	sum = t;
	for (int64 k = x - 1; k > 0; k--)
	{
		t *= ((double) k / (double) (n - k + 1)) * ((1.0 - p) / p);
		sum += t;
		if (t < sum * eps)
			break;
		CHECK_FOR_INTERRUPTS();
	}
	return Max(1.0 - sum, 0.0);
}

Datum
binomial_upper_p(PG_FUNCTION_ARGS)
{
	int64		x = PG_GETARG_INT64(0);
	int64		n = PG_GETARG_INT64(1);
	double		p = PG_GETARG_FLOAT8(2);

	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("binomial_upper_p: the number of trials must not be negative"),
				 errdetail("n was " INT64_FORMAT ".", n)));
	/* bounds the terms summed near the mode (a few million at most) */
	if (n > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("binomial_upper_p: the number of trials must be at most 2^31 - 1"),
				 errdetail("n was " INT64_FORMAT ".", n)));
	if (isnan(p) || p < 0.0 || p > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("binomial_upper_p: the probability must be between 0 and 1"),
				 errdetail("p was %g.", p)));
	PG_RETURN_FLOAT8(binomial_upper(x, n, p));
}
