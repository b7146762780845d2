/*-------------------------------------------------------------------------
 *
 * bid_screens.c
 *	  The bid-rigging screens of Imhof, Karagök and Rutz (2018) as one
 *	  aggregate: cleangov.bid_screens(price float8).
 *
 * The screens need the order of the bids (the lowest b1, the second lowest
 * b2, the highest bn, and the standard deviation of b2 ... bn) and the first
 * four central moments.  None of that needs the bids kept: the state holds
 * the count, b1, b2 and bn, and the power sums S_k = sum (v - b2)^k, k = 1..4,
 * of every bid except the current lowest one ("the rest").  A new bid at or
 * above b1 is added to the rest; a new lowest bid pushes the old b1 into the
 * rest.  At the end the rest is exactly b2 ... bn, and the sums of all the
 * bids are the rest's plus (b1 - b2)^k.
 *
 * The origin b2, the lowest bid of the rest, keeps every deviation >= 0, so
 * no power sum ever cancels, and keeps the moments to the precision of the
 * rest's spread rather than of the price (prices of 10^9 that differ in the
 * last units).  When a bid below b2 joins the rest, the sums are moved to the
 * new origin by the binomial theorem (every term again >= 0).  The origin is
 * not b1: with b1 far below a tight cluster of cover bids, the collusive
 * pattern the RD screen looks for, the cluster's spread would be lost in the
 * powers of its large deviations from b1.
 *
 * The sums are double-doubles (cleangov.h), so that the results do not
 * depend on the order of the bids or of combining partial states (parallel
 * workers, Citus shards): the final function computes the central moments
 * in double-double and rounds each once onto a grid fixed by n and the range
 * of the bids, which are exact in any order (src/ddouble.c; the bound is in
 * doc/kernels.md, "Order of rows and of partial states").  The former
 * float8 Welford/Pebay moments differed in the last bits between plans.
 *
 * The state is a fixed-length type, cleangov.bid_screens_state (96 bytes),
 * not internal: its text form holds every double in the shortest form that
 * reads back bit for bit, so partial states can travel as text (Citus) and
 * the aggregate has a combine function (parallel query).  96 bytes take a
 * 128-byte allocator chunk per group in a hash aggregate: with a million
 * tenders, about 144 MB.
 *
 * IDENTIFICATION
 *	  src/bid_screens.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"

/* Power sums of the rest's deviations from b2, each a double-double. */
typedef struct PowerSums
{
	CleangovDD	s1;
	CleangovDD	s2;
	CleangovDD	s3;
	CleangovDD	s4;
} PowerSums;

/* The aggregate state; the layout is the on-disk form of bid_screens_state. */
typedef struct BidScreensState
{
	int64		n;				/* number of bids */
	double		b1;				/* lowest bid (n >= 1) */
	double		b2;				/* second lowest bid = lowest of the rest (n >= 2) */
	double		bn;				/* highest bid (n >= 1) */
	PowerSums	rest;			/* sums of (v - b2)^k, k = 1..4, over the rest: */
	/* the n - 1 bids other than one lowest bid */
} BidScreensState;

#define BID_SCREENS_STATE_FIELDS 12
#define BID_SCREENS_RESULT_FIELDS 13

/*
 * The grid of the moments of m values of range R: M_k is rounded to a
 * multiple of 2^(2 e(m) + k e(R) - 72), where e() is the binary exponent
 * (cleangov_exponent), so a step between 2^-72 and 2^-68 of m^2 R^k.  The
 * double-double error of M_k is below 2^10 m^2 u^2 R^k (u = 2^-53, see
 * doc/kernels.md), below 2^-24 of a step: the moments, and so every screen,
 * are the same float8 in any order unless an exact moment lies within that
 * distance of a midpoint of its grid.  The step is below 2^-60 c of M_k for
 * m <= 4096 when M_k is m R^k / c.
 */
#define BID_SCREENS_GRID_BITS 72

StaticAssertDecl(sizeof(BidScreensState) == 96,
				 "bid_screens_state has INTERNALLENGTH 96 in src/sql/30_bid_screens.sql");

