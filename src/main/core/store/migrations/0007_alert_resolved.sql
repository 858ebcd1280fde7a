-- Kilowatch schema v7: an alert whose fault is over.

-- A device back online ends its "went offline" alert without taking it off the list: staff still
-- see that it was away, and when it came back (`resolved_ms`). Another occurrence of the same
-- fault while the alert is open sets it back to NULL (the fault is on again).
ALTER TABLE alert ADD COLUMN resolved_ms INTEGER;
