/*-------------------------------------------------------------------------
 *
 * benford.c
 *	  Benford's law tests (Nigrini 2012) as aggregates:
 *	  cleangov.benford(amount numeric [, test text]) and
 *	  cleangov.benford(amount float8 [, test text]), test 'first' (default),
 *	  'second' or 'first_two'.
 *
 * The state counts the amounts per leading digit (9, 10 or 90 counters) and
 * the amounts skipped because they are zero or too small for the test's
 * digits; the final function computes the proportions, the mean absolute
 * deviation with Nigrini's conformity bands, the chi-square statistic and its
 * p-value, and the largest per-digit Z.
 *
 * Digits are exact.  For numeric they are read straight from the stored
 * base-10000 digits: numeric.c does not export its layout, but it is
 * PostgreSQL's on-disk format (pg_upgrade carries numeric columns over
 * byte for byte, so it cannot change within a major version or across
 * pg_upgrade) and the few definitions needed are repeated below; the
 * regression tests compare every digit with the one in numeric's text output
 * over a wide range of values and both header formats.  Going through
 * numeric_out would cost an allocation and a conversion per row.  For float8
 * the digits are those of the shortest decimal form that reads back to the
 * same double (what float8out prints with extra_float_digits >= 1); below
 * 2^53 those are the digits of the integer part, read with integer
 * arithmetic, above it the shortest form is computed.
 *
 * "Too small" means the test's digits are not all in the integer part:
 * |x| < 1 for the first-digit test, |x| < 10 for the second-digit and
 * first-two-digits tests.  Such amounts are skipped and counted.
 *
 * The state is a varlena type, cleangov.benford_state, sized by the test,
 * with a text form that reads back exactly; the aggregates have a combine
 * function and run in parallel.
 *
 * IDENTIFICATION
 *	  src/benford.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <ctype.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/shortest_dec.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* The tests; the code is stored in the state (0: no row seen yet). */
typedef enum BenfordTest
{
	BENFORD_UNSET = 0,
	BENFORD_FIRST = 1,
	BENFORD_SECOND = 2,
	BENFORD_FIRST_TWO = 3
} BenfordTest;

typedef struct BenfordTestInfo
{
	const char *name;
	int			ndigits;		/* leading digits read: 1 or 2 */
	int			nbins;			/* counters */
	int			lowest;			/* digit value of counter 0 */
	double		bands[3];		/* MAD bands: close, acceptable, marginal */
} BenfordTestInfo;

static const BenfordTestInfo benford_tests[] = {
	[BENFORD_UNSET] = {NULL, 0, 0, 0, {0, 0, 0}},
	[BENFORD_FIRST] = {"first", 1, 9, 1, {0.006, 0.012, 0.015}},
	[BENFORD_SECOND] = {"second", 2, 10, 0, {0.008, 0.010, 0.012}},
	[BENFORD_FIRST_TWO] = {"first_two", 2, 90, 10, {0.0012, 0.0018, 0.0022}},
};

#define BENFORD_MAX_BINS 90

typedef struct BenfordState
{
	int32		vl_len_;		/* varlena header */
	int32		test;			/* BenfordTest */
	int64		zeros;			/* amounts skipped because 0 */
	int64		small;			/* amounts skipped as too small for the test */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];	/* nbins counters */
} BenfordState;

#define BENFORD_STATE_SIZE(nbins) (offsetof(BenfordState, counts) + (nbins) * sizeof(int64))
#define BENFORD_RESULT_FIELDS 12

/* Outcome of reading the leading digits of one amount. */
#define DIGITS_ZERO		(-1)
#define DIGITS_SMALL	(-2)

static const uint64 pow10_u64[] = {
	UINT64CONST(1), UINT64CONST(10), UINT64CONST(100), UINT64CONST(1000),
	UINT64CONST(10000), UINT64CONST(100000), UINT64CONST(1000000),
	UINT64CONST(10000000), UINT64CONST(100000000), UINT64CONST(1000000000),
	UINT64CONST(10000000000), UINT64CONST(100000000000),
	UINT64CONST(1000000000000), UINT64CONST(10000000000000),
	UINT64CONST(100000000000000), UINT64CONST(1000000000000000),
	UINT64CONST(10000000000000000), UINT64CONST(100000000000000000),
	UINT64CONST(1000000000000000000), UINT64CONST(10000000000000000000)
};

/* ---- the test argument ------------------------------------------------ */

