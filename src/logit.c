/*-------------------------------------------------------------------------
 *
 * logit.c
 *	  Regularised logistic regression by Newton / IRLS, one aggregate pass
 *	  per iteration (issue 16, doc/model.md).
 *
 * For coefficients beta (intercept first) and rows (x, y), the aggregate
 * cleangov.logit_pass(beta, x, y, mean, sd) standardises each row,
 * z = [1, (x - mean) / sd] (a NULL x_j gives z_j = 0: the mean), and sums
 * what one Newton step needs:
 *
 *	  loglik = sum y eta - log(1 + exp(eta)),  eta = beta . z
 *	  g      = sum (y - p) z                   (gradient of loglik)
 *	  H      = sum p (1 - p) z z'              (minus its Hessian)
 *
 * The state is a plain varlena (k, n, positives, loglik, g, the upper
 * triangle of H); adding two states is the combine function, so the pass
 * runs in parallel workers and, through the state's text form, as partial
 * aggregates on Citus workers.  logit_newton() then solves
 * (H + lambda P) delta = g - lambda P beta by Cholesky (P = diag(0, 1, ...):
 * the intercept is not penalised), the step of the penalised log-likelihood
 * loglik - lambda/2 |beta_1..|^2.
 *
 * The constant arguments of a pass (beta, mean, sd) are read once per
 * query and kept in fn_extra; a row costs O(k^2) arithmetic.
 *
 * IDENTIFICATION
 *	  src/logit.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

#define LOGIT_STATE "logit_state"
#define LOGIT_MAX_K 1001

typedef struct LogitState
{
	int32		vl_len_;
	int32		k;				/* coefficients: 1 + features */
	int64		n;				/* rows */
	double		positives;		/* rows with y = 1 */
	double		loglik;
	double		data[FLEXIBLE_ARRAY_MEMBER];	/* g[k], then H[k(k+1)/2] */
} LogitState;

#define LOGIT_TRI(k)		((k) * ((k) + 1) / 2)
#define LOGIT_SIZE(k)		(offsetof(LogitState, data) + sizeof(double) * ((k) + LOGIT_TRI(k)))
#define LOGIT_G(s)			((s)->data)
#define LOGIT_H(s)			((s)->data + (s)->k)

/* The constant arrays of a call site, parsed once. */
typedef struct LogitCache
{
	int			k;
	struct varlena *raw[3];		/* copies of beta, mean, sd as passed */
	double	   *beta;			/* k */
	double	   *mean;			/* k - 1 */
	double	   *sd;				/* k - 1 */
	double	   *z;				/* k: scratch */
} LogitCache;

static LogitState *
state_new(int k, MemoryContext cxt)
{
	LogitState *s = MemoryContextAllocZero(cxt, LOGIT_SIZE(k));

	SET_VARSIZE(s, LOGIT_SIZE(k));
	s->k = k;
	return s;
}

