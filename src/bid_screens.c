/*-------------------------------------------------------------------------
 *
 * bid_screens.c
 *	  The bid-rigging screens of Imhof, Karagök and Rutz (2018) as one
 *	  aggregate: cleangov.bid_screens(price float8).
 *
 * The screens need the order of the bids (the lowest b1, the second lowest
 * b2, the highest bn, and the standard deviation of b2 ... bn) and the first
 * four central moments.  None of that needs the bids kept: the state holds
 * the count, b1, b2 and bn, and the moments (mean, M2, M3, M4) of every bid
 * except the current lowest one ("the rest").  A new bid at or above b1 is
 * added to the rest; a new lowest bid pushes the old b1 into the rest.  At
 * the end the rest is exactly b2 ... bn, and the moments of all the bids are
 * the rest combined with the single point b1.
 *
 * The rest's moments are of the bids minus b2, the lowest bid of the rest:
 * for prices of 10^9 the differences are exact, so the mean is kept to the
 * precision of the rest's spread rather than of the price, whatever the
 * order the bids arrive in.  When a bid below b2 joins the rest, the rest's
 * mean is moved to the new origin by adding the exact difference of the old
 * and new b2 (M2, M3 and M4 are central sums and do not depend on the
 * origin).  The origin is not b1: with b1 far below a tight cluster of cover
 * bids, the collusive pattern the RD screen looks for, the cluster's
 * differences from b1 would be large and the rest's spread would be lost in
 * their rounding.
 *
 * Moments are kept as central sums updated with the one-pass formulas of
 * Welford and Pébay (2008), and two states are merged with Pébay's pairwise
 * formulas; both stay accurate for prices of 10^9 that differ in the last
 * units, where sums of powers would lose every significant digit.  Keeping
 * the rest apart (rather than removing b1 from the moments of all bids at the
 * end) avoids a subtraction of nearly equal large numbers when b1 lies far
 * below a tight cluster of cover bids, which is exactly the collusive pattern
 * the RD screen looks for.
 *
 * The state is a fixed-length type, cleangov.bid_screens_state (64 bytes),
 * not internal: its text form holds every double in the shortest form that
 * reads back bit for bit, so partial states can travel as text (Citus) and
 * the aggregate has a combine function (parallel query).  64 bytes, not
 * more: a hash aggregate allocates one state per group, and 64 bytes take a
 * 64-byte allocator chunk where 72 would take a 128-byte one; with a million
 * tenders that is the difference between touching 80 and 144 MB.
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

/* Central moments of a set of values: count, mean and sums of powers of deviations. */
typedef struct Moments
{
	double		n;
	double		mean;
	double		m2;
	double		m3;
	double		m4;
} Moments;

/* The aggregate state; the layout is the on-disk form of bid_screens_state. */
typedef struct BidScreensState
{
	int64		n;				/* number of bids */
	double		b1;				/* lowest bid (n >= 1) */
	double		b2;				/* second lowest bid = lowest of the rest (n >= 2) */
	double		bn;				/* highest bid (n >= 1) */
	double		mean;			/* moments of the rest, the n - 1 bids other */
	double		m2;				/* than one lowest bid, minus b2 */
	double		m3;
	double		m4;
} BidScreensState;

#define BID_SCREENS_STATE_FIELDS 8
#define BID_SCREENS_RESULT_FIELDS 13

StaticAssertDecl(sizeof(BidScreensState) == 64,
				 "bid_screens_state has INTERNALLENGTH 64 in src/sql/30_bid_screens.sql");

/* Add one value to a set of moments (Pébay 2008, eq. 1.1 with n_b = 1). */
static inline void
moments_add(Moments *a, double x)
{
	double		n1 = a->n;
	double		n = n1 + 1.0;
	double		delta = x - a->mean;
	double		delta_n = delta / n;
	double		delta_n2 = delta_n * delta_n;
	double		term1 = delta * delta_n * n1;

	if (n1 == 0)
	{
		a->n = 1;
		a->mean = x;
		a->m2 = a->m3 = a->m4 = 0;
		return;
	}
	a->mean += delta_n;
	a->m4 += term1 * delta_n2 * (n * n - 3.0 * n + 3.0)
		+ 6.0 * delta_n2 * a->m2 - 4.0 * delta_n * a->m3;
	a->m3 += term1 * delta_n * (n - 2.0) - 3.0 * delta_n * a->m2;
	a->m2 += term1;
	a->n = n;
}

