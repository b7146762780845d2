-- demo/gen/70_identity.sql: favouring relatives (officials, their relatives
-- and fiscally paid staff among subsidy recipients) and multiple identities.

CREATE TABLE gen.fav AS
SELECT x.*, row_number() OVER (ORDER BY x.person_id) AS n
FROM (
  SELECT p.person_id, p.id_number, p.name, e.why, coalesce(p.unit_id, o.unit_id) AS unit_id,
         row_number() OVER (ORDER BY gen.u(800, p.person_id), p.person_id) AS rk, count(*) OVER () AS cnt
  FROM gov.person p
  LEFT JOIN gen.kin k ON k.person_id = p.person_id
  LEFT JOIN gov.person o ON o.person_id = k.official_id
  CROSS JOIN LATERAL (SELECT CASE WHEN p.is_official THEN 'official'
                                  WHEN k.person_id IS NOT NULL THEN 'relative of official ' || k.official_id
                                  WHEN p.fiscally_paid THEN 'fiscally paid staff' END AS why) e
  WHERE e.why IS NOT NULL
) x
WHERE x.rk <= ceil(gen.rate('favouring_relatives') * x.cnt);

INSERT INTO gov.subsidy_payment (payment_id, programme, recipient_id_number, recipient_name, amount, paid_on, unit_id)
SELECT (gen.p('recipients') + f.n) * 64 + k, pr.programme, f.id_number, f.name,
       CASE WHEN pr.programme = 'dibao' THEN round(400 + 500 * gen.u(802, f.person_id))
            ELSE round((600 * exp(0.5 * gen.clamp(gen.norm(802, f.person_id), -2, 2)))::numeric, 2) END,
       CASE WHEN pr.programme = 'dibao' THEN gen.wd((date '2021-01-01' + make_interval(months => m0 + k - 1))::date + 9)
            ELSE gen.wd(make_date(2021 + k - 1, 4, 10)) END,
       tp.pay_unit
FROM gen.fav f
CROSS JOIN LATERAL (SELECT CASE WHEN gen.u(801, f.person_id) < 0.6 THEN 'dibao' ELSE 'farmland' END AS programme,
                           floor(gen.u(803, f.person_id) * 20)::int AS m0) pr
JOIN gen.town_pay tp ON tp.idx = floor(gen.u(804, f.person_id) * (SELECT count(*) FROM gen.town_pay))::int
CROSS JOIN LATERAL generate_series(1, CASE WHEN pr.programme = 'dibao' THEN 3 + floor(gen.u(805, f.person_id) * 10)::int
                                           ELSE 1 + floor(gen.u(805, f.person_id) * 3)::int END) k
ORDER BY 1;
INSERT INTO gen.stage
SELECT false, 'favouring_relatives', 'person', f.person_id::text, f.unit_id,
       jsonb_build_object('origin', 'planted', 'why', f.why, 'id_number', f.id_number,
                          'payments', (SELECT count(*) FROM gov.subsidy_payment s WHERE s.recipient_id_number = f.id_number))
FROM gen.fav f ORDER BY f.person_id;

-- multiple identities: variant A, the same ID number under a second name;
-- variant B, the same person (name, sex, birth date, phone) under a second
-- valid ID number with another region code.  The subject is the later record.
CREATE TABLE gen.dup AS
SELECT p.*, (SELECT max(person_id) FROM gov.person) + r.rk AS new_id, r.rk % 2 = 1 AS variant_a,
       (SELECT region_code FROM gov.region WHERE level = 'county' AND region_code <> left(p.id_number, 6)
        ORDER BY gen.u2(811, p.person_id, hashtext(region_code)) LIMIT 1) AS other_region
FROM (SELECT person_id, row_number() OVER (ORDER BY gen.u(810, person_id), person_id) AS rk, count(*) OVER () AS cnt
      FROM gov.person) r
JOIN gov.person p USING (person_id)
WHERE r.rk <= greatest(2, ceil(gen.rate('multiple_identities') * r.cnt));
INSERT INTO gov.person (person_id, id_number, name, sex, birth_date, unit_id, position, is_official, fiscally_paid, phone)
SELECT d.new_id,
       CASE WHEN d.variant_a THEN d.id_number
            ELSE b17 || gen.id_check(b17) END,
       CASE WHEN d.variant_a THEN gen.person_name(812, d.new_id, d.sex = 'M') ELSE d.name END,
       d.sex, d.birth_date, NULL, NULL, false, false,
       CASE WHEN d.variant_a THEN '1' || '7' || lpad(((d.new_id * 387420489 + 12345) % 1000000000)::text, 9, '0') ELSE d.phone END
FROM gen.dup d
CROSS JOIN LATERAL (SELECT d.other_region || to_char(d.birth_date, 'YYYYMMDD')
                           || lpad((451 + 2 * (d.new_id % 20) + CASE WHEN d.sex = 'M' THEN 0 ELSE 1 END)::text, 3, '0') AS b17) x
ORDER BY d.new_id;
INSERT INTO gen.stage
SELECT false, 'multiple_identities', 'person', d.new_id::text, d.unit_id,
       jsonb_build_object('origin', 'planted', 'variant', CASE WHEN d.variant_a THEN 'same ID number, another name' ELSE 'same person, another ID number' END,
                          'original_person_id', d.person_id, 'original_id_number', d.id_number,
                          'new_id_number', (SELECT id_number FROM gov.person WHERE person_id = d.new_id))
FROM gen.dup d ORDER BY d.new_id;
