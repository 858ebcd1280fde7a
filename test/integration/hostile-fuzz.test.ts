/**
 * Hostile input through a real broker (PROTOCOL.md §8): one real Plus 1PM publishes good readings
 * while more than 10 000 fuzzed messages arrive on its own topics and elsewhere — random bytes,
 * invalid UTF-8, 10 000-deep JSON, 200 KiB frames, wrong types, non-finite and absurd counters,
 * bad component ids, `__proto__` keys, odd and over-long topics, frames that are arrays or
 * numbers. The console must keep running, count exactly the good device's rises, place nothing
 * from the fuzz, and say why it rejected what it rejected.
 *
 * Deterministic: every message comes from fast-check with a fixed seed (override with
 * KW_FUZZ_SEED=<n> to explore; the seed is printed on failure).
 */
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeTotals, SiteNode } from '../../src/shared/contract';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole } from '../../src/main/core/open-console';
import type { Store } from '../../src/main/core/store/store';
import { catalogue, elsewhere, hugeFrame, ownPrefixJunk, type HostileMessage } from '../support/gen-hostile';
import { notifyStatus } from '../support/gen-plus1pm';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { tempDir } from '../support/temp-dir';

const SEED = Number(process.env.KW_FUZZ_SEED ?? 20_250_310);
const PREFIX = 'Lab/Porto/Bench/Meter1';
const SRC = 'shellyplus1pm-a8032ab1f00d';
const GOOD_READINGS = 30;
const OWN_PREFIX_JUNK = 4_000;
const ELSEWHERE = 8_000;
const HUGE = 30;
const MAX_IN_FLIGHT = 1_000;

/** The good device's rises, mWh: irregular but known. Reading 0 is the baseline. */
const RISES_MWH = Array.from(
  { length: GOOD_READINGS - 1 },
  (_, i) => ((i * 7919) % 25_000) + (i % 3 === 0 ? 0 : 1),
);
const START_MWH = 123_456_789;
const EXPECTED_WH = RISES_MWH.reduce((a, b) => a + b, 0) / 1000;

let mosq: Mosquitto | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
let core: KilowatchConsole | undefined;
let store: Store | undefined;
let publisher: MqttClient | undefined;
let published = 0;
let publisherFailure: Error | null = null;

function goodReadings(): HostileMessage[] {
  // Minute keys in the recent past, so the device clock is trusted (≤ 300 s ahead of arrival).
  const firstMinute = Math.floor(Date.now() / 60_000) * 60 - 60 * (GOOD_READINGS + 5);
  let total = START_MWH;
  return Array.from({ length: GOOD_READINGS }, (_, i) => {
    if (i > 0) total += RISES_MWH[i - 1] as number;
    const minuteTsS = firstMinute + 60 * i;
    return {
      topic: `${PREFIX}/events/rpc`,
      payload: Buffer.from(notifyStatus(SRC, PREFIX, { tsS: minuteTsS + 0.37, minuteTsS, totalMWh: total })),
    };
  });
}

async function publishAll(messages: HostileMessage[]): Promise<void> {
  const client = publisher as MqttClient;
  for (let i = 0; i < messages.length; i += MAX_IN_FLIGHT) {
    if (publisherFailure) throw publisherFailure;
    const chunk = messages.slice(i, i + MAX_IN_FLIGHT);
    await Promise.all(chunk.map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })));
    published += chunk.length;
  }
}