static BenfordTest
parse_test(text *t)
{
	const char *s = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);

	for (int i = BENFORD_FIRST; i <= BENFORD_FIRST_TWO; i++)
	{
		if (len == (int) strlen(benford_tests[i].name) &&
			memcmp(s, benford_tests[i].name, len) == 0)
			return (BenfordTest) i;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("benford: unknown test \"%.*s\"", len, s),
			 errhint("The test is 'first', 'second' or 'first_two'.")));
	return BENFORD_UNSET;		/* keep compiler quiet */
}

static BenfordTest
test_argument(FunctionCallInfo fcinfo)
{
	if (PG_NARGS() < 3)
		return BENFORD_FIRST;
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("benford: the test must not be NULL"),
				 errhint("The test is 'first', 'second' or 'first_two'.")));
	return parse_test(PG_GETARG_TEXT_PP(2));
}

/* ---- digits ------------------------------------------------------------ */

/*
 * Leading digits of the integer n >= 10^(k-1): the first k digits as a
 * number (1..9 for k = 1, 10..99 for k = 2).
 */
static inline int
leading_of_u64(uint64 v, int k)
{
	/* number of decimal digits, from the bit length (then corrected) */
	int			bits = 64 - __builtin_clzll(v);
	int			nd = (bits * 1233) >> 12;	/* floor(bits * log10(2)) */

	if (nd < 19 && v >= pow10_u64[nd])
		nd++;
	if (nd == 0)
		nd = 1;
	return (int) (v / pow10_u64[nd - k]);
}

/*
 * Leading digits of a float8 per its shortest exact decimal form, or
 * DIGITS_ZERO / DIGITS_SMALL.
 */
static inline int
float8_leading(double x, int k)
{
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];
	const char *p;
	int			d1,
				d2 = 0;

	cleangov_check_finite(x, "benford");
	x = fabs(x);
	if (x == 0)
		return DIGITS_ZERO;
	if (x < (k == 1 ? 1.0 : 10.0))
		return DIGITS_SMALL;
	/*
	 * Below 2^53 every integer is a double, so the shortest decimal form of
	 * x cannot cross an integer boundary: its leading digits are those of
	 * floor(x).
	 */
	if (x < 9007199254740992.0)
		return leading_of_u64((uint64) x, k);

	/* large: digits of the shortest form, e.g. "1.2345e+22" */
	double_to_shortest_decimal_buf(x, buf);
	p = buf;
	d1 = *p++ - '0';
	if (*p == '.')
		p++;
	if (isdigit((unsigned char) *p))
		d2 = *p - '0';
	return k == 1 ? d1 : d1 * 10 + d2;
}

/*
 * The on-disk layout of numeric (src/backend/utils/adt/numeric.c, not
 * exported): a uint16 header; the short format (high bits 10) packs sign,
 * display scale and a 7-bit weight into it, the long format (00 positive,
 * 01 negative) is followed by an int16 weight; high bits 11 mark NaN and
 * the infinities.  Then the base-10000 digits as int16, most significant
 * first, with leading and trailing zero digits stripped (zero has none).
 */
#define NUM_SIGN_MASK			0xC000
#define NUM_SHORT				0x8000
#define NUM_SPECIAL				0xC000
#define NUM_NAN					0xC000
#define NUM_SHORT_WEIGHT_SIGN	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F
#define NUM_NBASE				10000
#define NUM_DEC_DIGITS			4

static pg_attribute_noreturn() void
numeric_not_finite(uint16 header)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("benford: input must be a finite number"),
			 errdetail("The value was %s.", header == NUM_NAN ? "NaN" :
					   (header & 0x2000) ? "-Infinity" : "Infinity"),
			 errhint("Filter non-finite values out before calling benford.")));
}

static pg_attribute_noreturn() void
numeric_corrupt(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("benford: invalid numeric value"),
			 errdetail("A base-10000 digit is out of range.")));
}

