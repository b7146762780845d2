-- demo/gen/30_people.sql: staff, officials, responsibilities, relatives,
-- enterprises with their business persons; relative-supplier firms.
-- Persons are first planned in gen.pp; ID numbers are assigned in 45_persons.sql
-- once every person exists.

CREATE TABLE gen.pp (
  person_id bigint PRIMARY KEY, name text, sex text, birth_date date, region_code text,
  unit_id bigint, position text, is_official boolean, fiscally_paid boolean, role text);

-- staff of units
INSERT INTO gen.pp
SELECT row_number() OVER (ORDER BY u.unit_id, k) AS person_id,
       gen.person_name(101, u.unit_id * 100 + k, male),
       CASE WHEN male THEN 'M' ELSE 'F' END,
       CASE WHEN k <= 3 THEN date '1965-01-01' + floor(gen.u(103, u.unit_id * 100 + k) * 18 * 365.25)::int
            ELSE date '1965-01-01' + floor(gen.u(103, u.unit_id * 100 + k) * 33 * 365.25)::int END,
       CASE WHEN gen.u(104, u.unit_id * 100 + k) < 0.75 THEN u.region_code
            ELSE (SELECT region_code FROM gen.home_region WHERE slot = floor(gen.u(105, u.unit_id * 100 + k) * 100)::int % 100) END,
       u.unit_id,
       (CASE u.kind
          WHEN 'government'  THEN ARRAY['主要负责人','副职负责人','秘书长','科员']
          WHEN 'department'  THEN ARRAY['局长','副局长','科长','科员']
          WHEN 'town'        THEN ARRAY['镇长','副镇长','站所长','科员']
          WHEN 'town_office' THEN ARRAY['所长','副所长','股长','工作人员']
          WHEN 'institution' THEN ARRAY['院（校）长','副院（校）长','科室主任','职员']
          ELSE ARRAY['董事长','副总经理','部门经理','职员'] END)[CASE WHEN k = 1 THEN 1 WHEN k <= 3 THEN 2 WHEN k <= 6 THEN 3 ELSE 4 END],
       k <= 6,
       u.kind <> 'state_firm',
       'staff'
FROM gov.unit u,
     LATERAL generate_series(1, CASE u.kind WHEN 'town' THEN 6 + floor(gen.u(102, u.unit_id) * 6)::int
                                            WHEN 'town_office' THEN 3 + floor(gen.u(102, u.unit_id) * 4)::int
                                            ELSE 8 + floor(gen.u(102, u.unit_id) * 12)::int END) k,
     LATERAL (SELECT gen.u(106, u.unit_id * 100 + k) < CASE WHEN k <= 3 THEN 0.75 ELSE 0.55 END AS male) m;
INSERT INTO gen.param SELECT 'staff', count(*) FROM gen.pp;

-- areas of responsibility: leaders (head and deputies) of buying units oversee 1-3 item classes
INSERT INTO gov.person_responsibility (person_id, domain, since)
SELECT DISTINCT ON (p.person_id, c.category) p.person_id, c.category,
       date '2018-01-01' + floor(gen.u(111, p.person_id) * 1000)::int
FROM gen.pp p JOIN gov.unit u ON u.unit_id = p.unit_id
CROSS JOIN LATERAL generate_series(1, 1 + floor(gen.u(110, p.person_id) * 3)::int) j
JOIN gen.cat_slot c ON c.slot = floor(gen.u2(112, p.person_id, j) * 92)::int
WHERE p.position IN ('局长','副局长','镇长','副镇长','院（校）长','副院（校）长','董事长','副总经理')
ORDER BY p.person_id, c.category;

-- relatives of officials (slot 1 spouse, 2 child, 3 parent, 4 sibling, 5 in-law)
CREATE TABLE gen.kin AS
SELECT o.person_id AS official_id, s.slot,
       (ARRAY['spouse','child','parent','sibling','in_law'])[s.slot] AS kind,
       o.name AS o_name, o.sex AS o_sex, o.birth_date AS o_birth, o.region_code AS o_region
FROM gen.pp o
CROSS JOIN generate_series(1, 5) s(slot)
WHERE o.is_official
  AND gen.u2(120, o.person_id, s.slot) < (ARRAY[0.85, 0.6, 0.25, 0.25, 0.1])[s.slot];
ALTER TABLE gen.kin ADD COLUMN person_id bigint;
UPDATE gen.kin k SET person_id = gen.p('staff') + r.rn
FROM (SELECT official_id, slot, row_number() OVER (ORDER BY official_id, slot) AS rn FROM gen.kin) r
WHERE r.official_id = k.official_id AND r.slot = k.slot;

