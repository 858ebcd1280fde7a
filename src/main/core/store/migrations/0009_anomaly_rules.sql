-- Kilowatch schema v9: anomaly rules (README "Anomaly rules").

-- A node's own rule of one kind: its figures as JSON (RULE_PARAMS in the contract), or
-- {"off":true} to stop what it would inherit. A node without a row inherits from the one above.
CREATE TABLE anomaly_rule (
  node    TEXT NOT NULL,
  kind    TEXT NOT NULL,
  params  TEXT NOT NULL,
  set_ms  INTEGER NOT NULL,
  PRIMARY KEY (node, kind)
) WITHOUT ROWID;

-- A rule that has fired and not cleared yet: its alert is raised once per episode, so a restart
-- in the middle of one must not raise it again. `subject` is the alert's subject.
CREATE TABLE anomaly_episode (
  subject     TEXT PRIMARY KEY,
  started_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- Since when a relay channel has been on, for "on longer than N hours" across a restart.
CREATE TABLE relay_on_since (
  channel   TEXT PRIMARY KEY,
  since_ms  INTEGER NOT NULL
) WITHOUT ROWID;
