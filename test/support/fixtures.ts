/**
 * The shared Shelly fixtures, copied into test/fixtures/shelly/shared (the project's shared/ folder
 * is reference, not a dependency: a clean clone must test without it), our own beside them, and
 * real device dumps from public sources in test/fixtures/shelly/real (cited in its README).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export interface FixtureMessage {
  topic?: string;
  payload?: string;
  payload_base64?: string;
  retain?: boolean;
  qos?: 0 | 1;
  at: string;
  expect?: string | Record<string, string>;
  transport?: 'decoder-only';
  control?: 'connect' | 'reconnect' | 'disconnect';
}

export interface Totals {
  consumed_wh: number;
  returned_wh: number;
  reason?: string;
}

export interface Fixture {
  file: string;
  description: string;
  assignments?: Record<string, string>;
  devices?: Array<{ id: string; prefix: string; gen: number }>;
  messages: FixtureMessage[];
  expected: {
    channels?: Record<string, Totals>;
    devices?: Record<string, Totals>;
    rooms?: Record<string, Totals>;
    offices?: Record<string, Totals>;
    companies?: Record<string, Totals>;
    unplaced?: Record<string, Totals>;
    sensors?: Record<string, Record<string, string | number | null>>;
  };
}

const SHARED = resolve(__dirname, '../fixtures/shelly/shared');
const OURS = resolve(__dirname, '../fixtures/shelly');
const REAL = resolve(__dirname, '../fixtures/shelly/real');

/** Every fixture, named by its path under test/fixtures/shelly (`real/gen4-power-strip.json`). */
export function loadFixtures(): Fixture[] {
  return [SHARED, OURS, REAL].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((name) => ({
        file: relative(OURS, join(dir, name)),
        ...(JSON.parse(readFileSync(join(dir, name), 'utf8')) as Omit<Fixture, 'file'>),
      })),
  );
}

export const payloadBytes = (m: FixtureMessage): Buffer =>
  m.payload_base64 !== undefined
    ? Buffer.from(m.payload_base64, 'base64')
    : Buffer.from(m.payload ?? '', 'utf8');

/** `Company/Office/Room/Device` → the site.assign params. */
export function assignmentParams(deviceId: string, path: string) {
  const [company, office, room, name] = path.split('/') as [string, string, string, string];
  return { device: deviceId, path: [company, office, room] as [string, string, string], name };
}

export const WH_TOLERANCE = 0.0005;