/* A float8[] without NULLs as a C array (palloc'd in cxt); what names it. */
static double *
float8_array(ArrayType *a, int *len, const char *what, MemoryContext cxt)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	double	   *out;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	deconstruct_array(a, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &n);
	out = MemoryContextAlloc(cxt, sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL (element %d)", what, i + 1)));
		out[i] = DatumGetFloat8(elems[i]);
		if (isnan(out[i]) || isinf(out[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must hold finite numbers (element %d is %g)", what, i + 1, out[i])));
	}
	*len = n;
	return out;
}

/* whether d is the same bytes as the cached copy (never for a toasted datum) */
static bool
same_raw(struct varlena *cached, Datum d)
{
	struct varlena *v = (struct varlena *) DatumGetPointer(d);

	return cached != NULL && !VARATT_IS_EXTERNAL(v) && !VARATT_IS_COMPRESSED(v) &&
		VARSIZE_ANY(v) == VARSIZE_ANY(cached) && memcmp(v, cached, VARSIZE_ANY(v)) == 0;
}

/*
 * The cache of beta, mean and sd (arguments ib, im, is of fcinfo), read again
 * only when they change (a toasted argument is read on every call).
 */
static LogitCache *
get_cache(FunctionCallInfo fcinfo, int ib, int im, int is)
{
	LogitCache *c = (LogitCache *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	int			args[3] = {ib, im, is};
	const char *names[3] = {"beta", "mean", "sd"};
	int			kb,
				km,
				ks;

	for (int i = 0; i < 3; i++)
		if (PG_ARGISNULL(args[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not be NULL", names[i])));
	if (c != NULL && same_raw(c->raw[0], PG_GETARG_DATUM(ib)) &&
		same_raw(c->raw[1], PG_GETARG_DATUM(im)) && same_raw(c->raw[2], PG_GETARG_DATUM(is)))
		return c;
	if (c == NULL)
	{
		c = MemoryContextAllocZero(cxt, sizeof(LogitCache));
		fcinfo->flinfo->fn_extra = c;
	}
	else
	{
		for (int i = 0; i < 3; i++)
			if (c->raw[i])
				pfree(c->raw[i]);
		pfree(c->beta);
		pfree(c->mean);
		pfree(c->sd);
		pfree(c->z);
		memset(c->raw, 0, sizeof(c->raw));
	}
	c->beta = float8_array(PG_GETARG_ARRAYTYPE_P(ib), &kb, "beta", cxt);
	c->mean = float8_array(PG_GETARG_ARRAYTYPE_P(im), &km, "mean", cxt);
	c->sd = float8_array(PG_GETARG_ARRAYTYPE_P(is), &ks, "sd", cxt);
	if (kb < 2 || kb > LOGIT_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("beta must hold the intercept and 1 to %d coefficients, not %d values", LOGIT_MAX_K - 1, kb)));
	if (km != kb - 1 || ks != kb - 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("mean and sd must have one value per feature (%d), not %d and %d", kb - 1, km, ks)));
	for (int j = 0; j < ks; j++)
		if (!(c->sd[j] > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature %d is constant: its standard deviation is %g", j + 1, c->sd[j]),
					 errhint("A feature that does not vary cannot be standardised or learned from.")));
	c->k = kb;
	c->z = MemoryContextAlloc(cxt, sizeof(double) * kb);
	for (int i = 0; i < 3; i++)
	{
		struct varlena *v = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(args[i]));

		/* keep the datum as passed, to recognise it on the next row */
		if (!VARATT_IS_EXTERNAL(v) && !VARATT_IS_COMPRESSED(v))
		{
			c->raw[i] = MemoryContextAlloc(cxt, VARSIZE_ANY(v));
			memcpy(c->raw[i], v, VARSIZE_ANY(v));
		}
	}
	return c;
}

/* a feature of a row: finite, or an error naming it */
static inline double
feature_value(LogitCache *c, int j, double v)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature %d of a row is %g: features must be finite (NULL for a missing value)", j + 1, v)));
	return (v - c->mean[j]) / c->sd[j];
}

/*
 * z = [1, standardised x] for the row's array x (a NULL element: 0, the
 * mean).  The elements are read in place (float8 is fixed-length and
 * aligned), through the null bitmap when there is one: no per-row
 * deconstruct_array and its two pallocs.
 */
static void
standardise(LogitCache *c, ArrayType *xa)
{
	int			n;
	const double *v;
	const bits8 *bitmap;

	if (ARR_NDIM(xa) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("x must be a one-dimensional array")));
	if (ARR_ELEMTYPE(xa) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("x must be a float8 array")));
	n = ARR_NDIM(xa) == 0 ? 0 : ARR_DIMS(xa)[0];
	if (n != c->k - 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("x has %d features, beta %d", n, c->k - 1)));
	v = (const double *) cleangov_array_data(xa);
	bitmap = ARR_NULLBITMAP(xa);
	c->z[0] = 1;
	if (bitmap == NULL)
	{
		for (int j = 0; j < n; j++)
			c->z[j + 1] = feature_value(c, j, v[j]);
	}
	else
	{
		/* a NULL element takes no space in the data: v advances on values only */
		for (int j = 0; j < n; j++)
		{
			if (bitmap[j / 8] & (1 << (j % 8)))
				c->z[j + 1] = feature_value(c, j, *v++);
			else
				c->z[j + 1] = 0;
		}
	}
}

static double
linear(LogitCache *c)
{
	double		eta = 0;

	for (int j = 0; j < c->k; j++)
		eta += c->beta[j] * c->z[j];
	return eta;
}

static double
sigmoid(double eta)
{
	if (eta >= 0)
		return 1 / (1 + exp(-eta));
	else
	{
		double		e = exp(eta);

		return e / (1 + e);
	}
}

/* log(1 + exp(eta)), without overflow */
static double
softplus(double eta)
{
	return eta > 0 ? eta + log1p(exp(-eta)) : log1p(exp(eta));
}

PG_FUNCTION_INFO_V1(logit_accum);

