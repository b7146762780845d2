/*-------------------------------------------------------------------------
 *
 * identity.c
 *	  Identity kernels: resident identity numbers (GB 11643-1999), unified
 *	  social credit codes (GB 32100-2015) and match keys for organisation
 *	  names.
 *
 * Cross-matching subsidy lists, payrolls and business registers starts from
 * keys that compare equal when two clerks typed the same identifier two ways
 * (full-width digits, a lower-case x, stray blanks, an old 15-digit number;
 * "有限公司" or "有限责任公司", brackets or none).  The functions here turn
 * such input into one canonical form, or say precisely why they cannot.
 *
 * Every function works on the bytes of a text datum without assuming they
 * form valid UTF-8 (a SQL_ASCII database can hold anything): an unexpected
 * byte is an invalid character, never a read past the end.  In databases
 * whose encoding is neither UTF-8 nor SQL_ASCII the input is converted to
 * UTF-8 first, so full-width forms are recognised there too.
 *
 * The validators and extractors never raise for bad input: they return false
 * or NULL.  The strict normalisers raise SQLSTATE 22P02 (or 22008 for a birth
 * date that is no calendar date) with the reason in the message; the input
 * itself is not echoed, because identity numbers are personal data and error
 * messages end up in server logs.
 *
 * IDENTIFICATION
 *	  src/identity.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "datatype/timestamp.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include <string.h>

#define CNID_MIN_YEAR	1800
#define CNID_MAX_YEAR	2099

/* Why a resident identity number was refused. */
typedef enum CnIdStatus
{
	CNID_OK,
	CNID_EMPTY,
	CNID_BAD_CHAR,				/* not a digit, X or blank */
	CNID_MISPLACED_X,			/* X anywhere but in the 18th place */
	CNID_LENGTH,				/* neither 15 nor 18 characters */
	CNID_REGION,				/* first two digits name no province */
	CNID_DATE,					/* birth date is no calendar date */
	CNID_CHECK					/* wrong check character */
} CnIdStatus;

/* A parsed resident identity number, always in its 18-character form. */
typedef struct CnId
{
	char		digits[18];		/* '0'-'9', 'X' only in digits[17] */
	int			nchars;			/* characters read (15 or 18 when valid) */
	int			bad_pos;		/* 1-based character position for CNID_BAD_CHAR */
	char		bad_char;		/* the offending ASCII character, or 0 */
	int			year;
	int			month;
	int			day;
	char		expected_check;
} CnId;

