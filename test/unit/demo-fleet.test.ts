/**
 * The demo fleet seen from the outside, as the console sees it: a plain MQTT client on the embedded
 * broker. What it must prove is that demo traffic is real Shelly traffic — enough devices in the
 * unified namespace, well-formed frames, counters that only fall after a reboot, and relays that
 * obey Switch.Set — so that everything the console shows in demo mode is something a site can show.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoHandle } from '../../src/main/demo';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/main/demo/embedded-broker';
import { startDemoFleet, type DemoFleet } from '../../src/main/demo/fleet';
import { buildFleetPlan } from '../../src/main/demo/site-plan';

/** PROTOCOL.md §7: the segment names Kilowatch places in the hierarchy. */
const SEGMENT = /^[\p{L}\p{N}][\p{L}\p{M}\p{N} _.'&()-]{0,63}$/u;
const GEN2_ID = /^shelly[a-z0-9]+-[0-9a-f]{12}$/;
const GEN1_ID = /^shelly[a-z0-9-]+-[0-9A-F]{12}$/;
const DEVICE_SUFFIX = /^(.+)\/(?:events\/rpc|online|announce|status(?:\/[^/]+)?)$/;

interface Received {
  topic: string;
  text: string;
  isRetained: boolean;
}

type Frame = { src?: unknown; dst?: unknown; method?: unknown; params?: Record<string, unknown> };

/** Records everything a client receives, in order. */
async function listen(url: string, filter = '#'): Promise<{ client: MqttClient; messages: Received[] }> {
  const client = await connectAsync(
    url,
    { clientId: `demo-test-${Math.random().toString(16).slice(2)}` },
    false,
  );
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) =>
    messages.push({ topic, text: payload.toString('utf8'), isRetained: packet.retain }),
  );
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, messages };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 4000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

function frameOf(m: Received): Frame {
  return JSON.parse(m.text) as Frame;
}

/** The device prefix a message belongs to, or undefined for fleet-wide topics and RPC replies. */
function devicePrefix(topic: string): string | undefined {
  if (topic.startsWith('shellies/')) {
    const [, id] = topic.split('/');
    return id === undefined || id === 'announce' || id === 'command' ? undefined : `shellies/${id}`;
  }
  return DEVICE_SUFFIX.exec(topic)?.[1];
}

/**
 * Every cumulative counter in a Gen2+ notification, keyed `component.field` (PROTOCOL.md §5.1):
 * aenergy/ret_aenergy totals of switch/pm1, and the emdata/em1data import/export totals.
 */
function counterReadings(params: Record<string, unknown>): Map<string, number> {
  const readings = new Map<string, number>();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'object' || value === null) continue;
    const status = value as Record<string, unknown>;
    if (/^(switch|pm1):\d+$/.test(key)) {
      for (const field of ['aenergy', 'ret_aenergy']) {
        const total = (status[field] as { total?: unknown } | undefined)?.total;
        if (typeof total === 'number') readings.set(`${key}.${field}`, total);
      }
    } else if (/^(emdata|em1data):\d+$/.test(key)) {
      for (const [field, v] of Object.entries(status)) {
        if (field.includes('total_act') && typeof v === 'number') readings.set(`${key}.${field}`, v);
      }
    }
  }
  return readings;
}

/** Gen1 counters are bare text on their own topics. */
function gen1Counter(topic: string): string | undefined {
  return /\/(relay\/\d+\/energy|emeter\/\d+\/total(?:_returned)?)$/.exec(topic)?.[1];
}

