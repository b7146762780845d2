-- demo/gen/50_approvals.sql: approval cases and steps, project filings, penalties.

-- units by function and their staff, for handler lookups
CREATE TABLE gen.fn_unit AS
SELECT function, (row_number() OVER (PARTITION BY function ORDER BY unit_id) - 1)::int AS idx, unit_id,
       count(*) OVER (PARTITION BY function) AS cnt
FROM gov.unit WHERE function IS NOT NULL;
CREATE TABLE gen.unit_staff AS
SELECT unit_id, (row_number() OVER (PARTITION BY unit_id ORDER BY person_id) - 1)::int AS idx, person_id, name,
       count(*) OVER (PARTITION BY unit_id) AS cnt
FROM gov.person WHERE unit_id IS NOT NULL;
CREATE INDEX ON gen.fn_unit (function, idx);
CREATE INDEX ON gen.unit_staff (unit_id, idx);

CREATE TABLE gen.kind_fn (kind text PRIMARY KEY, function text, weight int);
INSERT INTO gen.kind_fn VALUES
 ('enterprise_registration','approval',13), ('food_business_license','market',8), ('credit_repair','approval',5),
 ('construction_permit','housing',6), ('land_use_planning','natural_resources',4), ('environmental_assessment','environment',4),
 ('investment_approval','development',3), ('fund_allocation','finance',5), ('road_occupation','urban_management',4);
CREATE TABLE gen.kind_slot AS
SELECT (row_number() OVER (ORDER BY k.kind, g) - 1)::int AS slot, k.kind FROM gen.kind_fn k, generate_series(1, k.weight) g;

CREATE UNLOGGED TABLE gen.aplan AS
SELECT a.*, gen.add_wd(a.rdate, a.lim) AS due_date,
       gen.add_wd(a.rdate, CASE WHEN a.plan = 'approval_time_limit' THEN a.lim + 1 + floor(gen.u(407, a.case_id) * 5)::int
                                WHEN a.plan = 'nm_approval_time_limit' THEN a.lim
                                ELSE 1 + least(a.lim - 1, floor(gen.u(407, a.case_id) ^ 1.7 * a.lim)::int) END) AS ddate
FROM (
  SELECT i AS case_id, ks.kind, ak.time_limit_days AS lim, ak.steps, fu.unit_id,
         gen.wd(date '2021-01-04' + floor(gen.u(402, i) * 1075)::int) AS rdate,
         1 + floor(gen.u(404, i) * (SELECT count(*) FROM gen.ent WHERE origin = 'background'))::bigint AS applicant,
         CASE WHEN gen.u(405, i) < gen.rate('approval_time_limit') * CASE WHEN ks.kind = 'credit_repair' THEN 3 ELSE 1 END
                   THEN 'approval_time_limit'
              WHEN gen.u(405, i) < 0.5 AND gen.u(406, i) < gen.rate('out_of_order_steps') * 2
                   AND ('build_start' = ANY (ak.steps) OR 'pay' = ANY (ak.steps)) THEN 'out_of_order_steps'
              WHEN gen.u(405, i) > 0.995 THEN 'nm_approval_time_limit'
         END AS plan
  FROM generate_series(1, gen.p('approval_cases')::bigint) i
  JOIN gen.kind_slot ks ON ks.slot = floor(gen.u(400, i) * (SELECT count(*) FROM gen.kind_slot))::int
  JOIN gen.kind_fn kf ON kf.kind = ks.kind
  JOIN gov.approval_kind ak ON ak.kind = ks.kind
  JOIN gen.fn_unit fu ON fu.function = kf.function
                     AND fu.idx = floor(gen.u(401, i) * (SELECT count(*) FROM gen.fn_unit f2 WHERE f2.function = kf.function))::int
) a;

INSERT INTO gov.approval_case (case_id, case_no, kind, unit_id, applicant_enterprise_id, handler_id, received_at,
                               time_limit_days, due_date, decided_at, result)
