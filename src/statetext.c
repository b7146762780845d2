/*-------------------------------------------------------------------------
 *
 * statetext.c
 *	  Writing and reading the text form of aggregate states.
 *
 * Citus ships partial aggregate states between nodes through the state
 * type's output and input functions, so the text form must read back to
 * exactly the same state.  Floats are written with the shortest decimal
 * that reads back to the same bits (the algorithm behind float8out), so
 * the result does not depend on extra_float_digits.  Reading is strict: a
 * malformed or non-finite state is refused with 22P02 rather than turned
 * into a plausible but wrong state.
 *
 * IDENTIFICATION
 *	  src/statetext.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include <errno.h>
#include <stdlib.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"

/*
 * Refuse a state text; what completes "Expected ...".  Also used by the
 * state types for states that parse but that no data could produce.
 */
void
cleangov_bad_state(const char *type_name, const char *input, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", type_name, input),
			 errdetail("Expected %s.", what),
			 errhint("Use the text produced by the type's output function.")));
}

void
cleangov_append_float8(StringInfo buf, double x)
{
	char		tmp[DOUBLE_SHORTEST_DECIMAL_LEN + 1];

	double_to_shortest_decimal_buf(x, tmp);
	appendStringInfoString(buf, tmp);
}

double
cleangov_read_float8(const char **p, const char *type_name, const char *input)
{
	char	   *end;
	double		x;

	/* strtod would also accept leading blanks, hex floats, nan and inf */
	if (!(**p == '-' || (**p >= '0' && **p <= '9')))
		cleangov_bad_state(type_name, input, "a finite number");
	errno = 0;
	x = strtod(*p, &end);

	/*
	 * ERANGE also comes with a subnormal result, which the output writes and
	 * must read back; refuse only an underflow to 0 or an overflow.
	 */
	if (end == *p || isnan(x) || isinf(x) || (errno == ERANGE && x == 0))
		cleangov_bad_state(type_name, input, "a finite number");
	*p = end;
	return x;
}

int64
cleangov_read_int64(const char **p, const char *type_name, const char *input)
{
	char	   *end;
	long long	v;

	if (!(**p == '-' || (**p >= '0' && **p <= '9')))
		cleangov_bad_state(type_name, input, "an integer");
	errno = 0;
	v = strtoll(*p, &end, 10);
	if (end == *p || errno == ERANGE)
		cleangov_bad_state(type_name, input, "an integer");
	*p = end;
	return (int64) v;
}

void
cleangov_read_literal(const char **p, const char *literal, const char *type_name, const char *input)
{
	size_t		len = strlen(literal);

	if (strncmp(*p, literal, len) != 0)
	{
		char	   *what = psprintf("\"%s\"", literal);

		cleangov_bad_state(type_name, input, what);
	}
	*p += len;
}

void
cleangov_read_end(const char **p, const char *type_name, const char *input)
{
	if (**p != '\0')
		cleangov_bad_state(type_name, input, "the end of the value");
}
