/*-------------------------------------------------------------------------
 *
 * robust.c
 *	  Robust outlier statistics: median, MAD, quartiles and IQR fences.
 *
 * The median, the median absolute deviation and the quartiles are
 * holistic: an exact answer needs every value of the group.  The state
 * (type cleangov.robust_state) is therefore the values themselves, in a
 * flat float8 array that grows by doubling, so adding a row costs O(1)
 * amortised and no row copies the whole state.  Combining two states
 * concatenates them, which is what makes the aggregates parallel and
 * distributable; the text form lists k, n and every value in its shortest
 * exact decimal, so it reads back to the same state.
 *
 * The final functions sort the values where they lie.  Sorting changes the
 * representation of the state but not the multiset it stands for, so the
 * transition function can go on adding values afterwards and the final
 * function can be called again: this is what lets the aggregates run as
 * window functions (FINALFUNC_MODIFY = READ_ONLY).  The state remembers
 * how many leading values are already sorted, so a running window frame
 * only sorts the new tail and merges it in.
 *
 * Quantiles follow percentile_cont exactly (the same position and the same
 * linear interpolation, operation for operation), so the median and the
 * quartiles are bit-for-bit those of PostgreSQL's percentile_cont.
 *
 * IDENTIFICATION
 *	  src/robust.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* Scale that turns a MAD into a consistent estimate of a normal sd. */
#define MAD_SCALE 1.4826
#define DEFAULT_K 1.5

typedef struct RobustState
{
	int32		vl_len_;		/* varlena header; the size includes spare room */
	int32		reserved;		/* always 0 */
	float8		k;				/* fence multiplier */
	int64		n;				/* values in use */
	int64		nsorted;		/* leading values known to be in order */
	float8		values[FLEXIBLE_ARRAY_MEMBER];
} RobustState;

#define ROBUST_HDRSZ		offsetof(RobustState, values)
#define ROBUST_CAPACITY(s)	((int64) ((VARSIZE(s) - ROBUST_HDRSZ) / sizeof(float8)))
#define ROBUST_MAX_VALUES	((int64) ((MaxAllocSize - ROBUST_HDRSZ) / sizeof(float8)))

#define ST_SORT sort_float8
#define ST_ELEMENT_TYPE float8
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

PG_FUNCTION_INFO_V1(cleangov_robust_state_in);
PG_FUNCTION_INFO_V1(cleangov_robust_state_out);
PG_FUNCTION_INFO_V1(cleangov_robust_trans);
PG_FUNCTION_INFO_V1(cleangov_robust_trans_k);
PG_FUNCTION_INFO_V1(cleangov_robust_combine);
PG_FUNCTION_INFO_V1(cleangov_robust_stats_final);
PG_FUNCTION_INFO_V1(cleangov_median_final);
PG_FUNCTION_INFO_V1(cleangov_mad_final);
PG_FUNCTION_INFO_V1(cleangov_robust_z);
PG_FUNCTION_INFO_V1(cleangov_quantile_of);

/*
 * Name of the aggregate being computed, for messages: median, mad and
 * robust_stats share their transition function.
 */
static const char *
robust_kernel(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);

	if (aggref != NULL)
	{
		char	   *name = get_func_name(aggref->aggfnoid);

		if (name != NULL)
			return name;
	}
	return "median/mad/robust_stats";
}

/* A new state with room for capacity values, in the current context. */
static RobustState *
robust_alloc(int64 capacity, double k)
{
	Size		size = ROBUST_HDRSZ + (Size) capacity * sizeof(float8);
	RobustState *s = palloc0(size);

	SET_VARSIZE(s, size);
	s->k = k;
	return s;
}

/*
 * Make room for extra more values.  A larger state is allocated in the
 * current (per-call) context; the executor copies a state returned at a new
 * address into the aggregate's context and frees the old one, so growth by
 * doubling keeps the total copying linear in the number of rows.  The spare
 * room is zeroed because it travels with the state.
 */
