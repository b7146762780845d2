-- demo/gen/00_functions.sql: generator-only helpers in schema gen.
-- Every random number is a hash of (seed, stream, row number): no random(),
-- no setseed(), so the data do not depend on plan or row order.
CREATE SCHEMA gen;
COMMENT ON SCHEMA gen IS 'cleangov demo generator helpers (dropped at the end of demo/generate.sql unless -v keep_gen=1)';

CREATE TABLE gen.param (name text PRIMARY KEY, value numeric NOT NULL);
INSERT INTO gen.param VALUES ('seed', :'seed'), ('tenders', :'tenders');

-- The seed is baked into gen.h as a literal so that the planner folds the
-- per-stream part to a constant and inlines the whole helper chain.
DO $do$
DECLARE s bigint := (SELECT value FROM gen.param WHERE name = 'seed')::bigint;
BEGIN
  EXECUTE format($f$
    CREATE FUNCTION gen.h(stream int, i bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT pg_catalog.hashint8extended(i, pg_catalog.hashint8extended(stream::bigint, %s::bigint))'$f$, s);
END
$do$;

-- uniform in [0,1)
CREATE FUNCTION gen.u(stream int, i bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (gen.h(stream, i) & 9007199254740991)::float8 / 9007199254740992.0::float8 $$;

-- uniform in [0,1) for a two-dimensional index (row i, element j)
CREATE FUNCTION gen.u2(stream int, i bigint, j bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (pg_catalog.hashint8extended(j, gen.h(stream, i)) & 9007199254740991)::float8 / 9007199254740992.0::float8 $$;

-- integer uniform in [lo, hi]
CREATE FUNCTION gen.ri(stream int, i bigint, lo int, hi int) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT lo + floor(gen.u(stream, i) * (hi - lo + 1))::int $$;

-- standard normal (Box-Muller)
CREATE FUNCTION gen.norm(stream int, i bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT sqrt(-2.0 * ln(1.0 - gen.u(stream, i))) * cos(2.0 * pi() * gen.u2(stream, i, -1)) $$;

CREATE FUNCTION gen.norm2(stream int, i bigint, j bigint) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT sqrt(-2.0 * ln(1.0 - gen.u2(stream, i, j))) * cos(2.0 * pi() * gen.u2(stream, i, j + 1000000007)) $$;

-- element of an array for a uniform u
CREATE FUNCTION gen.pick(a text[], u float8) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT a[1 + floor(u * cardinality(a))::int] $$;

CREATE FUNCTION gen.clamp(x float8, lo float8, hi float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT greatest(lo, least(hi, x)) $$;

-- next working day (Saturday, Sunday -> Monday); public holidays are ignored
CREATE FUNCTION gen.wd(d date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT d + CASE extract(isodow FROM d)::int WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END $$;

-- the n-th working day after working day d (Mon-Fri calendar)
CREATE FUNCTION gen.add_wd(d date, n int) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT d + n + 2 * ((extract(isodow FROM d)::int - 1 + n) / 5) $$;

-- working-time timestamp on day d: 08:30 + u * 9 h
CREATE FUNCTION gen.worktime(d date, u float8) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT d + time '08:30' + make_interval(secs => floor(u * 32400)) $$;

-- GB 11643 check character of the first 17 digits
CREATE FUNCTION gen.id_check(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT substr('10X98765432', (sum(substr(p, k, 1)::int * ((2 ^ (18 - k))::bigint % 11)) % 11)::int + 1, 1)
      FROM generate_series(1, 17) k $$;

-- GB 32100 check character of the first 17 characters
CREATE FUNCTION gen.uscc_check(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT substr('0123456789ABCDEFGHJKLMNPQRTUWXY',
                    (31 - sum((strpos('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(p, k, 1)) - 1)
                              * ((3 ^ (k - 1))::bigint % 31)) % 31)::int % 31 + 1, 1)
      FROM generate_series(1, 17) k $$;

-- GB 11714 organisation-code check character of 8 characters
CREATE FUNCTION gen.org_check(p text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE c WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE c::text END
      FROM (SELECT 11 - sum(CASE WHEN substr(p, k, 1) BETWEEN '0' AND '9' THEN substr(p, k, 1)::int
                                 ELSE ascii(substr(p, k, 1)) - 55 END
                            * (ARRAY[3,7,9,10,5,8,4,2])[k]) % 11 AS c
            FROM generate_series(1, 8) k) s $$;

-- n in [0, 31^len) written over the USCC alphabet, fixed width
CREATE FUNCTION gen.b31(n bigint, len int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT string_agg(substr('0123456789ABCDEFGHJKLMNPQRTUWXY', ((n / (31::bigint ^ (len - k))::bigint) % 31)::int + 1, 1), '' ORDER BY k)
      FROM generate_series(1, len) k $$;

-- a full unified social credit code: authority+kind (2 chars), region (6), serial
CREATE FUNCTION gen.uscc(prefix text, region text, serial bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT b || gen.uscc_check(b)
      FROM (SELECT prefix || region || o || gen.org_check(o) AS b
            FROM (SELECT 'MA' || gen.b31((serial * 387420489 + 104729) % 887503681, 6) AS o) x) y $$;

-- name material
CREATE FUNCTION gen.surnames() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT '{王,李,张,刘,陈,杨,黄,赵,吴,周,徐,孙,马,朱,胡,郭,何,高,林,罗,郑,梁,谢,宋,唐,许,韩,冯,邓,曹,彭,曾,肖,田,董,袁,潘,于,蒋,蔡,余,杜,叶,程,苏,魏,吕,丁,任,沈,姚,卢,姜,崔,钟,谭,陆,汪,范,金,石,廖,贾,夏,韦,付,方,白,邹,孟,熊,秦,邱,江,尹,薛,闫,段,雷,侯,龙,史,陶,黎,贺,顾,毛,郝,龚,邵,万,钱,严,武,戴,孔,汤,庞,樊,葛}'::text[] $$;
CREATE FUNCTION gen.given_m() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT '{伟,强,磊,军,勇,杰,涛,斌,超,明,刚,平,辉,鹏,华,飞,鑫,波,宇,浩,凯,健,俊,帆,旭,宁,龙,林,阳,建,国,峰,亮,成,东,文,海,志,晨,振,兵,春,新,庆,永,德,保,学,立,坤}'::text[] $$;
CREATE FUNCTION gen.given_f() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT '{芳,娜,敏,静,丽,艳,娟,霞,燕,玲,桂,英,秀,兰,红,梅,琳,婷,雪,慧,颖,倩,洁,萍,莉,晶,欣,玉,佳,璐,凤,月,琴,云,琼,丹,悦,楠,冬,荣}'::text[] $$;
-- Chinese person name: weighted surname + one or two given-name characters
CREATE FUNCTION gen.person_name(stream int, i bigint, male boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT gen.pick(gen.surnames(), gen.u2(stream, i, 1) ^ 1.7)
          || gen.pick(CASE WHEN male THEN gen.given_m() ELSE gen.given_f() END, gen.u2(stream, i, 2))
          || CASE WHEN gen.u2(stream, i, 3) < 0.7
                  THEN gen.pick(CASE WHEN male THEN gen.given_m() ELSE gen.given_f() END, gen.u2(stream, i, 4))
                  ELSE '' END $$;
-- firm-name characters (字号)
CREATE FUNCTION gen.brand_chars() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT '{鑫,达,恒,泰,宏,远,华,宇,金,鼎,瑞,丰,兴,天,润,永,盛,博,源,泽,广,厦,信,诚,汇,通,锦,程,隆,基,图,昌,顺,安,康,佳,创,新,德,聚,万,嘉,鸿,伟,腾,飞,建,力,邦,豪,宝,成,荣,峰,捷,凯,弘,中,东,海}'::text[] $$;
CREATE FUNCTION gen.roads() RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT '{人民路,建设路,解放路,青年路,运河路,珠江路,长江路,黄河路,燕山路,泰山路,华山路,南京路,上海路,北京路,天山路,滨湖路,府前路,文化路,和平路,振兴大道,工业园路,迎宾大道,车站路,世纪大道,沂河路,新华路,健康路,学府路,汇源路,友谊路}'::text[] $$;

-- the standards' worked examples must pass the generator's own check functions
DO $$
BEGIN
  IF gen.id_check('11010519491231002') <> 'X' THEN
    RAISE EXCEPTION 'gen.id_check fails the GB 11643 worked example 11010519491231002X';
  END IF;
  IF gen.uscc_check('91350100M000100Y4') <> '3' THEN
    RAISE EXCEPTION 'gen.uscc_check fails the GB 32100 worked example 91350100M000100Y43';
  END IF;
  IF gen.org_check('M000100Y') <> '4' THEN
    RAISE EXCEPTION 'gen.org_check fails the organisation code of the GB 32100 worked example (M000100Y4)';
  END IF;
END
$$;
