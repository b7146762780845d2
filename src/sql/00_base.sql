-- Base: the encoding check, the schema comment and the version check.

-- The scripts are UTF-8 (cleangov.control: encoding = UTF8): PostgreSQL
-- converts them to the database encoding before running them, so a database
-- whose encoding cannot hold every Chinese label refuses the whole script
-- there (22P05, nothing created).  SQL_ASCII converts and checks nothing, so
-- it is refused here, first, with the same SQLSTATE; the byte check catches a
-- script that was read in some other encoding.  See README, "Installation".
DO $$
BEGIN
  IF pg_catalog.getdatabaseencoding() = 'SQL_ASCII'
     OR pg_catalog.convert_to('绿', 'UTF8') <> '\xe7bbbf'::bytea THEN
    RAISE EXCEPTION 'cleangov cannot be installed in a database with encoding %', pg_catalog.getdatabaseencoding()
      USING ERRCODE = 'untranslatable_character',
            DETAIL = 'Its labels are Chinese: the database encoding must be able to hold them (UTF8, EUC_CN, ...); SQL_ASCII holds bytes, not characters.',
            HINT = 'Create the database with ENCODING ''UTF8'' (createdb -E UTF8 -T template0).';
  END IF;
END
$$;

COMMENT ON SCHEMA @extschema@ IS
  'cleangov: integrity-risk supervision for government data (kernels, rules, alerts, closed loop)';

CREATE FUNCTION @extschema@.library_version() RETURNS text
  AS 'MODULE_PATHNAME', 'cleangov_library_version'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.library_version() IS
  'Version of the loaded cleangov shared library.';

-- stable because the installed extension version can change with ALTER EXTENSION
CREATE FUNCTION @extschema@.version() RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  sql_version text;
  lib_version text := @extschema@.library_version();
BEGIN
  SELECT extversion INTO sql_version FROM pg_catalog.pg_extension WHERE extname = 'cleangov';
  IF sql_version IS DISTINCT FROM lib_version THEN
    RAISE EXCEPTION 'cleangov SQL objects are version %, but the loaded library is version %',
      sql_version, lib_version
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Install the matching build and run ALTER EXTENSION cleangov UPDATE, then reconnect.';
  END IF;
  RETURN sql_version;
END
$$;
COMMENT ON FUNCTION @extschema@.version() IS
  'Installed cleangov version; raises 55000 if the shared library does not match the SQL objects. Stable because the installed extension version can change with ALTER EXTENSION.';
