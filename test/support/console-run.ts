/**
 * The built headless console as the crash and fault tests run it (restart-kill9, test/drill): its
 * own SQLite file, its own config file (UTC, so nothing in the working folder or the machine's zone
 * changes a bucket), a fast publish interval, and the helpers to kill it hard, poll it and read its
 * totals back from the HTTP API and from the retained aggregates it publishes.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { api, startHeadless, type Headless } from './headless';

export interface ConsoleSetup {
  brokerUrl: string;
  dbPath: string;
  /** A folder of the test's own, for the config file. */
  dir: string;
  filter?: string;
  publishIntervalS?: number;
}

/** Starts the headless console and resolves when it prints its address. */
export function startConsole(setup: ConsoleSetup): Promise<Headless> {
  const config = join(setup.dir, 'kilowatch.toml');
  writeFileSync(config, '[site]\ntimezone = "UTC"\n');
  return startHeadless(
    [
      '--config',
      config,
      '--broker',
      setup.brokerUrl,
      '--db',
      setup.dbPath,
      '--port',
      '0',
      '--publish-interval',
      String(setup.publishIntervalS ?? 0.2),
      '--subscribe',
      setup.filter ?? 'Site/#',
    ],
    // Credentials from the caller's shell would be sent to a broker that allows anonymous access.
    { KILOWATCH_BROKER_PASSWORD: undefined, KILOWATCH_BROKER_USERNAME: undefined },
  );
}

export function killHard(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGKILL');
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` passes or the time is up; returns the last value either way. */
export async function until<T>(
  read: () => Promise<T>,
  check: (v: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read().catch(() => undefined);
    if (v !== undefined && check(v)) return v;
    if (Date.now() > deadline) return v as T;
    await sleep(100);
  }
}

/** A command's value; a failed Result is an error that names the command. */
export async function command<T>(headless: Headless, name: string, params: unknown = {}): Promise<T> {
  const { body } = await api(headless.url, name, params);
  const result = body as { ok: boolean; value?: T; error?: { message: string } };
  if (!result.ok) throw new Error(`${name}: ${result.error?.message}`);
  return result.value as T;
}

export type Totals = Map<string, { energyWh: number; returnedWh: number }>;

/** Every node's totals from `site.tree`, by contract node id (`device:<prefix>`, `room:…`). */
export async function apiTotals(headless: Headless): Promise<Totals> {
  const tree = await command<{ totals: Array<{ id: string; energyWh: number; returnedWh: number }> }>(
    headless,
    'site.tree',
  );
  return new Map(tree.totals.map((t) => [t.id, t]));
}

/** The console's retained aggregates (`<prefix>/…/energy`), newest payload per topic. */
export interface AggregateWatch {
  latest: Map<string, { energyWh: number; returnedWh: number }>;
  stop(): Promise<void>;
}

export async function watchAggregates(brokerUrl: string, outPrefix = 'kilowatch'): Promise<AggregateWatch> {
  const client: MqttClient = await mqtt.connectAsync(brokerUrl, {
    clientId: `kw-aggregates-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    clean: true,
    reconnectPeriod: 0,
  });
  const latest = new Map<string, { energyWh: number; returnedWh: number }>();
  client.on('message', (topic, payload) => {
    try {
      latest.set(topic, JSON.parse(payload.toString('utf8')) as { energyWh: number; returnedWh: number });
    } catch {
      latest.set(topic, { energyWh: NaN, returnedWh: NaN });
    }
  });
  await client.subscribeAsync(`${outPrefix}/#`, { qos: 1 });
  return { latest, stop: () => client.endAsync().catch(() => undefined) };
}
