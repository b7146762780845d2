-- Rule engine, part 2b: OCDS data in.
--
-- A table of OCDS compiled releases (one jsonb per row, one row per
-- contracting process, as loaded from JSON Lines with \copy) becomes a bound
-- source in one call: cleangov.bind_ocds('ocds.releases') makes one relation
-- per shape in schema cleangov_ocds (views, or with materialize => true
-- materialized views with the indexes the rules need, reloaded by
-- cleangov.refresh_ocds()), each with exactly the shape's column names and
-- types, and binds tender, bid, award, contract, item, party,
-- consortium_member and enterprise to them with cleangov.bind().  The keys:
-- tender_id = ocid; bid_id = ocid/bids.details[].id, award_id =
-- ocid/awards[].id, contract_id = ocid/contracts[].id (the 1-based position
-- when an element has no id); item_id = ocid/items[].id for a tender item,
-- ocid/award id/items[].id for an award's.  What is not a compiled release
-- (no string ocid, several rows of one ocid, a tag without "compiled") and
-- what cannot be read (an amount that is not a JSON number, a date that is
-- not ISO 8601) is reported by cleangov.ocds_problems(), never guessed: the
-- rows without an ocid are left out, a bad amount or date reads as NULL.
-- doc/ocds.md has the mapping table.

CREATE SCHEMA cleangov_ocds;
COMMENT ON SCHEMA cleangov_ocds IS
  'cleangov: the relations cleangov.bind_ocds() makes over tables of OCDS compiled releases, one per shape, named <table>_<shape>';
GRANT USAGE ON SCHEMA cleangov_ocds TO cleangov_admin, cleangov_analyst, cleangov_inspector;

CREATE TABLE @extschema@.ocds_source (
  source       regclass PRIMARY KEY,
  source_name  text NOT NULL,
  data_column  name NOT NULL,
  prefix       text NOT NULL UNIQUE,
  materialized boolean NOT NULL,
  relations    regclass[] NOT NULL,
  bound_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  bound_by     name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.ocds_source IS
  'One row per table of OCDS releases bound by cleangov.bind_ocds(): its jsonb column, the name prefix of its relations in schema cleangov_ocds (<prefix>_tender, ...), whether they are materialized (reloaded by cleangov.refresh_ocds()) and the relations themselves.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.ocds_source', '');

