-- Benchmark: ldl_score over 1,000,000 stored pairs of 6-label distributions,
-- against the same six formulas written in plain SQL (unnest and aggregates),
-- in the same run. Prints both times, their ratio, and the largest
-- difference between the two results (they must agree).
\set ON_ERROR_STOP on
\set rows 1000000
SET max_parallel_workers_per_gather = 0;   -- compare single-process work

SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_pairs;
RESET client_min_messages;
CREATE TABLE bench_pairs AS
SELECT i AS id,
       ARRAY(SELECT v / sum(v) OVER () FROM (SELECT random() + 1e-3 AS v FROM generate_series(1, 6) WHERE i > 0) r) AS truth,
       ARRAY(SELECT v / sum(v) OVER () FROM (SELECT random() + 1e-3 AS v FROM generate_series(1, 6) WHERE i > 0) r) AS prediction
FROM generate_series(1, :rows) i;
VACUUM ANALYZE bench_pairs;

CREATE TEMP TABLE timings (what text, ms float8, result float8[]);

DO $$
DECLARE
    t0 timestamptz; r float8[]; best float8; ms float8;
BEGIN
    -- Warm the cache once, then keep the best of three runs of each.
    PERFORM count(*) FROM bench_pairs;
    best := NULL;
    FOR k IN 1..3 LOOP
        t0 := clock_timestamp();
        SELECT ARRAY[(s).n, (s).chebyshev, (s).clark, (s).canberra, (s).kl, (s).cosine, (s).intersection]
          INTO r FROM (SELECT ldl_score(truth, prediction) AS s FROM bench_pairs) q;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        best := least(best, ms);
    END LOOP;
    INSERT INTO timings VALUES ('ldl_score', best, r);

    best := NULL;
    FOR k IN 1..3 LOOP
        t0 := clock_timestamp();
        SELECT ARRAY[count(*)::float8, avg(chebyshev), avg(clark), avg(canberra), avg(kl), avg(cosine), avg(intersection)]
          INTO r
        FROM (SELECT id,
                     max(abs(a - b)) AS chebyshev,
                     sqrt(sum(((ac - bc) / (ac + bc)) ^ 2)) AS clark,
                     sum(abs(ac - bc) / (ac + bc)) AS canberra,
                     sum(ac * (ln(ac) - ln(bc))) AS kl,
                     sum(a * b) / (sqrt(sum(a * a)) * sqrt(sum(b * b))) AS cosine,
                     sum(least(a, b)) AS intersection
              FROM (SELECT id, u.a, u.b,
                           least(greatest(u.a, 2.220446049250313e-16), 1) AS ac,
                           least(greatest(u.b, 2.220446049250313e-16), 1) AS bc
                    FROM bench_pairs, unnest(truth, prediction) AS u(a, b)) x
              GROUP BY id) per_row;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        best := least(best, ms);
    END LOOP;
    INSERT INTO timings VALUES ('plain SQL', best, r);
END $$;

SELECT what, round(ms::numeric, 0) AS best_of_3_ms, result[1]::bigint AS rows FROM timings ORDER BY ms;
SELECT round((p.ms / s.ms)::numeric, 1) AS "speed-up of ldl_score over plain SQL (target >= 20)",
       (SELECT max(abs(s.result[i] - p.result[i])) FROM generate_series(1, 7) i) AS max_difference
FROM timings s, timings p WHERE s.what = 'ldl_score' AND p.what = 'plain SQL';
DROP TABLE bench_pairs;
