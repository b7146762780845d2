/*-------------------------------------------------------------------------
 *
 * streak.c
 *	  Consecutive breaches of a periodic metric: cleangov.streak().
 *
 * streak(breach, period, step) is the length of the run of breached
 * periods that ends at the latest period of the group, where a period is
 * one step long, a period without rows breaks the run, and so does a period
 * without a breach.  "15 % over budget three months running" is
 * streak(actual > 1.15 * budget, month, 'month') >= 3.
 *
 * The answer does not depend on the order of the rows, so the state does
 * not either, which makes the aggregate parallel and distributable (Citus
 * pushes down no aggregate with ORDER BY inside): each period is mapped to
 * a bucket number, and the state keeps the largest bucket seen and the set
 * of breached buckets as sorted, disjoint, non-adjacent runs [start, end].
 * Combining merges the runs.  Rows arriving in period order (a window
 * ordered by period) only ever extend or append the last run, so the
 * running streak per row costs O(1) a row.  Memory is 16 bytes per run of
 * breaches, at most one run per two periods.
 *
 * Buckets: a step of N days numbers days from Monday 2000-01-03 and divides
 * by N (so 'week' buckets are ISO weeks); a step of N months numbers months
 * from year 0 and divides by N ('quarter' and 'year' are calendar quarters
 * and years).  Several rows in one bucket are one period, breached when any
 * of its rows is.
 *
 * IDENTIFICATION
 *	  src/streak.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/memutils.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#define STREAK_DAY		1
#define STREAK_MONTH	2

typedef struct StreakStep
{
	int32		unit;			/* STREAK_DAY or STREAK_MONTH */
	int32		width;			/* units per period, > 0 */
} StreakStep;

typedef struct StreakState
{
	int32		vl_len_;		/* varlena header; the size includes spare room */
	int32		unit;
	int32		width;
	int32		nruns;			/* runs in use */
	int64		latest;			/* largest bucket seen, breached or not */
	int64		runs[FLEXIBLE_ARRAY_MEMBER];	/* start0, end0, start1, ... */
} StreakState;

#define STREAK_HDRSZ		offsetof(StreakState, runs)
#define STREAK_CAPACITY(s)	((int32) ((VARSIZE(s) - STREAK_HDRSZ) / (2 * sizeof(int64))))
#define STREAK_MAX_RUNS		((int32) ((MaxAllocSize - STREAK_HDRSZ) / (2 * sizeof(int64))))
#define RUN_START(s, i)		((s)->runs[2 * (i)])
#define RUN_END(s, i)		((s)->runs[2 * (i) + 1])

PG_FUNCTION_INFO_V1(cleangov_streak_state_in);
PG_FUNCTION_INFO_V1(cleangov_streak_state_out);
PG_FUNCTION_INFO_V1(cleangov_streak_trans);
PG_FUNCTION_INFO_V1(cleangov_streak_trans_interval);
PG_FUNCTION_INFO_V1(cleangov_streak_combine);
PG_FUNCTION_INFO_V1(cleangov_streak_final);

static const char *
unit_name(int32 unit)
{
	return unit == STREAK_DAY ? "day" : "month";
}

static void
bad_step(const char *given)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("streak: unknown step \"%s\"", given),
			 errhint("Use 'day', 'week', 'month', 'quarter', 'year', or an interval of whole days or whole months such as '14 days' or '6 months'.")));
}

static StreakStep
step_from_text(text *t)
{
	const char *p = VARDATA_ANY(t);
	int			len = VARSIZE_ANY_EXHDR(t);
	StreakStep	st;

#define IS(word) (len == (int) strlen(word) && pg_strncasecmp(p, word, len) == 0)
	if (IS("day"))
		st.unit = STREAK_DAY, st.width = 1;
	else if (IS("week"))
		st.unit = STREAK_DAY, st.width = 7;
	else if (IS("month"))
		st.unit = STREAK_MONTH, st.width = 1;
	else if (IS("quarter"))
		st.unit = STREAK_MONTH, st.width = 3;
	else if (IS("year"))
		st.unit = STREAK_MONTH, st.width = 12;
	else
		bad_step(text_to_cstring(t));
#undef IS
	return st;
}

static StreakStep
step_from_interval(Interval *iv)
{
	StreakStep	st;

	if (iv->time == 0 && iv->day == 0 && iv->month > 0)
		st.unit = STREAK_MONTH, st.width = iv->month;
	else if (iv->time == 0 && iv->month == 0 && iv->day > 0)
		st.unit = STREAK_DAY, st.width = iv->day;
	else
		bad_step(DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(iv))));
	return st;
}

static int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b) != 0 && (a < 0))
		q--;
	return q;
}

static int64
bucket_of(DateADT d, StreakStep st)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("streak: period must be a finite date"),
				 errdetail("The period was %s.", DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity")));
	if (st.unit == STREAK_DAY)
		return floor_div((int64) d - 2, st.width);	/* day 0: Monday 2000-01-03 */
	else
	{
		int			y,
					m,
					dd;

		j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &dd);
		return floor_div((int64) y * 12 + (m - 1), st.width);
	}
}