-- JSON readers.  Each is NULL rather than an error on what it cannot read, so
-- that one bad release never breaks a bound view.
CREATE FUNCTION @extschema@.ocds_array(j jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(j) = 'array' THEN j END;
COMMENT ON FUNCTION @extschema@.ocds_array(jsonb) IS
  'The value when it is a JSON array, else NULL: what bind_ocds() expands with jsonb_array_elements (which fails on anything else).';

CREATE FUNCTION @extschema@.ocds_amount(value jsonb)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(value -> 'amount') = 'number' THEN (value -> 'amount')::numeric END;
COMMENT ON FUNCTION @extschema@.ocds_amount(jsonb) IS
  'The amount of an OCDS Value object ({"amount": ..., "currency": ...}) when it is a JSON number, else NULL (a string amount is not read: cleangov.ocds_problems() reports it).';

CREATE FUNCTION @extschema@.ocds_integer(j jsonb)
RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN pg_catalog.jsonb_typeof(j) = 'number' THEN
         CASE WHEN j::numeric = pg_catalog.trunc(j::numeric) AND j::numeric BETWEEN 0 AND 2147483647 THEN j::numeric::integer END END;
COMMENT ON FUNCTION @extschema@.ocds_integer(jsonb) IS
  'A JSON number that is a whole number from 0 to 2147483647 as an integer (e.g. tender.numberOfTenderers), else NULL.';

-- stable because a time without an offset is read in the session's TimeZone
CREATE FUNCTION @extschema@.ocds_timestamp(t text)
RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN t ~ '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?)?(Z|z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?$'
             AND substr(t, 1, 4) <> '0000' THEN
         CASE WHEN substr(t, 9, 2)::int <= pg_catalog.date_part('day',
                     pg_catalog.make_date(substr(t, 1, 4)::int, substr(t, 6, 2)::int, 1) + interval '1 month - 1 day') THEN
           t::timestamptz END END;
COMMENT ON FUNCTION @extschema@.ocds_timestamp(text) IS
  'An ISO 8601 date or date-time (OCDS dates: 2024-03-05T10:00:00Z, with or without seconds, fraction and offset; a date alone is midnight) as timestamptz, NULL for anything else (no error: cleangov.ocds_problems() reports it). Stable because a time without an offset is read in the session''s TimeZone.';

CREATE FUNCTION @extschema@.ocds_award_criteria(code text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE code WHEN 'lowestCost' THEN 'priceOnly' WHEN 'bestProposal' THEN 'ratedCriteria'
                 WHEN 'bestValueToGovernment' THEN 'ratedCriteria' ELSE code END;
COMMENT ON FUNCTION @extschema@.ocds_award_criteria(text) IS
  'An OCDS tender.awardCriteria code as the award_criteria code list has it: the deprecated OCDS 1.0 codes lowestCost as priceOnly, bestProposal and bestValueToGovernment as ratedCriteria; other codes unchanged.';

-- The SELECT of one shape over the releases.  $R is replaced by the
-- releases with a string ocid: src(r jsonb, ocid text).
CREATE FUNCTION @extschema@.ocds_shape_sql(shape text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE shape
  WHEN 'tender' THEN $q$
SELECT src.ocid AS tender_id,
       src.r #>> '{buyer,id}' AS buyer_id,
       src.r #>> '{tender,procurementMethod}' AS method,
       src.r #>> '{tender,mainProcurementCategory}' AS category,
       @extschema@.ocds_array(src.r #> '{tender,items}') -> 0 #>> '{classification,id}' AS item_class,
       @extschema@.ocds_timestamp(src.r #>> '{tender,tenderPeriod,startDate}') AS period_start,
       @extschema@.ocds_timestamp(src.r #>> '{tender,tenderPeriod,endDate}') AS period_end,
       @extschema@.ocds_amount(src.r #> '{tender,value}') AS estimated_value,
       src.r #>> '{tender,status}' AS status,
       src.r #>> '{tender,procuringEntity,id}' AS procuring_entity_id,
       src.r #>> '{tender,procurementMethodDetails}' AS method_details,
       @extschema@.ocds_integer(src.r #> '{tender,numberOfTenderers}') AS number_of_tenderers,
       @extschema@.ocds_award_criteria(src.r #>> '{tender,awardCriteria}') AS award_criteria,
       src.r #>> '{tender,value,currency}' AS currency
  FROM $R$q$
  WHEN 'bid' THEN $q$
SELECT src.ocid || '/' || coalesce(b.e ->> 'id', b.n::text) AS bid_id,
       src.ocid AS tender_id,
       @extschema@.ocds_array(b.e -> 'tenderers') -> 0 ->> 'id' AS bidder_id,
       @extschema@.ocds_amount(b.e -> 'value') AS amount,
       @extschema@.ocds_timestamp(b.e ->> 'date') AS submitted_at,
       b.e ->> 'status' AS status,
       b.e #>> '{value,currency}' AS currency,
       pg_catalog.jsonb_array_length(@extschema@.ocds_array(b.e -> 'tenderers')) AS tenderer_count
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r #> '{bids,details}')) WITH ORDINALITY b(e, n)$q$
  WHEN 'award' THEN $q$
SELECT src.ocid || '/' || coalesce(a.e ->> 'id', a.n::text) AS award_id,
       src.ocid AS tender_id,
       @extschema@.ocds_array(a.e -> 'suppliers') -> 0 ->> 'id' AS supplier_id,
       @extschema@.ocds_amount(a.e -> 'value') AS amount,
       @extschema@.ocds_timestamp(a.e ->> 'date') AS awarded_at,
       a.e ->> 'status' AS status,
       a.e #>> '{value,currency}' AS currency,
       pg_catalog.jsonb_array_length(@extschema@.ocds_array(a.e -> 'suppliers')) AS supplier_count
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'awards')) WITH ORDINALITY a(e, n)$q$
  WHEN 'contract' THEN $q$
SELECT src.ocid || '/' || coalesce(c.e ->> 'id', c.n::text) AS contract_id,
       src.r #>> '{buyer,id}' AS buyer_id,
       (SELECT @extschema@.ocds_array(a.e -> 'suppliers') -> 0 ->> 'id'
          FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'awards')) WITH ORDINALITY a(e, n)
         WHERE a.e ->> 'id' = c.e ->> 'awardID' ORDER BY a.n LIMIT 1) AS supplier_id,
       @extschema@.ocds_amount(c.e -> 'value') AS amount,
       src.ocid AS tender_id,
       src.r #>> '{tender,procurementMethod}' AS method,
       src.r #>> '{tender,mainProcurementCategory}' AS category,
       @extschema@.ocds_timestamp(c.e ->> 'dateSigned') AS signed_at,
       c.e #>> '{value,currency}' AS currency,
       src.ocid || '/' || (c.e ->> 'awardID') AS award_id
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'contracts')) WITH ORDINALITY c(e, n)$q$
  WHEN 'item' THEN $q$
SELECT src.ocid || '/' || coalesce(i.e ->> 'id', i.n::text) AS item_id,
       src.ocid AS tender_id,
       NULL::text AS award_id,
       i.e #>> '{classification,scheme}' AS scheme,
       i.e #>> '{classification,id}' AS class_id,
       i.e ->> 'description' AS description
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r #> '{tender,items}')) WITH ORDINALITY i(e, n)
UNION ALL
SELECT src.ocid || '/' || coalesce(a.e ->> 'id', a.n::text) || '/' || coalesce(i.e ->> 'id', i.n::text),
       src.ocid,
       src.ocid || '/' || coalesce(a.e ->> 'id', a.n::text),
       i.e #>> '{classification,scheme}',
       i.e #>> '{classification,id}',
       i.e ->> 'description'
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'awards')) WITH ORDINALITY a(e, n)
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(a.e -> 'items')) WITH ORDINALITY i(e, n)$q$
  WHEN 'consortium_member' THEN $q$
