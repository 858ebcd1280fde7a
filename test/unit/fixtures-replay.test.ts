/**
 * Every fixture replayed in process through the real pipeline (decoder → energy engine → SQLite
 * file → totals), with the fixture's arrival times as the clock. Checks each counter's label and
 * every expected total. The same fixtures go through a real Mosquitto in test/integration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import { openConsole } from '../../src/main/core/open-console';
import { nodeId } from '../../src/main/core/site/placement';
import {
  assignmentParams,
  loadFixtures,
  payloadBytes,
  WH_TOLERANCE,
  type Fixture,
  type Totals,
} from '../support/fixtures';
import { tempDir } from '../support/temp-dir';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

async function replay(fixture: Fixture) {
  const dir = tempDir();
  let nowMs = Date.parse(fixture.messages[0]?.at ?? '2025-01-01T00:00:00Z');
  const outcomes: Array<string | Record<string, string>> = [];
  const opened = openConsole({
    dbPath: `${dir.path}/kw.db`,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    observe: (_topic, outcome) => void outcomes.push(outcome),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  cleanups.push(() => {
    store.close();
    dir.remove();
  });
  for (const [id, path] of Object.entries(fixture.assignments ?? {})) {
    const r = await core.handlers['site.assign'](assignmentParams(id, path));
    expect(r.ok).toBe(true);
  }
  const labels: Array<{
    index: number;
    expected: string | Record<string, string>;
    got: string | Record<string, string> | undefined;
  }> = [];
  fixture.messages.forEach((m, index) => {
    if (m.control || m.topic === undefined) return;
    nowMs = Date.parse(m.at);
    const before = outcomes.length;
    core.ingest.handle(m.topic, payloadBytes(m), m.retain === true);
    labels.push({ index, expected: m.expect ?? '', got: outcomes[before] });
  });
  const tree = await core.handlers['site.tree']({});
  if (!tree.ok) throw new Error(tree.error.message);
  const totals = new Map<string, NodeTotals>(tree.value.totals.map((t) => [t.id, t]));
  const keyOf = (id: string) =>
    core.registry.byId(id)?.row.key ?? fixture.devices?.find((d) => d.id === id)?.prefix ?? id;
  expect(core.writer.flush()).toBe(true);
  return { core, totals, labels, keyOf, tree: tree.value };
}

function expectTotals(label: string, got: NodeTotals | undefined, want: Totals) {
  expect(got, `${label} has no total`).toBeDefined();
  expect(
    Math.abs((got?.energyWh ?? NaN) - want.consumed_wh),
    `${label} consumed: got ${got?.energyWh}, want ${want.consumed_wh}`,
  ).toBeLessThanOrEqual(WH_TOLERANCE);
  expect(
    Math.abs((got?.returnedWh ?? NaN) - want.returned_wh),
    `${label} returned: got ${got?.returnedWh}, want ${want.returned_wh}`,
  ).toBeLessThanOrEqual(WH_TOLERANCE);
}

/** Only counter labels and rejections are the pipeline's business; availability etc. are not labelled by it. */
function comparableLabel(expected: string | Record<string, string>): boolean {
  return typeof expected === 'object' || expected.startsWith('rejected:');
}

describe.each(loadFixtures().map((f) => [f.file, f] as const))('fixture %s', (_file, fixture) => {
  it('labels every counter reading and rejection as the energy rules say', async () => {
    const { labels } = await replay(fixture);
    for (const { index, expected, got } of labels) {
      if (!comparableLabel(expected)) continue;
      expect(got, `message ${index}`).toEqual(expected);
    }
  });

  it('ends with the expected totals per channel, device, room, office and company', async () => {
    const { totals, keyOf, tree } = await replay(fixture);
    const e = fixture.expected;
    for (const [name, want] of Object.entries(e.channels ?? {})) {
      const [id, ...component] = name.split('/');
      const comp = component.join('/');
      expectTotals(`channel ${name}`, totals.get(nodeId.channel(keyOf(id as string), comp)), want);
    }
    for (const [id, want] of Object.entries(e.devices ?? {}))
      expectTotals(`device ${id}`, totals.get(nodeId.device(keyOf(id))), want);
    for (const [path, want] of Object.entries(e.rooms ?? {}))
      expectTotals(`room ${path}`, totals.get(`room:${path.normalize('NFC')}`), want);
    for (const [path, want] of Object.entries(e.offices ?? {}))
      expectTotals(`office ${path}`, totals.get(`office:${path.normalize('NFC')}`), want);
    for (const [name, want] of Object.entries(e.companies ?? {}))
      expectTotals(`company ${name}`, totals.get(`company:${name}`), want);
    const unassigned = tree.nodes.find((n) => n.kind === 'unassigned');
    for (const [id, want] of Object.entries(e.unplaced ?? {})) {
      expectTotals(`unplaced ${id}`, totals.get(nodeId.device(keyOf(id))), want);
      const node = unassigned?.children.find((c) => c.id === nodeId.device(keyOf(id)));
      expect(node?.reason, `unplaced ${id} reason`).toBe(want.reason);
    }
    for (const [address, want] of Object.entries(e.sensors ?? {})) {
      const got = tree.sensors.find((s) => s.address === address);
      expect(got, `sensor ${address}`).toBeDefined();
      expect({
        model: got?.model,
        source: got?.source,
        gateway: got?.gateway,
        room: got?.room,
        temperature_c: got?.temperatureC,
        humidity_pct: got?.humidityPct,
        battery_pct: got?.batteryPct,
        rssi_dbm: got?.rssiDbm,
        packet_id: got?.packetId,
        last_updated: got?.lastUpdated,
      }).toEqual({ ...want, room: want.room === null ? null : `room:${want.room}` });
    }
    // Rooms, offices and companies hold nothing that the fixture does not expect.
    for (const [id, t] of totals) {
      if (!/^(room|office|company):/.test(id) || t.energyWh === 0) continue;
      const [kind, path] = [id.slice(0, id.indexOf(':')), id.slice(id.indexOf(':') + 1)];
      const expectedSet = kind === 'room' ? e.rooms : kind === 'office' ? e.offices : e.companies;
      if (expectedSet)
        expect(
          Object.keys(expectedSet).map((k) => k.normalize('NFC')),
          `unexpected ${id}`,
        ).toContain(path);
    }
  });
});
