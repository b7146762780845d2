-- demo/gen/60_funds.sql: budgets and expenses (three public expenses),
-- explanations, treasury payments (Benford), land-transfer fees, subsidy
-- payments, complaints.

-- budget series: unit x category; travel abroad only for some departments
CREATE TABLE gen.series AS
SELECT u.unit_id, ec.category, ec.is_three_public,
       (CASE u.kind WHEN 'government' THEN 1.5 WHEN 'department' THEN 1.0 WHEN 'town' THEN 0.8 WHEN 'institution' THEN 1.2
                    WHEN 'state_firm' THEN 0.8 ELSE 0.2 END)
       * (CASE ec.category WHEN 'hospitality' THEN 20000 WHEN 'official_car' THEN 30000 WHEN 'travel_abroad' THEN 40000
                           WHEN 'office' THEN 50000 WHEN 'meeting' THEN 30000 ELSE 25000 END)
       * exp(0.5 * gen.clamp(gen.norm(500, u.unit_id * 10 + length(ec.category)), -2.5, 2.5)) AS base,
       floor(gen.u(501, u.unit_id * 10 + length(ec.category)) * 4)::int AS phase,
       NULL::text AS plan, NULL::int AS start_m, NULL::int AS len
FROM gov.unit u CROSS JOIN gov.expense_category ec
WHERE ec.category <> 'travel_abroad'
   OR (u.kind IN ('government','department') AND gen.u(502, u.unit_id) < 0.3);
-- planted streaks and near-misses, on three-public series
UPDATE gen.series s SET plan = x.plan, start_m = x.start_m, len = x.len
FROM (SELECT unit_id, category,
             CASE WHEN rk <= np THEN 'three_public_over_budget'
                  WHEN rk <= np + nn THEN 'nm_streak_2'
                  ELSE 'nm_explained' END AS plan,
             floor(gen.u(511, unit_id * 10 + length(category)) * 30)::int + 1 AS start_m,
             CASE WHEN rk <= np THEN 3 + floor(gen.u(512, unit_id * 10 + length(category)) * 2)::int
                  WHEN rk <= np + nn THEN 2 ELSE 3 END AS len
      FROM (SELECT unit_id, category, row_number() OVER (ORDER BY gen.u(510, unit_id * 10 + length(category)), unit_id, category) AS rk,
                   ceil(gen.rate('three_public_over_budget') * count(*) OVER ())::int AS np,
                   ceil(gen.rate('three_public_over_budget') * count(*) OVER () / 2)::int AS nn
            FROM gen.series WHERE is_three_public) r
      WHERE rk <= np + 2 * nn) x
WHERE x.unit_id = s.unit_id AND x.category = s.category;

CREATE UNLOGGED TABLE gen.bx AS
SELECT s.unit_id, s.category, m, (date '2021-01-01' + make_interval(months => m - 1))::date AS month, s.plan,
       round((s.base * (ARRAY[0.75,0.6,0.9,0.95,1.0,1.0,0.95,0.9,1.0,1.05,1.1,1.8])[1 + (m - 1) % 12]
              * (1 + 0.05 * gen.clamp(gen.norm2(520, s.unit_id * 10 + length(s.category), m), -3, 3)))::numeric, -2) AS budget,
       CASE WHEN s.plan IS NOT NULL AND m BETWEEN s.start_m AND s.start_m + s.len - 1
                 THEN 1.2 + 0.3 * gen.u2(521, s.unit_id * 10 + length(s.category), m)
            WHEN s.plan IS NULL AND s.is_three_public AND (m + s.phase) % 4 = 0
                 AND gen.u2(522, s.unit_id * 10 + length(s.category), m) < 0.06
                 THEN 1.17 + 0.2 * gen.u2(521, s.unit_id * 10 + length(s.category), m)
            ELSE gen.clamp(0.88 + 0.07 * gen.norm2(523, s.unit_id * 10 + length(s.category), m), 0.6, 1.10) END AS ratio,
       s.plan IS NOT NULL AND m BETWEEN s.start_m AND s.start_m + s.len - 1 AS in_streak
FROM gen.series s CROSS JOIN generate_series(1, 36) m;