SELECT 'bid'::text AS of_kind,
       src.ocid || '/' || coalesce(b.e ->> 'id', b.n::text) AS of_id,
       t.e ->> 'id' AS member_id
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r #> '{bids,details}')) WITH ORDINALITY b(e, n)
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(b.e -> 'tenderers')) t(e)
 WHERE pg_catalog.jsonb_array_length(@extschema@.ocds_array(b.e -> 'tenderers')) > 1 AND t.e ->> 'id' IS NOT NULL
UNION ALL
SELECT 'award', src.ocid || '/' || coalesce(a.e ->> 'id', a.n::text), s.e ->> 'id'
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'awards')) WITH ORDINALITY a(e, n)
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(a.e -> 'suppliers')) s(e)
 WHERE pg_catalog.jsonb_array_length(@extschema@.ocds_array(a.e -> 'suppliers')) > 1 AND s.e ->> 'id' IS NOT NULL$q$
  WHEN 'party' THEN $q$
SELECT src.ocid AS tender_id,
       p.e ->> 'id' AS party_id,
       (SELECT pg_catalog.string_agg(x.role #>> '{}', ',' ORDER BY x.k)
          FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(p.e -> 'roles')) WITH ORDINALITY x(role, k)) AS roles,
       p.e ->> 'name' AS name,
       p.e #>> '{address,streetAddress}' AS street_address,
       p.e #>> '{address,locality}' AS locality,
       p.e #>> '{address,region}' AS region,
       p.e #>> '{address,postalCode}' AS postal_code,
       p.e #>> '{address,countryName}' AS country_name,
       p.e #>> '{contactPoint,name}' AS contact_name,
       p.e #>> '{contactPoint,email}' AS email,
       p.e #>> '{contactPoint,telephone}' AS telephone,
       p.e #>> '{contactPoint,faxNumber}' AS fax_number,
       p.e #>> '{contactPoint,url}' AS url
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'parties')) p(e)
 WHERE p.e ->> 'id' IS NOT NULL$q$
  WHEN 'enterprise' THEN $q$