Datum
logit_accum(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LogitState *s;
	LogitCache *c;
	double		y,
				eta,
				p,
				w,
			   *g,
			   *h;
	int			k;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logit_accum is the transition function of cleangov.logit_pass and is called only by it")));
	s = PG_ARGISNULL(0) ? NULL : (LogitState *) PG_GETARG_POINTER(0);
	if (PG_ARGISNULL(3))
	{
		/* an unlabelled row is not learned from */
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	y = PG_GETARG_FLOAT8(3);
	if (y != 0 && y != 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("y must be 0 or 1, not %g", y)));
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("x must not be NULL"),
				 errhint("A missing feature is a NULL element of x.")));
	c = get_cache(fcinfo, 1, 4, 5);
	k = c->k;
	if (s == NULL)
		s = state_new(k, aggcxt);
	else if (s->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("beta changed length within one pass (%d, then %d)", s->k, k)));
	standardise(c, PG_GETARG_ARRAYTYPE_P(2));
	eta = linear(c);
	p = sigmoid(eta);
	w = p * (1 - p);
	g = LOGIT_G(s);
	h = LOGIT_H(s);
	s->n++;
	s->positives += y;
	s->loglik += y * eta - softplus(eta);
	for (int i = 0, t = 0; i < k; i++)
	{
		double		wz = w * c->z[i];

		g[i] += (y - p) * c->z[i];
		for (int j = i; j < k; j++)
			h[t++] += wz * c->z[j];
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(logit_combine);

Datum
logit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	LogitState *a,
			   *b;
	int			m;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("logit_combine is the combine function of cleangov.logit_pass and is called only by it")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	b = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		a = state_new(b->k, aggcxt);
		memcpy(a, b, VARSIZE(b));
		PG_RETURN_POINTER(a);
	}
	a = (LogitState *) PG_GETARG_POINTER(0);
	if (a->k != b->k)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot combine logit states of %d and %d coefficients", a->k, b->k)));
	a->n = cleangov_add_count(a->n, b->n, "logit_pass");
	a->positives += b->positives;
	a->loglik += b->loglik;
	m = a->k + LOGIT_TRI(a->k);
	for (int i = 0; i < m; i++)
		a->data[i] += b->data[i];
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(logit_state_out);