describe('the demo fleet on its embedded broker', () => {
  let demo: DemoHandle;
  let observer: { client: MqttClient; messages: Received[] };

  beforeAll(async () => {
    demo = await startDemo({ seed: 7, tickMs: 200 });
    observer = await listen(demo.url);
    await sleep(2000);
  });

  afterAll(async () => {
    await observer?.client.endAsync();
    await demo?.stop();
  });

  it('publishes for at least 60 distinct devices, Gen1 ones outside the namespace', () => {
    const prefixes = new Set(
      observer.messages.map((m) => devicePrefix(m.topic)).filter((p) => p !== undefined),
    );
    expect(prefixes.size).toBeGreaterThanOrEqual(60);
    const gen1 = [...prefixes].filter((p) => p.startsWith('shellies/'));
    expect(gen1.length).toBeGreaterThanOrEqual(2);
    for (const p of gen1) expect(p.slice('shellies/'.length)).toMatch(GEN1_ID);
  });

  it('places devices in at least 3 offices and 12 rooms of valid Company/Office/Room/Device names', () => {
    const placed = new Set(
      observer.messages
        .map((m) => devicePrefix(m.topic))
        .filter((p): p is string => p !== undefined && !p.startsWith('shellies/')),
    );
    const offices = new Set<string>();
    const rooms = new Set<string>();
    for (const prefix of placed) {
      const segments = prefix.split('/');
      expect(segments).toHaveLength(4);
      for (const s of segments) expect(s).toMatch(SEGMENT);
      offices.add(segments.slice(0, 2).join('/'));
      rooms.add(segments.slice(0, 3).join('/'));
    }
    expect(offices.size).toBeGreaterThanOrEqual(3);
    expect(rooms.size).toBeGreaterThanOrEqual(12);
  });

  it('sends only well-formed JSON-RPC notifications on events/rpc', () => {
    const notifications = observer.messages.filter((m) => m.topic.endsWith('/events/rpc'));
    expect(notifications.length).toBeGreaterThan(200);
    for (const m of notifications) {
      const frame = frameOf(m);
      expect(frame.src, m.topic).toMatch(GEN2_ID);
      expect(frame.dst).toBe(m.topic.replace(/\/rpc$/, ''));
      expect(['NotifyStatus', 'NotifyFullStatus', 'NotifyEvent']).toContain(frame.method);
      expect(typeof frame.params?.ts).toBe('number');
    }
  });

  it("prints counters with Shelly's fixed decimals", () => {
    let checked = 0;
    for (const m of observer.messages) {
      if (m.topic.endsWith('/events/rpc')) {
        for (const [, v] of m.text.matchAll(/"total":([^,}\]]+)/g)) expect(v).toMatch(/^\d+\.\d{3}$/);
        for (const [, v] of m.text.matchAll(/"(?:[abc]_)?total_act(?:_ret)?(?:_energy)?":([^,}\]]+)/g)) {
          expect(v).toMatch(/^\d+\.\d{2}$/);
        }
        checked += 1;
      } else if (/\/relay\/\d+\/energy$/.test(m.topic)) {
        expect(m.text).toMatch(/^\d+$/); // watt-minutes, integer
        checked += 1;
      } else if (/\/emeter\/\d+\/total(?:_returned)?$/.test(m.topic)) {
        expect(m.text).toMatch(/^\d+\.\d$/);
        checked += 1;
      } else if (/\/(relay|emeter)\/\d+\/power$/.test(m.topic)) {
        expect(m.text).toMatch(/^-?\d+\.\d{2}$/);
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('never lets a counter go down unless the device rebooted in between, and counters do rise', () => {
    const last = new Map<string, number>();
    const decreases: string[] = [];
    let rises = 0;
    const see = (key: string, value: number) => {
      const before = last.get(key);
      if (before !== undefined && value < before) decreases.push(`${key}: ${before} → ${value}`);
      if (before !== undefined && value > before) rises += 1;
      last.set(key, value);
    };
    const forget = (prefix: string) => {
      for (const key of last.keys()) if (key.startsWith(`${prefix}|`)) last.delete(key);
    };
    for (const m of observer.messages) {
      const prefix = devicePrefix(m.topic);
      if (prefix === undefined) continue;
      if (m.topic === `${prefix}/online` && m.text === 'false') forget(prefix);
      const counter = gen1Counter(m.topic);
      if (counter) see(`${prefix}|${counter}`, Number(m.text));
      if (!m.topic.endsWith('/events/rpc')) continue;
      const frame = frameOf(m);
      if (frame.method === 'NotifyEvent' && m.text.includes('"scheduled_restart"')) forget(prefix);
      if (frame.method !== 'NotifyStatus' && frame.method !== 'NotifyFullStatus') continue;
      for (const [key, value] of counterReadings(frame.params ?? {})) see(`${prefix}|${key}`, value);
    }
    expect(decreases).toEqual([]);
    expect(rises).toBeGreaterThan(100);
  });

  it('answers Switch.Set with a reply on <src>/rpc, then notifies the new output and draws 0 W', async () => {
    // A metered switch that is on right now: its latest notification shows power.
    const lit = [...observer.messages]
      .reverse()
      .filter((m) => m.topic.endsWith('/events/rpc'))
      .map((m) => ({ prefix: m.topic.replace(/\/events\/rpc$/, ''), frame: frameOf(m) }))
      .find(({ frame }) => {
        const sw = frame.params?.['switch:0'] as { apower?: unknown; aenergy?: unknown } | undefined;
        return typeof sw?.apower === 'number' && sw.apower > 0 && sw.aenergy !== undefined;
      });
    if (!lit) throw new Error('no metered switch is on');
    const { prefix, frame } = lit;
    const me = 'kilowatch-demo-test';
    const from = observer.messages.length;
    await observer.client.publishAsync(
      `${prefix}/rpc`,
      JSON.stringify({ id: 4711, src: me, method: 'Switch.Set', params: { id: 0, on: false } }),
      { qos: 1 },
    );
    const since = () => observer.messages.slice(from);

    const reply = await waitFor(() => since().find((m) => m.topic === `${me}/rpc`), 'the RPC reply');
    expect(JSON.parse(reply.text)).toEqual({ id: 4711, src: frame.src, dst: me, result: { was_on: true } });

    const switchOf = (m: Received) =>
      m.topic === `${prefix}/events/rpc`
        ? (frameOf(m).params?.['switch:0'] as Record<string, unknown> | undefined)
        : undefined;
    const off = await waitFor(
      () => since().find((m) => switchOf(m)?.output === false),
      'the NotifyStatus with output false',
    );
    const status = await waitFor(
      () => since().find((m) => m.topic === `${prefix}/status/switch:0`),
      'status/switch:0',
    );
    expect(JSON.parse(status.text)).toMatchObject({ id: 0, output: false, apower: 0 });
    // A tick may have crossed our request on the wire; what counts is what follows the switch-off.
    const afterOff = () => observer.messages.slice(observer.messages.indexOf(off) + 1);
    const nextTick = await waitFor(
      () => afterOff().find((m) => switchOf(m)?.aenergy !== undefined),
      'the next energy notification',
    );
    expect(switchOf(nextTick)?.apower).toBe(0);

    // And the plain-text control topic switches it back.
    await observer.client.publishAsync(`${prefix}/command/switch:0`, 'on', { qos: 1 });
    await waitFor(
      () => since().find((m) => switchOf(m)?.output === true),
      'the NotifyStatus with output true',
    );
  });

  it("keeps every Gen2 device's online=true retained for consumers that connect later", async () => {
    const late = await listen(demo.url, 'Aurora/+/+/+/online');
    try {
      await waitFor(() => (late.messages.length >= 60 ? true : undefined), '60 retained online messages');
      for (const m of late.messages) {
        expect(m.isRetained).toBe(true);
        expect(m.text).toBe('true');
      }
    } finally {
      await late.client.endAsync();
    }
  });
});