SELECT DISTINCT ON (p.e ->> 'id')
       p.e ->> 'id' AS enterprise_id,
       p.e ->> 'name' AS name,
       NULLIF(pg_catalog.concat_ws(', ', p.e #>> '{address,streetAddress}', p.e #>> '{address,locality}',
              p.e #>> '{address,region}', p.e #>> '{address,postalCode}', p.e #>> '{address,countryName}'), '') AS address,
       p.e #>> '{contactPoint,telephone}' AS phone,
       p.e #>> '{contactPoint,email}' AS email
  FROM $R
 CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(@extschema@.ocds_array(src.r -> 'parties')) p(e)
 WHERE p.e ->> 'id' IS NOT NULL
 ORDER BY p.e ->> 'id', src.ocid, p.e::text$q$
END;
COMMENT ON FUNCTION @extschema@.ocds_shape_sql(text) IS
  'Internal to bind_ocds(): the SELECT that reads OCDS compiled releases as one shape (tender, bid, award, contract, item, consortium_member, party, enterprise; NULL for another), over $R, the releases with a string ocid (a relation src with the jsonb column r and the text column ocid). doc/ocds.md has the mapping.';

-- The releases of a source with a string ocid, as the relation src(r, ocid)
-- the shape queries read.  (The test is written as "ocid IS NOT NULL" so that
-- the planner estimates nearly every row to pass, as nearly every row does:
-- an equality on an expression is estimated at 0.5 %, and the joins of the
-- shapes became nested loops rescanning the table.)
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.ocds_releases_sql(source regclass, data_column name)
RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN format('(SELECT x.r, x.ocid FROM (SELECT s.%1$I AS r, CASE WHEN pg_catalog.jsonb_typeof(s.%1$I -> ''ocid'') = ''string'' THEN s.%1$I ->> ''ocid'' END AS ocid FROM %2$s s) x WHERE x.ocid IS NOT NULL) src',
              data_column, source);
COMMENT ON FUNCTION @extschema@.ocds_releases_sql(regclass, name) IS
  'Internal to bind_ocds(): the FROM item src(r, ocid) of the releases of a source that have a string ocid (the others are left out, and reported by ocds_problems()), the column and table quoted. Stable because it reads the catalog.';

-- The jsonb column of a source, checked: 42703 if it has none of that name,
-- 42804 if it is not jsonb, 42501 if the caller may not read the table.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.ocds_check_source(source regclass, data_column name)
RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  t regtype;
BEGIN
  IF source IS NULL OR data_column IS NULL THEN
    RAISE EXCEPTION 'source and data_column must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF (SELECT c.relkind FROM pg_class c WHERE c.oid = source) NOT IN ('r', 'p', 'v', 'm', 'f') THEN
    RAISE EXCEPTION '% is not a table or view', source USING ERRCODE = 'wrong_object_type';
  END IF;
  IF NOT has_table_privilege(source, 'SELECT') THEN
    RAISE EXCEPTION 'permission denied for table %', (SELECT c.relname FROM pg_class c WHERE c.oid = source)
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Bind it as a role with SELECT on the table.';
  END IF;
  t := @extschema@.column_type(source, data_column);
  IF t IS NULL THEN
    RAISE EXCEPTION 'column "%" of % does not exist', data_column, source
      USING ERRCODE = 'undefined_column',
            HINT = 'Name the jsonb column that holds the releases: cleangov.bind_ocds(source, ''column'').';
  ELSIF t <> 'jsonb'::regtype THEN
    RAISE EXCEPTION 'column "%" of % is of type %, not jsonb', data_column, source, t
      USING ERRCODE = 'datatype_mismatch',
            HINT = 'Load the releases into a jsonb column (JSON Lines: \copy t (data) FROM ''file.jsonl''), or add one: ALTER TABLE ... ADD COLUMN data jsonb GENERATED ALWAYS AS (col::jsonb) STORED.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.ocds_check_source(regclass, name) IS
  'Internal to bind_ocds(), ocds_problems() and ocds_coverage(): refuses a NULL argument (22004), a relation that is not a table or view (42809), a table the caller may not read (42501), a column that does not exist (42703) or is not jsonb (42804). Stable because it reads the catalog.';

-- stable because it reads the data; parallel restricted because it runs dynamic SQL
CREATE FUNCTION @extschema@.ocds_problems(source regclass, data_column name DEFAULT 'data')
RETURNS TABLE (problem text, ocid text, rows bigint, example text)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM @extschema@.ocds_check_source(source, data_column);
  RETURN QUERY EXECUTE format($q$
    WITH rel AS NOT MATERIALIZED (SELECT s.%I AS r FROM %s s),
    ok AS NOT MATERIALIZED (SELECT rel.r FROM rel WHERE pg_catalog.jsonb_typeof(rel.r -> 'ocid') = 'string')
    SELECT 'no ocid'::text, NULL::text, count(*), min(left(rel.r::text, 200))
      FROM rel WHERE rel.r -> 'ocid' IS NULL OR pg_catalog.jsonb_typeof(rel.r -> 'ocid') = 'null'
    HAVING count(*) > 0
    UNION ALL
    SELECT 'ocid not a string', NULL, count(*), min(rel.r ->> 'ocid')
      FROM rel WHERE pg_catalog.jsonb_typeof(rel.r -> 'ocid') NOT IN ('string', 'null')
    HAVING count(*) > 0
    UNION ALL
    SELECT 'duplicate ocid', ok.r ->> 'ocid', count(*), NULL
      FROM ok GROUP BY ok.r ->> 'ocid' HAVING count(*) > 1
    UNION ALL
    SELECT 'not compiled', ok.r ->> 'ocid', count(*), min(coalesce(ok.r -> 'tag', 'null')::text)
      FROM ok
     WHERE ok.r ? 'tag' AND NOT coalesce(ok.r -> 'tag' @> '["compiled"]', false)
     GROUP BY ok.r ->> 'ocid'
    UNION ALL
    SELECT x.kind, ok.r ->> 'ocid', count(*), min(x.path || ': ' || x.v::text)
      FROM ok CROSS JOIN LATERAL (
        SELECT 'amount not a number' AS kind, v.path, v.v FROM (
          SELECT 'tender.value.amount' AS path, ok.r #> '{tender,value,amount}' AS v
          UNION ALL SELECT 'bids.details[].value.amount', e #> '{value,amount}'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r #> '{bids,details}')) e
          UNION ALL SELECT 'awards[].value.amount', e #> '{value,amount}'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r -> 'awards')) e
          UNION ALL SELECT 'contracts[].value.amount', e #> '{value,amount}'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r -> 'contracts')) e) v
         WHERE pg_catalog.jsonb_typeof(v.v) NOT IN ('number', 'null')
        UNION ALL
        SELECT 'date not ISO 8601', v.path, v.v FROM (
          SELECT 'tender.tenderPeriod.startDate' AS path, ok.r #> '{tender,tenderPeriod,startDate}' AS v
          UNION ALL SELECT 'tender.tenderPeriod.endDate', ok.r #> '{tender,tenderPeriod,endDate}'
          UNION ALL SELECT 'bids.details[].date', e -> 'date'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r #> '{bids,details}')) e
          UNION ALL SELECT 'awards[].date', e -> 'date'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r -> 'awards')) e
          UNION ALL SELECT 'contracts[].dateSigned', e -> 'dateSigned'
            FROM pg_catalog.jsonb_array_elements(@extschema@.ocds_array(ok.r -> 'contracts')) e) v
         WHERE pg_catalog.jsonb_typeof(v.v) <> 'null' AND @extschema@.ocds_timestamp(v.v #>> '{}') IS NULL) x
     GROUP BY x.kind, ok.r ->> 'ocid'
     ORDER BY 1, 2$q$, data_column, source);
END
$$;
COMMENT ON FUNCTION @extschema@.ocds_problems(regclass, name) IS
  'What in a table of OCDS releases is not a compiled release or cannot be read, one row per problem (and per ocid where there is one): no ocid (rows left out of the bound relations; example: the start of one), ocid not a string (left out too), duplicate ocid (several rows of one process: kept, the keys are then not unique), not compiled (a tag without "compiled": kept), amount not a number and date not ISO 8601 (read as NULL; rows: how many in the release, example: the path and value). bind_ocds() raises one NOTICE per kind. Reads the table with the caller''s rights. Stable because it reads the data; parallel restricted because it runs dynamic SQL.';

-- volatile because it creates relations and binds
CREATE FUNCTION @extschema@.bind_ocds(source regclass, data_column name DEFAULT 'data', materialize boolean DEFAULT false)
RETURNS SETOF regclass
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  shapes constant text[] := ARRAY['tender', 'bid', 'award', 'contract', 'item', 'consortium_member', 'party', 'enterprise'];
  sh text;
  pfx text;
  rel_name text;
  rel regclass;
  rels regclass[] := '{}'::regclass[];
  releases text;
  q text;
  f record;
  idx text;
BEGIN
  PERFORM @extschema@.ocds_check_source(source, data_column);
  IF materialize IS NULL THEN
    RAISE EXCEPTION 'materialize must not be NULL' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  pfx := left((SELECT c.relname FROM pg_class c WHERE c.oid = source), 40);
  -- Another source of the same name prefix: its relations are replaced.
  DELETE FROM @extschema@.ocds_source o WHERE o.prefix = pfx OR o.source = bind_ocds.source;
  releases := @extschema@.ocds_releases_sql(source, data_column);
  FOREACH sh IN ARRAY shapes LOOP
    rel_name := pfx || '_' || sh;
    q := replace(@extschema@.ocds_shape_sql(sh), '$R', releases);
    rel := to_regclass(format('cleangov_ocds.%I', rel_name));
    -- A relation of another kind (view <-> materialized view) cannot be
    -- replaced: drop it, and first the binding that reads it (bound again
    -- below), so that it is not left broken.
    IF rel IS NOT NULL AND (materialize OR (SELECT c.relkind FROM pg_class c WHERE c.oid = rel) <> 'v') THEN
      PERFORM @extschema@.unbind(b.shape) FROM @extschema@.binding b WHERE b.source = rel;
      EXECUTE format('DROP %s cleangov_ocds.%I CASCADE',
                     CASE (SELECT c.relkind FROM pg_class c WHERE c.oid = rel) WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END,
                     rel_name);
    END IF;
    IF materialize THEN
      EXECUTE format('CREATE MATERIALIZED VIEW cleangov_ocds.%I AS %s', rel_name, q);
      FOREACH idx IN ARRAY CASE sh
          WHEN 'tender' THEN ARRAY['tender_id', 'buyer_id', 'procuring_entity_id']
          WHEN 'bid' THEN ARRAY['tender_id', 'bidder_id', 'bid_id']
          WHEN 'award' THEN ARRAY['tender_id', 'supplier_id', 'award_id']
          WHEN 'contract' THEN ARRAY['tender_id', 'award_id', 'supplier_id']
          WHEN 'item' THEN ARRAY['tender_id', 'award_id']
          WHEN 'consortium_member' THEN ARRAY['of_id', 'member_id']
          WHEN 'party' THEN ARRAY['tender_id', 'party_id']
          ELSE ARRAY['enterprise_id'] END LOOP
        EXECUTE format('CREATE INDEX ON cleangov_ocds.%I (%I)', rel_name, idx);
      END LOOP;
      EXECUTE format('ANALYZE cleangov_ocds.%I', rel_name);
    ELSE
      -- security_invoker: read with the reader's rights (a rule's, its owner's)
      EXECUTE format('CREATE OR REPLACE VIEW cleangov_ocds.%I WITH (security_invoker = true) AS %s', rel_name, q);
    END IF;
    rel := format('cleangov_ocds.%I', rel_name)::regclass;
    EXECUTE format('COMMENT ON %s %s IS %L', CASE WHEN materialize THEN 'MATERIALIZED VIEW' ELSE 'VIEW' END, rel,
                   format('cleangov: the OCDS releases of %s (column %s) as shape %s, made by cleangov.bind_ocds()%s',
                          source, data_column, sh, CASE WHEN materialize THEN '; reloaded by cleangov.refresh_ocds()' ELSE '' END));
    rels := rels || rel;
  END LOOP;
  INSERT INTO @extschema@.ocds_source (source, source_name, data_column, prefix, materialized, relations)
  VALUES (source, (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = source),
          data_column, pfx, materialize, rels);
  -- What is not a compiled release, said now (the whole list: ocds_problems()).
  FOR f IN SELECT p.problem, count(*) AS n, sum(p.rows) AS rows, min(coalesce(p.ocid, p.example)) AS example
             FROM @extschema@.ocds_problems(source, data_column) p GROUP BY p.problem ORDER BY p.problem LOOP
    RAISE NOTICE 'cleangov: OCDS %: %: %', source, f.problem,
      CASE WHEN f.problem IN ('no ocid', 'ocid not a string') THEN format('%s rows left out', f.rows)
           WHEN f.problem = 'duplicate ocid' THEN format('%s ocids in %s rows', f.n, f.rows)
           WHEN f.problem = 'not compiled' THEN format('%s releases', f.rows)
           ELSE format('%s values in %s releases (read as NULL)', f.rows, f.n) END
      USING DETAIL = format('e.g. %s; every one: SELECT * FROM cleangov.ocds_problems(%L, %L)', f.example, source::text, data_column);
  END LOOP;
  FOR i IN 1 .. array_length(shapes, 1) LOOP
    PERFORM @extschema@.bind(shapes[i], rels[i]);
  END LOOP;
  RETURN QUERY SELECT unnest(rels);
END
$$;
COMMENT ON FUNCTION @extschema@.bind_ocds(regclass, name, boolean) IS
  'Binds a table of OCDS compiled releases (one jsonb per row, data_column) in one call: makes cleangov_ocds.<table>_tender, _bid, _award, _contract, _item, _consortium_member, _party and _enterprise (views; with materialize => true materialized views with the indexes the rules need, reloaded by cleangov.refresh_ocds()), binds the shapes of those names to them with cleangov.bind(), and returns them. Keys: tender_id = ocid, bid_id = ocid/bids.details[].id, award_id = ocid/awards[].id (the 1-based position when there is no id); doc/ocds.md has the whole mapping. Releases without a string ocid are left out; every problem (cleangov.ocds_problems()) is said in one NOTICE per kind. Refuses a column that does not exist (42703) or is not jsonb (42804). Volatile because it creates relations and binds; parallel unsafe because it writes.';

-- volatile because it refreshes materialized views
CREATE FUNCTION @extschema@.refresh_ocds(source regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o @extschema@.ocds_source;
  rel regclass;
BEGIN
  SELECT * INTO o FROM @extschema@.ocds_source s WHERE s.source = refresh_ocds.source;
  IF o.source IS NULL THEN
    RAISE EXCEPTION '% is not bound by cleangov.bind_ocds()', source USING ERRCODE = 'undefined_object';
  END IF;
  IF NOT o.materialized THEN
    RAISE EXCEPTION '% is bound as views: they read the table as it is, there is nothing to refresh', source
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'cleangov.bind_ocds(source, column, materialize => true) makes materialized relations.';
  END IF;
  FOREACH rel IN ARRAY o.relations LOOP
    EXECUTE format('REFRESH MATERIALIZED VIEW %s', rel);
    EXECUTE format('ANALYZE %s', rel);
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_ocds(regclass) IS
  'Reloads the materialized relations cleangov.bind_ocds(source, ..., materialize => true) made from the table as it is now (REFRESH MATERIALIZED VIEW, then ANALYZE). 42704 for a table not bound by bind_ocds(), 55000 for one bound as views (always current). Volatile because it reloads relations; parallel unsafe because it writes.';

GRANT EXECUTE ON FUNCTION @extschema@.bind_ocds(regclass, name, boolean), @extschema@.refresh_ocds(regclass) TO cleangov_admin;
GRANT SELECT ON @extschema@.ocds_source TO cleangov_admin, cleangov_analyst;

-- Coverage, as Cardinal's `coverage` command counts it: how many releases
-- have each field the indicators read (non-empty: not null, "", [] or {}),
-- and per indicator how many have every field it needs.  The fields are
-- data (cleangov.ocds_field), named by Cardinal's paths (/tender/items[]/id).
CREATE TABLE @extschema@.ocds_field (
  path        text PRIMARY KEY,
  query       jsonpath NOT NULL,
  rules       text[] NOT NULL,
  read_as     text NOT NULL
);
COMMENT ON TABLE @extschema@.ocds_field IS
  'The OCDS fields the Cardinal indicators read, by Cardinal''s path (/bids/details[]/value/amount; "a or b": either), with the SQL/JSON path (lax) whose non-empty values are counted, the R codes that need the field, and the shape column bind_ocds() reads it as. cleangov.ocds_coverage() counts them.';

-- (a value is non-empty when it is a number, a boolean or a string other
-- than ""; the filter is added to every path but the one that has its own)
INSERT INTO @extschema@.ocds_field (path, query, rules, read_as)
SELECT v.path, CASE WHEN v.leaf THEN (v.q || ' ? (@.type() == "number" || @.type() == "boolean" || (@.type() == "string" && @ != ""))')
                    ELSE v.q END::jsonpath, v.rules::text[], v.read_as
  FROM (VALUES
 ('/ocid', '$.ocid', true, '{}', 'tender.tender_id (every shape''s process key)'),
 ('/buyer/id', '$.buyer.id', true, '{R038,R055}', 'tender.buyer_id, contract.buyer_id'),
 ('/tender/procuringEntity/id', '$.tender.procuringEntity.id', true, '{}', 'tender.procuring_entity_id'),
 ('/tender/procurementMethod', '$.tender.procurementMethod', true, '{R018,R055}', 'tender.method, contract.method'),
 ('/tender/procurementMethodDetails', '$.tender.procurementMethodDetails', true, '{}', 'tender.method_details'),
 ('/tender/numberOfTenderers', '$.tender.numberOfTenderers', true, '{R018}', 'tender.number_of_tenderers'),
 ('/tender/awardCriteria', '$.tender.awardCriteria', true, '{R036}', 'tender.award_criteria'),
 ('/tender/tenderPeriod/startDate', '$.tender.tenderPeriod.startDate', true, '{R003}', 'tender.period_start'),
 ('/tender/tenderPeriod/endDate', '$.tender.tenderPeriod.endDate', true, '{R003,R030}', 'tender.period_end'),
 ('/tender/items[]/classification/id', '$.tender.items[*].classification.id', true, '{}', 'item.class_id (award_id NULL), tender.item_class (the first)'),
 ('/bids/details[]/status', '$.bids.details[*].status', true, '{R024,R025,R035,R036,R038,R058}', 'bid.status'),
 ('/bids/details[]/date', '$.bids.details[*].date', true, '{R030}', 'bid.submitted_at'),
 ('/bids/details[]/value/amount', '$.bids.details[*].value.amount', true, '{R024,R028,R036,R058}', 'bid.amount'),
 ('/bids/details[]/tenderers[]/id', '$.bids.details[*].tenderers[*].id', true, '{R024,R025,R028,R030,R035,R038,R044,R058}', 'bid.bidder_id (the first), consortium_member.member_id'),
 ('/awards[]/status', '$.awards[*].status', true, '{R024,R025,R030,R035,R036,R048,R058}', 'award.status'),
 ('/awards[]/suppliers[]/id', '$.awards[*].suppliers[*].id', true, '{R024,R025,R030,R035,R048,R055,R058}', 'award.supplier_id (the first), consortium_member.member_id, contract.supplier_id'),
 ('/awards[]/items[]/classification/id', '$.awards[*].items[*].classification.id', true, '{R048}', 'item.class_id (award_id set)'),
 ('/contracts[]/awardID', '$.contracts[*].awardID', true, '{R055}', 'contract.award_id'),
 ('/contracts[]/value/amount', '$.contracts[*].value.amount', true, '{R055}', 'contract.amount'),
 ('/parties[]/id', '$.parties[*].id', true, '{R044}', 'party.party_id, enterprise.enterprise_id'),
 ('/parties[]/address/streetAddress or /parties[]/contactPoint/', '$.parties[*] ? (exists (@.address.streetAddress ? (@.type() == "string" && @ != "")) || exists (@.contactPoint.* ? (@.type() == "number" || (@.type() == "string" && @ != ""))))', false, '{R044}', 'party.street_address, contact_name, email, telephone, fax_number, url')) v(path, q, leaf, rules, read_as);

-- stable because it reads the data; parallel restricted because it runs dynamic SQL
CREATE FUNCTION @extschema@.ocds_coverage(source regclass, data_column name DEFAULT 'data')
RETURNS TABLE (kind text, name text, related text[], releases bigint, occurrences bigint, total bigint, share numeric)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  paths text[];
  queries jsonpath[];
  codes text[];
  cols text;
  aggs text;
  n_rows bigint;
  v bigint[];
BEGIN
  PERFORM @extschema@.ocds_check_source(source, data_column);
  SELECT array_agg(f.path ORDER BY f.path), array_agg(f.query ORDER BY f.path) INTO paths, queries FROM @extschema@.ocds_field f;
  SELECT array_agg(DISTINCT u.c ORDER BY u.c) INTO codes FROM @extschema@.ocds_field f CROSS JOIN unnest(f.rules) u(c);
  IF paths IS NULL THEN
    RETURN;
  END IF;
  -- per release, the number of non-empty values of each field (n1, n2, ...);
  -- then one aggregate over them: a single scan, flat memory (OFFSET 0 keeps
  -- the subquery from being pulled up, which would evaluate the paths once
  -- per reference to n instead of once per row)
  cols := (SELECT string_agg(format(
             'pg_catalog.jsonb_array_length(pg_catalog.jsonb_path_query_array(s.r, ($1)[%s] , ''{}'', true))', g.k), ', ' ORDER BY g.k)
             FROM generate_subscripts(paths, 1) g(k));
  aggs := (SELECT string_agg(format('count(*) FILTER (WHERE (x.n)[%1$s] > 0), coalesce(sum((x.n)[%1$s]), 0)', g.k), ', ' ORDER BY g.k)
             FROM generate_subscripts(paths, 1) g(k))
       || coalesce(', ' || (SELECT string_agg(format('count(*) FILTER (WHERE %s)',
                     (SELECT string_agg(format('(x.n)[%s] > 0', array_position(paths, f.path)), ' AND ' ORDER BY f.path)
                        FROM @extschema@.ocds_field f WHERE u.c = ANY (f.rules))), ', ' ORDER BY u.c)
                              FROM unnest(codes) u(c)), '');
  EXECUTE format('SELECT count(*) AS total, ARRAY[%s]::bigint[] AS v FROM (SELECT ARRAY[%s] AS n FROM (SELECT s0.%I AS r FROM %s s0) s OFFSET 0) x',
                 aggs, cols, data_column, source)
     INTO n_rows, v USING queries;
  FOR i IN 1 .. array_length(paths, 1) LOOP
    kind := 'field'; name := paths[i];
    related := (SELECT f.rules FROM @extschema@.ocds_field f WHERE f.path = paths[i]);
    releases := v[2 * i - 1]; occurrences := v[2 * i]; total := n_rows;
    share := CASE WHEN n_rows > 0 THEN round(releases::numeric / n_rows, 4) END;
    RETURN NEXT;
  END LOOP;
  FOR i IN 1 .. coalesce(array_length(codes, 1), 0) LOOP
    kind := 'indicator'; name := codes[i];
    related := (SELECT array_agg(f.path ORDER BY f.path) FROM @extschema@.ocds_field f WHERE codes[i] = ANY (f.rules));
    releases := v[2 * array_length(paths, 1) + i]; occurrences := NULL; total := n_rows;
    share := CASE WHEN n_rows > 0 THEN round(releases::numeric / n_rows, 4) END;
    RETURN NEXT;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.ocds_coverage(regclass, name) IS
  'Coverage of a table of OCDS releases, like Cardinal''s coverage command, in one scan: for each field of cleangov.ocds_field (kind field: related = the R codes needing it) the number of releases where it is non-empty (not null, "", [] or {}), the number of its non-empty values (occurrences, as Cardinal counts them) and the share of the rows; for each R indicator (kind indicator: related = its fields) the number and share of releases having all of its fields. Reads the table with the caller''s rights. Stable because it reads the data; parallel restricted because it runs dynamic SQL.';

-- The binding profile shows the coverage of the OCDS table whose relations
-- are bound, one row per indicator (aspect coverage).
CREATE OR REPLACE VIEW @extschema@.binding_profile WITH (security_invoker = true) AS
SELECT p.* FROM @extschema@.binding b CROSS JOIN LATERAL @extschema@.check_binding(b.shape) p
UNION ALL
SELECT 'tender', 'coverage', c.name, format('%s of releases have every field it reads', round(c.share * 100, 1) || '%'),
       c.releases, c.related, format('OCDS %s (column %s): %s of %s releases', o.source, o.data_column::text, c.releases, c.total) COLLATE "default"
  FROM @extschema@.ocds_source o CROSS JOIN LATERAL @extschema@.ocds_coverage(o.source, o.data_column) c
 WHERE c.kind = 'indicator'
   AND EXISTS (SELECT FROM @extschema@.binding b WHERE b.shape = 'tender' AND b.source = ANY (o.relations));
COMMENT ON VIEW @extschema@.binding_profile IS
  'cleangov.check_binding() over every binding: where the data and the rules disagree (codes outside the lists, keys not unique, dates read as times, absent columns and the rules they stop or degrade, broken bindings); and, when the shapes are bound by bind_ocds(), the coverage of its table per R indicator (aspect coverage: the share of releases having every field the indicator reads, cleangov.ocds_coverage()). Reads the bound data with the reader''s rights.';

GRANT SELECT ON @extschema@.ocds_field TO cleangov_admin, cleangov_analyst, cleangov_inspector;