SELECT a.case_id,
       to_char(a.rdate, 'YYYYMMDD') || '-' || lpad(a.case_id::text, 7, '0'),
       a.kind, a.unit_id, a.applicant, s.person_id,
       gen.worktime(a.rdate, gen.u(403, a.case_id) * 0.8),
       a.lim, a.due_date,
       CASE WHEN a.plan = 'nm_approval_time_limit' THEN a.ddate + time '16:00' + make_interval(secs => floor(gen.u(408, a.case_id) * 5400))
            ELSE gen.worktime(a.ddate, gen.u(408, a.case_id)) END,
       CASE WHEN a.plan IS NULL AND gen.u(409, a.case_id) < 0.08 THEN 'rejected' ELSE 'approved' END
FROM gen.aplan a
JOIN gen.unit_staff s ON s.unit_id = a.unit_id
                     AND s.idx = least(s.cnt - 1, 1 + floor(gen.u(410, a.case_id) * (s.cnt - 1)))::int
ORDER BY a.case_id;

INSERT INTO gov.approval_step (step_id, case_id, step_no, step_kind, actor_id, actor_name, acted_at)
SELECT c.case_id * 8 + st.no, c.case_id, st.no, st.kind,
       CASE WHEN st.kind IN ('accept','review') THEN c.handler_id WHEN st.kind = 'approve' THEN h.person_id END,
       CASE WHEN st.kind IN ('apply','build_start') THEN e.name
            WHEN st.kind IN ('accept','review') THEN hp.name
            WHEN st.kind = 'approve' THEN h.name
            ELSE '国库集中支付中心' END,
       CASE st.kind
         WHEN 'apply' THEN c.received_at - make_interval(secs => 3600 + floor(gen.u2(420, c.case_id, 1) * 86400))
         WHEN 'accept' THEN c.received_at
         WHEN 'review' THEN c.received_at + (c.decided_at - c.received_at) * (0.3 + 0.4 * gen.u2(420, c.case_id, 3))
         WHEN 'approve' THEN c.decided_at
         WHEN 'build_start' THEN CASE WHEN a.plan = 'out_of_order_steps'
                                      THEN c.decided_at - make_interval(days => 3 + floor(gen.u2(420, c.case_id, 5) * 28)::int)
                                      ELSE c.decided_at + make_interval(days => 5 + floor(gen.u2(420, c.case_id, 5) * 56)::int) END
         ELSE CASE WHEN a.plan = 'out_of_order_steps' AND NOT ('build_start' = ANY (a.steps))
                   THEN c.decided_at - make_interval(days => 2 + floor(gen.u2(420, c.case_id, 6) * 20)::int)
                   ELSE c.decided_at + make_interval(days => 3 + floor(gen.u2(420, c.case_id, 6) * 28)::int) END
       END
FROM gov.approval_case c
JOIN gen.aplan a USING (case_id)
JOIN gov.enterprise e ON e.enterprise_id = c.applicant_enterprise_id
JOIN gov.person hp ON hp.person_id = c.handler_id
JOIN gen.unit_staff h ON h.unit_id = c.unit_id AND h.idx = 0
CROSS JOIN LATERAL unnest(a.steps) WITH ORDINALITY AS st0(kind, o)
CROSS JOIN LATERAL (SELECT st0.kind, array_position('{apply,accept,review,approve,build_start,pay}'::text[], st0.kind) AS no) st
WHERE c.result = 'approved' OR st.no <= 4
ORDER BY 1;

INSERT INTO gen.stage
SELECT a.plan LIKE 'nm\_%', regexp_replace(a.plan, '^nm_', ''), 'approval_case', a.case_id::text, a.unit_id,
       jsonb_build_object('origin', 'planted', 'kind', a.kind, 'time_limit_days', a.lim, 'due_date', a.due_date,
                          'decided_on', a.ddate, 'working_days_taken',
                          (SELECT count(*) FROM generate_series(a.rdate + 1, a.ddate, interval '1 day') d
                           WHERE extract(isodow FROM d) < 6))
FROM gen.aplan a WHERE a.plan IS NOT NULL ORDER BY a.case_id;

