-- Identity kernels: resident identity numbers (GB 11643-1999), unified social
-- credit codes (GB 32100-2015), organisation-name keys.  The standards' worked
-- examples, hand-made cases, every error path by SQLSTATE, and independent
-- plain-SQL implementations of both check characters compared on thousands of
-- generated numbers.
BEGIN;
SELECT plan(101);

-- ---------------------------------------------------------------------------
-- Resident identity numbers: worked example and hand-made cases
-- ---------------------------------------------------------------------------
SELECT ok(cleangov.cn_id_valid('11010519491231002X'), 'GB 11643 worked example 11010519491231002X is valid');
SELECT is(cleangov.cn_id_normalize('11010519491231002X'), '11010519491231002X', 'worked example normalises to itself');
SELECT is(cleangov.cn_id_birthdate('11010519491231002X'), date '1949-12-31', 'worked example: born 1949-12-31');
SELECT is(cleangov.cn_id_sex('11010519491231002X'), 'F', 'worked example: sequence 002 is even, female');
SELECT is(cleangov.cn_id_region('11010519491231002X'), '110105', 'worked example: region 110105 (Beijing, Chaoyang)');
SELECT ok(NOT cleangov.cn_id_valid('110105194912310021'), 'wrong check character is invalid');
SELECT is(cleangov.cn_id_try_normalize('110105194912310021'), NULL, 'try_normalize gives NULL for a wrong check character');
SELECT is(cleangov.cn_id_normalize('11010519491231002x'), '11010519491231002X', 'lower-case x is folded to X');
SELECT is(cleangov.cn_id_normalize(E' \t11010519491231002X\n'), '11010519491231002X', 'ASCII blanks at either end are trimmed');
SELECT is(cleangov.cn_id_normalize('　11010519491231002X　'), '11010519491231002X', 'ideographic spaces (U+3000) at either end are trimmed');
SELECT is(cleangov.cn_id_normalize('１１０１０５１９４９１２３１００２Ｘ'), '11010519491231002X', 'full-width digits and full-width X are folded');
SELECT is(cleangov.cn_id_normalize('１１０１０５１９４９１２３１００２ｘ'), '11010519491231002X', 'full-width small x is folded');
SELECT is(cleangov.cn_id_normalize('110105１９４９1231002X'), '11010519491231002X', 'mixed half- and full-width digits');
SELECT ok(NOT cleangov.cn_id_valid('110105 19491231002X'), 'a blank inside the number is not accepted');
SELECT ok(NOT cleangov.cn_id_valid('11010519491231002Y'), 'Y is not a check character');
-- 15-digit numbers: "19" inserted before the year, check character appended
SELECT ok(cleangov.cn_id_valid('110105491231002'), 'a 15-digit number with a real date is valid');
SELECT is(cleangov.cn_id_normalize('110105491231002'), '11010519491231002X', '15-digit number upgrades to the worked example');
SELECT is(cleangov.cn_id_birthdate('110105491231002'), date '1949-12-31', 'birth date of a 15-digit number is 19YYMMDD');
SELECT is(cleangov.cn_id_sex('110105491231001'), 'M', '15-digit number: 15th character odd, male');
SELECT is(cleangov.cn_id_normalize('３２０３８２８５０７１５１２３'), '320382198507151230', 'full-width 15-digit number upgrades (check 0 computed by hand)');
SELECT ok(NOT cleangov.cn_id_valid('11010549123100X'), 'X is not allowed in a 15-digit number');
-- birth dates
SELECT ok(NOT cleangov.cn_id_valid('110105199902300023'), '1999-02-30 is no date (check character correct)');
SELECT ok(cleangov.cn_id_valid('110105200002290021'), '2000-02-29 is a date (divisible by 400)');
SELECT ok(NOT cleangov.cn_id_valid('110105190002290025'), '1900-02-29 is no date (century, not divisible by 400)');
SELECT ok(cleangov.cn_id_valid('110105198402290020'), '1984-02-29 is a date (leap year)');
SELECT ok(NOT cleangov.cn_id_valid('110105198502290028'), '1985-02-29 is no date');
SELECT ok(NOT cleangov.cn_id_valid('110105198513010028'), 'month 13 is no month');
SELECT ok(NOT cleangov.cn_id_valid('110105198504310029'), 'April has no day 31');
SELECT ok(NOT cleangov.cn_id_valid('110105179912310024'), 'birth years before 1800 are refused');
SELECT ok(cleangov.cn_id_valid('110105209912310029'), 'birth year 2099 is accepted (no comparison with today: the function is IMMUTABLE)');
SELECT ok(NOT cleangov.cn_id_valid('99010519491231002X'), 'province 99 does not exist');
SELECT ok(cleangov.cn_id_valid('820000199001010010'), 'province 82 (Macao residence permit) exists');
SELECT is(cleangov.cn_id_sex('110105200002290021'), 'F', '17th digit 2: female');
SELECT is(cleangov.cn_id_sex('320382198507151230'), 'M', '17th digit 3: male');
SELECT is(cleangov.cn_id_birthdate('110105190002290025'), NULL, 'extractors give NULL for an invalid number');
SELECT is(cleangov.cn_id_region('garbage'), NULL, 'region of garbage is NULL');
SELECT is(cleangov.cn_id_sex(''), NULL, 'sex of an empty string is NULL');
SELECT is(cleangov.cn_id_valid(NULL), NULL, 'STRICT: NULL in, NULL out');

