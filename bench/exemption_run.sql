-- bench/exemption.sql: one COPY unwatched, one watched.
CALL ex.reset();
SELECT clock_timestamp() AS t0 \gset
COPY ex.orders FROM :'file';
INSERT INTO ex.result SELECT 'unwatched', extract(epoch FROM clock_timestamp() - :'t0') * 1000, 0;
CALL ex.reset();
SELECT cleangov.watch('ex.orders') \gset
SELECT clock_timestamp() AS t0 \gset
COPY ex.orders FROM :'file';
INSERT INTO ex.result SELECT 'watched', extract(epoch FROM clock_timestamp() - :'t0') * 1000, (SELECT count(*) FROM cleangov.alert);
SELECT cleangov.unwatch('ex.orders') \gset
