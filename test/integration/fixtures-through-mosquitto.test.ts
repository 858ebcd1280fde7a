/**
 * Every shared fixture published to a real Mosquitto and counted by the running core; the
 * expected totals are read back from the aggregates the console published to the broker.
 * Retained messages are published with the retain flag while the console is away, then it
 * connects, as the fixtures' README prescribes.
 */
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import {
  assignmentParams,
  loadFixtures,
  payloadBytes,
  WH_TOLERANCE,
  type Fixture,
  type Totals,
} from '../support/fixtures';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { retainedJson, testClient, waitFor } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function replayThroughBroker(
  fixture: Fixture,
): Promise<{ published: Map<string, Record<string, unknown>>; core: KilowatchConsole }> {
  const mosquitto: Mosquitto = await startMosquitto();
  cleanups.push(() => mosquitto.stop());
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  let nowMs = Date.parse(fixture.messages[0]?.at ?? '2025-01-01T00:00:00Z');
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
  for (const [id, path] of Object.entries(fixture.assignments ?? {})) {
    expect((await core.handlers['site.assign'](assignmentParams(id, path))).ok).toBe(true);
  }
  const publisher: MqttClient = await testClient(mosquitto.url);
  cleanups.push(() => publisher.endAsync());
  const profile = {
    name: 'test',
    url: mosquitto.url,
    protocolVersion: 4 as const,
    keepaliveS: 30,
    subscribe: ['#'],
  };
  let isConnected = false;
  /** Retained topics published while the console was away, with how often it had seen each. */
  const awaitingRetained = new Map<string, number>();
  const connect = async () => {
    const failure = await core.connect(profile);
    expect(failure).toBeNull();
    isConnected = true;
    // Whatever was published while away arrives now; wait until the console has read it.
    for (const [topic, before] of awaitingRetained)
      await waitFor(() => (seen.get(topic) ?? 0) > before, 5000, `the retained ${topic.slice(0, 80)}`);
    awaitingRetained.clear();
  };
  for (const m of fixture.messages) {
    if (m.transport === 'decoder-only') continue; // a broker refuses these topics; unit-tested
    if (m.control) {
      if (isConnected && m.control !== 'connect') {
        await core.disconnect();
        isConnected = false;
      }
      continue;
    }
    const topic = m.topic as string;
    if (m.retain) {
      if (isConnected) {
        await core.disconnect();
        isConnected = false;
      }
      await publisher.publishAsync(topic, payloadBytes(m), { qos: 1, retain: true });
      // An empty retained message clears the topic: nothing is delivered for it.
      if (payloadBytes(m).length > 0 && !awaitingRetained.has(topic))
        awaitingRetained.set(topic, seen.get(topic) ?? 0);
      nowMs = Date.parse(m.at);
      continue;
    }
    if (!isConnected) await connect();
    nowMs = Date.parse(m.at);
    const before = seen.get(topic) ?? 0;
    await publisher.publishAsync(topic, payloadBytes(m), { qos: m.qos ?? 0 });
    await waitFor(() => (seen.get(topic) ?? 0) > before, 5000, `delivery of ${topic.slice(0, 80)}`);
  }
  if (!isConnected) await connect();
  const publishedCount = await core.publishAggregates();
  const published = await retainedJson(mosquitto.url, 'kilowatch/#');
  // Every aggregate published is retained, one energy topic each: nothing was lost on the way.
  expect([...published.keys()].filter((t) => t.endsWith('/energy'))).toHaveLength(publishedCount);
  return { published, core };
}

function expectPublished(published: Map<string, Record<string, unknown>>, path: string, want: Totals) {
  const topic = `kilowatch/${path.normalize('NFC')}/energy`;
  const got = published.get(topic);
  expect(got, `nothing published on ${topic}; have ${[...published.keys()].join(', ')}`).toBeDefined();
  expect(
    Math.abs(Number(got?.energyWh) - want.consumed_wh),
    `${topic} energyWh ${String(got?.energyWh)} ≠ ${want.consumed_wh}`,
  ).toBeLessThanOrEqual(WH_TOLERANCE);
  expect(Math.abs(Number(got?.returnedWh) - want.returned_wh), `${topic} returnedWh`).toBeLessThanOrEqual(
    WH_TOLERANCE,
  );
  expect(typeof got?.since).toBe('string');
  expect(got?.devices).toBeGreaterThan(0);
}

const withTotals = loadFixtures().filter(
  (f) => f.expected.companies || f.expected.rooms || f.expected.devices,
);

describe.each(withTotals.map((f) => [f.file, f] as const))(
  'fixture %s through Mosquitto',
  (_file, fixture) => {
    it('publishes the expected room, office, company and device totals', async () => {
      const { published } = await replayThroughBroker(fixture);
      const e = fixture.expected;
      for (const [path, want] of Object.entries(e.rooms ?? {})) expectPublished(published, path, want);
      for (const [path, want] of Object.entries(e.offices ?? {})) expectPublished(published, path, want);
      for (const [name, want] of Object.entries(e.companies ?? {})) expectPublished(published, name, want);
      const placeOf = (id: string): string | undefined =>
        fixture.assignments?.[id] ?? fixture.devices?.find((d) => d.id === id)?.prefix;
      for (const [id, want] of Object.entries(e.devices ?? {})) {
        const path = placeOf(id);
        expect(path, `where is ${id}`).toBeDefined();
        expectPublished(published, path as string, want);
      }
      // Unplaced devices are reported, never added to a company.
      // Aggregates end in /energy; the aggregator lease (kilowatch/_lease/aggregator) is not one.
      const companies = [...published.keys()].filter(
        (t) => t.split('/').length === 3 && t.endsWith('/energy'),
      );
      expect(companies.sort()).toEqual(
        Object.keys(e.companies ?? {})
          .map((c) => `kilowatch/${c}/energy`)
          .sort(),
      );
    });
  },
);