-- ---------------------------------------------------------------------------
-- Every error path of cn_id_normalize, by SQLSTATE and message
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('   ')$$, '22P02',
  'invalid resident identity number: empty', 'blanks only: 22P02 empty');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('1101051949#231002X')$$, '22P02',
  'invalid resident identity number: unexpected character', 'punctuation: 22P02 unexpected character');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('1101051949中231002X')$$, '22P02',
  'invalid resident identity number: unexpected character', 'a CJK character: 22P02 unexpected character');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('1101051949X231002X')$$, '22P02',
  'invalid resident identity number: X before the last place', 'X inside: 22P02');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('1101051949123100')$$, '22P02',
  'invalid resident identity number: wrong length', '16 characters: 22P02 wrong length');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize(repeat('1', 5000))$$, '22P02',
  'invalid resident identity number: wrong length', '5000 characters: 22P02 wrong length');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('99010519491231002X')$$, '22P02',
  'invalid resident identity number: unknown region', 'province 99: 22P02 unknown region');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('110105199902300023')$$, '22008',
  'invalid resident identity number: birth date is not a calendar date', '1999-02-30: 22008');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('110105990230002')$$, '22008',
  'invalid resident identity number: birth date is not a calendar date', '15-digit 1999-02-30: 22008');
SELECT throws_ok($$SELECT cleangov.cn_id_normalize('110105194912310021')$$, '22P02',
  'invalid resident identity number: wrong check character', 'wrong check: 22P02');