describe('the demo fleet plan', () => {
  it('derives the same device ids from the same seed, and other ids from another seed', () => {
    const ids = (seed: number) => buildFleetPlan(seed).map((d) => d.id);
    expect(ids(42)).toEqual(ids(42));
    expect(ids(43)).not.toEqual(ids(42));
    for (const d of buildFleetPlan(42)) {
      expect(d.id).toMatch(d.family.startsWith('gen1') ? GEN1_ID : GEN2_ID);
      expect(d.id.endsWith(d.mac.toLowerCase()) || d.id.endsWith(d.mac)).toBe(true);
    }
    expect(new Set(ids(42)).size).toBe(ids(42).length);
  });
});

describe('reboots in the demo fleet', () => {
  let broker: EmbeddedBroker;
  let fleet: DemoFleet;
  let observer: { client: MqttClient; messages: Received[] };

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
    // Subscribe first so the connect-time full statuses (the "before" values) are seen.
    observer = await listen(broker.url);
    fleet = await startDemoFleet({ url: broker.url, seed: 7, tickMs: 100, rebootEveryMs: 0 });
    const gen2 = fleet.devices.filter((d) => !d.prefix.startsWith('shellies/'));
    await waitFor(
      () =>
        gen2.every((d) =>
          observer.messages.some(
            (m) => m.topic === `${d.prefix}/events/rpc` && frameOf(m).method === 'NotifyFullStatus',
          ),
        ) || undefined,
      `a connect-time full status from each of ${gen2.length} Gen2 devices`,
    );
  });

  afterAll(async () => {
    await fleet?.stop();
    await observer?.client.endAsync();
    await broker?.stop();
  });

  /** The last full status of a device, as `{uptime, counters}`. */
  const lastFullStatus = (prefix: string, messages: Received[]) => {
    const m = [...messages]
      .reverse()
      .find((x) => x.topic === `${prefix}/events/rpc` && frameOf(x).method === 'NotifyFullStatus');
    if (!m) throw new Error(`no NotifyFullStatus from ${prefix}`);
    const params = frameOf(m).params ?? {};
    return { uptime: (params.sys as { uptime: number }).uptime, counters: counterReadings(params) };
  };

  it('restarts old-firmware switch counters from zero and keeps the others, EM counters included', async () => {
    const byModel = (model: string, firmware?: string) =>
      fleet.devices.find(
        (d) => d.model === model && (firmware === undefined || d.firmware.startsWith(firmware)),
      );
    const oldPlug = fleet.devices.find(
      (d) => d.firmware.startsWith('0.') && d.components.includes('switch:0'),
    );
    const wanted = [
      oldPlug,
      byModel('SNSW-001P16EU', '1.'),
      byModel('SPEM-003CEBEU'),
      byModel('SPEM-002CEBEU50'),
    ];
    const targets = wanted.filter((t) => t !== undefined);
    expect(targets).toHaveLength(wanted.length);

    const before = new Map(targets.map((t) => [t.prefix, lastFullStatus(t.prefix, observer.messages)]));
    const from = observer.messages.length;
    for (const [i, t] of targets.entries()) {
      await observer.client.publishAsync(
        `${t.prefix}/rpc`,
        JSON.stringify({ id: i, src: 'reboot-test', method: 'Shelly.Reboot', params: { delay_ms: 1000 } }),
        { qos: 1 },
      );
    }
    for (const t of targets) {
      const prefix = t.prefix;
      const own = () => observer.messages.slice(from).filter((m) => m.topic.startsWith(`${prefix}/`));
      await waitFor(
        () => own().find((m) => m.topic.endsWith('/events/rpc') && frameOf(m).method === 'NotifyFullStatus'),
        `${prefix} back with a full status`,
      );
      // The order a console relies on: restart event, will, online again, full status.
      const steps = own()
        .map((m) =>
          m.topic.endsWith('/online')
            ? `online:${m.text}`
            : m.text.includes('scheduled_restart')
              ? 'scheduled_restart'
              : m.text.includes('NotifyFullStatus')
                ? 'full-status'
                : undefined,
        )
        .filter((s) => s !== undefined);
      expect(steps).toEqual(['scheduled_restart', 'online:false', 'online:true', 'full-status']);

      const was = before.get(prefix);
      const now = lastFullStatus(prefix, observer.messages);
      expect(now.uptime).toBeLessThan(was?.uptime ?? 0);
      expect(now.counters.size).toBeGreaterThan(0);
      for (const [key, after] of now.counters) {
        const previous = was?.counters.get(key) ?? Infinity;
        // PROTOCOL.md §5.1: early Plus firmware starts aenergy.total again at 0.000; EM keeps its flash.
        if (t === oldPlug) {
          expect(previous, key).toBeGreaterThan(0);
          expect(after, key).toBe(0);
        } else {
          expect(after, key).toBeGreaterThanOrEqual(previous);
        }
      }
    }
    const replies = observer.messages
      .filter((m) => m.topic === 'reboot-test/rpc')
      .map((m) => JSON.parse(m.text));
    expect(replies).toHaveLength(4);
    for (const r of replies) expect(r.result).toBeNull();
  });

  it('reboots devices on its own, without being asked', async () => {
    // Its own broker: the layout (and so every prefix) is the same whatever the seed.
    const ownBroker = await startEmbeddedBroker();
    const ownObserver = await listen(ownBroker.url, 'Aurora/#');
    const own = await startDemoFleet({ url: ownBroker.url, seed: 99, tickMs: 50, rebootEveryMs: 1 });
    try {
      await waitFor(
        () => ownObserver.messages.find((m) => m.text.includes('"scheduled_restart"')),
        'a spontaneous reboot',
      );
    } finally {
      await own.stop();
      await ownObserver.client.endAsync();
      await ownBroker.stop();
    }
  });
});
