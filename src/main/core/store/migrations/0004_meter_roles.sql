-- Kilowatch schema v4: metering roles.

-- A meter's role: 'load' (the default, never stored), 'main' (the incoming supply of its room,
-- office or company: `scope`) or 'generation' (production). `meter` is a device key or a
-- channel key (`<deviceKey>/<component>`); a channel's own row wins over its device's.
CREATE TABLE meter_role (
  meter   TEXT PRIMARY KEY,
  role    TEXT NOT NULL CHECK (role IN ('main', 'generation')),
  scope   TEXT CHECK (scope IN ('room', 'office', 'company')),
  source  TEXT NOT NULL CHECK (source IN ('console', 'config')),
  set_ms  INTEGER NOT NULL
) WITHOUT ROWID;

-- Where a minute's energy went once roles were in play: the node ids it counted towards and how
-- (targets: JSON [[nodeId, kind], …], kind 0 as counted, 1 import − export, 2 production, 3
-- import only). Minutes without one were counted as loads in the place they remember, so a
-- rebuild and a minute query attribute every row exactly as ingest did.
CREATE TABLE booking (
  id      INTEGER PRIMARY KEY,
  targets TEXT NOT NULL UNIQUE
);
ALTER TABLE energy_minute ADD COLUMN booking_id INTEGER REFERENCES booking (id);