-- ---------------------------------------------------------------------------
-- Independent plain-SQL GB 11643 validator on 6,000 generated numbers:
-- random provinces (mostly known, some unknown), random dates (some impossible),
-- and a check character that is right for half of them.
-- ---------------------------------------------------------------------------
SELECT setseed(0.11643);
CREATE TEMP TABLE gen_id AS
WITH raw AS (
  SELECT g,
         CASE WHEN random() < 0.8
              THEN ((ARRAY[11,12,13,14,15,21,22,23,31,32,33,34,35,36,37,41,42,43,44,45,46,
                           50,51,52,53,54,61,62,63,64,65,71,81,82,83])[1 + floor(random() * 35)::int])::text
              ELSE (10 + floor(random() * 90))::int::text END
           || lpad(floor(random() * 10000)::int::text, 4, '0')
           || (1790 + floor(random() * 320))::int::text
           || lpad(floor(random() * 14)::int::text, 2, '0')
           || lpad(floor(random() * 32)::int::text, 2, '0')
           || lpad(floor(random() * 1000)::int::text, 3, '0') AS body,
         random() < 0.5 AS make_right,
         substr('0123456789X', 1 + floor(random() * 11)::int, 1) AS random_check
    FROM generate_series(1, 6000) g
), checked AS (
  SELECT r.*, substr('10X98765432',
           (SELECT sum(substr(r.body, i, 1)::int * (ARRAY[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[i])::int % 11
              FROM generate_series(1, 17) i) + 1, 1) AS right_check
    FROM raw r
)
SELECT g, body || CASE WHEN make_right THEN right_check ELSE random_check END AS id,
       body, right_check
  FROM checked;

CREATE TEMP TABLE sql_verdict AS
SELECT g, id,
       substr(id, 1, 2)::int IN (11,12,13,14,15,21,22,23,31,32,33,34,35,36,37,41,42,43,44,45,46,
                                 50,51,52,53,54,61,62,63,64,65,71,81,82,83)
   AND y BETWEEN 1800 AND 2099 AND m BETWEEN 1 AND 12
   AND d BETWEEN 1 AND extract(day FROM (make_date(y, CASE WHEN m BETWEEN 1 AND 12 THEN m ELSE 1 END, 1)
                                         + interval '1 month - 1 day'))::int
   AND substr(id, 18, 1) = right_check AS valid
  FROM (SELECT g, id, right_check, substr(id, 7, 4)::int AS y, substr(id, 11, 2)::int AS m,
               substr(id, 13, 2)::int AS d
          FROM gen_id) t;

SELECT is((SELECT count(*)::int FROM sql_verdict WHERE valid IS DISTINCT FROM cleangov.cn_id_valid(id)),
          0, 'cn_id_valid agrees with a plain-SQL validator on 6,000 generated numbers');
SELECT cmp_ok((SELECT count(*)::int FROM sql_verdict WHERE valid), '>', 1000,
          'the generated sample holds more than 1,000 valid numbers');
SELECT cmp_ok((SELECT count(*)::int FROM sql_verdict WHERE NOT valid), '>', 1000,
          'the generated sample holds more than 1,000 invalid numbers');
SELECT is((SELECT count(*)::int FROM sql_verdict v
            WHERE v.valid AND (cleangov.cn_id_normalize(v.id) <> v.id
               OR cleangov.cn_id_birthdate(v.id) <> to_date(substr(v.id, 7, 8), 'YYYYMMDD')
               OR cleangov.cn_id_region(v.id) <> substr(v.id, 1, 6)
               OR cleangov.cn_id_sex(v.id) <> CASE WHEN substr(v.id, 17, 1)::int % 2 = 1 THEN 'M' ELSE 'F' END)),
          0, 'extractors agree with substr() on every valid generated number');
-- a 15-digit form of a 19xx number upgrades to the body with its right check
SELECT is((SELECT ARRAY[count(*) FILTER (WHERE cleangov.cn_id_normalize(short) <> body || right_check),
                        (count(*) > 300)::int]
             FROM (SELECT substr(body, 1, 6) || substr(body, 9, 9) AS short, body, right_check
                     FROM gen_id WHERE substr(body, 7, 2) = '19') t
            WHERE cleangov.cn_id_valid(short)),
          ARRAY[0, 1]::bigint[], '15-digit upgrade agrees with plain SQL on the (more than 300) valid 15-digit forms of the sample');
SELECT is((SELECT count(*)::int FROM sql_verdict
            WHERE cleangov.cn_id_valid(translate(id, '0123456789X', '０１２３４５６７８９ｘ')) IS DISTINCT FROM valid),
          0, 'full-width forms of the 6,000 numbers get the same verdict');

-- ---------------------------------------------------------------------------
-- Unified social credit codes
-- ---------------------------------------------------------------------------
SELECT ok(cleangov.uscc_valid('91350100M000100Y43'), 'GB 32100 worked example 91350100M000100Y43 is valid');
SELECT is(cleangov.uscc_normalize(' ９１３５０１００ｍ０００１００ｙ４３　'), '91350100M000100Y43',
          'full-width, lower-case and blanks are folded');
SELECT is(cleangov.uscc_normalize('91350100m000100y43'), '91350100M000100Y43', 'lower case is folded');
SELECT ok(NOT cleangov.uscc_valid('91350100M000100Y44'), 'wrong check character is invalid');
SELECT is(cleangov.uscc_region('91350100M000100Y43'), '350100', 'region is characters 3-8 (Fuzhou)');
SELECT is(cleangov.uscc_authority('91350100M000100Y43'), 'industry and commerce', 'authority 9: industry and commerce');
SELECT is(cleangov.uscc_authority('91350100M000100Y43', true), '工商', 'authority 9 in Chinese: 工商');
SELECT is(cleangov.uscc_org_kind('91350100M000100Y43'), 'enterprise', 'kind 91: enterprise');
SELECT is(cleangov.uscc_org_kind('91350100M000100Y43', zh => true), '企业', 'kind 91 in Chinese: 企业');
SELECT is(cleangov.uscc_try_normalize('91350100M000100Y44'), NULL, 'try_normalize gives NULL for a wrong check');
SELECT is(cleangov.uscc_region('91350100M000100Y44'), NULL, 'extractors give NULL for an invalid code');
SELECT is(cleangov.uscc_authority('Z1350100M000100Y4X'), NULL, 'authority of an invalid code is NULL');
-- codes built with the plain-SQL check below, one per authority
SELECT is(ARRAY(SELECT cleangov.uscc_authority(c) FROM unnest(ARRAY['11110000000000000N', '51110000000000000J', 'Y1110000000000000Q']) c),
          ARRAY['organisation establishment', 'civil affairs', 'other'], 'authorities 1, 5 and Y');
SELECT is(cleangov.uscc_org_kind('52110000000000000F'), 'private non-enterprise unit', 'kind 52: private non-enterprise unit');
SELECT is(cleangov.uscc_org_kind('96110000000000000Y'), NULL, 'kind 96 is unknown: NULL, though the code is valid');
SELECT ok(cleangov.uscc_valid('96110000000000000Y'), 'an unknown kind does not make the code invalid');

SELECT throws_ok($$SELECT cleangov.uscc_normalize('')$$, '22P02',
  'invalid unified social credit code: empty', 'empty: 22P02');
SELECT throws_ok($$SELECT cleangov.uscc_normalize('91350100M0O0100Y43')$$, '22P02',
  'invalid unified social credit code: character outside the code alphabet', 'letter O: 22P02');
SELECT throws_ok($$SELECT cleangov.uscc_normalize('91350100M000100Y4😀')$$, '22P02',
  'invalid unified social credit code: character outside the code alphabet', 'emoji: 22P02');
SELECT throws_ok($$SELECT cleangov.uscc_normalize('91350100M00100Y43')$$, '22P02',
  'invalid unified social credit code: wrong length', '17 characters: 22P02');
SELECT throws_ok($$SELECT cleangov.uscc_normalize('913501A0M000100Y43')$$, '22P02',
  'invalid unified social credit code: region code is not numeric', 'letter in the region: 22P02');
SELECT throws_ok($$SELECT cleangov.uscc_normalize('91350100M000100Y44')$$, '22P02',
  'invalid unified social credit code: wrong check character', 'wrong check: 22P02');

-- Independent plain-SQL GB 32100 check on 6,000 generated codes.
SELECT setseed(0.32100);
CREATE TEMP TABLE gen_uscc AS
WITH raw AS (
  SELECT g,
         substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + floor(random() * 31)::int, 1)
           || substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + floor(random() * 31)::int, 1)
           || lpad(floor(random() * 1000000)::int::text, 6, '0')
           || array_to_string(ARRAY(SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + floor(random() * 31)::int, 1)
                                      FROM generate_series(1, 9 + g * 0)), '') AS body,
         random() < 0.5 AS make_right,
         substr('0123456789ABCDEFGHJKLMNPQRTUWXY', 1 + floor(random() * 31)::int, 1) AS random_check
    FROM generate_series(1, 6000) g
)
SELECT g, body, make_right, random_check,
       substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
              (31 - (SELECT sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(body, i, 1)) - 1)
                                * (ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28])[i])::int % 31
                       FROM generate_series(1, 17) i)) % 31 + 1, 1) AS right_check
  FROM raw;