static RobustState *
robust_reserve(RobustState *s, int64 extra, const char *kernel)
{
	int64		need = s->n + extra;
	int64		cap = ROBUST_CAPACITY(s);
	int64		newcap;
	RobustState *ns;

	if (need <= cap)
		return s;
	if (need > ROBUST_MAX_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: too many values in one group", kernel),
				 errdetail("An exact median keeps every value; one group can hold at most " INT64_FORMAT " values.",
						   ROBUST_MAX_VALUES),
				 errhint("Split the group into smaller ones.")));
	newcap = Max(cap * 2, 8);
	if (newcap < need)
		newcap = need;
	if (newcap > ROBUST_MAX_VALUES)
		newcap = ROBUST_MAX_VALUES;
	ns = robust_alloc(newcap, s->k);
	memcpy(ns->values, s->values, (Size) s->n * sizeof(float8));
	ns->n = s->n;
	ns->nsorted = s->nsorted;
	return ns;
}

/*
 * The state argument, ready to be changed: in an aggregate the executor
 * owns the state and lets the support functions change it in place;
 * called directly, a function must not change its argument, so it works
 * on a copy.
 */
static RobustState *
robust_arg(FunctionCallInfo fcinfo, int argno)
{
	if (AggCheckCallContext(fcinfo, NULL))
		return (RobustState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	return (RobustState *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(argno));
}

static void
robust_check_k(double k, const char *kernel)
{
	cleangov_check_finite(k, kernel);
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: k must not be negative", kernel),
				 errdetail("k was %g.", k),
				 errhint("The fences are Q1 - k*IQR and Q3 + k*IQR; the usual k is 1.5 (outliers) or 3 (far outliers).")));
}

static void
robust_same_k(double a, double b, const char *kernel)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: k must be the same for every row of a group", kernel),
				 errdetail("Found k = %g and k = %g.", a, b),
				 errhint("Pass k as a constant.")));
}

static Datum
robust_add(FunctionCallInfo fcinfo, double k)
{
	RobustState *s;
	double		x;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	x = PG_GETARG_FLOAT8(1);
	if (unlikely(isnan(x) || isinf(x)))
		cleangov_check_finite(x, robust_kernel(fcinfo));

	/*
	 * -0 becomes 0: the sort holds them equal, so which of them a quantile
	 * picks would depend on the order of the rows ("-0" or "0" in evidence).
	 */
	x += 0.0;

	if (PG_ARGISNULL(0))
		s = robust_alloc(8, k);
	else
	{
		s = robust_arg(fcinfo, 0);
		robust_same_k(s->k, k, robust_kernel(fcinfo));
		if (s->n == ROBUST_CAPACITY(s))
			s = robust_reserve(s, 1, robust_kernel(fcinfo));
	}
	/* values arriving in order (a window ordered by the value) need no sort */
	if (s->nsorted == s->n && (s->n == 0 || s->values[s->n - 1] <= x))
		s->nsorted++;
	s->values[s->n++] = x;
	PG_RETURN_POINTER(s);
}

Datum
cleangov_robust_trans(PG_FUNCTION_ARGS)
{
	return robust_add(fcinfo, DEFAULT_K);
}

Datum
cleangov_robust_trans_k(PG_FUNCTION_ARGS)
{
	double		k;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("robust_stats: k must not be null"),
				 errhint("Leave k out to use the default 1.5.")));
	k = PG_GETARG_FLOAT8(2);
	robust_check_k(k, "robust_stats");
	return robust_add(fcinfo, k);
}

