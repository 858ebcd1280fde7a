-- Kilowatch schema v2: history rollups in the site's time zone.

-- Rooms energy was counted in. A minute row remembers its room, so rollups can always be rebuilt
-- from minutes with the placement that was true when the energy was counted.
CREATE TABLE place (
  id      INTEGER PRIMARY KEY,
  company TEXT NOT NULL,
  office  TEXT NOT NULL,
  room    TEXT NOT NULL,
  UNIQUE (company, office, room)
);
-- NULL: unassigned when counted (or counted by schema v1, before rooms were remembered).
ALTER TABLE energy_minute ADD COLUMN place_id INTEGER REFERENCES place (id);

-- Contract node ids (channel:…, device:…, room:…, office:…, company:…, unassigned) as small
-- integers, so rollup rows stay narrow.
CREATE TABLE node (
  id   INTEGER PRIMARY KEY,
  node TEXT NOT NULL UNIQUE
);

-- Rollups: energy per node per local bucket, written at ingest in the same transaction as the
-- minutes they sum. `start_min` is the bucket's start in UTC epoch minutes.
CREATE TABLE energy_hour (
  node_id        INTEGER NOT NULL REFERENCES node (id),
  start_min      INTEGER NOT NULL,
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  PRIMARY KEY (node_id, start_min)
) WITHOUT ROWID;
CREATE TABLE energy_day (
  node_id        INTEGER NOT NULL REFERENCES node (id),
  start_min      INTEGER NOT NULL,
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  PRIMARY KEY (node_id, start_min)
) WITHOUT ROWID;
CREATE TABLE energy_week (
  node_id        INTEGER NOT NULL REFERENCES node (id),
  start_min      INTEGER NOT NULL,
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  PRIMARY KEY (node_id, start_min)
) WITHOUT ROWID;
CREATE TABLE energy_month (
  node_id        INTEGER NOT NULL REFERENCES node (id),
  start_min      INTEGER NOT NULL,
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  PRIMARY KEY (node_id, start_min)
) WITHOUT ROWID;

-- Outages a counted rise spanned (charts draw a gap, not a made-up shape).
CREATE TABLE energy_gap (
  channel_id INTEGER NOT NULL REFERENCES channel (id),
  place_id   INTEGER REFERENCES place (id),
  from_s     REAL NOT NULL,
  to_s       REAL NOT NULL
);
CREATE INDEX energy_gap_by_time ON energy_gap (to_s);