INSERT INTO gov.budget SELECT unit_id, category, month, budget FROM gen.bx ORDER BY 1, 2, 3;
INSERT INTO gov.expense SELECT unit_id, category, month, round(budget * ratio::numeric, 2) FROM gen.bx ORDER BY 1, 2, 3;

-- explanations: half of the isolated background breaches (mostly accepted),
-- every month of the explained near-miss streaks (accepted), one rejected
-- explanation in a third of the planted streaks
INSERT INTO gov.budget_explanation (explanation_id, unit_id, category, month, reason, submitted_on, accepted)
SELECT row_number() OVER (ORDER BY unit_id, category, month), unit_id, category, month,
       gen.pick('{接待上级检查调研任务增加,车辆集中维修,年度集中采购提前,出访任务临时增加,应急处置任务}', gen.u2(531, unit_id, m)),
       gen.wd((month + interval '1 month')::date + 5), accepted
FROM (
  SELECT b.*, CASE WHEN b.plan = 'nm_explained' THEN true
                   WHEN b.plan = 'three_public_over_budget' THEN false
                   ELSE gen.u2(532, b.unit_id, b.m) < 0.8 END AS accepted
  FROM gen.bx b
  WHERE (b.plan IS NULL AND b.ratio > 1.15 AND gen.u2(530, b.unit_id * 10 + length(b.category), b.m) < 0.5)
     OR (b.plan = 'nm_explained' AND b.in_streak)
     OR (b.plan = 'three_public_over_budget' AND b.in_streak AND b.m = (SELECT start_m + 1 FROM gen.series s WHERE s.unit_id = b.unit_id AND s.category = b.category)
         AND gen.u(533, b.unit_id * 10 + length(b.category)) < 0.33)
) e;

INSERT INTO gen.stage
SELECT s.plan <> 'three_public_over_budget', 'three_public_over_budget', 'unit_category', s.unit_id || '/' || s.category, s.unit_id,
       jsonb_build_object('origin', 'planted', 'variant', CASE s.plan WHEN 'nm_streak_2' THEN 'two-month streak'
                                                                   WHEN 'nm_explained' THEN 'three-month streak, every month explained and accepted'
                                                                   ELSE 'unexplained streak' END,
                          'first_month', (date '2021-01-01' + make_interval(months => s.start_m - 1))::date, 'months', s.len)
FROM gen.series s WHERE s.plan IS NOT NULL ORDER BY s.unit_id, s.category;

-- treasury payments: log-uniform over four decades (Benford); fabricated
-- units pay many amounts just below approval thresholds
CREATE TABLE gen.benford_unit AS
SELECT unit_id FROM (SELECT unit_id, row_number() OVER (ORDER BY gen.u(540, unit_id), unit_id) AS rk FROM gov.unit) r
WHERE rk <= ceil(gen.rate('benford_violation') * gen.p('units_wanted'));
INSERT INTO gov.payment (payment_id, unit_id, paid_on, payee, purpose, amount)
SELECT u.unit_id * 2000 + k, u.unit_id,
       gen.wd(date '2021-01-04' + floor(gen.u2(542, u.unit_id, k) * 1090)::int),
       e.name, gen.pick('{办公用品,设备维修,印刷费,物业服务费,专项资金拨付,工程进度款,劳务费,培训费,会议费,水电费}', gen.u2(543, u.unit_id, k)),
       CASE WHEN bu.unit_id IS NOT NULL AND gen.u2(544, u.unit_id, k) < 0.4
            THEN round((gen.pick('{5000,10000,50000,100000,200000}', gen.u2(545, u.unit_id, k))::numeric
                        * (0.95 + 0.0499 * gen.u2(546, u.unit_id, k))::numeric), 2)
            ELSE round(power(10, 2 + 4 * gen.u2(547, u.unit_id, k))::numeric, 2) END