-- investment project filings ------------------------------------------------
CREATE UNLOGGED TABLE gen.fplan AS
SELECT i AS filing_id, e.enterprise_id, e.name AS ename,
       regexp_replace(e.name, '(有限责任公司|有限公司)$', '') AS short,
       CASE WHEN e.region_code LIKE '3203%' THEN e.region_code ELSE '320382' END AS region_code,
       gen.wd(date '2021-01-04' + floor(gen.u(452, i) * 1075)::int) AS fdate,
       gen.pick('{年产#万吨新型建材,智能制造产业园,仓储物流中心,标准化厂房及配套设施建设,#兆瓦分布式光伏发电,农产品冷链物流中心,新能源汽车零部件生产线,年产#万件服装加工,木制品深加工,商业综合体,年产#万套板材家具,污水处理厂提标改造}', gen.u(453, i)) AS product,
       (5 + floor(gen.u(454, i) * 95))::int AS num
FROM generate_series(1, gen.p('filings')::bigint) i
JOIN gov.enterprise e ON e.enterprise_id = 1 + floor(gen.u(451, i) * (SELECT count(*) FROM gen.ent WHERE origin = 'background'))::bigint;
ALTER TABLE gen.fplan ADD COLUMN pname text;
UPDATE gen.fplan SET pname = short || replace(product, '#', num::text) || '项目';
UPDATE gen.fplan f SET pname = f.pname || (ARRAY['（二期）','（三期）','（四期）','（五期）','（六期）'])[least(d.rn - 1, 5)]
FROM (SELECT filing_id, row_number() OVER (PARTITION BY enterprise_id, pname ORDER BY fdate, filing_id) AS rn FROM gen.fplan) d
WHERE d.filing_id = f.filing_id AND d.rn > 1;

INSERT INTO gov.project_filing (filing_id, project_code, project_name, enterprise_id, region_code, location, unit_id,
                                total_investment, filed_at)
SELECT f.filing_id,
       to_char(f.fdate, 'YYMM') || '-' || f.region_code || '-' || lpad((10 + floor(gen.u(455, f.filing_id) * 80))::int::text, 2, '0')
         || '-03-' || lpad(f.filing_id::text, 6, '0'),
       f.pname, f.enterprise_id, f.region_code,
       rp.path || gen.pick(gen.roads(), gen.u(456, f.filing_id)) || '以' || gen.pick('{东,西,南,北}', gen.u(457, f.filing_id)) || '、'
         || gen.pick(gen.roads(), gen.u(458, f.filing_id)) || '以' || gen.pick('{东,西,南,北}', gen.u(459, f.filing_id)),
       coalesce((SELECT unit_id FROM gen.fn_unit WHERE function = 'development' ORDER BY idx LIMIT 1), 1),
       round((30000000 * exp(1.0 * gen.clamp(gen.norm(460, f.filing_id), -3, 3)))::numeric, -4),
       gen.worktime(f.fdate, gen.u(461, f.filing_id))
FROM gen.fplan f JOIN gen.region_path rp ON rp.region_code = f.region_code
ORDER BY f.filing_id;

-- planted duplicates: the same project filed again, under a new code, later
INSERT INTO gov.project_filing (filing_id, project_code, project_name, enterprise_id, region_code, location, unit_id,
                                total_investment, filed_at)
SELECT gen.p('filings') + d.n,
       to_char(d.fd, 'YYMM') || '-' || f.region_code || '-' || split_part(f.project_code, '-', 3) || '-03-'
         || lpad((gen.p('filings') + d.n)::text, 6, '0'),
       f.project_name, f.enterprise_id, f.region_code, f.location, f.unit_id,
       round(f.total_investment * (0.97 + 0.06 * gen.u(471, d.n))::numeric, -4),
       gen.worktime(d.fd, gen.u(472, d.n))
FROM (SELECT filing_id, n, gen.wd(filed_at::date + 30 + floor(gen.u(470, filing_id) * 370)::int) AS fd
      FROM (SELECT filing_id, filed_at, row_number() OVER (ORDER BY gen.u(469, filing_id), filing_id) AS n
            FROM gov.project_filing) x
      WHERE n <= ceil(gen.rate('duplicate_filing') * gen.p('filings'))) d
JOIN gov.project_filing f ON f.filing_id = d.filing_id
ORDER BY 1;
INSERT INTO gen.stage
SELECT false, 'duplicate_filing', 'project_filing', f.filing_id::text, f.unit_id,
       jsonb_build_object('origin', 'planted', 'first_filing_id', o.filing_id, 'project_name', f.project_name)
