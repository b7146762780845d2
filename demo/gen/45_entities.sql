-- demo/gen/45_entities.sql: shadow firms of the planted bidder cases, every
-- firm's business persons, gov.enterprise, gov.shareholding, gov.relation,
-- and gov.person with valid resident identity numbers.

ALTER TABLE gen.ent ADD COLUMN partner_id bigint, ADD COLUMN share_mode text,
                    ADD COLUMN sh2_id bigint, ADD COLUMN dir_id bigint;
INSERT INTO gen.ent (enterprise_id, category, k, region_code, legal_rep_id, has_sh2, has_dir, origin, partner_id, share_mode)
SELECT t.shadow_id, t.category, NULL, x.region_code, NULL, true, false, t.plan, b.enterprise_id,
       CASE WHEN t.plan = 'shared_contact_bidders' THEN CASE WHEN gen.u(250, t.tender_id) < 0.5 THEN 'phone' ELSE 'address' END
            ELSE CASE WHEN gen.u(250, t.tender_id) < 0.5 THEN 'legal_rep' ELSE 'shareholder' END END
FROM gen.tplan t
JOIN gen.bid_all b ON b.tender_id = t.tender_id AND b.is_win
JOIN gen.ent x ON x.enterprise_id = b.enterprise_id
WHERE t.shadow_id IS NOT NULL;

-- business persons: legal representative, second shareholder, director
CREATE TABLE gen.bp AS
SELECT (SELECT max(person_id) FROM gen.pp) + row_number() OVER (ORDER BY e.enterprise_id, r.role) AS person_id,
       e.enterprise_id, r.role, e.region_code
FROM gen.ent e
CROSS JOIN LATERAL (VALUES (1), (2), (3)) r(role)
WHERE (r.role = 1 AND e.legal_rep_id IS NULL AND e.share_mode IS DISTINCT FROM 'legal_rep')
   OR (r.role = 2 AND e.has_sh2 AND e.share_mode IS DISTINCT FROM 'shareholder')
   OR (r.role = 3 AND e.has_dir);
UPDATE gen.ent e SET legal_rep_id = b.person_id FROM gen.bp b WHERE b.enterprise_id = e.enterprise_id AND b.role = 1;
UPDATE gen.ent e SET sh2_id = b.person_id FROM gen.bp b WHERE b.enterprise_id = e.enterprise_id AND b.role = 2;
UPDATE gen.ent e SET dir_id = b.person_id FROM gen.bp b WHERE b.enterprise_id = e.enterprise_id AND b.role = 3;
-- related bidders: the shadow shares the partner's legal representative, or
-- has the partner's legal representative among its shareholders
UPDATE gen.ent e SET legal_rep_id = p.legal_rep_id FROM gen.ent p
WHERE p.enterprise_id = e.partner_id AND e.share_mode = 'legal_rep';
UPDATE gen.ent e SET sh2_id = p.legal_rep_id FROM gen.ent p
WHERE p.enterprise_id = e.partner_id AND e.share_mode = 'shareholder';

INSERT INTO gen.pp
SELECT b.person_id, gen.person_name(150, b.person_id, m.male), CASE WHEN m.male THEN 'M' ELSE 'F' END,
       date '1955-01-01' + floor(gen.u(152, b.person_id) * 40 * 365.25)::int,
       CASE WHEN gen.u(153, b.person_id) < 0.7 THEN b.region_code
            ELSE (SELECT region_code FROM gen.home_region WHERE slot = floor(gen.u(154, b.person_id) * 100)::int % 100) END,
       NULL, NULL, false, false, 'business'
FROM gen.bp b, LATERAL (SELECT gen.u(151, b.person_id) < 0.7 AS male) m;