/* Weights of GB 11643 (ISO 7064 MOD 11-2) and the check characters. */
static const int cnid_weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char cnid_check_char[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

/*
 * Province-level codes of GB/T 2260 (first two digits of the region code),
 * plus 83 used by residence permits of Taiwan residents.
 */
static bool
cnid_province_known(int p)
{
	switch (p)
	{
		case 11: case 12: case 13: case 14: case 15:
		case 21: case 22: case 23:
		case 31: case 32: case 33: case 34: case 35: case 36: case 37:
		case 41: case 42: case 43: case 44: case 45: case 46:
		case 50: case 51: case 52: case 53: case 54:
		case 61: case 62: case 63: case 64: case 65:
		case 71: case 81: case 82: case 83:
			return true;
		default:
			return false;
	}
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return (m == 2 && is_leap(y)) ? 29 : dm[m - 1];
}

/*
 * The text's bytes in UTF-8 (or as they are, in SQL_ASCII).  *len is updated.
 */
static const char *
utf8_bytes(text *t, int *len)
{
	const char *s = VARDATA_ANY(t);
	int			enc = GetDatabaseEncoding();

	*len = VARSIZE_ANY_EXHDR(t);
	if (enc != PG_UTF8 && enc != PG_SQL_ASCII && *len > 0)
	{
		s = pg_server_to_any(s, *len, PG_UTF8);
		*len = strlen(s);
	}
	return s;
}

/*
 * Length of a blank at s (ASCII white space, U+3000 ideographic space,
 * U+00A0 no-break space), or 0.
 */
static inline int
blank_len(const unsigned char *s, const unsigned char *end)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (end - s >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (end - s >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	return 0;
}

/* The same, for a blank that ends just before end. */
static inline int
blank_len_before(const unsigned char *start, const unsigned char *end)
{
	unsigned char c = end[-1];

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (end - start >= 3 && end[-3] == 0xE3 && end[-2] == 0x80 && c == 0x80)
		return 3;
	if (end - start >= 2 && end[-2] == 0xC2 && c == 0xA0)
		return 2;
	return 0;
}

/* Narrow [*s, *e) to exclude leading and trailing blanks. */
static void
trim_blanks(const unsigned char **s, const unsigned char **e)
{
	int			n;

	while (*s < *e && (n = blank_len(*s, *e)) > 0)
		*s += n;
	while (*e > *s && (n = blank_len_before(*s, *e)) > 0)
		*e -= n;
}

/*
 * Length in bytes of the UTF-8 sequence at s, trusting only what is there:
 * a lead byte whose continuation bytes are missing counts as one byte.
 */
static inline int
utf8_char_len(const unsigned char *s, const unsigned char *end)
{
	int			n;
	int			i;

	if (*s < 0x80)
		return 1;
	else if ((*s & 0xE0) == 0xC0)
		n = 2;
	else if ((*s & 0xF0) == 0xE0)
		n = 3;
	else if ((*s & 0xF8) == 0xF0)
		n = 4;
	else
		return 1;
	if (end - s < n)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

/*
 * Decode the code point at s (utf8_char_len bytes); an invalid sequence
 * decodes to its lead byte + 0x110000, which matches no real character.
 */
static inline pg_wchar
utf8_decode(const unsigned char *s, int n)
{
	switch (n)
	{
		case 2:
			return ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		case 3:
			return ((s[0] & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
		case 4:
			return ((s[0] & 0x07) << 18) | ((s[1] & 0x3F) << 12) |
				((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		default:
			return s[0] < 0x80 ? s[0] : s[0] + 0x110000;
	}
}

/*
 * Parse and check a resident identity number.  On CNID_OK, id->digits holds
 * the 18-character form (a 15-digit number upgraded: "19" inserted before the
 * two-digit year, check character appended).
 */
static CnIdStatus
cnid_parse(const char *str, int len, CnId *id)
{
	const unsigned char *s = (const unsigned char *) str;
	const unsigned char *e = s + len;
	char		buf[18];
	int			n = 0;
	int			sum;
	int			i;
	int			p;

	memset(id, 0, sizeof(CnId));
	trim_blanks(&s, &e);
	if (s == e)
		return CNID_EMPTY;

	while (s < e)
	{
		char		c;

		if (*s < 0x80)
		{
			c = (char) *s++;
			if (c == 'x')
				c = 'X';
		}
		else if (e - s >= 3 && s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99)
		{
			/* U+FF10..U+FF19 full-width digits */
			c = (char) ('0' + (s[2] - 0x90));
			s += 3;
		}
		else if (e - s >= 3 && ((s[0] == 0xEF && s[1] == 0xBC && s[2] == 0xB8) ||
								(s[0] == 0xEF && s[1] == 0xBD && s[2] == 0x98)))
		{
			/* U+FF38 / U+FF58 full-width X and x */
			c = 'X';
			s += 3;
		}
		else
		{
			id->bad_pos = n + 1;
			return CNID_BAD_CHAR;
		}

		if (!((c >= '0' && c <= '9') || c == 'X'))
		{
			id->bad_pos = n + 1;
			id->bad_char = (c > ' ' && c < 0x7F) ? c : 0;
			return CNID_BAD_CHAR;
		}
		if (n == 18)
		{
			/* too long: count the rest for the message, cheaply */
			n++;
			while (s < e)
			{
				s += utf8_char_len(s, e);
				n++;
			}
			id->nchars = n;
			return CNID_LENGTH;
		}
		buf[n++] = c;
	}
	id->nchars = n;
	if (n != 15 && n != 18)
		return CNID_LENGTH;

	/* X only as the 18th character */
	for (i = 0; i < (n == 18 ? 17 : 15); i++)
		if (buf[i] == 'X')
		{
			id->bad_pos = i + 1;
			id->bad_char = 'X';
			return CNID_MISPLACED_X;
		}

	if (n == 15)
	{
		memcpy(id->digits, buf, 6);
		id->digits[6] = '1';
		id->digits[7] = '9';
		memcpy(id->digits + 8, buf + 6, 9);
	}
	else
		memcpy(id->digits, buf, 18);

	p = (id->digits[0] - '0') * 10 + (id->digits[1] - '0');
	if (!cnid_province_known(p))
		return CNID_REGION;

	id->year = (id->digits[6] - '0') * 1000 + (id->digits[7] - '0') * 100 +
		(id->digits[8] - '0') * 10 + (id->digits[9] - '0');
	id->month = (id->digits[10] - '0') * 10 + (id->digits[11] - '0');
	id->day = (id->digits[12] - '0') * 10 + (id->digits[13] - '0');
	if (id->year < CNID_MIN_YEAR || id->year > CNID_MAX_YEAR ||
		id->month < 1 || id->month > 12 ||
		id->day < 1 || id->day > days_in_month(id->year, id->month))
		return CNID_DATE;

	sum = 0;
	for (i = 0; i < 17; i++)
		sum += (id->digits[i] - '0') * cnid_weight[i];
	id->expected_check = cnid_check_char[sum % 11];
	if (n == 15)
		id->digits[17] = id->expected_check;
	else if (id->digits[17] != id->expected_check)
		return CNID_CHECK;

	return CNID_OK;
}

/* Parse the text argument; true if it is a valid number. */
static bool
cnid_parse_text(text *t, CnId *id, CnIdStatus *status)
{
	int			len;
	const char *s = utf8_bytes(t, &len);

	*status = cnid_parse(s, len, id);
	return *status == CNID_OK;
}

static void
cnid_report(CnIdStatus st, const CnId *id)
{
	const char *hint = "Use cleangov.cn_id_try_normalize() to get NULL instead of an error.";

	switch (st)
	{
		case CNID_OK:
			return;
		case CNID_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid resident identity number: empty"),
					 errdetail("The value holds no characters other than blanks."),
					 errhint("%s", hint)));
			break;
		case CNID_BAD_CHAR:
			if (id->bad_char)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid resident identity number: unexpected character"),
						 errdetail("Character %d is \"%c\"; only digits and a final X are allowed.",
								   id->bad_pos, id->bad_char),
						 errhint("%s", hint)));
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid resident identity number: unexpected character"),
						 errdetail("Character %d is neither a digit (half- or full-width) nor X.",
								   id->bad_pos),
						 errhint("%s", hint)));
			break;
		case CNID_MISPLACED_X:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid resident identity number: X before the last place"),
					 errdetail("Character %d is X; only the 18th character may be X.", id->bad_pos),
					 errhint("%s", hint)));
			break;
		case CNID_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid resident identity number: wrong length"),
					 errdetail("It has %d characters; a resident identity number has 18, or 15 if issued before 1999.",
							   id->nchars),
					 errhint("%s", hint)));
			break;
		case CNID_REGION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid resident identity number: unknown region"),
					 errdetail("The region code starts with \"%c%c\", which is no province-level code of GB/T 2260.",
							   id->digits[0], id->digits[1]),
					 errhint("%s", hint)));
			break;
		case CNID_DATE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("invalid resident identity number: birth date is not a calendar date"),
					 errdetail("Characters 7 to 14 read year %d, month %d, day %d; accepted are real dates of the years %d to %d.",
							   id->year, id->month, id->day, CNID_MIN_YEAR, CNID_MAX_YEAR),
					 errhint("%s", hint)));
			break;
		case CNID_CHECK:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid resident identity number: wrong check character"),
					 errdetail("The 18th character is \"%c\", but the first 17 digits give \"%c\".",
							   id->digits[17], id->expected_check),
					 errhint("A single mistyped digit changes the check character: verify the number at its source.")));
			break;
	}
}