SELECT is((SELECT count(*)::int FROM gen_uscc
            WHERE cleangov.uscc_valid(body || CASE WHEN make_right THEN right_check ELSE random_check END)
                  IS DISTINCT FROM (make_right OR random_check = right_check)),
          0, 'uscc_valid agrees with a plain-SQL check on 6,000 generated codes');
SELECT cmp_ok((SELECT count(*)::int FROM gen_uscc WHERE make_right), '>', 2500, 'more than 2,500 valid codes generated');
SELECT is((SELECT count(DISTINCT substr(body, 9, 9))::int FROM gen_uscc), 6000, 'organisation-code parts are all different');
SELECT is((SELECT count(*)::int FROM gen_uscc
            WHERE cleangov.uscc_normalize(lower(body || right_check)) <> body || right_check
               OR cleangov.uscc_region(body || right_check) <> substr(body, 3, 6)),
          0, 'normalise and region agree with plain SQL on every valid generated code');

-- ---------------------------------------------------------------------------
-- Organisation-name keys
-- ---------------------------------------------------------------------------
SELECT is(cleangov.org_name_key('北京字节跳动科技有限公司'), '北京字节跳动科技', '有限公司 is stripped');
SELECT is(cleangov.org_name_key('北京字节跳动科技有限责任公司'), cleangov.org_name_key('北京 字节跳动科技有限公司'),
          '有限责任公司 and 有限公司 give one key; blanks do not matter');
