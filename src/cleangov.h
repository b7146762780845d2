/*-------------------------------------------------------------------------
 *
 * cleangov.h
 *	  Declarations shared by the C files of the cleangov extension.
 *
 * Each feature lives in its own file under src/ (kernels, identity checks,
 * banding, ...); what more than one of them needs is declared here and
 * nowhere else.
 *
 * IDENTIFICATION
 *	  src/cleangov.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLEANGOV_H
#define CLEANGOV_H

#include "postgres.h"
#include "fmgr.h"
#include "common/int.h"
#include "utils/array.h"

#include <math.h>

/* Version of the shared library, compared with the SQL objects' version. */
#ifndef CLEANGOV_VERSION
#error "CLEANGOV_VERSION is set by the Makefile from cleangov.control"
#endif

/*
 * Refuse a non-finite float8 argument with a message naming the kernel.
 * Used by every numerical kernel so that NaN and infinities never reach an
 * aggregate state (they would silently poison every result after them).
 */
static inline void
cleangov_check_finite(double x, const char *kernel)
{
	if (unlikely(isnan(x) || isinf(x)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: input must be a finite number", kernel),
				 errdetail("The value was %s.", isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity")),
				 errhint("Filter non-finite values out before calling %s.", kernel)));
}

/*
 * ARR_DATA_PTR without its mixed-signedness conditional (-Wsign-compare):
 * the elements of an array, read in place.
 */
static inline char *
cleangov_array_data(ArrayType *a)
{
	if (ARR_HASNULL(a))
		return (char *) a + a->dataoffset;
	return (char *) a + ARR_OVERHEAD_NONULLS(ARR_NDIM(a));
}

/*
 * a + b for the int64 counters of aggregate states (rows seen, amounts per
 * digit): an overflow is refused rather than wrapped to a negative count.
 */
static inline int64
cleangov_add_count(int64 a, int64 b, const char *kernel)
{
	int64		r;

	if (unlikely(pg_add_s64_overflow(a, b, &r)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: count of rows out of range for bigint", kernel),
				 errdetail("The count would exceed 9223372036854775807."),
				 errhint("Split the group into smaller ones.")));
	return r;
}

/*
 * A non-finite result (an overflow in the arithmetic of finite inputs) is
 * refused rather than returned.
 */
static inline double
cleangov_check_result(double x, const char *kernel, const char *what)
{
	if (unlikely(isnan(x) || isinf(x)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s is out of range", kernel, what),
				 errdetail("The exact value is beyond the float8 range."),
				 errhint("Scale the inputs before calling %s.", kernel)));
	return x;
}

/*
 * Text form of aggregate states (src/statetext.c).  States travel between
 * Citus nodes as text, so floats are written in their shortest form that
 * reads back to the same bits, and reading refuses anything else.
 */
struct StringInfoData;
extern void cleangov_append_float8(struct StringInfoData *buf, double x);
extern double cleangov_read_float8(const char **p, const char *type_name, const char *input);
extern int64 cleangov_read_int64(const char **p, const char *type_name, const char *input);
extern void cleangov_read_literal(const char **p, const char *literal, const char *type_name, const char *input);
extern void cleangov_read_end(const char **p, const char *type_name, const char *input);
extern pg_attribute_noreturn() void cleangov_bad_state(const char *type_name, const char *input, const char *what);

/*
 * Double-double arithmetic (src/ddouble.c, doc/kernels.md "Order of rows and
 * of partial states").  A value is hi + lo with hi = fl(hi + lo), about 106
 * bits.  The algorithms are those of Joldes, Muller and Popescu (2017), with
 * their proven relative error bounds, u = 2^-53: dd + double 2u^2
 * (DWPlusFP), dd + dd 3u^2 (AccurateDWPlusDW), dd * double 3u^2
 * (DWTimesFP1), dd * dd 7u^2 (DWTimesDW1), dd / double 3.5u^2 (DWDivFP1).
 * The exact product uses Dekker's splitting, not fma(): without -mfma fma()
 * is a library call, about 110 of them in bid_screens, and the kernel was a
 * fifth slower.  The exact product is the same pair of doubles either way.
 */
typedef struct CleangovDD
{
	double		hi;
	double		lo;
} CleangovDD;

static inline CleangovDD
cleangov_dd_make(double hi, double lo)
{
	CleangovDD	r;

	r.hi = hi;
	r.lo = lo;
	return r;
}

/* a + b exactly, as hi + lo (Knuth's TwoSum) */
static inline CleangovDD
cleangov_two_sum(double a, double b)
{
	double		s = a + b;
	double		bp = s - a;
	double		ap = s - bp;

	return cleangov_dd_make(s, (a - ap) + (b - bp));
}

/* a + b exactly when |a| >= |b| or a = 0 (Dekker's Fast2Sum) */
static inline CleangovDD
cleangov_fast_two_sum(double a, double b)
{
	double		s = a + b;

	return cleangov_dd_make(s, b - (s - a));
}

extern double cleangov_fma_error(double a, double b, double p);

/*
 * a * b exactly, barring underflow (Dekker's TwoProduct with Veltkamp's
 * splitting; the split overflows from 2^996 on, where fma() takes over).
 */
static inline CleangovDD
cleangov_two_prod(double a, double b)
{
	double		p = a * b;
	double		ca,
				cb,
				ah,
				al,
				bh,
				bl;

	if (unlikely(fabs(a) >= 0x1p995 || fabs(b) >= 0x1p995))
		return cleangov_dd_make(p, cleangov_fma_error(a, b, p));
	ca = 134217729.0 * a;		/* 2^27 + 1 */
	cb = 134217729.0 * b;
	ah = ca - (ca - a);
	al = a - ah;
	bh = cb - (cb - b);
	bl = b - bh;
	return cleangov_dd_make(p, ((ah * bh - p) + ah * bl + al * bh) + al * bl);
}

static inline CleangovDD
cleangov_dd_add_d(CleangovDD x, double y)
{
	CleangovDD	s = cleangov_two_sum(x.hi, y);

	return cleangov_fast_two_sum(s.hi, x.lo + s.lo);
}

static inline CleangovDD
cleangov_dd_add(CleangovDD x, CleangovDD y)
{
	CleangovDD	s = cleangov_two_sum(x.hi, y.hi);
	CleangovDD	t = cleangov_two_sum(x.lo, y.lo);
	CleangovDD	v = cleangov_fast_two_sum(s.hi, s.lo + t.hi);

	return cleangov_fast_two_sum(v.hi, t.lo + v.lo);
}

static inline CleangovDD
cleangov_dd_mul_d(CleangovDD x, double y)
{
	CleangovDD	c = cleangov_two_prod(x.hi, y);

	return cleangov_fast_two_sum(c.hi, x.lo * y + c.lo);
}

static inline CleangovDD
cleangov_dd_mul(CleangovDD x, CleangovDD y)
{
	CleangovDD	c = cleangov_two_prod(x.hi, y.hi);

	return cleangov_fast_two_sum(c.hi, c.lo + (x.hi * y.lo + x.lo * y.hi));
}

static inline CleangovDD
cleangov_dd_div_d(CleangovDD x, double y)
{
	double		th = x.hi / y;
	CleangovDD	p = cleangov_two_prod(th, y);
	double		d = ((x.hi - p.hi) - p.lo) + x.lo;

	return cleangov_fast_two_sum(th, d / y);
}

static inline CleangovDD
cleangov_dd_neg(CleangovDD x)
{
	return cleangov_dd_make(-x.hi, -x.lo);
}

extern int	cleangov_exponent(double x);
extern double cleangov_dd_round_grid(CleangovDD x, int e);

#endif							/* CLEANGOV_H */