PG_FUNCTION_INFO_V1(cn_id_valid);
Datum
cn_id_valid(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	PG_RETURN_BOOL(cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st));
}

PG_FUNCTION_INFO_V1(cn_id_normalize);
Datum
cn_id_normalize(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	if (!cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st))
		cnid_report(st, &id);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(id.digits, 18));
}

PG_FUNCTION_INFO_V1(cn_id_try_normalize);
Datum
cn_id_try_normalize(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	if (!cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(id.digits, 18));
}

PG_FUNCTION_INFO_V1(cn_id_birthdate);
Datum
cn_id_birthdate(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	if (!cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st))
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(date2j(id.year, id.month, id.day) - POSTGRES_EPOCH_JDATE);
}

PG_FUNCTION_INFO_V1(cn_id_sex);
Datum
cn_id_sex(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	if (!cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st))
		PG_RETURN_NULL();
	/* the 17th character: odd for men, even for women */
	PG_RETURN_TEXT_P(cstring_to_text((id.digits[16] - '0') % 2 ? "M" : "F"));
}

PG_FUNCTION_INFO_V1(cn_id_region);
Datum
cn_id_region(PG_FUNCTION_ARGS)
{
	CnId		id;
	CnIdStatus	st;

	if (!cnid_parse_text(PG_GETARG_TEXT_PP(0), &id, &st))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(id.digits, 6));
}

