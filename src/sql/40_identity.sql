-- Identity kernels (src/identity.c): resident identity numbers (GB 11643-1999),
-- unified social credit codes (GB 32100-2015) and organisation-name match keys.
-- All are IMMUTABLE STRICT PARALLEL SAFE: the answer depends on the argument
-- only (no "today", no table), so they can be used in indexes, generated
-- columns and constraints.

CREATE FUNCTION @extschema@.cn_id_valid(text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'cn_id_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_valid(text) IS
  'True if the text is a resident identity number (GB 11643-1999): 18 characters with a correct ISO 7064 MOD 11-2 check character, or an old 15-digit number; known province code; real birth date in 1800-2099. Blanks at either end, full-width digits and a lower-case x are accepted.';

CREATE FUNCTION @extschema@.cn_id_normalize(text) RETURNS text
  AS 'MODULE_PATHNAME', 'cn_id_normalize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_normalize(text) IS
  'The 18-character form of a resident identity number (trimmed, half-width, upper-case X, 15-digit numbers upgraded); raises 22P02 (22008 for an impossible birth date) naming what is wrong.';

CREATE FUNCTION @extschema@.cn_id_try_normalize(text) RETURNS text
  AS 'MODULE_PATHNAME', 'cn_id_try_normalize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_try_normalize(text) IS
  'As cn_id_normalize, but NULL instead of an error for an invalid number: the join key for cross-matching.';

CREATE FUNCTION @extschema@.cn_id_birthdate(text) RETURNS date
  AS 'MODULE_PATHNAME', 'cn_id_birthdate'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_birthdate(text) IS
  'Birth date coded in a resident identity number (characters 7-14; 19YYMMDD for 15-digit numbers); NULL if the number is invalid.';

CREATE FUNCTION @extschema@.cn_id_sex(text) RETURNS text
  AS 'MODULE_PATHNAME', 'cn_id_sex'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_sex(text) IS
  'Sex coded in a resident identity number: ''M'' if the sequence number (17th character, 15th of a 15-digit number) is odd, ''F'' if even; NULL if the number is invalid.';

CREATE FUNCTION @extschema@.cn_id_region(text) RETURNS text
  AS 'MODULE_PATHNAME', 'cn_id_region'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.cn_id_region(text) IS
  'Six-digit GB/T 2260 region code of the place of first registration (characters 1-6) of a resident identity number; NULL if the number is invalid.';

CREATE FUNCTION @extschema@.uscc_valid(text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'uscc_valid'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_valid(text) IS
  'True if the text is a unified social credit code (GB 32100-2015): 18 characters of 0-9 A-H J-N P-R T U W-Y, six-digit region in characters 3-8, correct MOD 31 check character. Blanks at either end, full-width and lower-case letters are accepted.';

CREATE FUNCTION @extschema@.uscc_normalize(text) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_normalize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_normalize(text) IS
  'The canonical form of a unified social credit code (trimmed, half-width, upper case); raises 22P02 naming what is wrong.';

CREATE FUNCTION @extschema@.uscc_try_normalize(text) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_try_normalize'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_try_normalize(text) IS
  'As uscc_normalize, but NULL instead of an error for an invalid code: the join key for cross-matching.';

CREATE FUNCTION @extschema@.uscc_region(text) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_region'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_region(text) IS
  'Six-digit GB/T 2260 region code (characters 3-8) of a unified social credit code; NULL if the code is invalid.';

CREATE FUNCTION @extschema@.uscc_authority(code text, zh boolean DEFAULT false) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_authority'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_authority(text, boolean) IS
  'Registration authority named by character 1 of a unified social credit code (1 organisation establishment, 5 civil affairs, 9 industry and commerce, Y other, ...), in English or, with zh => true, in Chinese; NULL if the code is invalid or the authority unknown.';

CREATE FUNCTION @extschema@.uscc_org_kind(code text, zh boolean DEFAULT false) RETURNS text
  AS 'MODULE_PATHNAME', 'uscc_org_kind'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uscc_org_kind(text, boolean) IS
  'Kind of organisation named by characters 1-2 of a unified social credit code (91 enterprise, 92 individual business, 51 social organisation, ...), in English or, with zh => true, in Chinese; NULL if the code is invalid or the kind unknown.';

CREATE FUNCTION @extschema@.org_name_key(text) RETURNS text
  AS 'MODULE_PATHNAME', 'org_name_key'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.org_name_key(text) IS
  'Match key of an organisation name: full-width forms folded, Latin letters lower-cased, blanks, punctuation and brackets removed, legal-form endings (股份有限公司, 有限责任公司, 有限公司, 公司, 合伙企业, 有限合伙, ...) stripped; 集团, 分公司 and 总公司 are kept. NULL if nothing is left. Index it with pg_trgm for fuzzy matching.';