/*
 * The buckets dates can map to with step st: those of the first and the
 * last date PostgreSQL accepts.  A state is checked against them on input,
 * so the run arithmetic (end + 1, end - start + 1) cannot overflow.
 */
static void
bucket_range(StreakStep st, int64 *lo, int64 *hi)
{
	*lo = bucket_of((DateADT) (DATETIME_MIN_JULIAN - POSTGRES_EPOCH_JDATE), st);
	*hi = bucket_of((DateADT) (DATE_END_JULIAN - 1 - POSTGRES_EPOCH_JDATE), st);
}

static StreakState *
streak_alloc(int32 capacity, StreakStep st)
{
	Size		size = STREAK_HDRSZ + (Size) capacity * 2 * sizeof(int64);
	StreakState *s = palloc0(size);

	SET_VARSIZE(s, size);
	s->unit = st.unit;
	s->width = st.width;
	return s;
}

/* A state with room for one more run (see robust.c for why it is a copy). */
static StreakState *
streak_grow(StreakState *s)
{
	int32		cap = STREAK_CAPACITY(s);
	int32		newcap;
	StreakState *ns;
	StreakStep	st = {s->unit, s->width};

	if (s->nruns < cap)
		return s;
	if (cap >= STREAK_MAX_RUNS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("streak: too many separate runs of breaches in one group")));
	newcap = (cap > STREAK_MAX_RUNS / 2) ? STREAK_MAX_RUNS : Max(cap * 2, 4);
	ns = streak_alloc(newcap, st);
	memcpy(ns->runs, s->runs, (Size) s->nruns * 2 * sizeof(int64));
	ns->nruns = s->nruns;
	ns->latest = s->latest;
	return ns;
}

static void
same_step(const StreakState *s, StreakStep st)
{
	if (s->unit != st.unit || s->width != st.width)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("streak: step must be the same for every row of a group"),
				 errdetail("Found %d %s and %d %s.", s->width, unit_name(s->unit),
						   st.width, unit_name(st.unit)),
				 errhint("Pass the step as a constant.")));
}

/* Add breached bucket b to the runs; s has room for one more run. */
static void
add_breach(StreakState *s, int64 b)
{
	int32		n = s->nruns;
	int32		lo,
				hi;

	/* in-order rows: extend or append the last run */
	if (n == 0 || b > RUN_END(s, n - 1) + 1)
	{
		RUN_START(s, n) = RUN_END(s, n) = b;
		s->nruns++;
		return;
	}
	if (b >= RUN_START(s, n - 1))
	{
		if (b == RUN_END(s, n - 1) + 1)
			RUN_END(s, n - 1) = b;
		return;
	}
	/* out of order: i = first run with start > b (i < n here) */
	lo = 0;
	hi = n - 1;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (RUN_START(s, mid) > b)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (lo > 0 && b <= RUN_END(s, lo - 1))
		return;					/* already breached */
	if (lo > 0 && b == RUN_END(s, lo - 1) + 1)
	{
		RUN_END(s, lo - 1) = b;
		if (RUN_START(s, lo) == b + 1)
		{
			/* b closes the gap between two runs */
			RUN_END(s, lo - 1) = RUN_END(s, lo);
			memmove(&RUN_START(s, lo), &RUN_START(s, lo + 1),
					(Size) (n - lo - 1) * 2 * sizeof(int64));
			s->nruns--;
		}
		return;
	}
	if (RUN_START(s, lo) == b + 1)
	{
		RUN_START(s, lo) = b;
		return;
	}
	memmove(&RUN_START(s, lo + 1), &RUN_START(s, lo), (Size) (n - lo) * 2 * sizeof(int64));
	RUN_START(s, lo) = RUN_END(s, lo) = b;
	s->nruns++;
}

static Datum
streak_add(FunctionCallInfo fcinfo, StreakStep st)
{
	StreakState *s;
	bool		breach = PG_GETARG_BOOL(1);
	int64		b = bucket_of(PG_GETARG_DATEADT(2), st);

	if (PG_ARGISNULL(0))
	{
		s = streak_alloc(4, st);
		s->latest = b;
	}
	else
	{
		if (AggCheckCallContext(fcinfo, NULL))
			s = (StreakState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
		else
			s = (StreakState *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
		same_step(s, st);
		if (b > s->latest)
			s->latest = b;
	}
	if (breach)
	{
		s = streak_grow(s);
		add_breach(s, b);
	}
	PG_RETURN_POINTER(s);
}

/* NULL breach or period: the row is skipped; a NULL step is refused. */
static bool
streak_skip(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return true;
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("streak: step must not be null"),
				 errhint("Use 'day', 'week', 'month', 'quarter', 'year' or an interval.")));
	return false;
}

Datum
cleangov_streak_trans(PG_FUNCTION_ARGS)
{
	if (streak_skip(fcinfo))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return streak_add(fcinfo, step_from_text(PG_GETARG_TEXT_PP(3)));
}

