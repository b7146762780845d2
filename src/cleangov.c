/*-------------------------------------------------------------------------
 *
 * cleangov.c
 *	  Module entry point: library magic, settings prefix, version check.
 *
 * Every setting of the extension is named cleangov.*; the prefix is reserved
 * at load time so that a misspelt setting is reported instead of silently
 * creating a placeholder that nothing reads.
 *
 * IDENTIFICATION
 *	  src/cleangov.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "utils/builtins.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

void
_PG_init(void)
{
	MarkGUCPrefixReserved("cleangov");
}

PG_FUNCTION_INFO_V1(cleangov_library_version);

/*
 * Version of the loaded shared library.  The SQL function cleangov.version()
 * compares it with the installed SQL objects, so that a library left over
 * from another build is noticed rather than producing odd errors later.
 */
Datum
cleangov_library_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(CLEANGOV_VERSION));
}