/* Add one deviation d >= 0 (exact, as a double-double) to the power sums. */
static inline void
sums_add(PowerSums *p, CleangovDD d)
{
	CleangovDD	d2,
				d3;

	if (d.hi == 0)
		return;
	if (d.lo == 0)
	{
		d2 = cleangov_two_prod(d.hi, d.hi);
		d3 = cleangov_dd_mul_d(d2, d.hi);
	}
	else
	{
		d2 = cleangov_dd_mul(d, d);
		d3 = cleangov_dd_mul(d2, d);
	}
	p->s1 = cleangov_dd_add(p->s1, d);
	p->s2 = cleangov_dd_add(p->s2, d2);
	p->s3 = cleangov_dd_add(p->s3, d3);
	p->s4 = cleangov_dd_add(p->s4, cleangov_dd_mul(d2, d2));
}

static inline CleangovDD
dd_scale(CleangovDD x, double k)
{
	return cleangov_dd_mul_d(x, k);
}

/*
 * Move the origin of m deviations down by c >= 0 (exact): the sums of
 * (d + c)^k by the binomial theorem.  Every term is >= 0, so the relative
 * error stays that of a few double-double operations.
 */
static void
sums_shift(PowerSums *p, double m, CleangovDD c)
{
	CleangovDD	c2,
				c3,
				c4;
	PowerSums	r;

	if (c.hi == 0 || m == 0)
		return;
	c2 = cleangov_dd_mul(c, c);
	c3 = cleangov_dd_mul(c2, c);
	c4 = cleangov_dd_mul(c2, c2);

	r.s1 = cleangov_dd_add(p->s1, dd_scale(c, m));
	r.s2 = cleangov_dd_add(cleangov_dd_add(p->s2, dd_scale(cleangov_dd_mul(c, p->s1), 2.0)),
						   dd_scale(c2, m));
	r.s3 = cleangov_dd_add(cleangov_dd_add(p->s3, dd_scale(cleangov_dd_mul(c, p->s2), 3.0)),
						   cleangov_dd_add(dd_scale(cleangov_dd_mul(c2, p->s1), 3.0),
										   dd_scale(c3, m)));
	r.s4 = cleangov_dd_add(cleangov_dd_add(cleangov_dd_add(p->s4, dd_scale(cleangov_dd_mul(c, p->s3), 4.0)),
										   dd_scale(cleangov_dd_mul(c2, p->s2), 6.0)),
						   cleangov_dd_add(dd_scale(cleangov_dd_mul(c3, p->s1), 4.0),
										   dd_scale(c4, m)));
	*p = r;
}

static inline void
sums_merge(PowerSums *a, const PowerSums *b)
{
	a->s1 = cleangov_dd_add(a->s1, b->s1);
	a->s2 = cleangov_dd_add(a->s2, b->s2);
	a->s3 = cleangov_dd_add(a->s3, b->s3);
	a->s4 = cleangov_dd_add(a->s4, b->s4);
}

/*
 * Fourth powers of deviations overflow first; past that point every moment
 * would be infinite or NaN, so stop with an error rather than return one.
 */
static inline void
check_moments(double m2, double m3, double m4)
{
	if (unlikely(isinf(m4) || isnan(m4) || isinf(m3) || isinf(m2)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bid_screens: moments of the prices overflow"),
				 errdetail("The fourth powers of deviations exceed the float8 range."),
				 errhint("Scale the prices (for example to thousands) before calling bid_screens.")));
}

/*
 * The smallest positive price: 2^-200, about 6.2e-61.  Two prices at or above
 * it differ by at least 2^-252 when they differ, so every power of a
 * deviation up to the fourth is a normal double and no moment loses its
 * digits to underflow; below it, a subnormal price (4.9e-324) would give a
 * d of 10^325.  No currency has such prices: they are refused, as PostgreSQL
 * refuses a float8 computation that underflows.
 */
#define BID_SCREENS_MIN_PRICE 6.223015277861142e-61

/* x < BID_SCREENS_MIN_PRICE: refuse it unless it is 0 */
static void
check_small_price(double x)
{
	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bid_screens: price must not be negative"),
				 errdetail("The price was %g.", x),
				 errhint("Bids are prices; filter out or correct negative values.")));
	if (x > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bid_screens: price is too small"),
				 errdetail("The price was %g; a positive price must be at least 2^-200 (about 6.2e-61), or the moments underflow.", x),
				 errhint("Scale the prices (for example from units to millionths) before calling bid_screens.")));
}

