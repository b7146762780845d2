-- demo/gen/48_persons.sql: gov.person from the plan, with unique valid
-- resident identity numbers (sequence 001-499; subsidy recipients who are not
-- in gov.person use 500-999, so the two never collide by chance).

-- no two planned persons share name and birth date (that would look like a
-- multiple identity)
UPDATE gen.pp p SET name = p.name || gen.pick(CASE WHEN p.sex = 'M' THEN gen.given_m() ELSE gen.given_f() END, gen.u(180, p.person_id))
FROM (SELECT person_id, row_number() OVER (PARTITION BY name, birth_date ORDER BY person_id) AS rn FROM gen.pp) d
WHERE d.person_id = p.person_id AND d.rn > 1;

INSERT INTO gov.person (person_id, id_number, name, sex, birth_date, unit_id, position, is_official, fiscally_paid, phone)
SELECT x.person_id, x.b17 || gen.id_check(x.b17), x.name, x.sex, x.birth_date, x.unit_id, x.position,
       x.is_official, x.fiscally_paid,
       '1' || gen.pick('{3,5,8,8,9}', gen.u(181, x.person_id)) || lpad(((x.person_id * 387420489 + 12345) % 1000000000)::text, 9, '0')
FROM (SELECT p.*, p.region_code || to_char(p.birth_date, 'YYYYMMDD')
                  || lpad((2 * row_number() OVER (PARTITION BY p.region_code, p.birth_date, p.sex ORDER BY p.person_id)
                           - CASE WHEN p.sex = 'M' THEN 1 ELSE 0 END)::text, 3, '0') AS b17
      FROM gen.pp p) x
ORDER BY x.person_id;
