-- pgbench script: one change of a synchronised row per transaction, the
-- commit the change feed's numbering used to serialise (see bench/README.md,
-- "The change feed's numbers after the commit"). Needs a table bench_ids
-- (n, id) of the deputies to change:
--   CREATE TABLE bench_ids AS
--     SELECT row_number() OVER (ORDER BY id) AS n, id FROM deputies;
\set n random(1, 100)
UPDATE deputies SET version = version + 1 WHERE id = (SELECT id FROM bench_ids WHERE n = :n);
