-- Relations and the relationship rules' detection (issue 7, phase 2).
--
-- The canonical relation shape: one row per relation, from a person
-- (from_id) to a relative (kinship kinds: to_id is a person) or to an
-- enterprise (business kinds: to_id is an enterprise), with optional
-- validity dates:  from_id text, to_id text, kind text [, valid_from date,
-- valid_to date].  relation_kind says which kinds exist and what they join.
--
-- Every function here takes the user's data as relations (tables or views,
-- by regclass) with fixed column names, so it can run directly on the rule
-- engine's bound views, and returns cleangov.hit rows for
-- cleangov.raise_alerts(); level is NULL ("band the value with the rule's
-- scheme, else the rule's default level").

CREATE TABLE @extschema@.relation_kind (
  kind        text PRIMARY KEY CHECK (kind ~ '^[a-z_]+$'),
  category    text NOT NULL CHECK (category IN ('kinship', 'business')),
  name_en     text NOT NULL,
  name_zh     text NOT NULL,
  shipped     boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.relation_kind IS
  'Kinds of relation in the canonical relation shape: kinship kinds join a person to a person (to_id is what the relative is to from_id), business kinds a person to an enterprise (from_id is the enterprise''s shareholder, legal representative, ...). Users may add kinds; rows of other kinds are ignored by the path search.';
INSERT INTO @extschema@.relation_kind (kind, category, name_en, name_zh, shipped) VALUES
  ('spouse',      'kinship',  'spouse',                   '配偶',       true),
  ('child',       'kinship',  'child',                    '子女',       true),
  ('parent',      'kinship',  'parent',                   '父母',       true),
  ('sibling',     'kinship',  'sibling',                  '兄弟姐妹',   true),
  ('in_law',      'kinship',  'in-law',                   '姻亲',       true),
  ('shareholder', 'business', 'shareholder',              '股东',       true),
  ('legal_rep',   'business', 'legal representative',     '法定代表人', true),
  ('director',    'business', 'director or manager',      '董事高管',   true),
  ('employee',    'business', 'employee',                 '员工',       true);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.relation_kind', 'WHERE NOT shipped');

-- Checks that a relation passed by regclass has the columns a shape needs.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.require_columns(rel regclass, shape text, cols text[]) RETURNS void
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  missing text;
BEGIN
  SELECT string_agg(format('%I', c), ', ' ORDER BY o) INTO missing
    FROM unnest(cols) WITH ORDINALITY AS u(c, o)
   WHERE NOT EXISTS (SELECT FROM pg_attribute a
                      WHERE a.attrelid = rel AND a.attname = u.c AND a.attnum > 0 AND NOT a.attisdropped);
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION '% lacks column(s) % of the % shape', rel, missing, shape
      USING ERRCODE = 'undefined_column',
            HINT = format('The %s shape needs the columns %s; give them in a view over your table (see doc/relations.md).',
                          shape, array_to_string(cols, ', '));
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.require_columns(regclass, text, text[]) IS
  'Raises 42703 naming the columns of a canonical shape that a relation lacks (used by the relationship functions on their arguments). Stable because it reads the catalog.';

-- The column, if the relation has it, else the fallback expression.  On a
-- rule's probe stand-in (a view cleangov_bound.cleangov_probe_<shape>, see
-- rule_columns_read) a missing column is an error naming it, so that the
-- probe learns which optional columns these functions read.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.column_or(rel regclass, col text, fallback text, qualifier text DEFAULT NULL) RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  found name;
BEGIN
  SELECT a.attname INTO found FROM pg_attribute a
   WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped;
  IF found IS NOT NULL THEN
    RETURN coalesce(quote_ident(qualifier) || '.', '') || quote_ident(found);
  END IF;
  IF EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND c.relnamespace = 'cleangov_bound'::regnamespace
                                      AND c.relname LIKE 'cleangov\_probe\_%') THEN
    RAISE EXCEPTION 'column %.% does not exist', rel, quote_ident(col) USING ERRCODE = 'undefined_column';
  END IF;
  RETURN fallback;
