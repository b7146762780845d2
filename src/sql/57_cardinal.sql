-- Cardinal's contracting processes and price gaps (issue 13): what the rules
-- under Cardinal's codes (src/library/procurement/R0xx.sql) share, written
-- once.  Open Contracting Partnership's Cardinal, open-contracting/cardinal-rs,
-- src/lib.rs (get_complete_awards_and_bids_if_all_awards_final,
-- matches_procurement_method_details, is_cancelled_contracting_process) and
-- src/indicators/util.rs (SecondLowestBidRatio, which R024 and R058 read),
-- both at commit 3a065ef91929b6bc38160ab9ee30030f48877733.
--
-- Like the relationship functions (42_relations.sql) they take the shapes as
-- relations by regclass, so a rule hands them its bound views by name
-- ('cleangov_bound.tender'): the engine then knows which shapes the rule
-- reads (reads), and finds the optional columns the functions read by
-- running the rule over stand-ins (column_or raises on a probe stand-in), so
-- that a rule's needs and degrades are checked as for any other rule.  A user
-- may call them directly over tables with the shapes' column names.
--
-- cleangov's shapes keep their own readings of NULL (shape_column): a bid
-- status NULL is valid, an award status NULL active, a currency NULL the main
-- currency, a tenderer_count or supplier_count NULL one.  Cardinal skips a bid
-- or an award without a status (its prepare command fills them in from
-- [defaults] bid_status and award_status).