Datum
logit_state_out(PG_FUNCTION_ARGS)
{
	LogitState *s = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int			m = s->k + LOGIT_TRI(s->k);

	initStringInfo(&buf);
	appendStringInfo(&buf, "(%d,", s->k);
	appendStringInfo(&buf, INT64_FORMAT ",", s->n);
	cleangov_append_float8(&buf, s->positives);
	appendStringInfoChar(&buf, ',');
	cleangov_append_float8(&buf, s->loglik);
	appendStringInfoString(&buf, ",{");
	for (int i = 0; i < m; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		cleangov_append_float8(&buf, s->data[i]);
	}
	appendStringInfoString(&buf, "})");
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(logit_state_in);

Datum
logit_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	int64		k;
	LogitState *s;
	int			m;

	cleangov_read_literal(&p, "(", LOGIT_STATE, str);
	k = cleangov_read_int64(&p, LOGIT_STATE, str);
	if (k < 2 || k > LOGIT_MAX_K)
		cleangov_bad_state(LOGIT_STATE, str, "2 to 1001 coefficients");
	s = state_new((int) k, CurrentMemoryContext);
	cleangov_read_literal(&p, ",", LOGIT_STATE, str);
	s->n = cleangov_read_int64(&p, LOGIT_STATE, str);
	cleangov_read_literal(&p, ",", LOGIT_STATE, str);
	s->positives = cleangov_read_float8(&p, LOGIT_STATE, str);
	cleangov_read_literal(&p, ",", LOGIT_STATE, str);
	s->loglik = cleangov_read_float8(&p, LOGIT_STATE, str);
	cleangov_read_literal(&p, ",{", LOGIT_STATE, str);
	m = s->k + LOGIT_TRI(s->k);
	for (int i = 0; i < m; i++)
	{
		if (i > 0)
			cleangov_read_literal(&p, ",", LOGIT_STATE, str);
		s->data[i] = cleangov_read_float8(&p, LOGIT_STATE, str);
	}
	cleangov_read_literal(&p, "})", LOGIT_STATE, str);
	cleangov_read_end(&p, LOGIT_STATE, str);
	/* a state no data could produce */
	if (s->n < 0 || s->positives < 0 || s->positives > s->n || s->loglik > 0 ||
		s->positives != floor(s->positives))
		cleangov_bad_state(LOGIT_STATE, str, "0 <= positives <= n, whole, and a log-likelihood at most 0");
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(logit_rows);

Datum
logit_rows(PG_FUNCTION_ARGS)
{
	LogitState *s = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_INT64(s->n);
}

PG_FUNCTION_INFO_V1(logit_positives);

Datum
logit_positives(PG_FUNCTION_ARGS)
{
	LogitState *s = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_INT64((int64) s->positives);
}

PG_FUNCTION_INFO_V1(logit_loglik);

Datum
logit_loglik(PG_FUNCTION_ARGS)
{
	LogitState *s = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_FLOAT8(s->loglik);
}

static ArrayType *
float8_result(const double *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return construct_array(d, n, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
}

PG_FUNCTION_INFO_V1(logit_newton);

/*
 * One Newton step: beta + (H + lambda P)^-1 (g - lambda P beta), by
 * Cholesky.  A pivot that is not clearly positive (relative to the
 * diagonal) means the system is singular: collinear features, or, without a
 * penalty, classes that a feature separates.
 */
Datum
logit_newton(PG_FUNCTION_ARGS)
{
	LogitState *s = (LogitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	double		lambda = PG_GETARG_FLOAT8(2);
	double	   *beta;
	int			kb,
				k = s->k;
	double	   *a,
			   *r,
			   *hp = LOGIT_H(s),
			   *g = LOGIT_G(s),
				maxdiag = 0;

	if (isnan(lambda) || isinf(lambda) || lambda < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lambda must be a finite number at least 0, not %g", lambda)));
	beta = float8_array(PG_GETARG_ARRAYTYPE_P(1), &kb, "beta", CurrentMemoryContext);
	if (kb != k)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("beta has %d values, the state %d coefficients", kb, k)));
	a = palloc(sizeof(double) * k * k);
	r = palloc(sizeof(double) * k);
	for (int i = 0, t = 0; i < k; i++)
		for (int j = i; j < k; j++, t++)
			a[i * k + j] = a[j * k + i] = hp[t];
	for (int i = 0; i < k; i++)
	{
		if (i > 0)
			a[i * k + i] += lambda;
		r[i] = g[i] - (i > 0 ? lambda * beta[i] : 0);
		maxdiag = Max(maxdiag, a[i * k + i]);
	}
	/* Cholesky: a = L L', L in the lower triangle */
	for (int j = 0; j < k; j++)
	{
		double		d = a[j * k + j];

		for (int m = 0; m < j; m++)
			d -= a[j * k + m] * a[j * k + m];
		if (!(d > 1e-12 * Max(maxdiag, 1e-300)))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the Newton system of the logistic regression is singular (coefficient %d)", j),
					 errdetail("Two features are collinear, a feature is constant over the rows, or, without a penalty, a feature separates the classes."),
					 errhint("Use lambda > 0, or leave the feature out.")));
		d = sqrt(d);
		a[j * k + j] = d;
		for (int i = j + 1; i < k; i++)
		{
			double		v = a[i * k + j];

			for (int m = 0; m < j; m++)
				v -= a[i * k + m] * a[j * k + m];
			a[i * k + j] = v / d;
		}
	}
	/* L y = r, then L' delta = y */
	for (int i = 0; i < k; i++)
	{
		double		v = r[i];

		for (int m = 0; m < i; m++)
			v -= a[i * k + m] * r[m];
		r[i] = v / a[i * k + i];
	}
	for (int i = k - 1; i >= 0; i--)
	{
		double		v = r[i];

		for (int m = i + 1; m < k; m++)
			v -= a[m * k + i] * r[m];
		r[i] = v / a[i * k + i];
	}
	for (int i = 0; i < k; i++)
	{
		beta[i] += r[i];
		if (isnan(beta[i]) || isinf(beta[i]))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the Newton step of the logistic regression overflowed"),
					 errhint("Use lambda > 0.")));
	}
	PG_RETURN_ARRAYTYPE_P(float8_result(beta, k));
}

PG_FUNCTION_INFO_V1(logit_score);

Datum
logit_score(PG_FUNCTION_ARGS)
{
	LogitCache *c;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = get_cache(fcinfo, 0, 2, 3);
	standardise(c, PG_GETARG_ARRAYTYPE_P(1));
	PG_RETURN_FLOAT8(sigmoid(linear(c)));
}

PG_FUNCTION_INFO_V1(logit_contributions);

Datum
logit_contributions(PG_FUNCTION_ARGS)
{
	LogitCache *c;
	double	   *out;

	if (PG_ARGISNULL(1))
		PG_RETURN_NULL();
	c = get_cache(fcinfo, 0, 2, 3);
	standardise(c, PG_GETARG_ARRAYTYPE_P(1));
	out = palloc(sizeof(double) * (c->k - 1));
	for (int j = 1; j < c->k; j++)
		out[j - 1] = c->beta[j] * c->z[j];
	PG_RETURN_ARRAYTYPE_P(float8_result(out, c->k - 1));
}
