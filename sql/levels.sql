-- Levels and banding: the order of the level type, the Chinese labels, and
-- every shipped scheme exactly at, just above and just below each cut-off.
SELECT 'green'::cleangov.level < 'blue' AND 'blue' < 'yellow'::cleangov.level
   AND 'yellow' < 'orange'::cleangov.level AND 'orange' < 'red'::cleangov.level AS ordered;
SELECT max(l) AS worst, min(l) AS best
  FROM unnest('{blue,red,yellow}'::cleangov.level[]) l;
SELECT l, cleangov.level_zh(l), i.label_zh, i.handling_zh, i.handling_en
  FROM unnest(enum_range(NULL::cleangov.level)) l JOIN cleangov.level_info i ON i.level = l;
SELECT scheme_code, high_is_bad, cutoffs, levels, measure FROM cleangov.band_scheme ORDER BY 1;

-- index3, low is bad: below 95 blue, below 90 yellow, below 85 red.
SELECT v, cleangov.band(v, 'index3') AS index3, cleangov.band(v, 'health4') AS health4
  FROM unnest('{100,95.000001,95,94.999999,90,89.999999,85,84.999999,80,79.999999,70,69.999999,0,-5}'::float8[]) v;
-- rule3, high is bad (value ÷ threshold): at the cut-off is already the worse band.
SELECT v, cleangov.band(v, 'rule3') AS rule3
  FROM unnest('{0,0.999999,1,1.499999,1.5,1.999999,2,1000}'::float8[]) v;
-- band_position itself, both directions, one cut-off
SELECT cleangov.band_position(5, '{5}', true) AS at_high, cleangov.band_position(5, '{5}', false) AS at_low,
       cleangov.band_position(4.9, '{5}', false) AS below_low;
SELECT cleangov.band(NULL, 'index3') AS null_value;

-- level_up: within a scheme's levels, or all five; the top stays.
SELECT l, cleangov.level_up(l) AS up_all, cleangov.level_up(l, '{green,blue,yellow,red}') AS up_rule3
  FROM unnest(enum_range(NULL::cleangov.level)) l;

-- errors
SELECT cleangov.band(90, 'no_such_scheme');
SELECT cleangov.band('NaN', 'index3');
SELECT cleangov.band_position(1, '{1,1}', true);
SELECT cleangov.band_position(1, '{1,2}', false);
SELECT cleangov.band_position(1, '{1,NULL}', true);
SELECT cleangov.band_position(1, '{}', true);
INSERT INTO cleangov.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels)
VALUES ('bad', 'bad', '坏', true, '{1,2}', '{blue,red}');
INSERT INTO cleangov.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels)
VALUES ('bad', 'bad', '坏', true, '{1,2}', '{blue,red,yellow}');
