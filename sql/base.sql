-- The version check: SQL objects and shared library agree.
SELECT cleangov.version() = cleangov.library_version() AS versions_match;
SELECT extversion = cleangov.version() AS extversion_matches FROM pg_extension WHERE extname = 'cleangov';
-- settings under cleangov.* are reserved: a misspelt one is refused
SET cleangov.no_such_setting = 'x';