END
$$;
COMMENT ON FUNCTION @extschema@.column_or(regclass, text, text, text) IS
  'Quoted column name (after qualifier. if given) if the relation has the column, else the fallback SQL expression: how the relationship functions read optional columns (on a rule''s probe stand-in, a missing column raises 42703 naming it). Stable because it reads the catalog.';

CREATE FUNCTION @extschema@.relation_paths(
    relations regclass, sources text[], max_hops int DEFAULT 2,
    as_of date DEFAULT NULL, kinds text[] DEFAULT NULL)
  RETURNS TABLE (source_id text, target_type text, target_id text, hops int,
                 nodes text[], path_kinds text[])
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  bad text;
BEGIN
  IF max_hops < 1 OR max_hops > 6 THEN
    RAISE EXCEPTION 'max_hops must be between 1 and 6, not %', max_hops
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Paths grow exponentially with their length; kinship evidence rarely needs more than 3 hops.';
  END IF;
  SELECT string_agg(k, ', ' ORDER BY k) INTO bad FROM unnest(kinds) k
   WHERE NOT EXISTS (SELECT FROM @extschema@.relation_kind rk WHERE rk.kind = k);
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unknown relation kind(s): %', bad
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Known kinds are the rows of cleangov.relation_kind.';
  END IF;
  PERFORM @extschema@.require_columns(relations, 'relation', ARRAY['from_id', 'to_id', 'kind']);
  RETURN QUERY EXECUTE format($q$
    WITH RECURSIVE edge AS (
      SELECT 'person:' || r.from_id::text AS a,
             CASE k.category WHEN 'kinship' THEN 'person:' ELSE 'enterprise:' END || r.to_id::text AS b,
             r.kind::text AS kind
        FROM %1$s r
        JOIN @extschema@.relation_kind k ON k.kind = r.kind::text
       WHERE r.from_id IS NOT NULL AND r.to_id IS NOT NULL
         AND ($2 IS NULL OR r.kind::text = ANY ($2))
         AND ($3 IS NULL OR ((%2$s IS NULL OR %2$s <= $3) AND (%3$s IS NULL OR %3$s >= $3)))
    ), step AS (
      SELECT a, b, kind FROM edge
      UNION ALL
      SELECT b, a, kind FROM edge
    ), walk AS (
      SELECT s AS source, 'person:' || s AS node, ARRAY['person:' || s] AS nodes,
             ARRAY[]::text[] AS kinds, 0 AS hops
        FROM (SELECT DISTINCT s FROM unnest($1) s WHERE s IS NOT NULL) src
      UNION ALL
      SELECT w.source, x.b, w.nodes || x.b, w.kinds || x.kind, w.hops + 1
        FROM walk w
        JOIN step x ON x.a = w.node
       WHERE w.hops < $4 AND x.b <> ALL (w.nodes)
    )
    SELECT source, split_part(node, ':', 1), substr(node, strpos(node, ':') + 1), hops, nodes, kinds
      FROM walk
     WHERE hops > 0 $q$,
    relations,
    @extschema@.column_or(relations, 'valid_from', 'NULL::date'),
    @extschema@.column_or(relations, 'valid_to', 'NULL::date'))
  USING sources, kinds, as_of, max_hops;
END
$$;
COMMENT ON FUNCTION @extschema@.relation_paths(regclass, text[], int, date, text[]) IS
  'Every simple path (no node twice) of 1 to max_hops relations from each source person, over a relation-shaped table (from_id, to_id, kind [, valid_from, valid_to]) walked in both directions; only relations valid on as_of (if given) and of the given kinds (if given). Nodes are ''person:<id>'' or ''enterprise:<id>''. Set-based: pass all officials at once. Stable because it reads the tables passed; parallel restricted because the relation passed may be a temporary table.';

-- ---------------------------------------------------------------------------
-- REL_FAVOURING_RELATIVES: officials, their relatives (one kinship hop) and
-- fiscally paid staff among subsidy recipients, matched on normalised
-- identity numbers.
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.detect_favouring_relatives(
    persons regclass, relations regclass, subsidies regclass, as_of date DEFAULT NULL)
  RETURNS SETOF @extschema@.hit
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  -- The join keys are normalised numbers, computed, so the planner has no
  -- statistics on them and, guessing few distinct values, prefers sorting
  -- a million text keys for a merge join to hashing them.
  SET enable_mergejoin = off
  AS $$