static inline int
numeric_leading(Datum d, int k)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(d);
	const char *p = VARDATA_ANY(v);
	int			size = VARSIZE_ANY_EXHDR(v);
	uint16		header;
	int			weight;
	int			ndigits;
	const char *digits;
	int16		d0,
				d1 = 0;
	int			nd0,
				exponent,
				first,
				second;

	/* the packed form is not aligned: read fields with memcpy */
	memcpy(&header, p, sizeof(uint16));
	if ((header & NUM_SIGN_MASK) == NUM_SPECIAL)
		numeric_not_finite(header);
	if ((header & NUM_SIGN_MASK) == NUM_SHORT)
	{
		weight = (header & NUM_SHORT_WEIGHT_SIGN) ? (~NUM_SHORT_WEIGHT_MASK | (header & NUM_SHORT_WEIGHT_MASK))
			: (header & NUM_SHORT_WEIGHT_MASK);
		digits = p + sizeof(uint16);
		ndigits = (size - (int) sizeof(uint16)) / (int) sizeof(int16);
	}
	else
	{
		int16		w;

		memcpy(&w, p + sizeof(uint16), sizeof(int16));
		weight = w;
		digits = p + 2 * sizeof(uint16);
		ndigits = (size - 2 * (int) sizeof(uint16)) / (int) sizeof(int16);
	}

	/* skip leading zero digits (stored values have none; be safe) */
	for (;;)
	{
		if (ndigits <= 0)
			return DIGITS_ZERO;
		memcpy(&d0, digits, sizeof(int16));
		if (d0 != 0)
			break;
		digits += sizeof(int16);
		ndigits--;
		weight--;
	}
	if (unlikely(d0 < 0 || d0 >= NUM_NBASE))
		numeric_corrupt();

	nd0 = d0 >= 1000 ? 4 : d0 >= 100 ? 3 : d0 >= 10 ? 2 : 1;
	/* decimal exponent of the leading digit: |x| is in [10^e, 10^(e+1)) */
	exponent = weight * NUM_DEC_DIGITS + nd0 - 1;
	if (exponent < k - 1)
		return DIGITS_SMALL;
	first = d0 / (int) pow10_u64[nd0 - 1];
	if (k == 1)
		return first;
	if (nd0 >= 2)
		second = (d0 / (int) pow10_u64[nd0 - 2]) % 10;
	else
	{
		if (ndigits >= 2)
		{
			memcpy(&d1, digits + sizeof(int16), sizeof(int16));
			if (unlikely(d1 < 0 || d1 >= NUM_NBASE))
				numeric_corrupt();
		}
		second = d1 / 1000;
	}
	return first * 10 + second;
}

/* ---- state ------------------------------------------------------------- */

static BenfordState *
state_new(BenfordTest test)
{
	int			nbins = benford_tests[test].nbins;
	BenfordState *s = palloc0(BENFORD_STATE_SIZE(nbins));

	SET_VARSIZE(s, BENFORD_STATE_SIZE(nbins));
	s->test = test;
	return s;
}

static BenfordState *
state_copy(const BenfordState *s)
{
	BenfordState *c = palloc(VARSIZE(s));

	memcpy(c, s, VARSIZE(s));
	return c;
}

static pg_attribute_noreturn() void
tests_differ(int a, int b)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("benford: cannot mix tests \"%s\" and \"%s\" in one aggregate",
					benford_tests[a].name, benford_tests[b].name),
			 errhint("Use the same test for every row of a group.")));
}

/*
 * The state to update for this row's test.  Inside an aggregate the state is
 * updated in place; the first row replaces the empty initial state by one
 * sized for the test (nodeAgg moves it into the aggregate's context).
 */
