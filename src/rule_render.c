/*-------------------------------------------------------------------------
 *
 * rule_render.c
 *	  Where a rule's SQL holds threshold placeholders: cleangov.rule_sql_split().
 *
 * A rule author writes {name} in a condition or query for the threshold of
 * that name (cleangov.rule.thresholds), and cleangov.rule_render() replaces
 * it by the value as an SQL literal.  The replacement must only ever happen
 * where the author wrote SQL: a {name} inside a string literal ('..', E'..',
 * $tag$..$tag$), a quoted identifier or a comment is text the author meant
 * as text (a jsonb path '{a}', a regular expression '\d{4}'), and replacing
 * it there would let a threshold value, which an admin sets without being
 * the rule's author, change what the literal or the SQL around it says.  So
 * the SQL is scanned with PostgreSQL's lexical rules for those constructs
 * and only the placeholders outside them are reported.
 *
 * The scanner follows scan.l of PostgreSQL 15 for what matters here:
 * standard strings ('' doubles a quote; backslashes are plain characters, as
 * standard_conforming_strings is on since 9.1 and cannot be turned off per
 * rule), E'' strings (backslash escapes the next character), dollar quotes
 * ($$ or $tag$, where the tag is an identifier without $, and a $ that
 * continues an identifier or follows a digit starts nothing), quoted
 * identifiers ("" doubles a quote), line comments and nested block comments.
 * An unterminated construct runs to the end of the text: nothing after it is
 * replaced, and the SQL fails to compile as it would anyway.
 *
 * IDENTIFICATION
 *	  src/rule_render.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(rule_sql_split);

static inline bool
ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static inline bool
ident_cont(unsigned char c)
{
	return ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static inline bool
placeholder_char(unsigned char c, bool first)
{
	return (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

/*
 * Length of the dollar-quote delimiter starting at s[i] ($$ or $tag$), or 0
 * when the $ does not open one.
 */
static int
dollar_delim(const char *s, int i, int len)
{
	int			j = i + 1;

	if (i > 0 && (ident_cont((unsigned char) s[i - 1])))
		return 0;
	if (j < len && s[j] == '$')
		return 2;
	if (j >= len || !ident_start((unsigned char) s[j]))
		return 0;
	while (j < len && ident_cont((unsigned char) s[j]) && s[j] != '$')
		j++;
	if (j < len && s[j] == '$')
		return j - i + 1;
	return 0;
}

/*
 * Position after the quoted text starting at s[i] (a string literal or a
 * quoted identifier: a doubled quote stands for one; with escapes, as in
 * E'', a backslash escapes the next character).
 */
static int
skip_quoted(const char *s, int i, int len, char quote, bool escapes)
{
	i++;
	while (i < len)
	{
		if (escapes && s[i] == '\\')
			i += 2;
		else if (s[i] == quote)
		{
			if (i + 1 < len && s[i + 1] == quote)
				i += 2;
			else
				break;
		}
		else
			i++;
	}
	return i + 1;
}

/*
 * rule_sql_split(sql text) returns text[]: the SQL cut at its placeholders,
 * {chunk, name, chunk, name, ..., chunk} (an odd number of elements; the
 * names at the even positions 2, 4, ...), so that
 * chunk || value(name) || chunk ... is the rendered SQL.
 */
Datum
rule_sql_split(PG_FUNCTION_ARGS)
{
	text	   *sql = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(sql);
	int			len = VARSIZE_ANY_EXHDR(sql);
	ArrayBuildState *astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	int			chunk = 0;
	int			i = 0;

	while (i < len)
	{
		unsigned char c = (unsigned char) s[i];

		if (c == '\'')
		{
			bool		escapes = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e')
				&& !(i > 1 && ident_cont((unsigned char) s[i - 2]));

			i = skip_quoted(s, i, len, '\'', escapes);
		}
		else if (c == '"')
			i = skip_quoted(s, i, len, '"', false);
		else if (c == '-' && i + 1 < len && s[i + 1] == '-')
		{
			while (i < len && s[i] != '\n')
				i++;
		}
		else if (c == '/' && i + 1 < len && s[i + 1] == '*')
		{
			int			depth = 1;

			i += 2;
			while (i < len && depth > 0)
			{
				if (s[i] == '/' && i + 1 < len && s[i + 1] == '*')
				{
					depth++;
					i += 2;
				}
				else if (s[i] == '*' && i + 1 < len && s[i + 1] == '/')
				{
					depth--;
					i += 2;
				}
				else
					i++;
			}
		}
		else if (c == '$' && dollar_delim(s, i, len) > 0)
		{
			int			d = dollar_delim(s, i, len);
			const char *delim = s + i;

			i += d;
			while (i < len && !(s[i] == '$' && i + d <= len && memcmp(s + i, delim, d) == 0))
				i++;
			i += d;
		}
		else if (c == '{' && i + 1 < len && placeholder_char((unsigned char) s[i + 1], true))
		{
			int			j = i + 1;

			while (j < len && placeholder_char((unsigned char) s[j], false))
				j++;
			if (j < len && s[j] == '}')
			{
				astate = accumArrayResult(astate, PointerGetDatum(cstring_to_text_with_len(s + chunk, i - chunk)),
										  false, TEXTOID, CurrentMemoryContext);
				astate = accumArrayResult(astate, PointerGetDatum(cstring_to_text_with_len(s + i + 1, j - i - 1)),
										  false, TEXTOID, CurrentMemoryContext);
				i = j + 1;
				chunk = i;
			}
			else
				i = j;
		}
		else if (ident_cont(c))
		{
			/* an identifier or number: a $ inside it opens no dollar quote */
			while (i < len && ident_cont((unsigned char) s[i]))
				i++;
		}
		else
			i++;
	}
	if (i > len)
		i = len;
	astate = accumArrayResult(astate, PointerGetDatum(cstring_to_text_with_len(s + chunk, len - chunk)),
							  false, TEXTOID, CurrentMemoryContext);
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}