FROM gov.project_filing f
JOIN gov.project_filing o ON o.enterprise_id = f.enterprise_id AND o.project_name = f.project_name AND o.filing_id < f.filing_id
WHERE f.filing_id > gen.p('filings') ORDER BY f.filing_id;

-- penalties -------------------------------------------------------------------
CREATE TABLE gen.vtype (vtype text PRIMARY KEY, name text, centre numeric, function text, abbr text, weight int);
INSERT INTO gen.vtype VALUES
 ('food_safety','食品安全违法',20000,'market','市监',12),
 ('unlicensed_business','无照经营',5000,'market','市监',10),
 ('false_advertising','虚假广告',15000,'market','市监',6),
 ('price_violation','价格违法',8000,'market','市监',6),
 ('emission_over_limit','超标排放污染物',100000,'environment','环',8),
 ('construction_waste','建筑垃圾违规处置',10000,'urban_management','城管',10),
 ('overloading','货车超限超载',2000,'transport','交',12),
 ('workplace_safety','安全生产违法',30000,'emergency','应急',8),
 ('illegal_land_use','非法占用土地',50000,'natural_resources','自然资',5),
 ('fire_safety','消防安全违法',5000,'emergency','应急',6);
CREATE TABLE gen.vslot AS
SELECT (row_number() OVER (ORDER BY v.vtype, g) - 1)::int AS slot, v.vtype FROM gen.vtype v, generate_series(1, v.weight) g;

CREATE UNLOGGED TABLE gen.penplan AS
SELECT i AS penalty_id, v.*, fu.unit_id,
       gen.wd(date '2021-01-04' + floor(gen.u(482, i) * 1075)::int) AS ddate,
       (ARRAY['discretion_outlier'])[CASE WHEN gen.u(483, i) < gen.rate('discretion_outlier') THEN 1 END] AS plan
FROM generate_series(1, gen.p('penalties')::bigint) i
JOIN gen.vslot vs ON vs.slot = floor(gen.u(480, i) * (SELECT count(*) FROM gen.vslot))::int
JOIN gen.vtype v ON v.vtype = vs.vtype
JOIN gen.fn_unit fu ON fu.function = v.function
                   AND fu.idx = floor(gen.u(481, i) * (SELECT count(*) FROM gen.fn_unit f2 WHERE f2.function = v.function))::int;

INSERT INTO gov.penalty (penalty_id, decision_no, violation_type, enterprise_id, amount, unit_id, handler_id, decided_on)
SELECT p.penalty_id,
       left(rp.short, 1) || p.abbr || '罚〔' || extract(year FROM p.ddate) || '〕' || p.penalty_id || '号',
       p.vtype, 1 + floor(gen.u(484, p.penalty_id) * (SELECT count(*) FROM gen.ent WHERE origin = 'background'))::bigint,
       greatest(100, round((p.centre * CASE WHEN p.plan IS NOT NULL THEN 6 + 9 * gen.u(485, p.penalty_id)
                                            ELSE exp(0.3 * gen.clamp(gen.norm(486, p.penalty_id), -2, 2)) END)::numeric, -2)),
       p.unit_id, s.person_id, p.ddate
FROM gen.penplan p
JOIN gov.unit u ON u.unit_id = p.unit_id
JOIN gen.region_path rp ON rp.region_code = u.region_code
JOIN gen.unit_staff s ON s.unit_id = p.unit_id AND s.idx = least(s.cnt - 1, 3 + floor(gen.u(487, p.penalty_id) * (s.cnt - 3)))::int
ORDER BY p.penalty_id;

INSERT INTO gen.stage
SELECT false, 'discretion_outlier', 'penalty', p.penalty_id::text, p.unit_id,
       jsonb_build_object('origin', 'planted', 'violation_type', p.violation_type, 'amount', p.amount, 'type_centre', v.centre)
FROM gov.penalty p JOIN gen.penplan pp USING (penalty_id) JOIN gen.vtype v ON v.vtype = p.violation_type
WHERE pp.plan IS NOT NULL ORDER BY p.penalty_id;
