/*-------------------------------------------------------------------------
 *
 * banding.c
 *	  Map a measured value onto a banding scheme's cut-offs (the colour
 *	  levels of alerts), and tell the install script's triggers whether
 *	  rows are being written by CREATE/ALTER EXTENSION.
 *
 * A banding scheme is a list of strictly monotone cut-offs and a direction.
 * With "low is bad" (an index where 100 is clean) the cut-offs descend and a
 * value strictly below a cut-off enters the next, worse band: for the
 * three-colour index scheme 95 / 90 / 85, a value of exactly 95 is still
 * green and 94.999 is blue.  With "high is bad" (a measured excess) the
 * cut-offs ascend and a value at or above a cut-off enters the worse band.
 * The position returned is 1-based, ready to index the scheme's levels
 * array in SQL; the enum itself stays on the SQL side so that the ordering
 * of cleangov.level is defined in one place.
 *
 * IDENTIFICATION
 *	  src/banding.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "utils/array.h"

PG_FUNCTION_INFO_V1(band_position);
PG_FUNCTION_INFO_V1(creating_extension_script);

/*
 * Read and check the cut-offs: no NULL, finite, strictly monotone in the
 * direction the scheme says.  Returns the number of cut-offs and a palloc'd
 * copy of them.
 */
static int
read_cutoffs(ArrayType *arr, bool high_is_bad, float8 **out)
{
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	float8	   *c;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("band cut-offs must be a one-dimensional array")));
	deconstruct_array(arr, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, &n);
	if (n == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a banding scheme needs at least one cut-off")));
	c = palloc(sizeof(float8) * n);
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("band cut-off %d is NULL", i + 1)));
		c[i] = DatumGetFloat8(elems[i]);
		cleangov_check_finite(c[i], "band cut-off");
		if (i > 0 && (high_is_bad ? !(c[i] > c[i - 1]) : !(c[i] < c[i - 1])))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("band cut-offs must be strictly %s",
							high_is_bad ? "ascending" : "descending"),
					 errdetail("Cut-off %d (%g) does not follow cut-off %d (%g).",
							   i + 1, c[i], i, c[i - 1]),
					 errhint("A scheme where a high value is bad lists ascending cut-offs; one where a low value is bad lists descending cut-offs.")));
	}
	pfree(elems);
	pfree(nulls);
	*out = c;
	return n;
}

/*
 * band_position(value float8, cutoffs float8[], high_is_bad bool) → int
 *
 * 1 + the number of cut-offs the value has crossed.  Crossing means
 * value < cut-off when low is bad and value >= cut-off when high is bad, so
 * a value exactly at a cut-off is in the better band when low is bad and in
 * the worse band when high is bad ("below 95" / "at least 20 % over").
 */
Datum
band_position(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	bool		high_is_bad = PG_GETARG_BOOL(2);
	float8	   *c;
	int			n;
	int			pos = 1;

	cleangov_check_finite(value, "band");
	n = read_cutoffs(arr, high_is_bad, &c);
	for (int i = 0; i < n; i++)
	{
		if (high_is_bad ? value >= c[i] : value < c[i])
			pos = i + 2;
		else
			break;
	}
	pfree(c);
	PG_RETURN_INT32(pos);
}

/*
 * creating_extension_script() → bool
 *
 * True while CREATE EXTENSION or ALTER EXTENSION UPDATE runs a script.
 * Column defaults use it to mark the rows the extension ships (schemes,
 * level handling, built-in rules), so that pg_dump leaves those rows out
 * and a restore does not insert them twice.
 */
Datum
creating_extension_script(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(creating_extension);
}