FROM gov.unit u
LEFT JOIN gen.benford_unit bu ON bu.unit_id = u.unit_id
CROSS JOIN LATERAL generate_series(1, 400 + floor(gen.u(541, u.unit_id) * 800)::int) k
JOIN gov.enterprise e ON e.enterprise_id = 1 + floor(gen.u2(548, u.unit_id, k) * (SELECT count(*) FROM gen.ent WHERE origin = 'background'))::bigint
ORDER BY 1;
INSERT INTO gen.stage
SELECT false, 'benford_violation', 'unit', b.unit_id::text, b.unit_id,
       jsonb_build_object('origin', 'planted', 'payments', (SELECT count(*) FROM gov.payment p WHERE p.unit_id = b.unit_id),
                          'fabricated_share', 0.4)
FROM gen.benford_unit b ORDER BY b.unit_id;

-- land-transfer fees per town and year (2019-2023)
CREATE TABLE gen.lf AS
SELECT unit_id, region_code,
       CASE WHEN rk <= np THEN 'land_fee_low' WHEN rk <= 2 * np THEN 'nm_land_fee_low' END AS plan,
       2019 + floor(gen.u(551, unit_id) * 4)::int AS y0
FROM (SELECT unit_id, region_code, row_number() OVER (ORDER BY gen.u(550, unit_id), unit_id) AS rk,
             ceil(gen.rate('land_fee_low') * count(*) OVER ())::int AS np
      FROM gov.unit WHERE kind = 'town') t;
INSERT INTO gov.land_fee (unit_id, region_code, year, due, collected)
SELECT l.unit_id, l.region_code, y, d.due,
       round(d.due * CASE WHEN l.plan = 'land_fee_low' AND y IN (l.y0, l.y0 + 1) THEN 0.30 + 0.28 * gen.u2(553, l.unit_id, y)
                          WHEN l.plan = 'nm_land_fee_low' AND y = l.y0 THEN 0.40 + 0.18 * gen.u2(553, l.unit_id, y)
                          ELSE 0.68 + 0.32 * gen.u2(553, l.unit_id, y) END::numeric, 2)
FROM gen.lf l CROSS JOIN generate_series(2019, 2023) y
CROSS JOIN LATERAL (SELECT round((30000000 * exp(0.8 * gen.clamp(gen.norm(552, l.unit_id), -2.5, 2.5)) * (0.8 + 0.1 * (y - 2019))
                                  * (0.85 + 0.3 * gen.u2(554, l.unit_id, y)))::numeric, -4) AS due) d
ORDER BY 1, 3;
INSERT INTO gen.stage
SELECT l.plan LIKE 'nm\_%', 'land_fee_low', 'unit', l.unit_id::text, l.unit_id,
       jsonb_build_object('origin', 'planted', 'low_years', CASE WHEN l.plan = 'land_fee_low' THEN jsonb_build_array(l.y0, l.y0 + 1) ELSE jsonb_build_array(l.y0) END)
FROM gen.lf l WHERE l.plan IS NOT NULL ORDER BY l.unit_id;

-- subsidy payments to the general population (recipients not in gov.person)
CREATE TABLE gen.town_pay AS
SELECT (row_number() OVER (ORDER BY t.unit_id) - 1)::int AS idx, t.unit_id AS town_id, t.region_code,
       coalesce((SELECT o.unit_id FROM gov.unit o WHERE o.parent_id = t.unit_id AND o.function = 'social_affairs'), t.unit_id) AS pay_unit,
       coalesce((SELECT o.unit_id FROM gov.unit o WHERE o.parent_id = t.unit_id AND o.function = 'agriculture'), t.unit_id) AS agri_unit
FROM gov.unit t WHERE t.kind = 'town';
CREATE UNLOGGED TABLE gen.recip AS
SELECT r.*, r.region_code || to_char(r.birth, 'YYYYMMDD')
            || lpad((500 + 2 * row_number() OVER (PARTITION BY r.region_code, r.birth, r.male ORDER BY r.rid)
                     - CASE WHEN r.male THEN 1 ELSE 0 END)::text, 3, '0') AS b17