BEGIN
  PERFORM @extschema@.require_columns(persons, 'person', ARRAY['person_id', 'id_number', 'is_official']);
  PERFORM @extschema@.require_columns(relations, 'relation', ARRAY['from_id', 'to_id', 'kind']);
  PERFORM @extschema@.require_columns(subsidies, 'subsidy_payment', ARRAY['payment_id', 'recipient_id', 'amount']);
  -- Set-based and hash-joinable throughout (bench/crossmatch.sh): every
  -- identity number is normalised once; payments are matched to persons
  -- first, so the flags (official, relative, staff) are looked up for the
  -- persons who were paid only, and the evidence is built for them; the
  -- relatives are one kinship relation away, so a join in each direction
  -- finds them (the paths relation_paths(..., 1, ...) walks).
  RETURN QUERY EXECUTE format($q$
    WITH p AS MATERIALIZED (
      SELECT person_id::text AS person_id, @extschema@.cn_id_try_normalize(id_number::text) AS idn,
             %4$s::text AS unit_code, coalesce(is_official, false) AS is_official,
             coalesce(%5$s, false) AS fiscally_paid
        FROM %1$s
    ), pay AS MATERIALIZED (
      SELECT s.idn, count(*) AS n, sum(s.amount::numeric) AS total, min(s.payment_id) AS first_payment,
             array_agg(DISTINCT s.programme) AS programmes
        FROM (SELECT @extschema@.cn_id_try_normalize(recipient_id::text) AS idn, payment_id::text AS payment_id,
                     amount, %6$s::text AS programme
                FROM %3$s) s
       WHERE s.idn IN (SELECT idn FROM p)
       GROUP BY s.idn
    ), paid AS MATERIALIZED (
      SELECT p.person_id, p.unit_code, p.is_official, p.fiscally_paid, pay.*
        FROM p JOIN pay ON pay.idn = p.idn
    ), rel AS (
      SELECT r.from_id::text AS from_id, r.to_id::text AS to_id, r.kind::text AS kind
        FROM %2$s r
       WHERE r.from_id IS NOT NULL AND r.to_id IS NOT NULL AND r.from_id::text <> r.to_id::text
         AND r.kind::text IN (SELECT kind FROM @extschema@.relation_kind WHERE category = 'kinship')
         AND ($1 IS NULL OR ((%7$s IS NULL OR %7$s <= $1) AND (%8$s IS NULL OR %8$s >= $1)))
    ), officials AS MATERIALIZED (
      SELECT person_id, unit_code FROM p WHERE is_official
    ), flagged AS (
      SELECT person_id, unit_code, 'official'::text AS why, NULL::text AS official_id, NULL::text AS relation
        FROM paid WHERE is_official
      UNION ALL
      SELECT r.to_id, o.unit_code, 'relative', o.person_id, r.kind
        FROM rel r JOIN officials o ON o.person_id = r.from_id
       WHERE r.to_id IN (SELECT person_id FROM paid)
      UNION ALL
      SELECT r.from_id, o.unit_code, 'relative', o.person_id, r.kind
        FROM rel r JOIN officials o ON o.person_id = r.to_id
       WHERE r.from_id IN (SELECT person_id FROM paid)
      UNION ALL
      SELECT person_id, unit_code, 'fiscally paid staff', NULL, NULL FROM paid WHERE fiscally_paid
    ), per_person AS (
      SELECT f.person_id, min(f.unit_code) AS unit_code,
             jsonb_agg(DISTINCT CASE f.why WHEN 'relative'
                                  THEN jsonb_build_object('why', f.why, 'official_id', f.official_id, 'relation', f.relation)
                                  ELSE jsonb_build_object('why', f.why) END) AS reasons
        FROM flagged f
       GROUP BY f.person_id
    )
    SELECT 'REL_FAVOURING_RELATIVES'::text, 'person'::text, pp.person_id, pp.unit_code, ''::text,
           pay.n::float8, NULL::float8, NULL::@extschema@.level,
           jsonb_build_object('reasons', pp.reasons, 'payments', pay.n, 'amount', pay.total,
                              'programmes', to_jsonb(pay.programmes)),
           %3$L::text, pay.first_payment
      FROM per_person pp
      JOIN paid pay ON pay.person_id = pp.person_id
     ORDER BY pp.person_id $q$,
    persons, relations, subsidies,
    @extschema@.column_or(persons, 'unit_code', 'NULL'),
    @extschema@.column_or(persons, 'fiscally_paid', 'NULL::boolean'),
    @extschema@.column_or(subsidies, 'programme', 'NULL'),
    @extschema@.column_or(relations, 'valid_from', 'NULL::date', 'r'),
    @extschema@.column_or(relations, 'valid_to', 'NULL::date', 'r'))
  USING as_of;