/* ---------------------------------------------------------------------
 * Unified social credit codes, GB 32100-2015
 * ---------------------------------------------------------------------
 */

typedef enum UsccStatus
{
	USCC_OK,
	USCC_EMPTY,
	USCC_BAD_CHAR,				/* not in the 31-character alphabet */
	USCC_LENGTH,
	USCC_REGION,				/* positions 3-8 not all digits */
	USCC_CHECK
} UsccStatus;

typedef struct Uscc
{
	char		code[18];
	int			nchars;
	int			bad_pos;
	char		bad_char;		/* ASCII letter or digit refused, or 0 */
	char		expected_check;
} Uscc;

/* value + 1 of each character of the alphabet; 0 = not in the alphabet */
static const int8 uscc_value1[128] = {
	['0'] = 1,['1'] = 2,['2'] = 3,['3'] = 4,['4'] = 5,
	['5'] = 6,['6'] = 7,['7'] = 8,['8'] = 9,['9'] = 10,
	['A'] = 11,['B'] = 12,['C'] = 13,['D'] = 14,['E'] = 15,['F'] = 16,
	['G'] = 17,['H'] = 18,['J'] = 19,['K'] = 20,['L'] = 21,['M'] = 22,
	['N'] = 23,['P'] = 24,['Q'] = 25,['R'] = 26,['T'] = 27,['U'] = 28,
	['W'] = 29,['X'] = 30,['Y'] = 31
};
static const char uscc_alphabet[32] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const int uscc_weight[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

static UsccStatus
uscc_parse(const char *str, int len, Uscc *u)
{
	const unsigned char *s = (const unsigned char *) str;
	const unsigned char *e = s + len;
	int			n = 0;
	int			sum;
	int			i;

	memset(u, 0, sizeof(Uscc));
	trim_blanks(&s, &e);
	if (s == e)
		return USCC_EMPTY;

	while (s < e)
	{
		char		c;

		if (*s < 0x80)
			c = (char) *s++;
		else if (e - s >= 3 && s[0] == 0xEF && s[1] == 0xBC &&
				 ((s[2] >= 0x90 && s[2] <= 0x99) || (s[2] >= 0xA1 && s[2] <= 0xBA)))
		{
			/* U+FF10..FF19 digits, U+FF21..FF3A capitals */
			c = (char) (s[2] <= 0x99 ? '0' + (s[2] - 0x90) : 'A' + (s[2] - 0xA1));
			s += 3;
		}
		else if (e - s >= 3 && s[0] == 0xEF && s[1] == 0xBD && s[2] >= 0x81 && s[2] <= 0x9A)
		{
			/* U+FF41..FF5A small letters */
			c = (char) ('A' + (s[2] - 0x81));
			s += 3;
		}
		else
		{
			u->bad_pos = n + 1;
			return USCC_BAD_CHAR;
		}
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (uscc_value1[(unsigned char) c] == 0)
		{
			u->bad_pos = n + 1;
			u->bad_char = ((c >= 'A' && c <= 'Z') || (c > ' ' && c < 0x7F)) ? c : 0;
			return USCC_BAD_CHAR;
		}
		if (n == 18)
		{
			n++;
			while (s < e)
			{
				s += utf8_char_len(s, e);
				n++;
			}
			u->nchars = n;
			return USCC_LENGTH;
		}
		u->code[n++] = c;
	}
	u->nchars = n;
	if (n != 18)
		return USCC_LENGTH;
	for (i = 2; i < 8; i++)
		if (u->code[i] < '0' || u->code[i] > '9')
		{
			u->bad_pos = i + 1;
			u->bad_char = u->code[i];
			return USCC_REGION;
		}
	sum = 0;
	for (i = 0; i < 17; i++)
		sum += (uscc_value1[(unsigned char) u->code[i]] - 1) * uscc_weight[i];
	u->expected_check = uscc_alphabet[(31 - sum % 31) % 31];
	if (u->code[17] != u->expected_check)
		return USCC_CHECK;
	return USCC_OK;
}

static bool
uscc_parse_text(text *t, Uscc *u, UsccStatus *status)
{
	int			len;
	const char *s = utf8_bytes(t, &len);

	*status = uscc_parse(s, len, u);
	return *status == USCC_OK;
}

static void
uscc_report(UsccStatus st, const Uscc *u)
{
	const char *hint = "Use cleangov.uscc_try_normalize() to get NULL instead of an error.";

	switch (st)
	{
		case USCC_OK:
			return;
		case USCC_EMPTY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code: empty"),
					 errdetail("The value holds no characters other than blanks."),
					 errhint("%s", hint)));
			break;
		case USCC_BAD_CHAR:
			if (u->bad_char)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid unified social credit code: character outside the code alphabet"),
						 errdetail("Character %d is \"%c\"; the alphabet is 0-9 and A-Y without I, O, S, V and Z.",
								   u->bad_pos, u->bad_char),
						 errhint("The letter O is often a mistyped 0, and I a mistyped 1.")));
			else
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
						 errmsg("invalid unified social credit code: character outside the code alphabet"),
						 errdetail("Character %d is not a digit or a Latin letter (half- or full-width).",
								   u->bad_pos),
						 errhint("%s", hint)));
			break;
		case USCC_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code: wrong length"),
					 errdetail("It has %d characters; a unified social credit code has 18.", u->nchars),
					 errhint("%s", hint)));
			break;
		case USCC_REGION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code: region code is not numeric"),
					 errdetail("Character %d is \"%c\"; characters 3 to 8 are a GB/T 2260 region code of six digits.",
							   u->bad_pos, u->bad_char),
					 errhint("%s", hint)));
			break;
		case USCC_CHECK:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid unified social credit code: wrong check character"),
					 errdetail("The 18th character is \"%c\", but the first 17 characters give \"%c\".",
							   u->code[17], u->expected_check),
					 errhint("A single mistyped character changes the check character: verify the code at its source.")));
			break;
	}
}

