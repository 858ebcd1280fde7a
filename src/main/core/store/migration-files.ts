/**
 * The migration SQL files in ./migrations, in order. Its own module, with no imports, so the
 * electron-vite config can inline the same list the store reads from disk.
 */
export const MIGRATION_FILES = [
  '0001_initial.sql',
  '0002_rollups.sql',
  '0003_rollup_journal.sql',
  '0004_meter_roles.sql',
  '0005_alerts.sql',
  '0006_access_audit.sql',
  '0007_alert_resolved.sql',
  '0008_device_category.sql',
  '0009_anomaly_rules.sql',
  '0010_recent_minutes.sql',
] as const;
