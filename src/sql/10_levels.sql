-- Levels and banding schemes: the ordered colour level of every alert, the
-- handling each level requires, and the schemes that map a measured value to a
-- level (C kernel in src/banding.c).  See doc/levels.md.

CREATE TYPE @extschema@.level AS ENUM ('green', 'blue', 'yellow', 'orange', 'red');
COMMENT ON TYPE @extschema@.level IS
  'Alert level, ordered green < blue < yellow < orange < red (绿 蓝 黄 橙 红); comparisons and max() follow that order.';

CREATE FUNCTION @extschema@.level_zh(lvl @extschema@.level) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE lvl WHEN 'green' THEN '绿' WHEN 'blue' THEN '蓝' WHEN 'yellow' THEN '黄'
                  WHEN 'orange' THEN '橙' WHEN 'red' THEN '红' END;
COMMENT ON FUNCTION @extschema@.level_zh(@extschema@.level) IS
  'Chinese label of a level: 绿 蓝 黄 橙 红.';

CREATE FUNCTION @extschema@.level_up(lvl @extschema@.level, levels @extschema@.level[] DEFAULT NULL)
  RETURNS @extschema@.level
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN coalesce((SELECT min(l)
                     FROM unnest(coalesce(levels, '{green,blue,yellow,orange,red}'::@extschema@.level[])) l
                    WHERE l > lvl),
                  lvl);
COMMENT ON FUNCTION @extschema@.level_up(@extschema@.level, @extschema@.level[]) IS
  'The next level above lvl among levels (a scheme''s levels; all five when NULL); the highest level stays where it is. Used by escalation and recurrence.';

-- Internal: true while CREATE/ALTER EXTENSION runs a script; marks shipped rows.
CREATE FUNCTION @extschema@.creating_extension_script() RETURNS boolean
  AS 'MODULE_PATHNAME', 'creating_extension_script'
  LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.creating_extension_script() IS
  'True while CREATE EXTENSION or ALTER EXTENSION UPDATE runs a script: the default of the "shipped" column of configuration tables, so pg_dump leaves shipped rows out. Stable because it reads backend state; parallel restricted because that state lives in the leader only.';

-- Shipped rows of configuration tables (schemes, level handling, built-in rules)
-- carry shipped = true and are left out of pg_dump; once a user changes one it
-- becomes shipped = false and is dumped.  On restore CREATE EXTENSION inserts
-- the shipped row first, so the dumped, changed row must replace it instead of
-- colliding with it: that is what shipped_row_restore() does.
CREATE FUNCTION @extschema@.shipped_row_changed() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT @extschema@.creating_extension_script() THEN
    NEW.shipped := false;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.shipped_row_changed() IS
  'BEFORE UPDATE trigger of configuration tables: a shipped row changed by a user is no longer "shipped" and is therefore dumped by pg_dump. Volatile because it is a trigger; parallel unsafe because it is a trigger.';

CREATE FUNCTION @extschema@.shipped_row_restore() RETURNS trigger
  LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  cols text;
  keys text;
  n bigint;
