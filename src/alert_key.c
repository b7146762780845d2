/*-------------------------------------------------------------------------
 *
 * alert_key.c
 *	  The fixed-size key of the alert indexes: cleangov.alert_key().
 *
 * One open alert per (rule, subject kind, subject key, period) is kept by a
 * unique btree index, and a btree entry holds at most about 2,700 bytes,
 * while a user's table may hold keys of any length (a text primary key, a
 * concatenated key of a set rule).  So the indexes hold the SHA-256 of the
 * parts, each prefixed by its length in bytes so that different parts never
 * feed the hash the same bytes, and the row keeps the whole text.  The bytes
 * are the database's own (no conversion): the value is fixed for a database
 * and the function is immutable.  SHA-256 and not MD5: a writer of a watched
 * table chooses the keys, and two keys that collide would share one alert.
 *
 * IDENTIFICATION
 *	  src/alert_key.c
 *
 *-------------------------------------------------------------------------
 */
#include "cleangov.h"

#include "common/cryptohash.h"
#include "common/sha2.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(alert_key);

/* alert_key(kind text, key text [, period text]) returns bytea */
Datum
alert_key(PG_FUNCTION_ARGS)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);
	bytea	   *result = palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	int			i;

	if (pg_cryptohash_init(ctx) < 0)
		elog(ERROR, "could not initialize SHA-256: %s", pg_cryptohash_error(ctx));
	for (i = 0; i < PG_NARGS(); i++)
	{
		text	   *part = PG_GETARG_TEXT_PP(i);
		uint32		len = VARSIZE_ANY_EXHDR(part);
		uint8		prefix[4];

		prefix[0] = (uint8) (len >> 24);
		prefix[1] = (uint8) (len >> 16);
		prefix[2] = (uint8) (len >> 8);
		prefix[3] = (uint8) len;
		if (pg_cryptohash_update(ctx, prefix, sizeof(prefix)) < 0 ||
			pg_cryptohash_update(ctx, (const uint8 *) VARDATA_ANY(part), len) < 0)
			elog(ERROR, "could not update SHA-256: %s", pg_cryptohash_error(ctx));
	}
	if (pg_cryptohash_final(ctx, (uint8 *) VARDATA(result), PG_SHA256_DIGEST_LENGTH) < 0)
		elog(ERROR, "could not finish SHA-256: %s", pg_cryptohash_error(ctx));
	pg_cryptohash_free(ctx);
	SET_VARSIZE(result, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	PG_RETURN_BYTEA_P(result);
}