/* The state to update: in place inside an aggregate, else a copy. */
static BidScreensState *
state_for_update(FunctionCallInfo fcinfo)
{
	BidScreensState *s = (BidScreensState *) PG_GETARG_POINTER(0);

	if (!AggCheckCallContext(fcinfo, NULL))
	{
		BidScreensState *copy = palloc(sizeof(BidScreensState));

		memcpy(copy, s, sizeof(BidScreensState));
		s = copy;
	}
	return s;
}

PG_FUNCTION_INFO_V1(bid_screens_transfn);

/*
 * Transition: one bid.  STRICT, so NULL bids never arrive; the state lives in
 * the aggregate's memory context and is updated in place (no allocation per
 * row).
 */
Datum
bid_screens_transfn(PG_FUNCTION_ARGS)
{
	BidScreensState *s = state_for_update(fcinfo);
	double		x = PG_GETARG_FLOAT8(1);

	cleangov_check_finite(x, "bid_screens");
	if (unlikely(x < BID_SCREENS_MIN_PRICE))
		check_small_price(x);
	x += 0.0;					/* -0 is 0: b1 must not depend on which came first */
	if (unlikely(s->n == PG_INT64_MAX))
		(void) cleangov_add_count(s->n, 1, "bid_screens");

	if (s->n == 0)
	{
		s->b1 = s->bn = x;
		s->n = 1;
		PG_RETURN_POINTER(s);
	}

	{
		double		v;			/* the bid that joins the rest */

		if (x < s->b1)
		{
			v = s->b1;			/* the old lowest bid joins the rest */
			s->b1 = x;
		}
		else
		{
			v = x;
			if (x > s->bn)
				s->bn = x;
		}
		if (s->n == 1)
			s->b2 = v;			/* the rest was empty: v is its origin */
		else if (v < s->b2)
		{
			/* v is the rest's new minimum: move the origin down to it */
			sums_shift(&s->rest, (double) (s->n - 1), cleangov_two_sum(s->b2, -v));
			s->b2 = v;
		}
		sums_add(&s->rest, cleangov_two_sum(v, -s->b2));
	}
	s->n++;
	check_moments(s->rest.s2.hi, s->rest.s3.hi, s->rest.s4.hi);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(bid_screens_combinefn);

/*
 * Combine two partial states.  The state with the lower b1 keeps it; the
 * other state's b1 joins the merged rest.
 */
Datum
bid_screens_combinefn(PG_FUNCTION_ARGS)
{
	BidScreensState *a = state_for_update(fcinfo);
	const BidScreensState *b = (const BidScreensState *) PG_GETARG_POINTER(1);
	const BidScreensState *low,
			   *high;
	PowerSums	rest_low,
				rest_high;
	BidScreensState r;

	if (b->n == 0)
		PG_RETURN_POINTER(a);
	if (a->n == 0)
	{
		memcpy(a, b, sizeof(BidScreensState));
		PG_RETURN_POINTER(a);
	}

	if (b->b1 < a->b1)
	{
		low = b;
		high = a;
	}
	else
	{
		low = a;
		high = b;
	}

	/*
	 * The merged rest is low's rest, high's rest and high's b1, whose lowest
	 * bid is the new b2 (high's b1 is at or below every bid of high's rest);
	 * both rests are moved to that origin.
	 */
	r.b2 = (low->n >= 2 && low->b2 < high->b1) ? low->b2 : high->b1;
	rest_low = low->rest;
	if (low->n >= 2)
		sums_shift(&rest_low, (double) (low->n - 1), cleangov_two_sum(low->b2, -r.b2));
	rest_high = high->rest;
	if (high->n >= 2)
		sums_shift(&rest_high, (double) (high->n - 1), cleangov_two_sum(high->b2, -r.b2));
	sums_add(&rest_high, cleangov_two_sum(high->b1, -r.b2));
	sums_merge(&rest_low, &rest_high);

	r.n = cleangov_add_count(a->n, b->n, "bid_screens");
	r.b1 = low->b1;
	r.bn = Max(a->bn, b->bn);
	r.rest = rest_low;
	memcpy(a, &r, sizeof(BidScreensState));
	check_moments(a->rest.s2.hi, a->rest.s3.hi, a->rest.s4.hi);
	PG_RETURN_POINTER(a);
}

/*
 * The central moments of m deviations with power sums a1..a4 (about any
 * origin within the range R of the values): the mean deviation, and M2, M3,
 * M4, each rounded onto its grid (BID_SCREENS_GRID_BITS), so that they do not
 * depend on the order in which the sums were accumulated.
 */
static void
central_moments(double m, CleangovDD a1, CleangovDD a2, CleangovDD a3, CleangovDD a4,
				double range, double *mean, double *m2, double *m3, double *m4)
{
	CleangovDD	mu = cleangov_dd_div_d(a1, m);
	CleangovDD	mu2 = cleangov_dd_mul(mu, mu);
	CleangovDD	c2,
				c3,
				c4;
	int			em,
				er;

	/* M2 = A2 - mu A1 */
	c2 = cleangov_dd_add(a2, cleangov_dd_neg(cleangov_dd_mul(mu, a1)));
	/* M3 = A3 - 3 mu A2 + 2 m mu^3 */
	c3 = cleangov_dd_add(cleangov_dd_add(a3, cleangov_dd_neg(dd_scale(cleangov_dd_mul(mu, a2), 3.0))),
						 dd_scale(cleangov_dd_mul(mu2, mu), 2.0 * m));
	/* M4 = A4 - 4 mu A3 + 6 mu^2 A2 - 3 m mu^4 */
	c4 = cleangov_dd_add(cleangov_dd_add(a4, cleangov_dd_neg(dd_scale(cleangov_dd_mul(mu, a3), 4.0))),
						 cleangov_dd_add(dd_scale(cleangov_dd_mul(mu2, a2), 6.0),
										 cleangov_dd_neg(dd_scale(cleangov_dd_mul(mu2, mu2), 3.0 * m))));

	if (range == 0)
	{
		/* every value equal: the sums are exact and the moments 0 */
		*mean = *m2 = *m3 = *m4 = 0;
		return;
	}
	em = 2 * cleangov_exponent(m) - BID_SCREENS_GRID_BITS;
	er = cleangov_exponent(range);
	/* the mean deviation, of error below 2^10 m u^2 R: a step of about 2^-72 m R */
	*mean = cleangov_dd_round_grid(mu, cleangov_exponent(m) + er - BID_SCREENS_GRID_BITS);
	*m2 = Max(0.0, cleangov_dd_round_grid(c2, em + 2 * er));
	*m3 = cleangov_dd_round_grid(c3, em + 3 * er);
	*m4 = Max(0.0, cleangov_dd_round_grid(c4, em + 4 * er));
}

/*
 * The blessed result row descriptor, looked up once per query (the final
 * function runs once per group, and the catalog lookup would cost more than
 * the statistics).
 */
static TupleDesc
result_tupdesc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;

	if (tupdesc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "bid_screens_finalfn: return type must be a row type");
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	return tupdesc;
}