BEGIN
  IF @extschema@.creating_extension_script() THEN
    RETURN NEW;
  END IF;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
    FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped;
  -- the key: one column or several (the trigger's arguments)
  SELECT string_agg(format('t.%1$I = ($1).%1$I', k), ' AND ') INTO keys FROM unnest(TG_ARGV) k;
  PERFORM set_config('cleangov_restore.replaying', 'on', true);
  EXECUTE format('UPDATE %1$I.%2$I t SET (%3$s) = (SELECT %3$s FROM (SELECT ($1).*) r)'
                 ' WHERE %4$s AND t.shipped',
                 TG_TABLE_SCHEMA, TG_TABLE_NAME, cols, keys)
    USING NEW;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM set_config('cleangov_restore.replaying', 'off', true);
  RETURN CASE WHEN n = 0 THEN NEW END;
END
$$;
COMMENT ON FUNCTION @extschema@.shipped_row_restore() IS
  'BEFORE INSERT trigger of configuration tables: a row whose key (the trigger''s arguments: one column or several) equals a shipped row replaces that row (this is how pg_restore brings back a changed shipped row). Volatile because it is a trigger; parallel unsafe because it is a trigger.';

CREATE TABLE @extschema@.level_info (
  level       @extschema@.level PRIMARY KEY,
  label_en    text NOT NULL,
  label_zh    text NOT NULL,
  handling_en text NOT NULL,
  handling_zh text NOT NULL,
  shipped     boolean NOT NULL DEFAULT @extschema@.creating_extension_script()
);
COMMENT ON TABLE @extschema@.level_info IS
  'Labels and the handling each level requires (分级处置), shown on every alert and risk notice. Editable; shipped rows are marked shipped.';
INSERT INTO @extschema@.level_info (level, label_en, label_zh, handling_en, handling_zh) VALUES
  ('green',  'green',  '绿色', 'no risk found: no handling required', '未发现风险，无需处置'),
  ('blue',   'blue',   '蓝色', 'general risk: reminder talk and order to self-correct', '一般风险：谈话提醒，责令整改'),
  ('yellow', 'yellow', '黄色', 'higher risk: special inspection by the inspection body', '较高风险：开展专项检查'),
  ('orange', 'orange', '橙色', 'serious risk: supervision order and special inspection', '严重风险：下发督办单，开展专项检查'),
  ('red',    'red',    '红色', 'major risk: preliminary verification opened at once', '重大风险：立即启动初核');
CREATE TRIGGER level_info_changed BEFORE UPDATE ON @extschema@.level_info
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER level_info_restore BEFORE INSERT ON @extschema@.level_info
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('level');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.level_info', 'WHERE NOT shipped');

CREATE FUNCTION @extschema@.band_position(value float8, cutoffs float8[], high_is_bad boolean)
  RETURNS integer
  AS 'MODULE_PATHNAME', 'band_position'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.band_position(float8, float8[], boolean) IS
  '1 + the number of cut-offs the value crosses (value < cut-off when low is bad, cut-offs descending; value >= cut-off when high is bad, cut-offs ascending). Raises 22023 for cut-offs that are not strictly monotone, 22004 for a NULL cut-off, 22003 for a non-finite value.';

CREATE FUNCTION @extschema@.levels_ascending(levels @extschema@.level[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN NOT EXISTS (SELECT FROM unnest(levels) WITH ORDINALITY a(l, i)
                       JOIN unnest(levels) WITH ORDINALITY b(l, i) ON b.i = a.i + 1
                      WHERE a.l IS NULL OR b.l IS NULL OR b.l <= a.l);
COMMENT ON FUNCTION @extschema@.levels_ascending(@extschema@.level[]) IS
  'True when the levels are non-NULL and strictly ascending (green before blue before ...): the check on band_scheme.levels.';

CREATE TABLE @extschema@.band_scheme (
  scheme_code text PRIMARY KEY,
  name_en     text NOT NULL,
  name_zh     text NOT NULL,
  high_is_bad boolean NOT NULL,
  cutoffs     float8[] NOT NULL,
  levels      @extschema@.level[] NOT NULL,
  measure     text NOT NULL DEFAULT 'value' CHECK (measure IN ('value', 'ratio')),
  description text,
  shipped     boolean NOT NULL DEFAULT @extschema@.creating_extension_script(),
  CHECK (cardinality(levels) = cardinality(cutoffs) + 1),
  CHECK (@extschema@.levels_ascending(levels)),
  CHECK (@extschema@.band_position(cutoffs[1], cutoffs, high_is_bad) >= 1)
);
COMMENT ON TABLE @extschema@.band_scheme IS
  'Banding schemes: strictly monotone cut-offs, a direction and the levels (one more than cut-offs, ascending). measure = ''ratio'' bands value ÷ threshold when a rule raises alerts through the scheme.';
INSERT INTO @extschema@.band_scheme (scheme_code, name_en, name_zh, high_is_bad, cutoffs, levels, measure, description) VALUES
  ('index3', 'three-colour index warning', '三色预警（指数）', false, '{95,90,85}', '{green,blue,yellow,red}', 'value',
   'Composite integrity index 0-100, low is bad: below 95 blue, below 90 yellow, below 85 red (seed 003). Exactly 95 is green.'),
  ('health4', 'four-colour health report', '四色体检（健康度）', false, '{90,80,70}', '{green,yellow,orange,red}', 'value',
   'Health score 0-100, low is bad: below 90 yellow, below 80 orange, below 70 red (seed 000 names the colours; the cut-offs are defaults to tune).'),
  ('rule3', 'blue/yellow/red rule warning', '蓝黄红三级预警（规则）', true, '{1,1.5,2}', '{green,blue,yellow,red}', 'ratio',
   'Measured value ÷ rule threshold, high is bad: at the threshold blue, 1.5 times yellow, twice red.');
CREATE TRIGGER band_scheme_changed BEFORE UPDATE ON @extschema@.band_scheme
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_changed();
CREATE TRIGGER band_scheme_restore BEFORE INSERT ON @extschema@.band_scheme
  FOR EACH ROW EXECUTE FUNCTION @extschema@.shipped_row_restore('scheme_code');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.band_scheme', 'WHERE NOT shipped');

CREATE FUNCTION @extschema@.band(value float8, scheme_code text) RETURNS @extschema@.level
  LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  s @extschema@.band_scheme;
BEGIN
  SELECT * INTO s FROM @extschema@.band_scheme b WHERE b.scheme_code = band.scheme_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'banding scheme "%" does not exist', scheme_code
      USING ERRCODE = 'undefined_object',
            HINT = 'See SELECT scheme_code FROM cleangov.band_scheme.';
  END IF;
  RETURN s.levels[@extschema@.band_position(value, s.cutoffs, s.high_is_bad)];
END
$$;
COMMENT ON FUNCTION @extschema@.band(float8, text) IS
  'Level of a value in a banding scheme (index3: 94.9 → blue, 95 → green). NULL value gives NULL; unknown scheme raises 42704. Stable because it reads cleangov.band_scheme.';