FROM (
  SELECT i AS rid, tp.pay_unit, tp.agri_unit, tp.region_code, p.programme, gen.u(602, i) < 0.5 AS male,
         CASE p.programme WHEN 'elderly' THEN date '1928-01-01' + floor(gen.u(603, i) * 15 * 365)::int
                          WHEN 'disability' THEN date '1950-01-01' + floor(gen.u(603, i) * 50 * 365)::int
                          ELSE date '1940-01-01' + floor(gen.u(603, i) * 50 * 365)::int END AS birth
  FROM generate_series(1, gen.p('recipients')::bigint) i
  JOIN gen.town_pay tp ON tp.idx = floor(gen.u(600, i) * (SELECT count(*) FROM gen.town_pay))::int
  CROSS JOIN LATERAL (SELECT gen.pick('{dibao,dibao,dibao,farmland,farmland,farmland,farmland,elderly,elderly,fuel,disability}', gen.u(601, i)) AS programme) p
) r;
INSERT INTO gov.subsidy_payment (payment_id, programme, recipient_id_number, recipient_name, amount, paid_on, unit_id)
SELECT r.rid * 64 + k, r.programme, r.b17 || gen.id_check(r.b17), gen.person_name(604, r.rid, r.male),
       CASE r.programme
         WHEN 'dibao' THEN round(400 + 500 * gen.u(605, r.rid))
         WHEN 'elderly' THEN CASE WHEN r.birth < date '1933-01-01' THEN 200 ELSE 100 END
         WHEN 'disability' THEN 90
         WHEN 'farmland' THEN round((120 * 5 * exp(0.7 * gen.clamp(gen.norm(606, r.rid), -3, 3)))::numeric, 2)
         ELSE round((3000 * exp(0.9 * gen.clamp(gen.norm(606, r.rid), -3, 3)))::numeric, 2) END,
       CASE WHEN r.programme IN ('farmland','fuel')
            THEN gen.wd(make_date(2021 + (k - 1), CASE WHEN r.programme = 'farmland' THEN 4 ELSE 9 END, 10))
            ELSE gen.wd((date '2021-01-01' + make_interval(months => s.m0 + k - 1))::date + 9) END,
       CASE WHEN r.programme IN ('farmland','fuel') THEN r.agri_unit ELSE r.pay_unit END
FROM gen.recip r
CROSS JOIN LATERAL (SELECT floor(gen.u(607, r.rid) * 12)::int AS m0,
                           CASE WHEN r.programme IN ('farmland','fuel') THEN 1 + floor(gen.u(608, r.rid) * 3)::int
                                ELSE 12 + floor(gen.u(608, r.rid) * 13)::int END AS cnt) s
CROSS JOIN LATERAL generate_series(1, s.cnt) k
ORDER BY 1;

-- complaints
INSERT INTO gov.complaint (complaint_id, received_on, channel, about_unit_id, about_person_id, category, status, summary)
SELECT i, d.rdate, gen.pick('{letter,visit,phone,online,online}', gen.u(702, i)), b.unit_id,
       CASE WHEN gen.u(703, i) < 0.3 THEN s.person_id END,
       c.cat,
       CASE WHEN d.rdate < date '2023-06-01' THEN gen.pick('{closed,closed,closed,transferred}', gen.u(704, i))
            ELSE gen.pick('{received,transferred,investigating,closed}', gen.u(704, i)) END,
       '反映' || u.name || CASE WHEN gen.u(703, i) < 0.3 THEN s.name ELSE '' END
         || CASE c.cat WHEN 'procurement' THEN '在采购项目中涉嫌违规指定供应商'
                       WHEN 'approval' THEN '办理审批事项拖延推诿'
                       WHEN 'subsidy' THEN '在低保等补贴发放中优亲厚友'
                       WHEN 'work_style' THEN '公务接待超标准'
                       ELSE '土地出让金征收不到位' END
FROM generate_series(1, gen.p('complaints')::bigint) i
JOIN gen.buyer_slot b ON b.slot = floor(gen.u(700, i) * (SELECT count(*) FROM gen.buyer_slot))::int
JOIN gov.unit u ON u.unit_id = b.unit_id
JOIN gen.unit_staff s ON s.unit_id = b.unit_id AND s.idx = 0
CROSS JOIN LATERAL (SELECT gen.pick('{procurement,procurement,approval,subsidy,work_style,land}', gen.u(701, i)) AS cat,
                           gen.wd(date '2021-01-04' + floor(gen.u(705, i) * 1075)::int) AS rdate) c
CROSS JOIN LATERAL (SELECT c.rdate) d
ORDER BY i;
