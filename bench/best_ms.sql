-- pg_temp.best_ms(q, reps): the best of reps runs of the query q, in
-- milliseconds (\ir from the bench scripts that time single queries).
CREATE FUNCTION pg_temp.best_ms(q text, reps int DEFAULT 3) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; best float8 := 'Infinity'; i int;
BEGIN
  FOR i IN 1..reps LOOP
    t0 := clock_timestamp();
    EXECUTE q;
    best := least(best, extract(epoch FROM clock_timestamp() - t0) * 1000);
  END LOOP;
  RETURN best;
END $$;