Datum
cleangov_streak_trans_interval(PG_FUNCTION_ARGS)
{
	if (streak_skip(fcinfo))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	return streak_add(fcinfo, step_from_interval(PG_GETARG_INTERVAL_P(3)));
}

/* Merge the runs of two states into a new one. */
Datum
cleangov_streak_combine(PG_FUNCTION_ARGS)
{
	StreakState *a = (StreakState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StreakState *b = (StreakState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	StreakStep	st = {a->unit, a->width};
	StreakState *r;
	int32		i = 0,
				j = 0;

	same_step(b, st);
	r = streak_alloc(Max(a->nruns + b->nruns, 1), st);
	r->latest = Max(a->latest, b->latest);
	while (i < a->nruns || j < b->nruns)
	{
		int64		s0,
					e0;

		if (j >= b->nruns || (i < a->nruns && RUN_START(a, i) <= RUN_START(b, j)))
			s0 = RUN_START(a, i), e0 = RUN_END(a, i), i++;
		else
			s0 = RUN_START(b, j), e0 = RUN_END(b, j), j++;
		if (r->nruns > 0 && s0 <= RUN_END(r, r->nruns - 1) + 1)
		{
			if (e0 > RUN_END(r, r->nruns - 1))
				RUN_END(r, r->nruns - 1) = e0;
		}
		else
		{
			RUN_START(r, r->nruns) = s0;
			RUN_END(r, r->nruns) = e0;
			r->nruns++;
		}
	}
	PG_RETURN_POINTER(r);
}

Datum
cleangov_streak_final(PG_FUNCTION_ARGS)
{
	StreakState *s = (StreakState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int64		len;

	if (s->nruns == 0 || RUN_END(s, s->nruns - 1) != s->latest)
		PG_RETURN_INT32(0);
	len = RUN_END(s, s->nruns - 1) - RUN_START(s, s->nruns - 1) + 1;
	if (len > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("streak: result out of range for integer")));
	PG_RETURN_INT32((int32) len);
}

/* Text form: <width> <unit>;latest=<bucket>;runs=<start>:<end>,... */
Datum
cleangov_streak_state_out(PG_FUNCTION_ARGS)
{
	StreakState *s = (StreakState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int32		i;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%d %s;latest=" INT64_FORMAT ";runs=",
					 s->width, unit_name(s->unit), s->latest);
	for (i = 0; i < s->nruns; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT ":" INT64_FORMAT,
						 i > 0 ? "," : "", RUN_START(s, i), RUN_END(s, i));
	PG_RETURN_CSTRING(buf.data);
}

Datum
cleangov_streak_state_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *p = input;
	const char *tn = "cleangov.streak_state";
	StreakStep	st;
	int64		width;
	int64		latest;
	StreakState *s;
	int64		cap;
	const char *q;
	int64		lo,
				hi;

	width = cleangov_read_int64(&p, tn, input);
	if (strncmp(p, " day;", 5) == 0)
		st.unit = STREAK_DAY, p += 4;
	else if (strncmp(p, " month;", 7) == 0)
		st.unit = STREAK_MONTH, p += 6;
	else
		cleangov_read_literal(&p, " day", tn, input);
	if (width <= 0 || width > PG_INT32_MAX)
		cleangov_read_literal(&p, "(a width from 1 to 2147483647)", tn, input);
	st.width = (int32) width;
	cleangov_read_literal(&p, ";latest=", tn, input);
	latest = cleangov_read_int64(&p, tn, input);
	cleangov_read_literal(&p, ";runs=", tn, input);

	bucket_range(st, &lo, &hi);
	if (latest < lo || latest > hi)
		cleangov_bad_state(tn, input, "a latest bucket that a date maps to");

	/* one run per comma, plus one */
	cap = 1;
	for (q = p; *q; q++)
		if (*q == ',')
			cap++;
	if (cap > STREAK_MAX_RUNS)
		cleangov_bad_state(tn, input, "fewer runs");
	s = streak_alloc((int32) cap, st);
	s->latest = latest;
	while (*p != '\0')
	{
		int64		a,
					b;

		if (s->nruns > 0)
			cleangov_read_literal(&p, ",", tn, input);
		a = cleangov_read_int64(&p, tn, input);
		cleangov_read_literal(&p, ":", tn, input);
		b = cleangov_read_int64(&p, tn, input);
		/*
		 * Runs are ordered, disjoint, not adjacent, and within the buckets of
		 * dates up to the latest one (so end + 1 below cannot overflow).
		 */
		if (a < lo || a > b || b > latest ||
			(s->nruns > 0 && a <= RUN_END(s, s->nruns - 1) + 1))
			cleangov_read_literal(&p, "(ordered, disjoint, non-adjacent runs ending by the latest bucket)", tn, input);
		RUN_START(s, s->nruns) = a;
		RUN_END(s, s->nruns) = b;
		s->nruns++;
	}
	PG_RETURN_POINTER(s);
}