PG_FUNCTION_INFO_V1(uscc_valid);
Datum
uscc_valid(PG_FUNCTION_ARGS)
{
	Uscc		u;
	UsccStatus	st;

	PG_RETURN_BOOL(uscc_parse_text(PG_GETARG_TEXT_PP(0), &u, &st));
}

PG_FUNCTION_INFO_V1(uscc_normalize);
Datum
uscc_normalize(PG_FUNCTION_ARGS)
{
	Uscc		u;
	UsccStatus	st;

	if (!uscc_parse_text(PG_GETARG_TEXT_PP(0), &u, &st))
		uscc_report(st, &u);
	PG_RETURN_TEXT_P(cstring_to_text_with_len(u.code, 18));
}

PG_FUNCTION_INFO_V1(uscc_try_normalize);
Datum
uscc_try_normalize(PG_FUNCTION_ARGS)
{
	Uscc		u;
	UsccStatus	st;

	if (!uscc_parse_text(PG_GETARG_TEXT_PP(0), &u, &st))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(u.code, 18));
}

PG_FUNCTION_INFO_V1(uscc_region);
Datum
uscc_region(PG_FUNCTION_ARGS)
{
	Uscc		u;
	UsccStatus	st;

	if (!uscc_parse_text(PG_GETARG_TEXT_PP(0), &u, &st))
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text_with_len(u.code + 2, 6));
}

/*
 * Registration authorities (position 1) and organisation kinds (position 2)
 * of GB 32100-2015 with the codes added since.  kind '\0' names the
 * authority itself.
 */
typedef struct UsccKind
{
	char		authority;
	char		kind;
	const char *name_en;
	const char *name_zh;
} UsccKind;