SELECT is(cleangov.org_name_key('ＡＢＣ（北京）科技股份有限公司'), 'abc北京科技', 'full-width letters, brackets and 股份有限公司');
SELECT is(cleangov.org_name_key('abc(北京)科技股份公司'), 'abc北京科技', 'half-width brackets and 股份公司 give the same key');
SELECT is(cleangov.org_name_key('【华东】建设·工程，有限公司。'), '华东建设工程', 'CJK punctuation and lenticular brackets removed');
SELECT is(cleangov.org_name_key('深圳前海投资合伙企业（有限合伙）'), '深圳前海投资', 'partnership forms stripped repeatedly');
SELECT is(cleangov.org_name_key('江苏建工集团有限公司'), '江苏建工集团', '集团 is kept: a group is not its operating company');
SELECT is(cleangov.org_name_key('江苏建工有限公司徐州分公司'), '江苏建工有限公司徐州分公司', '分公司 is kept, and so is the inner legal form');
SELECT is(cleangov.org_name_key('中国建工总公司'), '中国建工总公司', '总公司 is kept');
SELECT is(cleangov.org_name_key('有限公司'), '有限公司', 'a name that is only a legal form keeps it');
SELECT is(cleangov.org_name_key(' 、。（） '), NULL, 'nothing but punctuation: NULL, so junk never joins junk');
SELECT is(cleangov.org_name_key('第〇〇七厂'), '第〇〇七厂', 'ideographic zero is a character, not punctuation');
SELECT is(cleangov.org_name_key(E'Ａcme\u200B Ltd'), 'acmeltd', 'zero-width space dropped, Latin lower-cased');

