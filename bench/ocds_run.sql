-- bench/ocds.sh: cleangov.run(code) of each of the 13 R indicators, as its own
-- statement under statement_timeout :rule_timeout, into bench.run_rules
-- (mode :mode); the total in bench.result.  A cancelled rule is kept with
-- status 'cancelled' and the timeout as its duration.
\set ON_ERROR_STOP off
SELECT set_config('statement_timeout', :'rule_timeout', false);
SELECT clock_timestamp() AS run_t0 \gset
SELECT format('SELECT cleangov.run(%L)', c) FROM unnest('{R003,R018,R024,R025,R028,R030,R035,R036,R038,R044,R048,R055,R058}'::text[]) c \gexec
RESET statement_timeout;
\set ON_ERROR_STOP on
INSERT INTO bench.run_rules
SELECT :'mode', c, coalesce(l.status, 'cancelled'), l.hits,
       coalesce(l.duration_ms, extract(epoch FROM :'rule_timeout'::interval) * 1000)
  FROM unnest('{R003,R018,R024,R025,R028,R030,R035,R036,R038,R044,R048,R055,R058}'::text[]) c
  LEFT JOIN LATERAL (SELECT * FROM cleangov.run_log x WHERE x.rule_code = c AND x.started_at >= :'run_t0'::timestamptz
                      ORDER BY x.started_at DESC LIMIT 1) l ON true;
INSERT INTO bench.result
SELECT 'run 13 R (' || :'mode' || ')' || CASE WHEN bool_or(status = 'cancelled') THEN ', with cancelled rules at the timeout' ELSE '' END,
       1, sum(duration_ms), count(*)
  FROM bench.run_rules WHERE mode = :'mode';
