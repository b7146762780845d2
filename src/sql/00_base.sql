-- Base: the schema comment and the version check.

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