END
$$;
COMMENT ON FUNCTION @extschema@.detect_favouring_relatives(regclass, regclass, regclass, date) IS
  'Hits of REL_FAVOURING_RELATIVES (favouring relatives, 优亲厚友): officials, their relatives (one kinship relation, either direction, valid on as_of) and fiscally paid staff whose normalised identity number receives subsidies; one row per person in the shape of cleangov.hit, value = number of payments. Stable because it reads the tables passed; parallel restricted because they may be temporary tables.';

-- ---------------------------------------------------------------------------
-- REL_RELATIVE_SUPPLIER_OVERLAP: contracts won by firms of an official's
-- relatives; the share of them inside the official's unit and areas of
-- responsibility, warning at >= min_ratio (70 % in the Jiangsu seed).
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.detect_relative_supplier_overlap(
    persons regclass, relations regclass, responsibilities regclass, contracts regclass,
    min_ratio float8 DEFAULT 0.7, max_hops int DEFAULT 2, as_of date DEFAULT NULL)
  RETURNS SETOF @extschema@.hit
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF min_ratio IS NULL OR NOT (min_ratio > 0 AND min_ratio <= 1) THEN
    RAISE EXCEPTION 'min_ratio must be in (0, 1], not %', coalesce(min_ratio::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF max_hops IS NULL OR max_hops < 2 THEN
    RAISE EXCEPTION 'max_hops must be at least 2 (official -> relative -> firm), not %', coalesce(max_hops::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  PERFORM @extschema@.require_columns(persons, 'person', ARRAY['person_id', 'unit_code']);
  PERFORM @extschema@.require_columns(responsibilities, 'responsibility', ARRAY['person_id', 'domain']);
  PERFORM @extschema@.require_columns(contracts, 'contract', ARRAY['contract_id', 'buyer_id', 'supplier_id', 'item_class']);
  RETURN QUERY EXECUTE format($q$
    WITH o AS MATERIALIZED (
      SELECT p.person_id::text AS person_id, p.unit_code::text AS unit_code,
             array_agg(DISTINCT r.domain::text) AS domains
        FROM %1$s p JOIN %3$s r ON r.person_id::text = p.person_id::text
       WHERE p.unit_code IS NOT NULL AND r.domain IS NOT NULL
       GROUP BY 1, 2
    ), firm AS (
      SELECT DISTINCT ON (rp.source_id, rp.target_id)
             rp.source_id AS official_id, rp.target_id AS enterprise_id, rp.nodes, rp.path_kinds
        FROM @extschema@.relation_paths($1, (SELECT array_agg(person_id ORDER BY person_id) FROM o), $2, $3) rp
       WHERE rp.target_type = 'enterprise'
         AND rp.path_kinds[1] IN (SELECT kind FROM @extschema@.relation_kind WHERE category = 'kinship')
       -- a total order: two paths through the same people may differ in
       -- the kinds of their relations (legal_rep and shareholder of one firm)
       ORDER BY rp.source_id, rp.target_id, rp.hops, rp.nodes, rp.path_kinds
    ), c AS (
      SELECT DISTINCT ON (f.official_id, ct.contract_id::text)
             f.official_id, ct.contract_id::text AS contract_id, ct.supplier_id::text AS supplier_id,
             %5$s::numeric AS amount,
             (ct.buyer_id::text = o.unit_code OR %6$s::text = o.unit_code)
               AND EXISTS (SELECT FROM unnest(o.domains) d WHERE left(ct.item_class::text, length(d)) = d) AS inside
        FROM firm f
        JOIN o ON o.person_id = f.official_id
        JOIN %4$s ct ON ct.supplier_id::text = f.enterprise_id
       ORDER BY f.official_id, ct.contract_id::text, ct.supplier_id::text, inside DESC, amount
    ), per AS (
      SELECT c.official_id, count(*) AS n, count(*) FILTER (WHERE c.inside) AS n_inside,
             -- numeric sums: exact, so the same whatever the order of addition
             sum(c.amount) AS amount, sum(c.amount) FILTER (WHERE c.inside) AS amount_inside,
             jsonb_agg(c.contract_id ORDER BY c.contract_id) FILTER (WHERE c.inside) AS inside,
             jsonb_agg(c.contract_id ORDER BY c.contract_id) FILTER (WHERE NOT c.inside) AS outside,
             min(c.contract_id) AS first_contract
        FROM c GROUP BY c.official_id
    )
    SELECT 'REL_RELATIVE_SUPPLIER_OVERLAP'::text, 'person'::text, per.official_id, o.unit_code, ''::text,
           per.n_inside::float8 / per.n, $4, NULL::@extschema@.level,
           jsonb_build_object('contracts', per.n, 'contracts_inside', per.n_inside,
                              'amount', per.amount, 'amount_inside', per.amount_inside,
                              'inside', coalesce(per.inside, '[]'), 'outside', coalesce(per.outside, '[]'),
                              'domains', to_jsonb(o.domains),
                              'paths', (SELECT jsonb_agg(jsonb_build_object('enterprise_id', f.enterprise_id,
                                                                           'nodes', to_jsonb(f.nodes),
                                                                           'kinds', to_jsonb(f.path_kinds))
                                                         ORDER BY f.enterprise_id)
                                          FROM firm f WHERE f.official_id = per.official_id)),
           %4$L::text, per.first_contract
      FROM per JOIN o ON o.person_id = per.official_id
     WHERE per.n_inside::float8 / per.n >= $4
     ORDER BY per.official_id $q$,
    persons, relations, responsibilities, contracts,
    @extschema@.column_or(contracts, 'amount', 'NULL', 'ct'),
    @extschema@.column_or(contracts, 'unit_code', 'ct.buyer_id', 'ct'))
  USING relations, max_hops, as_of, min_ratio;
END
$$;
COMMENT ON FUNCTION @extschema@.detect_relative_supplier_overlap(regclass, regclass, regclass, regclass, float8, int, date) IS
  'Hits of REL_RELATIVE_SUPPLIER_OVERLAP: for each official with areas of responsibility (person_id, domain), the contracts won by enterprises reached from the official through a kinship relation first (at most max_hops relations); value = share of those contracts bought by the official''s unit (buyer_id or unit_code) in one of the official''s domains (item_class starts with the domain); a hit when the share is at least min_ratio (default 0.7). Evidence: contracts inside and outside, amounts, the paths. Stable because it reads the tables passed; parallel restricted because they may be temporary tables.';

-- ---------------------------------------------------------------------------
-- REL_RELATED_BIDDERS: bidders in one tender sharing a person (legal
-- representative, shareholder, director), a registered address or a contact.
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.detect_related_bidders(
    bids regclass, enterprises regclass, relations regclass, as_of date DEFAULT NULL)
  RETURNS SETOF @extschema@.hit
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM @extschema@.require_columns(bids, 'bid', ARRAY['tender_id', 'bidder_id']);
  PERFORM @extschema@.require_columns(enterprises, 'enterprise', ARRAY['enterprise_id']);
  PERFORM @extschema@.require_columns(relations, 'relation', ARRAY['from_id', 'to_id', 'kind']);
  RETURN QUERY EXECUTE format($q$
    WITH attr AS MATERIALIZED (   -- (firm, what links, value), each once
      SELECT e.enterprise_id::text AS firm, 'person' AS link, %5$s::text AS val
        FROM %2$s e WHERE %5$s IS NOT NULL
      UNION
      SELECT r.to_id::text, 'person', r.from_id::text
        FROM %3$s r JOIN @extschema@.relation_kind k ON k.kind = r.kind::text AND k.category = 'business'
       WHERE r.kind::text IN ('legal_rep', 'shareholder', 'director')
         AND ($1 IS NULL OR ((%8$s IS NULL OR %8$s <= $1) AND (%9$s IS NULL OR %9$s >= $1)))
      UNION
      SELECT e.enterprise_id::text, 'address', @extschema@.org_name_key(%6$s::text)
        FROM %2$s e WHERE length(@extschema@.org_name_key(%6$s::text)) >= 6
      UNION
      SELECT e.enterprise_id::text, 'phone', x.digits
        FROM %2$s e
        CROSS JOIN LATERAL (SELECT regexp_replace(regexp_replace(%7$s::text, '\D', '', 'g'), '^86(\d{11})$', '\1') AS digits) x
       WHERE length(x.digits) >= 7
      UNION
      SELECT e.enterprise_id::text, 'email', lower(btrim(%10$s::text))
        FROM %2$s e WHERE %10$s::text LIKE '%%_@_%%'
    ), shared AS MATERIALIZED (  -- only what two firms share can link two bidders
      SELECT a.firm, a.link, a.val FROM attr a
       WHERE (a.link, a.val) IN (SELECT x.link, x.val FROM attr x GROUP BY x.link, x.val HAVING count(*) >= 2)
    ), b AS MATERIALIZED (       -- so only those firms' bids are paired
      SELECT DISTINCT tender_id::text AS tender_id, bidder_id::text AS bidder_id
        FROM %1$s
       WHERE %4$s IS DISTINCT FROM 'withdrawn'
         AND bidder_id::text IN (SELECT s.firm FROM shared s)
    ), pair AS (
      SELECT b1.tender_id, b1.bidder_id AS a, b2.bidder_id AS b, a1.link, a1.val
        FROM b b1
        JOIN b b2 ON b2.tender_id = b1.tender_id AND b2.bidder_id > b1.bidder_id
        JOIN shared a1 ON a1.firm = b1.bidder_id
        JOIN shared a2 ON a2.firm = b2.bidder_id AND a2.link = a1.link AND a2.val = a1.val
    ), per AS (
      SELECT tender_id, count(DISTINCT (a, b)) AS n_pairs,
             jsonb_agg(jsonb_build_object('bidders', jsonb_build_array(a, b), 'link', link,
                                          CASE link WHEN 'person' THEN 'person_id' ELSE link END, val)
                       ORDER BY a, b, link, val) AS links
        FROM pair GROUP BY tender_id
    )
    SELECT 'REL_RELATED_BIDDERS'::text, 'tender'::text, per.tender_id, NULL::text, ''::text,
           per.n_pairs::float8, NULL::float8, NULL::@extschema@.level,
           jsonb_build_object('related_pairs', per.n_pairs, 'links', per.links),
           %1$L::text, per.tender_id
      FROM per
     ORDER BY per.tender_id $q$,
    bids, enterprises, relations,
    @extschema@.column_or(bids, 'status', 'NULL::text'),
    @extschema@.column_or(enterprises, 'legal_rep_id', 'NULL'),
    @extschema@.column_or(enterprises, 'address', 'NULL'),
    @extschema@.column_or(enterprises, 'phone', 'NULL'),
    @extschema@.column_or(relations, 'valid_from', 'NULL::date'),
    @extschema@.column_or(relations, 'valid_to', 'NULL::date'),
    @extschema@.column_or(enterprises, 'email', 'NULL'))
  USING as_of;
END
$$;
COMMENT ON FUNCTION @extschema@.detect_related_bidders(regclass, regclass, regclass, date) IS
  'Hits of REL_RELATED_BIDDERS (related or ghost bidders, 围标串标): tenders in which two bidders (not withdrawn) share a person (legal representative, shareholder or director, from the enterprise''s legal_rep_id or business relations valid on as_of), a registered address (same org_name_key, at least 6 bytes), a telephone number (digits, +86 removed, at least 7) or an e-mail address; one row per tender, value = number of related pairs, evidence = the pairs and what links them. Stable because it reads the tables passed; parallel restricted because they may be temporary tables.';

-- ---------------------------------------------------------------------------
-- ID_MULTIPLE_IDENTITIES: one identity number under several names, or one
-- person (name, sex, birth date, telephone) under several identity numbers.
-- ---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.detect_multiple_identities(persons regclass)
  RETURNS SETOF @extschema@.hit
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM @extschema@.require_columns(persons, 'person', ARRAY['person_id', 'name', 'id_number']);
  RETURN QUERY EXECUTE format($q$
    WITH p AS MATERIALIZED (
      SELECT person_id::text AS person_id, regexp_replace(name::text, '[\s\u3000]', '', 'g') AS name,
             @extschema@.cn_id_try_normalize(id_number::text) AS idn, %2$s::text AS unit_code,
             coalesce(%3$s::text, @extschema@.cn_id_sex(id_number::text)) AS sex,
             coalesce(%4$s::date, @extschema@.cn_id_birthdate(id_number::text)) AS birth_date,
             nullif(regexp_replace(%5$s::text, '\D', '', 'g'), '') AS phone,
             length(person_id::text) AS klen
        FROM %1$s
    ), id_group AS (     -- one identity number under several names
      SELECT idn, (array_agg(person_id ORDER BY klen, person_id, name))[1] AS first_id,
             (array_agg(name ORDER BY klen, person_id, name))[1] AS first_name,
             jsonb_agg(person_id ORDER BY klen, person_id, name) AS ids
        FROM p WHERE idn IS NOT NULL
       GROUP BY idn HAVING count(DISTINCT name) > 1
    ), person_group AS ( -- one person under several identity numbers
      SELECT name, sex, birth_date, phone,
             (array_agg(person_id ORDER BY klen, person_id, idn))[1] AS first_id,
             (array_agg(idn ORDER BY klen, person_id, idn))[1] AS first_idn,
             jsonb_agg(person_id ORDER BY klen, person_id, idn) AS ids
        FROM p
       WHERE idn IS NOT NULL AND phone IS NOT NULL AND birth_date IS NOT NULL AND name <> ''
       GROUP BY name, sex, birth_date, phone HAVING count(DISTINCT idn) > 1
    ), hit AS (
      SELECT p.person_id, p.unit_code, 1 AS variant,
             jsonb_build_object('variant', 'same identity number, another name',
                                'first_person_id', g.first_id, 'person_ids', g.ids) AS ev
        FROM id_group g JOIN p ON p.idn = g.idn
       WHERE p.person_id <> g.first_id AND p.name <> g.first_name
      UNION ALL
      SELECT p.person_id, p.unit_code, 2,
             jsonb_build_object('variant', 'same person, another identity number',
                                'first_person_id', g.first_id, 'person_ids', g.ids)
        FROM person_group g
        JOIN p ON p.name = g.name AND p.sex IS NOT DISTINCT FROM g.sex AND p.birth_date = g.birth_date
              AND p.phone = g.phone
       WHERE p.person_id <> g.first_id AND p.idn <> g.first_idn
    )
    SELECT 'ID_MULTIPLE_IDENTITIES'::text, 'person'::text, h.person_id, min(h.unit_code), ''::text,
           count(*)::float8, NULL::float8, NULL::@extschema@.level,
           jsonb_build_object('findings', jsonb_agg(h.ev ORDER BY h.variant)),
           %1$L::text, h.person_id
      FROM hit h
     GROUP BY h.person_id
     ORDER BY h.person_id $q$,
    persons,
    @extschema@.column_or(persons, 'unit_code', 'NULL'),
    @extschema@.column_or(persons, 'sex', 'NULL'),
    @extschema@.column_or(persons, 'birth_date', 'NULL'),
    @extschema@.column_or(persons, 'phone', 'NULL'));
END
$$;
COMMENT ON FUNCTION @extschema@.detect_multiple_identities(regclass) IS
  'Hits of ID_MULTIPLE_IDENTITIES: persons whose normalised identity number is also held by an earlier record under another name, or who share name, sex, birth date and telephone with an earlier record under another valid identity number ("earlier" = shorter person_id, then smaller); one row per later record, value = number of findings. Stable because it reads the table passed; parallel restricted because it may be a temporary table.';