/* Merge set b into set a (Pébay 2008, pairwise formulas for M2, M3, M4). */
static void
moments_combine(Moments *a, const Moments *b)
{
	double		na = a->n;
	double		nb = b->n;
	double		n,
				delta,
				delta2,
				delta3,
				delta4;
	Moments		r;

	if (nb == 0)
		return;
	if (na == 0)
	{
		*a = *b;
		return;
	}
	n = na + nb;
	delta = b->mean - a->mean;
	delta2 = delta * delta;
	delta3 = delta2 * delta;
	delta4 = delta2 * delta2;

	r.n = n;
	r.mean = a->mean + delta * nb / n;
	r.m2 = a->m2 + b->m2 + delta2 * na * nb / n;
	r.m3 = a->m3 + b->m3
		+ delta3 * na * nb * (na - nb) / (n * n)
		+ 3.0 * delta * (na * b->m2 - nb * a->m2) / n;
	r.m4 = a->m4 + b->m4
		+ delta4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
		+ 6.0 * delta2 * (na * na * b->m2 + nb * nb * a->m2) / (n * n)
		+ 4.0 * delta * (na * b->m3 - nb * a->m3) / n;
	*a = r;
}

static inline Moments
state_rest(const BidScreensState *s)
{
	Moments		m;

	m.n = (double) (s->n > 0 ? s->n - 1 : 0);
	m.mean = s->mean;
	m.m2 = s->m2;
	m.m3 = s->m3;
	m.m4 = s->m4;
	return m;
}

static inline void
state_set_rest(BidScreensState *s, const Moments *m)
{
	s->mean = m->mean;
	s->m2 = m->m2;
	s->m3 = m->m3;
	s->m4 = m->m4;
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
	if (unlikely(s->n == PG_INT64_MAX))
		(void) cleangov_add_count(s->n, 1, "bid_screens");

	if (s->n == 0)
	{
		s->b1 = s->bn = x;
		s->n = 1;
		PG_RETURN_POINTER(s);
	}

	{
		Moments		rest = state_rest(s);
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
			rest.mean += s->b2 - v;
			s->b2 = v;
		}
		moments_add(&rest, v - s->b2);
		state_set_rest(s, &rest);
	}
	s->n++;
	check_moments(s->m2, s->m3, s->m4);
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
	Moments		rest_low,
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
	rest_low = state_rest(low);
	if (rest_low.n > 0)
		rest_low.mean += low->b2 - r.b2;
	rest_high = state_rest(high);
	if (rest_high.n > 0)
		rest_high.mean += high->b2 - r.b2;
	moments_add(&rest_high, high->b1 - r.b2);
	moments_combine(&rest_low, &rest_high);

	r.n = cleangov_add_count(a->n, b->n, "bid_screens");
	r.b1 = low->b1;
	r.bn = Max(a->bn, b->bn);
	state_set_rest(&r, &rest_low);
	memcpy(a, &r, sizeof(BidScreensState));
	check_moments(a->m2, a->m3, a->m4);
	PG_RETURN_POINTER(a);
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
	Moments		all;
	Moments		point;
	double		origin;
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

	all = state_rest(s);
	point.n = 1;
	origin = n >= 2 ? s->b2 : s->b1;
	point.mean = s->b1 - origin;
	point.m2 = point.m3 = point.m4 = 0;
	moments_combine(&all, &point);
	check_moments(all.m2, all.m3, all.m4);

	/* mean, b1, b2, bn */
#define SET(i, v) do { values[(i)] = Float8GetDatum(cleangov_check_result((v), "bid_screens", field_names[(i)])); nulls[(i)] = false; } while (0)
	all.mean += origin;
	SET(1, all.mean);
	SET(10, s->b1);
	if (n >= 2)
		SET(11, s->b2);
	SET(12, s->bn);

	if (n >= 2)
	{
		sd = sqrt(all.m2 / (dn - 1.0));
		SET(2, sd);						/* sd */
		if (all.mean != 0)
			SET(3, sd / all.mean);		/* cv */
		if (s->b1 != 0)
		{
			SET(6, (s->b2 - s->b1) / s->b1);	/* d */
			SET(9, (s->bn - s->b1) / s->b1);	/* spd */
		}
		if (s->bn != s->b1)
			SET(8, (dn - 1.0) * (s->b2 - s->b1) / (s->bn - s->b1));	/* normd */
	}
	if (n >= 3 && all.m2 > 0)
	{
		/* adjusted Fisher-Pearson: sqrt(n(n-1))/(n-2) * g1, g1 = sqrt(n) M3 / M2^1.5 */
		double		g1 = sqrt(dn) * all.m3 / (all.m2 * sqrt(all.m2));

		SET(4, sqrt(dn * (dn - 1.0)) / (dn - 2.0) * g1);
	}
	if (n >= 4 && all.m2 > 0)
	{
		/* sum((x - mean)/sd)^4 = M4 (n-1)^2 / M2^2 */
		double		s4 = all.m4 * (dn - 1.0) * (dn - 1.0) / (all.m2 * all.m2);

		SET(5, dn * (dn + 1.0) / ((dn - 1.0) * (dn - 2.0) * (dn - 3.0)) * s4
			- 3.0 * (dn - 1.0) * (dn - 1.0) / ((dn - 2.0) * (dn - 3.0)));
	}
	if (n >= 3)
	{
		sd_rest = sqrt(s->m2 / (dn - 2.0));
		if (sd_rest > 0)
			SET(7, (s->b2 - s->b1) / sd_rest);	/* rd */
	}