-- firm contact details: a bijection of the id, so background firms never share them
CREATE FUNCTION gen.ent_phone(id bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '0516-' || lpad(((id * 104729 + 7) % 100000000)::text, 8, '0') $$;
CREATE FUNCTION gen.ent_addr(id bigint, path text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT path || gen.pick(gen.roads(), (p % 30) / 30.0) || ((p / 30) % 800 + 1) || '号'
             || CASE WHEN p / 24000 > 0 THEN (p / 24000 + 1) || '层' ELSE '' END
      FROM (SELECT (id * 7919) % 1000003 AS p) x $$;
CREATE FUNCTION gen.brand(idx bigint, len int) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT string_agg((gen.brand_chars())[1 + ((idx / (60 ^ (len - k))::bigint) % 60)::int], '' ORDER BY k)
      FROM generate_series(1, len) k $$;

INSERT INTO gov.enterprise (enterprise_id, uscc, name, legal_rep_id, region_code, address, phone, main_category,
                            registered_capital, established_on)
SELECT e.enterprise_id,
       gen.uscc('91', e.region_code, e.enterprise_id),
       CASE WHEN e.origin = 'background'
            THEN CASE WHEN gen.u(160, e.enterprise_id) < 0.5 THEN rp.short ELSE rp.pshort END
                 || CASE WHEN e.k < 3600 THEN gen.brand((e.k * 7919) % 3600, 2) ELSE gen.brand((e.k * 7919) % 216000, 3) END
            ELSE '江苏' || gen.brand((e.enterprise_id * 7919) % 216000, 3) END
         || gen.pick(c.industry, gen.u(161, e.enterprise_id))
         || gen.pick('{有限公司,有限公司,有限责任公司}', gen.u(162, e.enterprise_id)),
       e.legal_rep_id, e.region_code,
       CASE WHEN e.share_mode = 'address' THEN gen.ent_addr(e.partner_id, pp.path) ELSE gen.ent_addr(e.enterprise_id, rp.path) END,
       CASE WHEN e.share_mode = 'phone' THEN gen.ent_phone(e.partner_id) ELSE gen.ent_phone(e.enterprise_id) END,
       e.category,
       round((5000000 * exp(0.8 * gen.clamp(gen.norm(163, e.enterprise_id), -3, 3)))::numeric, -4),
       CASE WHEN e.origin = 'background' THEN date '1998-01-01' + floor(gen.u(164, e.enterprise_id) * 8000)::int
            ELSE date '2018-06-01' + floor(gen.u(164, e.enterprise_id) * 900)::int END
FROM gen.ent e
JOIN gen.cat c ON c.category = e.category
JOIN gen.region_path rp ON rp.region_code = e.region_code
LEFT JOIN gen.ent pe ON pe.enterprise_id = e.partner_id
LEFT JOIN gen.region_path pp ON pp.region_code = pe.region_code
ORDER BY e.enterprise_id;

INSERT INTO gov.shareholding (enterprise_id, holder_person_id, share_pct, valid_from, valid_to)
SELECT e.enterprise_id, h.person_id, h.pct, x.established_on, NULL
FROM gen.ent e
JOIN gov.enterprise x USING (enterprise_id)
CROSS JOIN LATERAL (SELECT round((51 + 39 * gen.u(170, e.enterprise_id))::numeric, 0) AS p1) s
CROSS JOIN LATERAL (VALUES (e.legal_rep_id, CASE WHEN e.sh2_id IS NULL THEN 100 ELSE s.p1 END),
                           (e.sh2_id, 100 - s.p1)) h(person_id, pct)
WHERE h.person_id IS NOT NULL;

INSERT INTO gov.relation (relation_id, person_id, kind, related_person_id, enterprise_id, valid_from, valid_to)
SELECT row_number() OVER (ORDER BY grp, a, b, kind), person_id, kind, related_person_id, enterprise_id, valid_from, NULL
FROM (
  SELECT 1 AS grp, k.official_id AS a, k.person_id AS b, k.official_id AS person_id, k.kind, k.person_id AS related_person_id,
         NULL::bigint AS enterprise_id,
         CASE k.kind WHEN 'spouse' THEN greatest(k.o_birth, r.birth_date) + 365 * 25
                     WHEN 'child' THEN r.birth_date
                     WHEN 'parent' THEN k.o_birth
                     WHEN 'sibling' THEN greatest(k.o_birth, r.birth_date)
                     ELSE greatest(k.o_birth, r.birth_date) + 365 * 26 END AS valid_from
  FROM gen.kin k JOIN gen.pp r ON r.person_id = k.person_id
  UNION ALL
  SELECT 2, e.enterprise_id, e.legal_rep_id, e.legal_rep_id, 'legal_rep', NULL, e.enterprise_id, x.established_on
  FROM gen.ent e JOIN gov.enterprise x USING (enterprise_id)
  UNION ALL
  SELECT 2, s.enterprise_id, s.holder_person_id, s.holder_person_id, 'shareholder', NULL, s.enterprise_id, s.valid_from
  FROM gov.shareholding s
  UNION ALL
  SELECT 2, e.enterprise_id, e.dir_id, e.dir_id, d.kind, NULL, e.enterprise_id, x.established_on + 30
  FROM gen.ent e JOIN gov.enterprise x USING (enterprise_id) CROSS JOIN (VALUES ('director'), ('employee')) d(kind)
  WHERE e.dir_id IS NOT NULL
) r;