static BenfordState *
state_for_row(FunctionCallInfo fcinfo)
{
	BenfordState *s;
	BenfordTest test = test_argument(fcinfo);

	/*
	 * The aggregates start from '()', but the transition functions are not
	 * STRICT (the test argument must be checked even for a NULL amount) and
	 * can be called directly with a NULL state: that is an empty state.
	 */
	if (PG_ARGISNULL(0))
		return state_new(test);
	s = (BenfordState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (unlikely(s->test != (int32) test))
	{
		if (s->test != BENFORD_UNSET)
			tests_differ(s->test, test);
		return state_new(test);
	}
	if (!AggCheckCallContext(fcinfo, NULL))
		return state_copy(s);
	return s;
}

static inline void
state_add(BenfordState *s, int lead)
{
	int64	   *c;

	if (lead == DIGITS_ZERO)
		c = &s->zeros;
	else if (lead == DIGITS_SMALL)
		c = &s->small;
	else if (s->test == BENFORD_SECOND)
		c = &s->counts[lead % 10];
	else
		c = &s->counts[lead - benford_tests[s->test].lowest];
	/* the total is checked by the final function, the combine and the input */
	*c = cleangov_add_count(*c, 1, "benford");
}

/*
 * Amounts seen: the digit counts and the skipped ones.  Refused when the
 * total overflows int64, so the final function's n is always right.
 */
static int64
state_total(const BenfordState *s, bool with_skipped)
{
	int64		n = 0;

	for (int i = 0; i < benford_tests[s->test].nbins; i++)
		n = cleangov_add_count(n, s->counts[i], "benford");
	if (with_skipped)
	{
		n = cleangov_add_count(n, s->zeros, "benford");
		n = cleangov_add_count(n, s->small, "benford");
	}
	return n;
}

PG_FUNCTION_INFO_V1(benford_numeric_transfn);

Datum
benford_numeric_transfn(PG_FUNCTION_ARGS)
{
	BenfordState *s;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
	{
		(void) test_argument(fcinfo);
		PG_RETURN_NULL();
	}
	s = state_for_row(fcinfo);
	if (!PG_ARGISNULL(1))
		state_add(s, numeric_leading(PG_GETARG_DATUM(1), benford_tests[s->test].ndigits));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(benford_float8_transfn);

Datum
benford_float8_transfn(PG_FUNCTION_ARGS)
{
	BenfordState *s;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
	{
		(void) test_argument(fcinfo);
		PG_RETURN_NULL();
	}
	s = state_for_row(fcinfo);
	if (!PG_ARGISNULL(1))
		state_add(s, float8_leading(PG_GETARG_FLOAT8(1), benford_tests[s->test].ndigits));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(benford_combinefn);

Datum
benford_combinefn(PG_FUNCTION_ARGS)
{
	BenfordState *a = (BenfordState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	const BenfordState *b = (const BenfordState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));

	if (b->test == BENFORD_UNSET)
		PG_RETURN_POINTER(a);
	if (a->test == BENFORD_UNSET)
		PG_RETURN_POINTER(state_copy(b));
	if (a->test != b->test)
		tests_differ(a->test, b->test);
	/* both totals fit in int64 (the input and this function see to it) */
	(void) cleangov_add_count(state_total(a, true), state_total(b, true), "benford");
	if (!AggCheckCallContext(fcinfo, NULL))
		a = state_copy(a);
	a->zeros += b->zeros;
	a->small += b->small;
	for (int i = 0; i < benford_tests[a->test].nbins; i++)
		a->counts[i] += b->counts[i];
	PG_RETURN_POINTER(a);
}

/* ---- statistics -------------------------------------------------------- */

/* Benford's expected proportions per test, filled on first use. */
static double expected_first[9];
static double expected_second[10];
static double expected_first_two[90];
static bool expected_ready = false;

static const double *
expected_for(BenfordTest test)
{
	if (!expected_ready)
	{
		for (int d = 1; d <= 9; d++)
			expected_first[d - 1] = log10(1.0 + 1.0 / d);
		for (int d = 0; d <= 9; d++)
		{
			double		e = 0;

			for (int k = 1; k <= 9; k++)
				e += log10(1.0 + 1.0 / (10.0 * k + d));
			expected_second[d] = e;
		}
		for (int d = 10; d <= 99; d++)
			expected_first_two[d - 10] = log10(1.0 + 1.0 / d);
		expected_ready = true;
	}
	switch (test)
	{
		case BENFORD_FIRST:
			return expected_first;
		case BENFORD_SECOND:
			return expected_second;
		default:
			return expected_first_two;
	}
}

/*
 * Regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a):
 * the series for P when x < a + 1, else Lentz's continued fraction for Q
 * (Numerical Recipes, 6.2).  The chi-square p-value is Q(df / 2, chi2 / 2).
 */
static double
gamma_q(double a, double x)
{
	const double eps = 1e-16;
	const double tiny = 1e-300;
	double		lnpre;

	double		q;
	/* both expansions need about sqrt(a) terms more for a large a */
	int			max_iter = 10000 + (int) Min(10.0 * sqrt(a), 1e7);

	if (x <= 0)
		return 1.0;
	lnpre = -x + a * log(x) - lgamma(a);
	if (x < a + 1.0)
	{
		double		ap = a,
					del = 1.0 / a,
					sum = del;

		for (int i = 0; i < max_iter; i++)
		{
			ap += 1.0;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * eps)
				break;
		}
		q = 1.0 - sum * exp(lnpre);
	}
	else
	{
		double		b = x + 1.0 - a,
					c = 1.0 / tiny,
					d = 1.0 / b,
					h = d;

		for (int i = 1; i < max_iter; i++)
		{
			double		an = -i * (i - a);
			double		del;

			b += 2.0;
			d = an * d + b;
			if (fabs(d) < tiny)
				d = tiny;
			c = b + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1.0 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1.0) < eps)
				break;
		}
		q = exp(lnpre) * h;
	}
	/* a probability, whatever the rounding of the last terms */
	return q < 0 ? 0 : q > 1 ? 1 : q;
}

