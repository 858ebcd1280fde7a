-- Kilowatch schema v1. Released migrations are never edited; add a new numbered file instead.
-- Energy is stored in integer milliwatt-minutes ("units", 1 Wh = 60 000) so sums are exact.

CREATE TABLE device (
  key           TEXT PRIMARY KEY,        -- topic prefix (Gen2+) or shellies/<id> (Gen1)
  shelly_id     TEXT,                    -- src / Gen1 id, once seen
  generation    INTEGER NOT NULL CHECK (generation IN (1, 2)),
  model         TEXT,
  name          TEXT,
  firmware      TEXT,
  epoch         INTEGER NOT NULL DEFAULT 0,
  offline_count INTEGER NOT NULL DEFAULT 0,
  is_online     INTEGER,
  uptime_s      REAL,
  first_seen_ms INTEGER NOT NULL,
  last_seen_ms  INTEGER NOT NULL
);
CREATE INDEX device_by_shelly_id ON device (shelly_id);

CREATE TABLE channel (
  id         INTEGER PRIMARY KEY,
  device_key TEXT NOT NULL REFERENCES device (key),
  component  TEXT NOT NULL,              -- switch:0, emdata:0, emdata:0/a, relay:0, emeter:1
  is_gross   INTEGER NOT NULL,           -- aenergy includes returned energy
  is_phase   INTEGER NOT NULL,
  UNIQUE (device_key, component)
);

-- The energy engine's memory, written in the same transaction as the energy it produced.
CREATE TABLE counter_state (
  channel_id      INTEGER NOT NULL REFERENCES channel (id),
  direction       TEXT NOT NULL CHECK (direction IN ('import', 'return')),
  value_units     INTEGER NOT NULL,
  order_primary   REAL NOT NULL,
  order_secondary REAL NOT NULL,
  arrival_s       REAL NOT NULL,
  epoch           INTEGER NOT NULL,
  offline_count   INTEGER NOT NULL,
  PRIMARY KEY (channel_id, direction)
) WITHOUT ROWID;

-- Staff placements, keyed by the Shelly id so a device keeps its place across prefix changes.
CREATE TABLE assignment (
  device_id   TEXT PRIMARY KEY,
  company     TEXT NOT NULL,
  office      TEXT NOT NULL,
  room        TEXT NOT NULL,
  device_name TEXT NOT NULL,
  assigned_ms INTEGER NOT NULL
) WITHOUT ROWID;

-- Display names chosen with site.rename; the topic keeps its own spelling.
CREATE TABLE node_name (
  node TEXT PRIMARY KEY,
  name TEXT NOT NULL
) WITHOUT ROWID;

-- Running totals per node (channel, device, room, office, company, unassigned), cumulative since
-- `since_ms`. Energy is added to the node where the device was when it was counted.
CREATE TABLE node_total (
  node           TEXT PRIMARY KEY,
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  since_ms       INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE energy_minute (
  channel_id     INTEGER NOT NULL REFERENCES channel (id),
  minute         INTEGER NOT NULL,       -- UTC epoch minutes
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  gap_from_s     REAL,                   -- set when the energy spans an outage starting then
  PRIMARY KEY (channel_id, minute)
) WITHOUT ROWID;

-- Every decision other than a plain rise, so staff can see why a number is what it is.
CREATE TABLE ledger (
  id              INTEGER PRIMARY KEY,
  at_ms           INTEGER NOT NULL,
  channel_id      INTEGER NOT NULL REFERENCES channel (id),
  direction       TEXT NOT NULL,
  kind            TEXT NOT NULL,
  reason          TEXT,
  previous_units  INTEGER,
  value_units     INTEGER,
  counted_units   INTEGER NOT NULL
);
CREATE INDEX ledger_by_channel ON ledger (channel_id, at_ms);

-- Small install-level values (the stable MQTT client id).
CREATE TABLE setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