INSERT INTO gen.pp
SELECT k.person_id,
       CASE WHEN k.kind IN ('child','sibling') AND (k.o_sex = 'M' OR k.kind = 'sibling')
            THEN left(k.o_name, 1) || substr(gen.person_name(121, k.person_id, x.male), 2)
            ELSE gen.person_name(121, k.person_id, x.male) END,
       CASE WHEN x.male THEN 'M' ELSE 'F' END,
       least(date '2003-12-31', k.o_birth + CASE k.kind
         WHEN 'spouse' THEN floor((gen.u(122, k.person_id) - 0.5) * 6 * 365)::int
         WHEN 'child'  THEN floor((22 + gen.u(122, k.person_id) * 10) * 365.25)::int
         WHEN 'parent' THEN -floor((22 + gen.u(122, k.person_id) * 10) * 365.25)::int
         ELSE floor((gen.u(122, k.person_id) - 0.5) * 12 * 365)::int END),
       CASE WHEN gen.u(124, k.person_id) < 0.8 THEN k.o_region
            ELSE (SELECT region_code FROM gen.home_region WHERE slot = floor(gen.u(125, k.person_id) * 100)::int % 100) END,
       NULL, NULL, false, false, 'relative'
FROM gen.kin k,
     LATERAL (SELECT CASE k.kind WHEN 'spouse' THEN k.o_sex = 'F' ELSE gen.u(123, k.person_id) < 0.5 END AS male) x;

-- region paths and name prefixes
CREATE TABLE gen.region_path AS
SELECT c.region_code,
       coalesce(pr.name, '') || coalesce(pf.name, '') || CASE WHEN c.level = 'county' THEN c.name ELSE '' END AS path,
       CASE WHEN c.name LIKE '%市' THEN left(c.name, length(c.name) - 1)
            WHEN c.name LIKE '%县' AND length(c.name) > 2 THEN left(c.name, length(c.name) - 1)
            ELSE left(pf.name, length(pf.name) - 1) END AS short,
       left(pf.name, length(pf.name) - 1) AS pshort
FROM gov.region c
LEFT JOIN gov.region pf ON pf.region_code = c.parent_code
LEFT JOIN gov.region pr ON pr.region_code = pf.parent_code
WHERE c.level = 'county';

-- relative-supplier cases: an official with responsibilities and a relative;
-- the relative runs a firm (planted: most contracts inside the official's area;
-- near-miss: most outside).
CREATE TABLE gen.relsup AS
SELECT *, row_number() OVER (ORDER BY is_near_miss, official_id) AS n
FROM (
  SELECT o.person_id AS official_id, o.unit_id, r.person_id AS relative_id, r.kind AS relative_kind,
         (SELECT array_agg(domain ORDER BY domain) FROM gov.person_responsibility pr WHERE pr.person_id = o.person_id) AS domains,
         rk > ceil(gen.rate('relative_supplier') * cnt) AS is_near_miss
  FROM (SELECT p.*, row_number() OVER (ORDER BY gen.u(130, p.person_id), p.person_id) AS rk,
               count(*) OVER () AS cnt
        FROM gen.pp p
        WHERE EXISTS (SELECT 1 FROM gov.person_responsibility pr WHERE pr.person_id = p.person_id)
          AND EXISTS (SELECT 1 FROM gen.kin k WHERE k.official_id = p.person_id)) o
  CROSS JOIN LATERAL (SELECT k.person_id, k.kind FROM gen.kin k WHERE k.official_id = o.person_id ORDER BY k.slot LIMIT 1) r
  WHERE rk <= 2 * ceil(gen.rate('relative_supplier') * cnt)
) s;
INSERT INTO gen.param SELECT 'relsup_firms', count(*) FROM gen.relsup;

-- enterprises: background blocks per category, then the relative-supplier firms
CREATE TABLE gen.ent AS
SELECT e AS enterprise_id, c.category, e - c.block_start AS k,
       (SELECT region_code FROM gen.home_region WHERE slot = floor(gen.u(140, e) * 100)::int % 100) AS region_code,
       NULL::bigint AS legal_rep_id, gen.u(141, e) < 0.6 AS has_sh2, gen.u(142, e) < 0.3 AS has_dir, 'background' AS origin
FROM gen.cat c, generate_series(c.block_start, c.block_start + c.block_size - 1) e;
INSERT INTO gen.ent
SELECT gen.p('enterprises') + r.n, r.domains[1],
       NULL, (SELECT region_code FROM gen.pp WHERE person_id = r.official_id),
       r.relative_id, true, false, CASE WHEN r.is_near_miss THEN 'relsup_near_miss' ELSE 'relsup' END
FROM gen.relsup r;