#undef SET

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Text form: (n,b1,b2,bn,mean,m2,m3,m4), each double in its shortest form
 * that reads back to the same bits (PostgreSQL's float8out algorithm).
 */
PG_FUNCTION_INFO_V1(bid_screens_state_out);

Datum
bid_screens_state_out(PG_FUNCTION_ARGS)
{
	const BidScreensState *s = (const BidScreensState *) PG_GETARG_POINTER(0);
	const double f[] = {s->b1, s->b2, s->bn, s->mean, s->m2, s->m3, s->m4};
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
			bad_state(str, "The state has eight comma-separated fields.");
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
	s->mean = f[3];
	s->m2 = f[4];
	s->m3 = f[5];
	s->m4 = f[6];

	if (n == 0 && (s->b1 != 0 || s->b2 != 0 || s->bn != 0 || s->mean != 0 ||
				   s->m2 != 0 || s->m3 != 0 || s->m4 != 0))
		bad_state(str, "An empty state has every field 0.");
	if (n >= 1 && (s->b1 < 0 || s->bn < s->b1))
		bad_state(str, "Prices are not negative and b1 <= bn.");
	if (n == 1 && (s->bn != s->b1 || s->b2 != 0 || s->mean != 0 ||
				   s->m2 != 0 || s->m3 != 0 || s->m4 != 0))
		bad_state(str, "A state of one bid has b1 = bn and no other bids.");
	if (n >= 2 && (s->b2 < s->b1 || s->bn < s->b2 || s->m2 < 0))
		bad_state(str, "The order b1 <= b2 <= bn does not hold, or M2 is negative.");
	if (n >= 1 && s->b1 > 0 && s->b1 < BID_SCREENS_MIN_PRICE)
		bad_state(str, "A positive price is at least 2^-200.");
	if (n == 2 && (s->mean != 0 || s->m2 != 0 || s->m3 != 0 || s->m4 != 0))
		bad_state(str, "The rest of a state of two bids is the single bid b2: its moments are 0.");
	if (n >= 3)
	{
		/*
		 * The rest is n - 1 values v - b2 in [0, R], R = bn - b2.  Their mean
		 * is in [0, R], M2 is at most (n-1) R^2 / 4, |M3| and M4 at most
		 * (n-1) R^3 and (n-1) R^4, and M4 at least M2^2 / (n-1) (Cauchy-
		 * Schwarz).  The bounds allow for rounding (1e-6 relative), so a
		 * state the kernel computed is never refused; R = 0 is exact.
		 */
		double		nr = (double) (n - 1);
		double		r = s->bn - s->b2;
		double		slack = 1e-6;
		double		r2 = r * r;

		if (r == 0)
		{
			if (s->mean != 0 || s->m2 != 0 || s->m3 != 0 || s->m4 != 0)
				bad_state(str, "When every bid of the rest equals b2, the moments are 0.");
		}
		else if (s->mean < -slack * r || s->mean > r * (1 + slack) ||
				 s->m2 > nr * r2 / 4 * (1 + slack) ||
				 fabs(s->m3) > nr * r2 * r * (1 + slack) ||
				 s->m4 < 0 || s->m4 > nr * r2 * r2 * (1 + slack) ||
				 s->m4 < s->m2 / nr * s->m2 * (1 - slack))
			bad_state(str, "The moments are not those of n - 1 bids between b2 and bn.");
	}

	PG_RETURN_POINTER(s);
}
