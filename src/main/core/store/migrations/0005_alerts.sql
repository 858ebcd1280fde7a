-- Kilowatch schema v5: alerts that stay.

-- One row per open alert: the same fault about the same thing (`dedup_key`, kind + subject) adds
-- to `count` and moves `last_ms` instead of raising another row. An acknowledged or cleared fault
-- that happens again is a new occurrence: its row is replaced (a new id, count 1), so an
-- acknowledgement never covers a repeat nobody saw. `path` is the place as people say it
-- (Company / Office / Room / Device) when the alert was raised; `detail` is the technical side
-- (JSON), kept apart from the words in `message`. `acked_by` says who acknowledged ("console"
-- until the bridge knows its users).
CREATE TABLE alert (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  dedup_key  TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL,
  severity   TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
  node       TEXT,
  path       TEXT,
  message    TEXT NOT NULL,
  detail     TEXT,
  count      INTEGER NOT NULL CHECK (count >= 1),
  first_ms   INTEGER NOT NULL,
  last_ms    INTEGER NOT NULL,
  acked_ms   INTEGER,
  acked_by   TEXT,
  cleared_ms INTEGER
);
CREATE INDEX alert_by_last ON alert (last_ms);