static const UsccKind uscc_kinds[] = {
	{'1', 0, "organisation establishment", "机构编制"},
	{'1', '1', "government organ", "机关"},
	{'1', '2', "public institution", "事业单位"},
	{'1', '3', "mass organisation under the establishment office", "中央编办直接管理机构编制的群众团体"},
	{'1', '9', "other", "其他"},
	{'2', 0, "foreign affairs", "外交"},
	{'2', '1', "resident office of a foreign news agency", "外国常驻新闻机构"},
	{'2', '9', "other", "其他"},
	{'3', 0, "justice administration", "司法行政"},
	{'3', '1', "law firm", "律师执业机构"},
	{'3', '2', "notary office", "公证处"},
	{'3', '3', "grassroots legal service office", "基层法律服务所"},
	{'3', '4', "forensic expertise institution", "司法鉴定机构"},
	{'3', '5', "arbitration commission", "仲裁委员会"},
	{'3', '9', "other", "其他"},
	{'4', 0, "culture", "文化"},
	{'4', '1', "foreign cultural centre in China", "外国在华文化中心"},
	{'4', '9', "other", "其他"},
	{'5', 0, "civil affairs", "民政"},
	{'5', '1', "social organisation", "社会团体"},
	{'5', '2', "private non-enterprise unit", "民办非企业单位"},
	{'5', '3', "foundation", "基金会"},
	{'5', '9', "other", "其他"},
	{'6', 0, "tourism", "旅游"},
	{'6', '1', "resident office of a foreign tourism authority", "外国旅游部门常驻代表机构"},
	{'6', '2', "resident office of a Hong Kong, Macao or Taiwan tourism authority", "港澳台地区旅游部门常驻内地（大陆）代表机构"},
	{'6', '9', "other", "其他"},
	{'7', 0, "religious affairs", "宗教"},
	{'7', '1', "place of religious activity", "宗教活动场所"},
	{'7', '2', "religious school", "宗教院校"},
	{'7', '9', "other", "其他"},
	{'8', 0, "trade unions", "工会"},
	{'8', '1', "grassroots trade union", "基层工会"},
	{'8', '9', "other", "其他"},
	{'9', 0, "industry and commerce", "工商"},
	{'9', '1', "enterprise", "企业"},
	{'9', '2', "individual business", "个体工商户"},
	{'9', '3', "farmers' cooperative", "农民专业合作社"},
	{'A', 0, "military establishment", "中央军委改革和编制办公室"},
	{'A', '1', "military public institution", "军队事业单位"},
	{'A', '9', "other", "其他"},
	{'N', 0, "agriculture", "农业"},
	{'N', '1', "group-level collective economic organisation", "组级集体经济组织"},
	{'N', '2', "village-level collective economic organisation", "村级集体经济组织"},
	{'N', '3', "township-level collective economic organisation", "乡镇级集体经济组织"},
	{'N', '9', "other", "其他"},
	{'Y', 0, "other", "其他"},
	{'Y', '1', "other", "其他"},
};

static const UsccKind *
uscc_lookup(char authority, char kind)
{
	int			i;

	for (i = 0; i < (int) lengthof(uscc_kinds); i++)
		if (uscc_kinds[i].authority == authority && uscc_kinds[i].kind == kind)
			return &uscc_kinds[i];
	return NULL;
}

/* uscc_authority(code, zh) and uscc_org_kind(code, zh) share this. */
static Datum
uscc_label(FunctionCallInfo fcinfo, bool of_kind)
{
	Uscc		u;
	UsccStatus	st;
	const UsccKind *k;

	if (!uscc_parse_text(PG_GETARG_TEXT_PP(0), &u, &st))
		PG_RETURN_NULL();
	k = uscc_lookup(u.code[0], of_kind ? u.code[1] : 0);
	if (k == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(PG_GETARG_BOOL(1) ? k->name_zh : k->name_en));
}

PG_FUNCTION_INFO_V1(uscc_authority);
Datum
uscc_authority(PG_FUNCTION_ARGS)
{
	return uscc_label(fcinfo, false);
}

PG_FUNCTION_INFO_V1(uscc_org_kind);
Datum
uscc_org_kind(PG_FUNCTION_ARGS)
{
	return uscc_label(fcinfo, true);
}

/* ---------------------------------------------------------------------
 * Organisation-name match keys
 * ---------------------------------------------------------------------
 */

/*
 * Legal-form endings removed from the end of a name, longest first within
 * each family, so that "有限责任公司" is tried before "公司".  集团 (group),
 * 分公司 (branch) and 总公司 (head company) are kept: a group parent, its
 * operating company and a branch are different registered entities.
 */
static const char *const legal_forms[] = {
	"股份有限公司", "有限责任公司", "有限責任公司",
	"有限公司", "股份公司", "公司",
	"个人独资企业", "個人獨資企業", "合伙企业", "合夥企業",
	"有限合伙", "有限合夥", "普通合伙", "普通合夥",
};

