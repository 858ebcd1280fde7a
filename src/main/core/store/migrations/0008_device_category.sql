-- Kilowatch schema v8: device categories (issue #18), as staff set them. A device without a row
-- is what its model obviously is (site/device-categories.ts), else 'other'. Energy per category
-- is kept in the rollups, under nodes `category:<category>:<place node>`.
CREATE TABLE device_category (
  device_key TEXT PRIMARY KEY,
  category   TEXT NOT NULL CHECK (category IN ('lighting', 'hvac', 'plug', 'kitchen', 'it', 'other')),
  set_ms     INTEGER NOT NULL
) WITHOUT ROWID;
