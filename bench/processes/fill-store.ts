/**
 * Fills a store the way a running console does: a fleet's minute frames through the real
 * pipeline in-process (openConsole + ingest.handle with a clock that follows the frames), so the
 * file holds what production writes (devices, channels, counters, minute energy, totals, rollups,
 * ledger), not a synthetic imitation.
 *
 *   fill {dbPath, spec, startMinuteS, minutes} → filled {messages, seconds, bytes, rows}
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openConsole } from '../../src/main/core/open-console';
import { reply, serve } from '../lib/child-side';
import { FleetStream, type FleetSpec } from '../lib/shelly-fleet';

serve(async (message) => {
  if (message.type !== 'fill') throw new Error(`fill-store: unknown message ${message.type}`);
  const dbPath = message.dbPath as string;
  const spec = message.spec as FleetSpec;
  const minutes = message.minutes as number;
  const fleet = new FleetStream(spec, message.startMinuteS as number);
  let nowMs = fleet.startMinuteS * 1000;
  const opened = openConsole({ dbPath, outPrefix: 'kilowatch', publishIntervalS: 3600, clock: () => nowMs });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  const started = performance.now();
  for (let m = 0; m < minutes; m++) {
    nowMs = (fleet.startMinuteS + 60 * m) * 1000 + 500;
    for (const frame of fleet.minute()) core.ingest.handle(frame.topic, Buffer.from(frame.payload), false);
  }
  if (!(await core.close()))
    throw new Error(`fill: the last batch was not saved: ${core.writer.lastError?.message}`);
  store.close();
  const seconds = (performance.now() - started) / 1000;
  const db = new Database(dbPath, { readonly: true });
  const count = (table: string) =>
    (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const rows = {
    device: count('device'),
    channel: count('channel'),
    energy_minute: count('energy_minute_all'),
    ledger: count('ledger'),
  };
  db.close();
  reply({
    type: 'filled',
    messages: core.stats.applied,
    seconds,
    bytes: statSync(dbPath).size,
    rows,
    expectedMessages: spec.devices * minutes,
  });
});