-- The contracting processes that Cardinal's indicators keep, with their
-- awards summed up.  A process is kept when its tender_id is set, it is not
-- cancelled, and its method details are not in
-- exclude_procurement_method_details (Cardinal's [exclusions]
-- procurement_method_details); and, unless no_price_comparison_procurement_methods
-- is NULL (a rule that compares no prices), when it may compare prices:
-- with price_comparison_procurement_methods given, its method details are
-- among them; else they are not among no_price_comparison_procurement_methods
-- (Cardinal's matches_procurement_method_details; a process without method
-- details is kept by a deny list and left out by an allow list).
--
-- awards_final: no award has a status other than active, cancelled or
-- unsuccessful (pending, or one outside OCDS's codelist): Cardinal leaves
-- such a process out of R024, R025, R035 and R058 ("an award's status is
-- pending or invalid").  active_awards: the number of active awards.
-- active_supplier: the one supplier of every active award, when every
-- active award names one supplier (supplier_count 1 or NULL) and all name
-- the same one; else NULL (several suppliers, a consortium, or none).
-- The query of cardinal_processes, its optional columns resolved now (so a
-- probe stand-in that lacks one fails at once, whether or not the query's
-- rows are ever read), with $1, $2, $3 for the three method lists: shared by
-- cardinal_processes and cardinal_price_gaps.
-- stable because it reads the catalog
CREATE FUNCTION @extschema@.cardinal_processes_sql(tenders regclass, awards regclass, keys_param int DEFAULT NULL)
  RETURNS text
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM @extschema@.require_columns(tenders, 'tender', ARRAY['tender_id', 'buyer_id', 'method']);
  PERFORM @extschema@.require_columns(awards, 'award', ARRAY['award_id', 'tender_id', 'supplier_id']);
  RETURN format($q$
    SELECT t.tender_id, t.unit_code, t.method, t.method_details, t.buyer_id,
           coalesce(a.final, true) AS awards_final, coalesce(a.active, 0) AS active_awards,
           CASE WHEN a.single AND a.suppliers = 1 THEN a.supplier_id END AS active_supplier
      FROM (SELECT t.tender_id::text AS tender_id, %3$s::text AS unit_code, t.method::text AS method,
                   %5$s::text AS method_details, t.buyer_id::text AS buyer_id
              FROM %1$s t
             WHERE t.tender_id IS NOT NULL AND (%4$s::text IS DISTINCT FROM 'cancelled')%8$s) t
      LEFT JOIN (
        SELECT a.tender_id::text AS tender_id,
               bool_and(a.st IN ('active', 'cancelled', 'unsuccessful')) AS final,
               count(*) FILTER (WHERE a.st = 'active') AS active,
               count(DISTINCT a.supplier_id::text) FILTER (WHERE a.st = 'active') AS suppliers,
               bool_and(a.supplier_id IS NOT NULL AND coalesce(a.n, 1) = 1) FILTER (WHERE a.st = 'active') AS single,
               min(a.supplier_id::text) FILTER (WHERE a.st = 'active') AS supplier_id
          FROM (SELECT a.tender_id, a.supplier_id, coalesce(%6$s::text, 'active') AS st, %7$s::int AS n
                  FROM %2$s a%9$s) a
         GROUP BY a.tender_id) a ON a.tender_id = t.tender_id
     WHERE NOT coalesce(t.method_details = ANY ($1), false)
       AND ($2 IS NULL
            OR CASE WHEN cardinality($3) > 0 THEN coalesce(t.method_details = ANY ($3), false)
                    ELSE NOT coalesce(t.method_details = ANY ($2), false) END) $q$,
    tenders, awards,
    @extschema@.column_or(tenders, 'unit_code', 'NULL', 't'),
    @extschema@.column_or(tenders, 'status', 'NULL', 't'),
    @extschema@.column_or(tenders, 'method_details', 'NULL', 't'),
    @extschema@.column_or(awards, 'status', 'NULL', 'a'),
    @extschema@.column_or(awards, 'supplier_count', 'NULL', 'a'),
    CASE WHEN keys_param IS NOT NULL THEN format(' AND t.tender_id::text = ANY ($%s)', keys_param) ELSE '' END,
    CASE WHEN keys_param IS NOT NULL THEN format(' WHERE a.tender_id::text = ANY ($%s)', keys_param) ELSE '' END);
END
$$;
COMMENT ON FUNCTION @extschema@.cardinal_processes_sql(regclass, regclass, int) IS
  'Internal to cardinal_processes and cardinal_price_gaps: their common query over the tender and award relations given, optional columns resolved (column_or), $1, $2, $3 standing for the exclusion, no-price-comparison and price-comparison lists; keys_param: the number of a text[] parameter of the processes to read (NULL: every process). Stable because it reads the catalog.';

-- stable because it reads the tables passed; parallel restricted because they
-- may be temporary tables
CREATE FUNCTION @extschema@.cardinal_processes(
    tenders regclass, awards regclass,
    exclude_procurement_method_details text[] DEFAULT '{}',
    no_price_comparison_procurement_methods text[] DEFAULT NULL,
    price_comparison_procurement_methods text[] DEFAULT '{}',
    keys text[] DEFAULT NULL)
  RETURNS TABLE (tender_id text, unit_code text, method text, method_details text, buyer_id text,
                 awards_final boolean, active_awards bigint, active_supplier text)
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  -- one row per contracting process: the planner's default guess (1,000),
  -- cut further by the rules' filters, made it join the bids by nested loops,
  -- one scan of the bids per process (R025: 81.6 s at 10,000 demo tenders)
  ROWS 100000
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  RETURN QUERY EXECUTE @extschema@.cardinal_processes_sql(tenders, awards, CASE WHEN keys IS NOT NULL THEN 4 END)
  USING coalesce(exclude_procurement_method_details, '{}'), no_price_comparison_procurement_methods,
        coalesce(price_comparison_procurement_methods, '{}'), keys;
END
$$;
COMMENT ON FUNCTION @extschema@.cardinal_processes(regclass, regclass, text[], text[], text[], text[]) IS
  'The contracting processes Cardinal''s indicators keep (tender_id set, not cancelled, method details not excluded, and, unless no_price_comparison_procurement_methods is NULL, allowed to compare prices), each with its awards summed up: awards_final (no award pending or outside active, cancelled, unsuccessful), active_awards, active_supplier (the one supplier of every active award, else NULL); keys: only these processes (NULL: all). Stable because it reads the tables passed; parallel restricted because they may be temporary tables.';

-- Cardinal's price gap (SecondLowestBidRatio, read by R024 and R058 and by
-- cleangov's PROC_CLOSE_SECOND_BID and PROC_DISCOUNTED_WINNER): for each kept
-- process that may compare prices, whose awards are final, with exactly one
-- active award to one supplier, over its valid bids (status valid) with an
-- amount in the main currency from one tenderer (tenderer_count 1): the
-- winning bid is the supplier's lowest, the second bid the lowest of another
-- tenderer; the process has a gap when both exist, the second is not below
-- the winning bid (else the award was not on price alone) and the winning
-- bid is above 0 (Cardinal divides by it):
--   difference = (second bid - winning bid) / winning bid.
-- The main currency is currency if given, else the most frequent currency
-- among those bids (ties: the smallest code; Cardinal takes the first one its
-- input shows, an order a table does not have); a bid without a currency
-- counts as in the main currency.  Among second bids of one amount the
-- smallest tenderer id is named (Cardinal names the first in its input).
-- stable because it reads the tables passed; parallel restricted because they
-- may be temporary tables
CREATE FUNCTION @extschema@.cardinal_price_gaps(
    tenders regclass, bids regclass, awards regclass,
    currency text DEFAULT NULL,
    exclude_procurement_method_details text[] DEFAULT '{}',
    no_price_comparison_procurement_methods text[] DEFAULT '{}',
    price_comparison_procurement_methods text[] DEFAULT '{}',
    keys text[] DEFAULT NULL)
  RETURNS TABLE (tender_id text, unit_code text, method text, main_currency text, winner text, winning_bid numeric,
                 second_bidder text, second_bid numeric, difference float8)
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
  ROWS 100000
  SET search_path = pg_catalog, pg_temp
  -- Every join below is an equi-join of materialized CTEs whose row counts
  -- the planner underestimates (filters on coalesced columns of bound views:
  -- 1 row for 10,000 bids), and a nested loop over them is quadratic: 2.6 s
  -- at 1,000 tenders, minutes at 10,000.  Hash joins are right at any size.
  SET enable_nestloop = off
  AS $$
BEGIN
  PERFORM @extschema@.require_columns(bids, 'bid', ARRAY['bid_id', 'tender_id', 'bidder_id', 'amount']);
  IF keys IS NOT NULL THEN
    -- a few processes (the watch triggers, incremental runs): read through
    -- the indexes on tender_id, which hash joins would not use (restored
    -- with enable_nestloop when the function returns)
    PERFORM set_config('enable_nestloop', 'on', true);
  END IF;
  RETURN QUERY EXECUTE format($q$
    WITH p AS MATERIALIZED (
      SELECT p.tender_id, p.unit_code, p.method, p.active_supplier
        FROM (%5$s) p
       WHERE p.awards_final AND p.active_awards = 1 AND p.active_supplier IS NOT NULL
    ), b AS MATERIALIZED (
      SELECT b.tender_id::text AS tender_id, b.bidder_id::text AS bidder_id, b.amount::numeric AS amount,
             %2$s::text AS currency
        FROM %1$s b
       WHERE coalesce(%3$s::text, 'valid') = 'valid' AND b.amount IS NOT NULL AND b.bidder_id IS NOT NULL
         AND coalesce(%4$s::int, 1) = 1
         AND b.tender_id::text IN (SELECT p.tender_id FROM p)%6$s
    ), cur AS (
      SELECT coalesce($4, (SELECT b.currency FROM b WHERE b.currency IS NOT NULL
                            GROUP BY b.currency ORDER BY count(*) DESC, b.currency LIMIT 1)) AS currency
    ), bb AS (
      SELECT b.* FROM b, cur WHERE b.currency IS NULL OR b.currency = cur.currency
    ), w AS (
      SELECT p.tender_id, p.unit_code, p.method, p.active_supplier AS winner, min(bb.amount) AS winning
        FROM p JOIN bb ON bb.tender_id = p.tender_id AND bb.bidder_id = p.active_supplier
       GROUP BY p.tender_id, p.unit_code, p.method, p.active_supplier
    ), s AS (
      SELECT DISTINCT ON (bb.tender_id) bb.tender_id, bb.bidder_id, bb.amount
        FROM bb JOIN w ON w.tender_id = bb.tender_id AND bb.bidder_id <> w.winner
       ORDER BY bb.tender_id, bb.amount, bb.bidder_id
    )
    SELECT w.tender_id, w.unit_code, w.method, cur.currency, w.winner, w.winning, s.bidder_id, s.amount,
           ((s.amount - w.winning) / w.winning)::float8
      FROM w JOIN s ON s.tender_id = w.tender_id CROSS JOIN cur
     WHERE w.winning > 0 AND s.amount >= w.winning $q$,
    bids,
    @extschema@.column_or(bids, 'currency', 'NULL', 'b'),
    @extschema@.column_or(bids, 'status', 'NULL', 'b'),
    @extschema@.column_or(bids, 'tenderer_count', 'NULL', 'b'),
    @extschema@.cardinal_processes_sql(tenders, awards, CASE WHEN keys IS NOT NULL THEN 5 END),
    CASE WHEN keys IS NOT NULL THEN ' AND b.tender_id::text = ANY ($5)' ELSE '' END)
  USING coalesce(exclude_procurement_method_details, '{}'), coalesce(no_price_comparison_procurement_methods, '{}'),
        coalesce(price_comparison_procurement_methods, '{}'), currency, keys;
END
$$;
COMMENT ON FUNCTION @extschema@.cardinal_price_gaps(regclass, regclass, regclass, text, text[], text[], text[], text[]) IS
  'Cardinal''s price gap (SecondLowestBidRatio, read by R024 and R058): per kept process that may compare prices, whose awards are final, with one active award to one supplier, over its valid one-tenderer bids with an amount in the main currency (currency, else the most frequent; NULL counts as main): the winner''s lowest bid, the lowest bid of another tenderer, and difference = (second - winning) / winning when the second is not below the winning bid and the winning bid is above 0; keys: only these processes (NULL: all; the main currency is then the most frequent among their bids). Stable because it reads the tables passed; parallel restricted because they may be temporary tables.';
