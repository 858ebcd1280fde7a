-- Kilowatch schema v10: recent minutes, kept in time order until they are folded into energy_minute.

-- energy_minute is keyed (channel, minute), so a commit that adds one row per channel rewrites
-- the last page of every channel it touches. Minutes land here first, keyed by time, so a commit
-- appends to a few pages; once this table holds enough rows (store.ts RECENT_MINUTE_ROWS) they
-- move to energy_minute in one sorted pass, in the same transaction as the batch that filled it.
-- Same columns and meaning as energy_minute. A (channel, minute) can be in both tables, when
-- energy for a minute already moved arrives: readers add both, and the fold adds it in.
CREATE TABLE energy_minute_recent (
  minute         INTEGER NOT NULL,
  channel_id     INTEGER NOT NULL REFERENCES channel (id),
  energy_units   INTEGER NOT NULL,
  returned_units INTEGER NOT NULL,
  gap_from_s     REAL,
  place_id       INTEGER REFERENCES place (id),
  booking_id     INTEGER REFERENCES booking (id),
  PRIMARY KEY (minute, channel_id)
) WITHOUT ROWID;

-- Every stored minute row, wherever it is now: for whole-history reads (rollup rebuild, checks).
-- The history queries read both tables by their keys instead (history-reader.ts).
CREATE VIEW energy_minute_all AS
  SELECT channel_id, minute, energy_units, returned_units, gap_from_s, place_id, booking_id FROM energy_minute
  UNION ALL
  SELECT channel_id, minute, energy_units, returned_units, gap_from_s, place_id, booking_id FROM energy_minute_recent;