Datum
cleangov_robust_combine(PG_FUNCTION_ARGS)
{
	RobustState *a = robust_arg(fcinfo, 0);
	RobustState *b = (RobustState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	bool		a_sorted;

	robust_same_k(a->k, b->k, "robust_stats");
	if (b->n == 0)
		PG_RETURN_POINTER(a);
	a = robust_reserve(a, b->n, "robust_stats");
	a_sorted = (a->nsorted == a->n);
	memcpy(a->values + a->n, b->values, (Size) b->n * sizeof(float8));
	if (a_sorted && (a->n == 0 || a->values[a->n - 1] <= b->values[0]))
		a->nsorted = a->n + b->nsorted;
	a->n += b->n;
	PG_RETURN_POINTER(a);
}

/*
 * The state with its values in order.  Only the unsorted tail is sorted;
 * a short tail is then merged into the sorted prefix from the back, using
 * scratch room the size of the tail.
 */
static RobustState *
robust_sorted(FunctionCallInfo fcinfo)
{
	RobustState *s = (RobustState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int64		ns;
	int64		tail;

	if (s->nsorted >= s->n)
		return s;
	if (!AggCheckCallContext(fcinfo, NULL))
		s = (RobustState *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	ns = s->nsorted;
	tail = s->n - ns;
	if (tail >= ns)
		sort_float8(s->values, (size_t) s->n);
	else
	{
		float8	   *v = s->values;
		float8	   *t;
		int64		i = ns - 1;
		int64		j = tail - 1;
		int64		w = s->n - 1;

		sort_float8(v + ns, (size_t) tail);
		if (v[ns - 1] > v[ns])
		{
			t = palloc((Size) tail * sizeof(float8));
			memcpy(t, v + ns, (Size) tail * sizeof(float8));
			while (j >= 0)
			{
				if (i >= 0 && v[i] > t[j])
					v[w--] = v[i--];
				else
					v[w--] = t[j--];
			}
			pfree(t);
		}
	}
	s->nsorted = s->n;
	return s;
}

/* percentile_cont's interpolation, operation for operation */
static inline double
lerp(double lo, double hi, double frac, const char *kernel, const char *what)
{
	double		r = lo + (frac * (hi - lo));

	if (unlikely(isinf(r) || isnan(r)))
	{
		/* hi - lo overflowed although both are finite: weigh them instead */
		r = lo * (1.0 - frac) + hi * frac;
		if (isinf(r) || isnan(r))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: %s is out of range", kernel, what)));
	}
	return r;
}

/* percentile_cont(p) of n > 0 sorted values */
static double
quantile(const float8 *x, int64 n, double p, const char *kernel, const char *what)
{
	double		pos = p * (n - 1);
	int64		lo = (int64) floor(pos);
	int64		hi = (int64) ceil(pos);

	if (hi == lo)
		return x[lo];
	return lerp(x[lo], x[hi], pos - lo, kernel, what);
}

/*
 * Median of |x - m| over n > 0 sorted values.  The deviations left of m
 * and right of m are two sorted runs (read outwards from m); walking them
 * like a merge up to the middle rank gives the median in O(n) time with no
 * extra memory.  m - x equals |x - m| exactly for x < m, so the result is
 * the percentile_cont of abs(x - m) bit for bit.
 */
static double
mad_sorted(const float8 *x, int64 n, double m, const char *kernel)
{
	double		pos = 0.5 * (n - 1);
	int64		lo = (int64) floor(pos);
	int64		hi = (int64) ceil(pos);
	int64		j;
	int64		i;
	int64		r;
	double		dlo = 0;
	double		dhi = 0;

	/* first index with x[j] >= m */
	{
		int64		a = 0,
					b = n;

		while (a < b)
		{
			int64		mid = a + (b - a) / 2;

			if (x[mid] < m)
				a = mid + 1;
			else
				b = mid;
		}
		j = a;
	}
	i = j - 1;
	for (r = 0; r <= hi; r++)
	{
		double		d;

		if (j < n && (i < 0 || x[j] - m <= m - x[i]))
			d = x[j++] - m;
		else
			d = m - x[i--];
		if (unlikely(isinf(d)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: deviation from the median is out of range", kernel),
					 errdetail("The values span more than the float8 range.")));
		if (r == lo)
			dlo = d;
		if (r == hi)
			dhi = d;
	}
	if (hi == lo)
		return dlo;
	return lerp(dlo, dhi, pos - lo, kernel, "mad");
}

static double
checked(double v, const char *kernel, const char *what)
{
	if (unlikely(isinf(v) || isnan(v)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s is out of range", kernel, what),
				 errdetail("The values span more than the float8 range.")));
	return v;
}

Datum
cleangov_robust_stats_final(PG_FUNCTION_ARGS)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	Datum		values[9];
	bool		nulls[9];
	int			i;

	if (tupdesc == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		TupleDesc	td;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "robust_stats: return type must be a row type");
		tupdesc = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
		fcinfo->flinfo->fn_extra = tupdesc;
	}
	for (i = 0; i < 9; i++)
		nulls[i] = true;

	if (PG_ARGISNULL(0))
	{
		values[0] = Int64GetDatum(0);
		nulls[0] = false;
	}
	else
	{
		const char *kernel = "robust_stats";
		RobustState *s = robust_sorted(fcinfo);
		double		median,
					mad,
					q1,
					q3,
					iqr;

		values[0] = Int64GetDatum(s->n);
		nulls[0] = false;
		if (s->n > 0)
		{
			median = quantile(s->values, s->n, 0.5, kernel, "median");
			mad = mad_sorted(s->values, s->n, median, kernel);
			q1 = quantile(s->values, s->n, 0.25, kernel, "q1");
			q3 = quantile(s->values, s->n, 0.75, kernel, "q3");
			iqr = checked(q3 - q1, kernel, "iqr");
			values[1] = Float8GetDatum(median);
			values[2] = Float8GetDatum(mad);
			values[3] = Float8GetDatum(checked(MAD_SCALE * mad, kernel, "mad_scaled"));
			values[4] = Float8GetDatum(q1);
			values[5] = Float8GetDatum(q3);
			values[6] = Float8GetDatum(iqr);
			for (i = 1; i <= 6; i++)
				nulls[i] = false;
			/* Cardinal: no spread at all means no fence, so nothing is flagged */
			if (!(q1 == 0 && q3 == 0 && iqr == 0))
			{
				values[7] = Float8GetDatum(checked(q1 - s->k * iqr, kernel, "lower_fence"));
				values[8] = Float8GetDatum(checked(q3 + s->k * iqr, kernel, "upper_fence"));
				nulls[7] = nulls[8] = false;
			}
		}
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

Datum
cleangov_median_final(PG_FUNCTION_ARGS)
{
	RobustState *s = robust_sorted(fcinfo);

	if (s->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(quantile(s->values, s->n, 0.5, "median", "median"));
}

Datum
cleangov_mad_final(PG_FUNCTION_ARGS)
{
	RobustState *s = robust_sorted(fcinfo);

	if (s->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mad_sorted(s->values, s->n,
								quantile(s->values, s->n, 0.5, "mad", "median"),
								"mad"));
}

/*
 * quantile_of(state, p, type): the p-quantile of the values of a state by
 * Hyndman and Fan's definition 7 or 8 (their 1996 numbering, R's "type").
 *   type 7: h = (n - 1) p + 1, PostgreSQL's percentile_cont (bit for bit:
 *           the same code as median and the quartiles of robust_stats);
 *   type 8: h = (n + 1/3) p + 1/3, "median-unbiased", the quantiles of the
 *           Rust crate statrs and so of Open Contracting's Cardinal: below
 *           the first order statistic (h < 1) the minimum, at or past the
 *           last (h >= n) the maximum, else x[floor h] + (h - floor h)
 *           (x[floor h + 1] - x[floor h]), 1-based.
 * On few values the two differ much: for 0, 0, 100 x 7, Q1 is 100 by type 7
 * and 66.67 by type 8, which decides whether an IQR fence exists at all.
 * NULL for a state of no values.
 */
Datum
cleangov_quantile_of(PG_FUNCTION_ARGS)
{
	float8		p = PG_GETARG_FLOAT8(1);
	int32		type = PG_GETARG_INT32(2);
	RobustState *s;

	if (isnan(p) || p < 0.0 || p > 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile_of: p must be between 0 and 1, not %g", p)));
	if (type != 7 && type != 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("quantile_of: type must be 7 (percentile_cont) or 8 (Hyndman and Fan's median-unbiased, Cardinal's), not %d", type)));
	s = robust_sorted(fcinfo);
	if (s->n == 0)
		PG_RETURN_NULL();
	if (type == 7)
		PG_RETURN_FLOAT8(quantile(s->values, s->n, p, "quantile_of", "quantile"));
	else
	{
		double		h = ((double) s->n + 1.0 / 3.0) * p + 1.0 / 3.0;
		double		j = floor(h);

		if (j < 1.0)
			PG_RETURN_FLOAT8(s->values[0]);
		if (j >= (double) s->n)
			PG_RETURN_FLOAT8(s->values[s->n - 1]);
		PG_RETURN_FLOAT8(lerp(s->values[(int64) j - 1], s->values[(int64) j], h - j, "quantile_of", "quantile"));
	}
}

/*
 * robust_z(value, median, mad) = (value - median) / (1.4826 * mad), with the
 * raw MAD; NULL when the MAD is 0 (no spread: no scale to measure against).
 */
Datum
cleangov_robust_z(PG_FUNCTION_ARGS)
{
	double		x = PG_GETARG_FLOAT8(0);
	double		median = PG_GETARG_FLOAT8(1);
	double		mad = PG_GETARG_FLOAT8(2);
	double		z;

	cleangov_check_finite(x, "robust_z");
	cleangov_check_finite(median, "robust_z");
	cleangov_check_finite(mad, "robust_z");
	if (mad < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("robust_z: mad must not be negative"),
				 errdetail("mad was %g.", mad),
				 errhint("Pass the raw median absolute deviation, as returned by cleangov.mad().")));
	if (mad == 0)
		PG_RETURN_NULL();
	z = (x - median) / (MAD_SCALE * mad);
	PG_RETURN_FLOAT8(checked(z, "robust_z", "the result"));
}

/* Text form: k=<k>;n=<n>;<v1>,<v2>,... in the stored order. */
Datum
cleangov_robust_state_out(PG_FUNCTION_ARGS)
{
	RobustState *s = (RobustState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int64		i;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "k=");
	cleangov_append_float8(&buf, s->k);
	appendStringInfo(&buf, ";n=" INT64_FORMAT ";", s->n);
	for (i = 0; i < s->n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		cleangov_append_float8(&buf, s->values[i]);
	}
	PG_RETURN_CSTRING(buf.data);
}

Datum
cleangov_robust_state_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	const char *tn = "cleangov.robust_state";
	double		k;
	int64		n;
	int64		i;
	RobustState *s;

	cleangov_read_literal(&p, "k=", tn, input);
	k = cleangov_read_float8(&p, tn, input);
	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: k must not be negative", tn)));
	cleangov_read_literal(&p, ";n=", tn, input);
	n = cleangov_read_int64(&p, tn, input);
	if (n < 0 || n > ROBUST_MAX_VALUES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: n out of range", tn)));
	cleangov_read_literal(&p, ";", tn, input);
	/* each value takes at least two characters: do not trust n for memory */
	if (n > ((int64) strlen(p) + 1) / 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: fewer values than n", tn)));
	s = robust_alloc(n, k);
	for (i = 0; i < n; i++)
	{
		if (i > 0)
			cleangov_read_literal(&p, ",", tn, input);
		s->values[i] = cleangov_read_float8(&p, tn, input) + 0.0;	/* no -0 */
		if (s->nsorted == i && (i == 0 || s->values[i - 1] <= s->values[i]))
			s->nsorted++;
	}
	s->n = n;
	cleangov_read_end(&p, tn, input);
	PG_RETURN_POINTER(s);
}
