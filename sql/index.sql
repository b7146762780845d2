-- Integrity index: a small tree computed by hand (doc/index.md, "Worked example").
SET extra_float_digits = 0;
INSERT INTO cleangov.unit (unit_code, name, name_zh, region_code) VALUES
  ('U1', 'Unit one', '一单位', 'R1'), ('U2', 'Unit two', '二单位', 'R2');
INSERT INTO cleangov.index_person (person_key, unit_code) VALUES ('p1', 'U1'), ('p2', 'U1'), ('p3', 'U2');
INSERT INTO cleangov.index_framework (framework_code, name, period_kind) VALUES ('T', 'Test', 'year');
INSERT INTO cleangov.indicator (framework_code, indicator_code, parent_code, name, weight, higher_is, method, worst, best, target, sort_order) VALUES
  ('T', 'A',  NULL, 'A',  2, 'riskier', NULL, NULL, NULL, NULL, 1),
  ('T', 'A1', 'A',  'A1', 1, 'riskier', 'bounds', 10, 0, NULL, 1),
  ('T', 'A2', 'A',  'A2', 3, 'safer',   'bounds', 0, 100, NULL, 2),
  ('T', 'B',  NULL, 'B',  1, 'riskier', NULL, NULL, NULL, NULL, 2),
  ('T', 'B1', 'B',  'B1', 1, 'safer',   'target', NULL, NULL, 80, 1),
  ('T', 'B2', 'B',  'B2', 1, 'riskier', 'target', NULL, NULL, 5, 2);
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value) VALUES
  ('T', 'A1', '2024', 'person', 'p1', 2),  ('T', 'A2', '2024', 'person', 'p1', 90),
  ('T', 'B1', '2024', 'person', 'p1', 60), ('T', 'B2', '2024', 'person', 'p1', 10),
  ('T', 'A1', '2024', 'person', 'p2', 0),  ('T', 'B1', '2024', 'person', 'p2', 100),
  ('T', 'B2', '2024', 'person', 'p2', 4),
  ('T', 'B2', '2024', 'person', 'p3', 20),
  ('T', 'A2', '2024', 'unit', 'U1', 95);

-- p1: A1 80, A2 90, B1 75, B2 50; A = (80 + 3*90)/4 = 87.5, B = 62.5,
-- composite (2*87.5 + 62.5)/3 = 79.1667 (red); points off 3.3333, 5, 4.1667, 8.3333.
-- p2: A2 missing, A re-weighted to A1 = 100; composite 100 (green).  p3: only B2 = 25.
-- U1: own A2 95 -> 95; persons mean (79.1667 + 100)/2 = 89.5833; 0.5/0.5 -> 92.2917 (blue).
-- U2: no own values, persons 25 -> 25 (red).
SELECT * FROM cleangov.index_compute('T', '2024', warn => false);
SELECT r.subject_kind, r.node_codes, r.parents, r.weights, r.depths
  FROM cleangov.index_run r WHERE framework_code = 'T' ORDER BY 1;
SELECT s.subject_kind, s.subject_key, s.unit_code, round(s.composite::numeric, 4) AS composite, s.level,
       (SELECT array_agg(round(x::numeric, 4)) FROM unnest(s.scores) x) AS scores,
       (SELECT array_agg(round(x::numeric, 4)) FROM unnest(s.contributions) x) AS took_off,
       -- the top nodes' points add up to 100 - composite
       round((100 - s.composite - (SELECT sum(x) FROM unnest(s.contributions, r.parents) u(x, parent)
                                    WHERE parent = 0))::numeric, 9) AS balance
  FROM cleangov.index_score s JOIN cleangov.index_run r USING (framework_code, period, subject_kind)
 WHERE framework_code = 'T' ORDER BY 1 DESC, 2;
-- The person -> unit rule: share of persons yellow or worse (U1: 1 of 2 -> 50), worst person.
UPDATE cleangov.index_framework SET person_rule = 'share' WHERE framework_code = 'T';
SELECT * FROM cleangov.index_compute('T', '2024', warn => false) WHERE subject_kind = 'unit';
SELECT subject_key, round(composite::numeric, 4), round(scores[2]::numeric, 4) AS persons FROM cleangov.index_score
 WHERE framework_code = 'T' AND subject_kind = 'unit' ORDER BY 1;
UPDATE cleangov.index_framework SET person_rule = 'worst' WHERE framework_code = 'T';
SELECT * FROM cleangov.index_compute('T', '2024', warn => false) WHERE subject_kind = 'unit';
SELECT subject_key, round(composite::numeric, 4), round(scores[2]::numeric, 4) AS persons FROM cleangov.index_score
 WHERE framework_code = 'T' AND subject_kind = 'unit' ORDER BY 1;
UPDATE cleangov.index_framework SET person_rule = 'none' WHERE framework_code = 'T';
SELECT * FROM cleangov.index_compute('T', '2024', warn => false) WHERE subject_kind = 'unit';

-- Peers: percentile rank (higher riskier: 1 2 2 3 5 -> 100 75 75 25 0) and
-- robust z (10 12 14 16 40: median 14, MAD 2, z = (x - 14)/2.9652; scored 100 at z 0, 0 at z 3).
INSERT INTO cleangov.index_person (person_key, unit_code) VALUES ('q1', 'U2'), ('q2', 'U2'), ('q3', 'U2'), ('q4', 'U2'), ('q5', 'U2');
INSERT INTO cleangov.index_framework (framework_code, name, period_kind, person_rule) VALUES ('P', 'Peers', 'quarter', 'none');
INSERT INTO cleangov.indicator (framework_code, indicator_code, name, higher_is, method, worst, best, subject_kinds, period_kind) VALUES
  ('P', 'X', 'X', 'riskier', 'percentile', NULL, NULL, '{person}', NULL),
  ('P', 'Y', 'Y', 'riskier', 'robust_z', 3, 0, '{person}', NULL),
  ('P', 'M', 'M', 'safer', 'bounds', 0, 10, '{person}', 'month');
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value)
SELECT 'P', i, '2024-Q1', 'person', 'q' || n, v
  FROM (VALUES ('X', 1, 1), ('X', 2, 2), ('X', 3, 2), ('X', 4, 3), ('X', 5, 5),
               ('Y', 1, 10), ('Y', 2, 12), ('Y', 3, 14), ('Y', 4, 16), ('Y', 5, 40)) t(i, n, v);
-- M is monthly: q1's months of Q1 average (2 + 4 + 9)/3 = 5 -> 50; April is not in Q1.
INSERT INTO cleangov.indicator_value (framework_code, indicator_code, period, subject_kind, subject_key, value) VALUES
  ('P', 'M', '2024-01', 'person', 'q1', 2), ('P', 'M', '2024-02', 'person', 'q1', 4),
  ('P', 'M', '2024-03', 'person', 'q1', 9), ('P', 'M', '2024-04', 'person', 'q1', 0);
SELECT * FROM cleangov.index_compute('P', '2024-Q1', warn => false);
SELECT subject_key, round(composite::numeric, 4) AS composite,
       (SELECT array_agg(round(x::numeric, 4)) FROM unnest(scores) x) AS scores
  FROM cleangov.index_score WHERE framework_code = 'P' ORDER BY 1;
