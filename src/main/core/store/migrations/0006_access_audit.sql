-- Kilowatch schema v6: who may switch what, and what everyone did.

-- The manager PIN, as a scrypt hash with its parameters (core/access/secret-hash.ts). One row or none:
-- no row means no PIN, and everyone may do everything.
CREATE TABLE access_pin (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  hash   TEXT NOT NULL,
  set_ms INTEGER NOT NULL
);

-- The audit trail: every command that switches power or changes the set-up, every PIN use, with
-- who (role and actor), what (action, target, before → after) and how it ended. Append-only: the
-- triggers refuse any change or deletion, whoever asks, so the console cannot be made to forget.
CREATE TABLE audit (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms   INTEGER NOT NULL,
  role    TEXT NOT NULL CHECK (role IN ('manager', 'desk')),
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  before  TEXT,
  after   TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('requested', 'confirmed', 'failed', 'denied', 'done')),
  detail  TEXT
);
CREATE INDEX audit_by_time ON audit (at_ms);
CREATE TRIGGER audit_never_changes BEFORE UPDATE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail cannot be changed');
END;
CREATE TRIGGER audit_never_forgets BEFORE DELETE ON audit
BEGIN
  SELECT RAISE(ABORT, 'the audit trail cannot be deleted from');
END;