PG_FUNCTION_INFO_V1(bid_screens_finalfn);

/* The fields of bid_screens_result, for messages. */
static const char *const field_names[BID_SCREENS_RESULT_FIELDS] = {
	"n", "mean", "sd", "cv", "skewness", "kurtosis", "d", "rd", "normd", "spd", "b1", "b2", "bn"
};

/*
 * Final: the screens.  A field whose n is too small or whose denominator is
 * zero is NULL.  Read-only on the state (window aggregates call it again).
 */
Datum
bid_screens_finalfn(PG_FUNCTION_ARGS)
{
	const BidScreensState *s = (const BidScreensState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[BID_SCREENS_RESULT_FIELDS];
	bool		nulls[BID_SCREENS_RESULT_FIELDS];
	int64		n = s->n;
	double		dn = (double) n;
	double		mean = s->b1,
				m2 = 0,
				m3 = 0,
				m4 = 0,
				m2_rest = 0;
	double		sd = 0,
				sd_rest = 0;

	tupdesc = result_tupdesc(fcinfo);

	for (int i = 0; i < BID_SCREENS_RESULT_FIELDS; i++)
		nulls[i] = true;

	/* n */
	values[0] = Int64GetDatum(n);
	nulls[0] = false;
	if (n == 0)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));

	if (n >= 2)
	{
		/* all the bids: the rest and b1, about the origin b2 */
		CleangovDD	d0 = cleangov_two_sum(s->b1, -s->b2);	/* <= 0, exact */
		CleangovDD	d02 = cleangov_dd_mul(d0, d0);
		CleangovDD	d03 = cleangov_dd_mul(d02, d0);
		double		mean_rest,
					m3_rest,
					m4_rest;

		central_moments(dn,
						cleangov_dd_add(s->rest.s1, d0),
						cleangov_dd_add(s->rest.s2, d02),
						cleangov_dd_add(s->rest.s3, d03),
						cleangov_dd_add(s->rest.s4, cleangov_dd_mul(d02, d02)),
						s->bn - s->b1, &mean, &m2, &m3, &m4);
		mean += s->b2;
		central_moments(dn - 1.0, s->rest.s1, s->rest.s2, s->rest.s3, s->rest.s4,
						s->bn - s->b2, &mean_rest, &m2_rest, &m3_rest, &m4_rest);
		check_moments(m2, m3, m4);
	}

	/* mean, b1, b2, bn */