PG_FUNCTION_INFO_V1(benford_chi2_p);

/* The chi-square upper tail as SQL, for tests and for analysts. */
Datum
benford_chi2_p(PG_FUNCTION_ARGS)
{
	double		chi2 = PG_GETARG_FLOAT8(0);
	int32		df = PG_GETARG_INT32(1);

	cleangov_check_finite(chi2, "chi2_p");
	if (df < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("chi2_p: degrees of freedom must be at least 1"),
				 errdetail("The degrees of freedom were %d.", df)));
	if (chi2 < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("chi2_p: the statistic must not be negative"),
				 errdetail("The statistic was %g.", chi2)));
	PG_RETURN_FLOAT8(gamma_q(df / 2.0, chi2 / 2.0));
}

static Datum
int64_array(const int64 *v, int n, int lowest)
{
	Datum		elems[BENFORD_MAX_BINS];
	int			dims[1] = {n};
	int			lbs[1] = {lowest};

	for (int i = 0; i < n; i++)
		elems[i] = Int64GetDatum(v[i]);
	return PointerGetDatum(construct_md_array(elems, NULL, 1, dims, lbs,
											  INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

static Datum
float8_array(const double *v, int n, int lowest)
{
	Datum		elems[BENFORD_MAX_BINS];
	int			dims[1] = {n};
	int			lbs[1] = {lowest};

	for (int i = 0; i < n; i++)
		elems[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_md_array(elems, NULL, 1, dims, lbs,
											  FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
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
			elog(ERROR, "benford_finalfn: return type must be a row type");
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	return tupdesc;
}

PG_FUNCTION_INFO_V1(benford_finalfn);

/*
 * Result fields: test, n, skipped_zero, skipped_small, mad, chi2, p_value,
 * max_z, max_z_digit, conformity, observed, counts.  Arrays are indexed by
 * the digit value: [1:9], [0:9] or [10:99].
 */
Datum
benford_finalfn(PG_FUNCTION_ARGS)
{
	const BenfordState *s = (const BenfordState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	TupleDesc	tupdesc;
	Datum		values[BENFORD_RESULT_FIELDS];
	bool		nulls[BENFORD_RESULT_FIELDS];
	const BenfordTestInfo *info;
	const double *expected;
	double		observed[BENFORD_MAX_BINS];
	int64		n = 0;
	double		dn,
				mad = 0,
				chi2 = 0,
				max_z = -1;
	int			max_z_digit = 0;
	const char *conformity;

	tupdesc = result_tupdesc(fcinfo);
	for (int i = 0; i < BENFORD_RESULT_FIELDS; i++)
		nulls[i] = true;

	if (s->test < BENFORD_UNSET || s->test > BENFORD_FIRST_TWO)
		elog(ERROR, "benford_finalfn: invalid test code %d", s->test);
	info = &benford_tests[s->test];
	n = state_total(s, false);
	(void) state_total(s, true);

#define SET(i, v) do { values[(i)] = (v); nulls[(i)] = false; } while (0)
	SET(1, Int64GetDatum(n));
	SET(2, Int64GetDatum(s->zeros));
	SET(3, Int64GetDatum(s->small));
	if (s->test == BENFORD_UNSET)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
	SET(0, CStringGetTextDatum(info->name));
	SET(11, int64_array(s->counts, info->nbins, info->lowest));
	if (n == 0)
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));

	expected = expected_for(s->test);
	dn = (double) n;
	for (int i = 0; i < info->nbins; i++)
	{
		double		e = expected[i];
		double		p = s->counts[i] / dn;
		double		dev = fabs(p - e);
		double		cc = 1.0 / (2.0 * dn);
		double		z;

		observed[i] = p;
		mad += dev;
		chi2 += (s->counts[i] - dn * e) * (s->counts[i] - dn * e) / (dn * e);
		/* Nigrini: the continuity correction only when it is below |p - e| */
		z = (cc < dev ? dev - cc : dev) / sqrt(e * (1.0 - e) / dn);
		if (z > max_z)
		{
			max_z = z;
			max_z_digit = info->lowest + i;
		}
	}
	mad /= info->nbins;
	if (mad < info->bands[0])
		conformity = "close";
	else if (mad < info->bands[1])
		conformity = "acceptable";
	else if (mad < info->bands[2])
		conformity = "marginal";
	else
		conformity = "nonconformity";

	SET(4, Float8GetDatum(mad));
	SET(5, Float8GetDatum(chi2));
	SET(6, Float8GetDatum(gamma_q((info->nbins - 1) / 2.0, chi2 / 2.0)));
	SET(7, Float8GetDatum(max_z));
	SET(8, Int32GetDatum(max_z_digit));
	SET(9, CStringGetTextDatum(conformity));
	SET(10, float8_array(observed, info->nbins, info->lowest));
#undef SET

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ---- text form --------------------------------------------------------- */

PG_FUNCTION_INFO_V1(benford_state_out);

/* "()" before any row; else (test,zeros,small,{c1,...}). */
Datum
benford_state_out(PG_FUNCTION_ARGS)
{
	const BenfordState *s = (const BenfordState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	if (s->test == BENFORD_UNSET)
		PG_RETURN_CSTRING(pstrdup("()"));
	appendStringInfo(&buf, "(%s," INT64_FORMAT "," INT64_FORMAT ",{",
					 benford_tests[s->test].name, s->zeros, s->small);
	for (int i = 0; i < benford_tests[s->test].nbins; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT, i ? "," : "", s->counts[i]);
	appendStringInfoString(&buf, "})");
	PG_RETURN_CSTRING(buf.data);
}

static pg_attribute_noreturn() void
bad_state(const char *str, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type benford_state: \"%s\"", str),
			 errdetail("%s", why)));
}

static int64
read_count(const char *str, const char **p)
{
	char	   *end;
	long long	v;

	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno != 0 || v < 0 || !isdigit((unsigned char) **p))
		bad_state(str, "Counts are whole numbers, 0 or more.");
	*p = end;
	return (int64) v;
}

PG_FUNCTION_INFO_V1(benford_state_in);

Datum
benford_state_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p = str;
	const char *name;
	BenfordState *s;
	BenfordTest test = BENFORD_UNSET;
	int			len;

	while (isspace((unsigned char) *p))
		p++;
	if (*p++ != '(')
		bad_state(str, "The state must start with \"(\".");
	name = p;
	while (*p && *p != ',' && *p != ')')
		p++;
	len = p - name;
	if (len == 0 && *p == ')')
		s = state_new(BENFORD_UNSET);
	else
	{
		for (int i = BENFORD_FIRST; i <= BENFORD_FIRST_TWO; i++)
			if (len == (int) strlen(benford_tests[i].name) &&
				memcmp(name, benford_tests[i].name, len) == 0)
				test = (BenfordTest) i;
		if (test == BENFORD_UNSET)
			bad_state(str, "The test is first, second or first_two.");
		s = state_new(test);
		if (*p++ != ',')
			bad_state(str, "The test is followed by the two skipped counts.");
		s->zeros = read_count(str, &p);
		if (*p++ != ',')
			bad_state(str, "The test is followed by the two skipped counts.");
		s->small = read_count(str, &p);
		if (*p++ != ',' || *p++ != '{')
			bad_state(str, "The counts per digit follow in braces.");
		for (int i = 0; i < benford_tests[test].nbins; i++)
		{
			if (i > 0 && *p++ != ',')
				bad_state(str, "The state has one count per digit of its test.");
			s->counts[i] = read_count(str, &p);
		}
		if (*p++ != '}')
			bad_state(str, "The state has one count per digit of its test.");
	}
	if (*p++ != ')')
		bad_state(str, "The state must end with \")\".");
	while (isspace((unsigned char) *p))
		p++;
	if (*p != '\0')
		bad_state(str, "Nothing may follow the closing \")\".");
	/* no set of amounts has more than 2^63 - 1 members */
	{
		int64		n = 0;
		bool		overflow = false;

		for (int i = 0; i < benford_tests[s->test].nbins; i++)
			overflow |= pg_add_s64_overflow(n, s->counts[i], &n);
		overflow |= pg_add_s64_overflow(n, s->zeros, &n);
		overflow |= pg_add_s64_overflow(n, s->small, &n);
		if (overflow)
			bad_state(str, "The counts add up to more than 9223372036854775807 amounts.");
	}
	PG_RETURN_POINTER(s);
}