-- fuzzy matching with pg_trgm on the keys (installed here, not required by cleangov)
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SELECT is(similarity(cleangov.org_name_key('徐州市恒信建设工程有限公司'), cleangov.org_name_key('徐州恒信建设工程有限责任公司')) > 0.5,
          true, 'pg_trgm: 徐州市恒信建设工程 and 徐州恒信建设工程 are similar keys');
SELECT is(similarity(cleangov.org_name_key('徐州市恒信建设工程有限公司'), cleangov.org_name_key('南京华泰物流有限公司')) < 0.1,
          true, 'pg_trgm: unrelated firms are not similar');
CREATE TEMP TABLE firm(name text);
INSERT INTO firm VALUES ('徐州恒信建设工程有限责任公司'), ('南京华泰物流有限公司'), ('徐州恒通商贸有限公司');
CREATE INDEX ON firm USING gin (cleangov.org_name_key(name) gin_trgm_ops);
SELECT is(ARRAY(SELECT name FROM firm WHERE cleangov.org_name_key(name) % cleangov.org_name_key('徐州市恒信建设工程有限公司')),
          ARRAY['徐州恒信建设工程有限责任公司'], 'pg_trgm % on keys finds the same firm written another way, and only it');

-- ---------------------------------------------------------------------------
-- Garbage never crashes: random code points of every plane, any length
-- ---------------------------------------------------------------------------
SELECT setseed(0.4242);
CREATE TEMP TABLE garbage AS
SELECT g, (SELECT string_agg(chr(CASE WHEN r < 0.3 THEN 1 + floor(random() * 127)::int
                                      WHEN r < 0.5 THEN 65296 + floor(random() * 80)::int
                                      WHEN r < 0.6 THEN 768 + floor(random() * 112)::int
                                      WHEN r < 0.7 THEN 127744 + floor(random() * 1000)::int
                                      ELSE 57344 + floor(random() * 1056767)::int END), '')
             FROM (SELECT random() AS r, g FROM generate_series(1, 1 + (g % 40))) x) AS s
  FROM generate_series(1, 3000) g;
SELECT lives_ok($$SELECT count(cleangov.cn_id_valid(s)) + count(cleangov.cn_id_try_normalize(s))
                       + count(cleangov.cn_id_birthdate(s)) + count(cleangov.cn_id_sex(s)) + count(cleangov.cn_id_region(s))
                       + count(cleangov.uscc_valid(s)) + count(cleangov.uscc_try_normalize(s)) + count(cleangov.uscc_region(s))
                       + count(cleangov.uscc_authority(s)) + count(cleangov.uscc_org_kind(s, true)) + count(cleangov.org_name_key(s))
                    FROM garbage$$, 'every function survives 3,000 strings of random code points');
SELECT is((SELECT count(*)::int FROM garbage WHERE cleangov.cn_id_valid(s) OR cleangov.uscc_valid(s)), 0,
          'no random string is a valid identifier');
SELECT is((SELECT count(*)::int FROM garbage
            WHERE cleangov.org_name_key(s) IS NOT NULL AND cleangov.org_name_key(s) <> cleangov.org_name_key(cleangov.org_name_key(s))),
          0, 'org_name_key is idempotent on garbage');
SELECT is((SELECT count(*)::int FROM garbage WHERE cleangov.org_name_key(s) ~ '[\s!-/:-@\[-`{-~（）【】、。　]'), 0,
          'no key of garbage holds blanks, ASCII punctuation or CJK brackets');

-- Labels the planner relies on.
SELECT is(ARRAY(SELECT p.proname::text FROM pg_proc p
                 WHERE p.pronamespace = 'cleangov'::regnamespace
                   AND p.proname ~ '^(cn_id|uscc|org_name)'
                   AND NOT (p.provolatile = 'i' AND p.proisstrict AND p.proparallel = 's')),
          '{}'::text[], 'every identity function is IMMUTABLE STRICT PARALLEL SAFE');

SELECT * FROM finish();
ROLLBACK;