#define SET(i, v) do { values[(i)] = Float8GetDatum(cleangov_check_result((v), "bid_screens", field_names[(i)])); nulls[(i)] = false; } while (0)
	SET(1, mean);
	SET(10, s->b1);
	if (n >= 2)
		SET(11, s->b2);
	SET(12, s->bn);

	if (n >= 2)
	{
		sd = sqrt(m2 / (dn - 1.0));
		SET(2, sd);						/* sd */
		if (mean != 0)
			SET(3, sd / mean);			/* cv */
		if (s->b1 != 0)
		{
			SET(6, (s->b2 - s->b1) / s->b1);	/* d */
			SET(9, (s->bn - s->b1) / s->b1);	/* spd */
		}
		if (s->bn != s->b1)
			SET(8, (dn - 1.0) * (s->b2 - s->b1) / (s->bn - s->b1));	/* normd */
	}
	if (n >= 3 && m2 > 0)
	{
		/* adjusted Fisher-Pearson: sqrt(n(n-1))/(n-2) * g1, g1 = sqrt(n) M3 / M2^1.5 */
		double		g1 = sqrt(dn) * m3 / (m2 * sqrt(m2));

		SET(4, sqrt(dn * (dn - 1.0)) / (dn - 2.0) * g1);
	}
	if (n >= 4 && m2 > 0)
	{
		/* sum((x - mean)/sd)^4 = M4 (n-1)^2 / M2^2 */
		double		s4 = m4 * (dn - 1.0) * (dn - 1.0) / (m2 * m2);

		SET(5, dn * (dn + 1.0) / ((dn - 1.0) * (dn - 2.0) * (dn - 3.0)) * s4
			- 3.0 * (dn - 1.0) * (dn - 1.0) / ((dn - 2.0) * (dn - 3.0)));
	}
	if (n >= 3)
	{
		sd_rest = sqrt(m2_rest / (dn - 2.0));
		if (sd_rest > 0)
			SET(7, (s->b2 - s->b1) / sd_rest);	/* rd */
	}
#undef SET

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Text form: (n,b1,b2,bn,s1,s1lo,s2,s2lo,s3,s3lo,s4,s4lo), each double in its
 * shortest form that reads back to the same bits (PostgreSQL's float8out
 * algorithm).
 */
PG_FUNCTION_INFO_V1(bid_screens_state_out);

Datum
bid_screens_state_out(PG_FUNCTION_ARGS)
{
	const BidScreensState *s = (const BidScreensState *) PG_GETARG_POINTER(0);
	const double f[] = {s->b1, s->b2, s->bn,
		s->rest.s1.hi, s->rest.s1.lo, s->rest.s2.hi, s->rest.s2.lo,
	s->rest.s3.hi, s->rest.s3.lo, s->rest.s4.hi, s->rest.s4.lo};
	StringInfoData buf;
	char		num[DOUBLE_SHORTEST_DECIMAL_LEN];

	initStringInfo(&buf);
	appendStringInfo(&buf, "(" INT64_FORMAT, s->n);
	for (int i = 0; i < (int) lengthof(f); i++)
	{
		double_to_shortest_decimal_buf(f[i], num);
		appendStringInfoChar(&buf, ',');
		appendStringInfoString(&buf, num);
	}
	appendStringInfoChar(&buf, ')');
	PG_RETURN_CSTRING(buf.data);
}

static pg_attribute_noreturn() void
bad_state(const char *str, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type bid_screens_state: \"%s\"", str),
			 errdetail("%s", why)));
}

PG_FUNCTION_INFO_V1(bid_screens_state_in);

/*
 * Reads the text form back, and refuses a state no sequence of bids could
 * produce (so a hand-made state cannot make the final function misbehave).
 */