/* True if code point c is dropped from a match key. */
static inline bool
drop_in_key(pg_wchar c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
	if (c < 0xC0)				/* Latin-1 blanks and punctuation: no-break space, ·, « » ... */
		return c != 0xAA && c != 0xB5 && c != 0xBA;
	if (c >= 0x0300 && c <= 0x036F)	/* combining diacritical marks */
		return true;
	if (c >= 0x2000 && c <= 0x206F)	/* general punctuation, zero-width blanks */
		return true;
	if (c >= 0x3000 && c <= 0x303F)	/* CJK symbols and punctuation ... */
		return !(c == 0x3005 || c == 0x3006 || c == 0x3007 ||	/* 々 〆 〇 */
				 (c >= 0x3021 && c <= 0x3029) || (c >= 0x3038 && c <= 0x303A));
	if (c == 0x30FB)			/* katakana middle dot */
		return true;
	if (c >= 0xFE10 && c <= 0xFE1F)	/* vertical forms */
		return true;
	if (c >= 0xFE20 && c <= 0xFE6F)	/* combining half marks, CJK compatibility and small forms */
		return true;
	if (c == 0xFEFF)			/* byte order mark */
		return true;
	if (c >= 0xFF5F && c <= 0xFF65)	/* half-width brackets and CJK punctuation */
		return true;
	return false;
}

/* True if out[0..n) ends in 分, 总 or 總 (so that 分公司, 总公司 stay). */
static inline bool
ends_with_branch_mark(const char *out, int n)
{
	const unsigned char *p;

	if (n < 3)
		return false;
	p = (const unsigned char *) out + n - 3;
	return (p[0] == 0xE5 && p[1] == 0x88 && p[2] == 0x86) ||
		(p[0] == 0xE6 && p[1] == 0x80 && p[2] == 0xBB) ||
		(p[0] == 0xE7 && p[1] == 0xB8 && p[2] == 0xBD);
}

/*
 * Build the key of s[0..len) into out (at least len bytes); returns its
 * length.
 */
static int
org_key_build(const char *str, int len, char *out)
{
	const unsigned char *s = (const unsigned char *) str;
	const unsigned char *e = s + len;
	int			n = 0;
	bool		stripped;

	while (s < e)
	{
		int			clen = utf8_char_len(s, e);
		pg_wchar	c = utf8_decode(s, clen);

		if (c >= 0xFF01 && c <= 0xFF5E)
			c -= 0xFEE0;		/* full-width ASCII to ASCII */
		else if (c == 0x3000)
			c = ' ';
		if (c < 0x80)
		{
			if (!drop_in_key(c))
				out[n++] = (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : (char) c;
		}
		else if (!drop_in_key(c))
		{
			memcpy(out + n, s, clen);
			n += clen;
		}
		s += clen;
	}

	/* strip legal-form endings, repeatedly, never down to nothing */
	do
	{
		int			i;

		stripped = false;
		for (i = 0; i < (int) lengthof(legal_forms); i++)
		{
			int			flen = strlen(legal_forms[i]);

			/* a name that is nothing but a legal form keeps it */
			if (n == flen && memcmp(out, legal_forms[i], flen) == 0)
				return n;
			if (n > flen && memcmp(out + n - flen, legal_forms[i], flen) == 0 &&
				!ends_with_branch_mark(out, n - flen))
			{
				n -= flen;
				stripped = true;
				break;
			}
		}
	} while (stripped);

	return n;
}

PG_FUNCTION_INFO_V1(org_name_key);
Datum
org_name_key(PG_FUNCTION_ARGS)
{
	text	   *t = PG_GETARG_TEXT_PP(0);
	int			len;
	const char *s = utf8_bytes(t, &len);
	char	   *out;
	int			n;
	text	   *result;
	int			enc = GetDatabaseEncoding();

	out = palloc(len + 1);
	n = org_key_build(s, len, out);
	if (n == 0)
		PG_RETURN_NULL();
	out[n] = '\0';
	if (enc != PG_UTF8 && enc != PG_SQL_ASCII)
	{
		char	   *conv = pg_any_to_server(out, n, PG_UTF8);

		result = cstring_to_text(conv);
	}
	else
		result = cstring_to_text_with_len(out, n);
	pfree(out);
	PG_RETURN_TEXT_P(result);
}