async function stats() {
  const r = await (core as KilowatchConsole).handlers['stats.get']({});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Polls until `received` has reached what was published and stopped moving. */
async function drained(timeoutMs = 45_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const { received } = await stats();
    if (received !== last) {
      last = received;
      stableSince = Date.now();
    } else if (received >= published && Date.now() - stableSince >= 600) {
      return received;
    }
    if (Date.now() > deadline) throw new Error(`not drained: received ${received} of ${published} published`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe(`hostile traffic through Mosquitto (seed ${SEED})`, () => {
  let catalogueReasons: string[] = [];

  beforeAll(async () => {
    mosq = await startMosquitto();
    dir = tempDir('kw-fuzz-');
    const opened = openConsole({
      dbPath: `${dir.path}/kw.db`,
      outPrefix: 'kilowatch',
      publishIntervalS: 3600,
    });
    if (!opened.ok) throw new Error(opened.error.message);
    ({ console: core, store } = opened.value);
    const failure = await core.connect({
      name: 't',
      url: mosq.url,
      protocolVersion: 4,
      keepaliveS: 30,
      subscribe: ['#'],
    });
    if (failure) throw new Error(failure.message);
    publisher = await mqtt.connectAsync(mosq.url, {
      clientId: `kw-fuzz-pub-${process.pid}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
    });
    // A broker that drops the publisher (a topic it refuses) would make the test meaningless.
    publisher.on(
      'close',
      () => (publisherFailure ??= new Error('the broker closed the publisher connection')),
    );
    publisher.on('error', (e) => (publisherFailure ??= e));

    const good = goodReadings();
    const cat = catalogue(PREFIX, SRC);
    catalogueReasons = [...new Set(cat.map(([, reason]) => reason))];
    const fuzz: HostileMessage[] = [
      ...cat.map(([m]) => m),
      ...fc.sample(ownPrefixJunk(PREFIX, SRC), { seed: SEED, numRuns: OWN_PREFIX_JUNK }),
      ...fc.sample(elsewhere(), { seed: SEED + 1, numRuns: ELSEWHERE }),
      ...fc.sample(hugeFrame(PREFIX, SRC), { seed: SEED + 2, numRuns: HUGE }),
    ];
    // Shuffle the fuzz deterministically, then put good readings at even intervals through it;
    // the last good reading goes after all the fuzz, so the console is shown to still count.
    const order = fc.sample(fc.integer(), { seed: SEED + 3, numRuns: fuzz.length });
    const shuffled = fuzz
      .map((m, i) => [order[i] as number, m] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, m]) => m);
    const stream: HostileMessage[] = [];
    const every = Math.floor(shuffled.length / (GOOD_READINGS - 1));
    let sent = 0;
    shuffled.forEach((m, i) => {
      if (i % every === 0 && sent < GOOD_READINGS - 1) stream.push(good[sent++] as HostileMessage);
      stream.push(m);
    });
    stream.push(...good.slice(sent));
    expect(stream.filter((m) => good.includes(m))).toEqual(good);
    expect(stream.length - good.length).toBeGreaterThanOrEqual(10_000);
    await publishAll(stream);
    await drained();
  }, 120_000);

  afterAll(async () => {
    await publisher?.endAsync().catch(() => undefined);
    await core?.close();
    store?.close();
    await mosq?.stop();
    dir?.remove();
  });

  it('keeps running and answering after the whole stream', async () => {
    expect(publisherFailure).toBeNull();
    const s = await stats();
    expect(s.received).toBeGreaterThanOrEqual(published);
    expect(core?.connectionState.status).toBe('connected');
    expect(core?.health().db).toBe('ok');
    expect(core?.writer.flush()).toBe(true);
    const tree = await (core as KilowatchConsole).handlers['site.tree']({});
    expect(tree.ok).toBe(true);
  });

  it('counts exactly the good device’s rises, on the device, its channel and every place above it', async () => {
    const tree = await (core as KilowatchConsole).handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    const totals = new Map<string, NodeTotals>(tree.value.totals.map((t) => [t.id, t]));
    for (const id of [
      `channel:${PREFIX}|switch:0`,
      `device:${PREFIX}`,
      'room:Lab/Porto/Bench',
      'office:Lab/Porto',
      'company:Lab',
    ]) {
      expect(totals.get(id)?.energyWh, id).toBe(EXPECTED_WH);
      expect(totals.get(id)?.returnedWh, id).toBe(0);
    }
  });

  it('places nothing from the fuzz: Lab is the only company, with only the good device and its one counter', async () => {
    const tree = await (core as KilowatchConsole).handlers['site.tree']({});
    if (!tree.ok) throw new Error(tree.error.message);
    const companies = tree.value.nodes.filter((n) => n.kind === 'company');
    const shape = (n: SiteNode): unknown => ({
      id: n.id,
      children: n.kind === 'device' ? [] : n.children.map(shape),
    });
    expect(companies.map(shape)).toEqual([
      {
        id: 'company:Lab',
        children: [
          {
            id: 'office:Lab/Porto',
            children: [{ id: 'room:Lab/Porto/Bench', children: [{ id: `device:${PREFIX}`, children: [] }] }],
          },
        ],
      },
    ]);
    // Invalid counters never create a counter: the device has exactly the channel the good readings made.
    // (Relay states from fuzzed status topics may show as channels in the tree, with no energy.)
    expect([...(core?.registry.devices.get(PREFIX)?.channels.keys() ?? [])]).toEqual(['switch:0']);
    const placed = tree.value.totals.filter(
      (t) => /^(room|office|company|channel|device):/.test(t.id) && t.energyWh !== 0,
    );
    const inLab = placed.filter(
      (t) => t.id.includes('Lab/Porto/Bench') || t.id === 'company:Lab' || t.id === 'office:Lab/Porto',
    );
    expect(inLab.map((t) => t.id).sort()).toEqual([
      'channel:Lab/Porto/Bench/Meter1|switch:0',
      'company:Lab',
      'device:Lab/Porto/Bench/Meter1',
      'office:Lab/Porto',
      'room:Lab/Porto/Bench',
    ]);
    const placedElsewhere = placed.filter((t) => /^(room|office|company):/.test(t.id) && !inLab.includes(t));
    expect(placedElsewhere).toEqual([]);
  });

  it('counts rejections by reason, for every kind of hostile input sent', async () => {
    const { rejected } = await stats();
    for (const reason of [
      ...catalogueReasons,
      'invalid-json',
      'invalid-utf8',
      'wrong-type',
      'too-deep',
      'non-finite',
      'out-of-range',
      'negative',
      'not-an-object',
      'bad-component-id',
      'bad-frame',
      'topic-dot-segment',
      'topic-too-long',
      'topic-empty-segment',
      'payload-too-large',
      'not-a-number',
    ]) {
      expect(rejected[reason] ?? 0, `rejected["${reason}"] in ${JSON.stringify(rejected)}`).toBeGreaterThan(
        0,
      );
    }
    // The random part of the fuzz, not only the catalogue, is rejected in bulk.
    const total = Object.values(rejected).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(5_000);
  });
});
