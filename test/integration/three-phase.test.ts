/**
 * Issue #13, item 6: a three-phase meter shown as such. The real Pro 3EM dump goes through a real
 * Mosquitto into the console: `em:0`'s per-phase power, voltage, current and power factor land on
 * the phase channels (`emdata:0/a…c`) of `site.tree` and of the live totals, and the device's
 * per-child CSV marks the phase rows as parts of `emdata:0` (`part_of`), so summing the whole rows
 * gives the device total and never twice it.
 */
import { parse } from 'csv-parse/sync';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { SiteNode } from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import { assignmentParams, loadFixtures, payloadBytes } from '../support/fixtures';
import { startMosquitto } from '../support/mosquitto';
import { testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const KEY = 'shellypro3em-aabbccddeeff';
const DEVICE = `device:${KEY}`;
const phase = (p: string) => `channel:${KEY}|emdata:0/${p}`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function find(nodes: SiteNode[], id: string): SiteNode | undefined {
  for (const node of nodes) {
    if (node.id === id) return node;
    const below = find(node.children, id);
    if (below) return below;
  }
  return undefined;
}

/** Thousandths of a Wh (= millionths of a kWh, the CSV's last digit), as an exact integer. */
const mWh = (kwhText: string): number => Math.round(Number(kwhText) * 1_000_000);

async function replayPro3em() {
  const fixture = loadFixtures().find((f) => f.file === 'real/gen2-pro3em-real.json');
  if (!fixture) throw new Error('the real Pro 3EM fixture is missing');
  const mosquitto = await startMosquitto();
  cleanups.push(() => mosquitto.stop());
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  let nowMs = Date.parse(fixture.messages[0]?.at ?? '');
  // Per topic: the console's own requests (GetStatus on discovery) echo back under '#' on MQTT
  // 3.1.1, and must not be taken for the fixture's message having been read.
  const seen = new Map<string, number>();
  const opened = openConsole({
    dbPath: `${dir.path}/kw.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    observe: (topic) => void seen.set(topic, (seen.get(topic) ?? 0) + 1),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  cleanups.push(async () => {
    await core.close();
    store.close();
  });
  for (const [id, path] of Object.entries(fixture.assignments ?? {}))
    expect((await core.handlers['site.assign'](assignmentParams(id, path))).ok).toBe(true);
  expect(
    await core.connect({
      name: 't',
      url: mosquitto.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['#'],
    }),
  ).toBeNull();
  const publisher: MqttClient = await testClient(mosquitto.url);
  cleanups.push(() => publisher.endAsync());
  for (const m of fixture.messages) {
    nowMs = Date.parse(m.at);
    const topic = m.topic as string;
    const before = seen.get(topic) ?? 0;
    await publisher.publishAsync(topic, payloadBytes(m), { qos: 1 });
    await waitFor(() => (seen.get(topic) ?? 0) > before, 5000, `delivery of the message at ${m.at}`);
  }
  return core;
}

describe('the real Pro 3EM through Mosquitto', () => {
  it('puts em:0 per-phase power, voltage, current and power factor on the phase channels', async () => {
    const core = await replayPro3em();
    const tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    const electrical = (p: string) => find(tree.value.nodes, phase(p))?.electrical;
    expect(electrical('a')).toEqual({ voltageV: 227.0, currentA: 9.592, powerFactor: 0.99, powerW: 2166.2 });
    expect(electrical('b')).toEqual({ voltageV: 230.0, currentA: 0.044, powerFactor: 0.36, powerW: 3.6 });
    expect(electrical('c')).toEqual({ voltageV: 230.2, currentA: 1.479, powerFactor: 0.72, powerW: 244.0 });
    // The whole meter is no phase: it carries the device's power, not a phase's figures.
    expect(find(tree.value.nodes, `channel:${KEY}|emdata:0`)?.electrical).toBeUndefined();
    const power = (id: string) => tree.value.totals.find((t) => t.id === id)?.powerW;
    // Each phase shows its own power; the device shows total_act_power once, not the phases again.
    expect([power(phase('a')), power(phase('b')), power(phase('c'))]).toEqual([2166.2, 3.6, 244.0]);
    expect(power(DEVICE)).toBe(2413.8);
    expect(power(`channel:${KEY}|emdata:0`)).toBe(2413.8);
    // The live totals carry the same figures, so the details panel follows them.
    expect(tree.value.totals.find((t) => t.id === phase('c'))?.electrical).toEqual({
      voltageV: 230.2,
      currentA: 1.479,
      powerFactor: 0.72,
      powerW: 244.0,
    });
  });

  it('marks phase rows of the per-child CSV as parts, so the whole rows add up to the device', async () => {
    const core = await replayPro3em();
    const csv = await core.handlers['report.csv']({
      node: DEVICE,
      from: '2025-05-18T09:00:00Z',
      to: '2025-05-18T10:00:00Z',
      resolution: 'minute',
      perChild: true,
      zone: 'utc',
    });
    if (!csv.ok) throw new Error(csv.error.message);
    const rows = parse(csv.value.csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    // The header names the zone of its times (UTC, as asked); part_of and note come last.
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'start (UTC)',
      'end (UTC)',
      'company',
      'office',
      'room',
      'device',
      'channel',
      'energy_kwh',
      'returned_kwh',
      'part_of',
      'note',
      'cost',
      'currency',
      'category',
    ]);
    expect(rows.at(-1)?.note).toBe('total');
    const whole = rows.filter((r) => r.part_of === '' && r.note === '');
    const parts = rows.filter((r) => r.part_of !== '');
    // One whole channel (emdata:0) and three phases of it, in each of the two counted minutes.
    expect(new Set(whole.map((r) => r.channel)).size).toBe(1);
    expect(new Set(parts.map((r) => r.channel)).size).toBe(3);
    expect(new Set(parts.map((r) => r.part_of))).toEqual(new Set(whole.map((r) => r.channel)));
    expect(whole).toHaveLength(2);
    expect(parts).toHaveLength(6);
    const tree = await core.handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    const deviceWh = tree.value.totals.find((t) => t.id === DEVICE)?.energyWh;
    expect(deviceWh).toBe(80.43);
    const sum = (list: Array<Record<string, string>>) =>
      list.reduce((s, r) => s + mWh(r.energy_kwh ?? ''), 0);
    expect(sum(whole)).toBe(80_430);
    // Summing every row would count the building twice: the phases hold the same energy again.
    expect(sum(parts)).toBe(80_430);
  });
});