Datum
bid_screens_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	BidScreensState *s = palloc0(sizeof(BidScreensState));
	double		f[BID_SCREENS_STATE_FIELDS - 1];
	char	   *p = str;
	char	   *end;
	long long	n;
	CleangovDD *sums[4];

	while (isspace((unsigned char) *p))
		p++;
	if (*p++ != '(')
		bad_state(str, "The state must start with \"(\".");
	errno = 0;
	n = strtoll(p, &end, 10);
	if (end == p || errno != 0 || n < 0)
		bad_state(str, "The first field must be a count of bids, 0 or more.");
	p = end;
	for (int i = 0; i < (int) lengthof(f); i++)
	{
		if (*p++ != ',')
			bad_state(str, "The state has twelve comma-separated fields.");
		errno = 0;
		f[i] = strtod(p, &end);
		/* ERANGE also flags a subnormal, which the output does write */
		if (end == p || (errno != 0 && f[i] == 0) || isnan(f[i]) || isinf(f[i]))
			bad_state(str, "Every field after the count must be a finite number.");
		p = end;
	}
	if (*p++ != ')')
		bad_state(str, "The state must end with \")\".");
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		bad_state(str, "Nothing may follow the closing \")\".");

	s->n = n;
	s->b1 = f[0];
	s->b2 = f[1];
	s->bn = f[2];
	s->rest.s1 = cleangov_dd_make(f[3], f[4]);
	s->rest.s2 = cleangov_dd_make(f[5], f[6]);
	s->rest.s3 = cleangov_dd_make(f[7], f[8]);
	s->rest.s4 = cleangov_dd_make(f[9], f[10]);
	sums[0] = &s->rest.s1;
	sums[1] = &s->rest.s2;
	sums[2] = &s->rest.s3;
	sums[3] = &s->rest.s4;

	for (int k = 0; k < 4; k++)
		if (sums[k]->hi + sums[k]->lo != sums[k]->hi || sums[k]->hi < 0)
			bad_state(str, "Each power sum is a double-double hi,lo with hi the rounding of hi + lo, and not negative.");
	if (n <= 2 && (s->rest.s1.hi != 0 || s->rest.s2.hi != 0 ||
				   s->rest.s3.hi != 0 || s->rest.s4.hi != 0))
		bad_state(str, "The rest of a state of two bids or fewer has power sums 0.");
	if (n == 0 && (s->b1 != 0 || s->b2 != 0 || s->bn != 0))
		bad_state(str, "An empty state has every field 0.");
	if (n >= 1 && (s->b1 < 0 || s->bn < s->b1))
		bad_state(str, "Prices are not negative and b1 <= bn.");
	if (n == 1 && (s->bn != s->b1 || s->b2 != 0))
		bad_state(str, "A state of one bid has b1 = bn and no other bids.");
	if (n >= 2 && (s->b2 < s->b1 || s->bn < s->b2))
		bad_state(str, "The order b1 <= b2 <= bn does not hold.");
	if (n >= 1 && s->b1 > 0 && s->b1 < BID_SCREENS_MIN_PRICE)
		bad_state(str, "A positive price is at least 2^-200.");
	if (n >= 3)
	{
		/*
		 * The rest is m = n - 1 values d = v - b2 in [0, R], R = bn - b2, so
		 * S_k is in [0, m R^k], and S1^2 <= m S2, S2^2 <= m S4 (Cauchy-
		 * Schwarz).  The bounds allow for rounding (1e-6 relative), so a
		 * state the kernel computed is never refused; R = 0 is exact.
		 */
		double		m = (double) (n - 1);
		double		r = s->bn - s->b2;
		double		slack = 1 + 1e-6;
		double		s1 = s->rest.s1.hi,
					s2 = s->rest.s2.hi,
					s3 = s->rest.s3.hi,
					s4 = s->rest.s4.hi;

		if (r == 0)
		{
			if (s1 != 0 || s2 != 0 || s3 != 0 || s4 != 0)
				bad_state(str, "When every bid of the rest equals b2, the power sums are 0.");
		}
		else if (s1 > m * r * slack || s2 > m * r * r * slack ||
				 s3 > m * r * r * r * slack || s4 > m * r * r * r * r * slack ||
				 s1 / m * s1 > s2 * slack || s2 / m * s2 > s4 * slack)
			bad_state(str, "The power sums are not those of n - 1 bids between b2 and bn.");
	}

	PG_RETURN_POINTER(s);
}
