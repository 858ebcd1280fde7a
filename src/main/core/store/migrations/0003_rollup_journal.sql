-- Schema v3: the rollup journal. Each ingest transaction records its rollup increments here as one
-- row instead of upserting every bucket of every node it touched (up to twenty rows per reading
-- on a small batch). Every few seconds the journal is added to the rollup tables and deleted, in
-- one transaction, so after a crash the rows still here are exactly what the rollups lack.
CREATE TABLE rollup_journal (
  seq    INTEGER PRIMARY KEY,
  deltas BLOB NOT NULL                   -- float64 triples: bucket key, energy units, returned units
);
