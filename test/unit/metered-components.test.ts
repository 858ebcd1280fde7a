/**
 * Issue #13, item 1: every metered component counts. Any Gen2+ component whose status carries
 * `aenergy` is a channel through one decoder path (lights included); energy a component reports
 * in a form we cannot read is rejected with an alert naming device and component; Gen1 lights and
 * bulbs count their watt-minute `energy` topics like relays.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/shared/contract';
import { decodeShelly } from '../../src/main/core/shelly/decode';
import { testCore } from '../support/core';
import { tempDir } from '../support/temp-dir';

const T0 = Date.parse('2025-11-02T12:14:00Z') / 1000;
const ctx = { arrivalS: T0 + 30, isRetained: false };
const bytes = (s: string) => Buffer.from(s, 'utf8');
const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function notify(src: string, prefix: string, tsS: number, components: Record<string, unknown>): string {
  return JSON.stringify({
    src,
    dst: `${prefix}/events`,
    method: 'NotifyStatus',
    params: { ts: tsS, ...components },
  });
}

const aenergy = (total: number, minuteS: number) => ({ by_minute: [0, 0, 0], minute_ts: minuteS, total });

describe('Gen2+ components with aenergy', () => {
  it.each(['light:0', 'rgb:0', 'rgbw:1', 'cct:0', 'switch:2', 'pm1:0', 'cover:0', 'futurelamp:3'])(
    '%s is a metered channel with its power and output',
    (component) => {
      const payload = JSON.stringify({ id: 0, output: true, apower: 7.5, aenergy: aenergy(200.589, T0) });
      const out = decodeShelly(`Site/Office/Room/Lamp/status/${component}`, bytes(payload), ctx);
      if (out.kind !== 'device') throw new Error(`decoded as ${out.kind}`);
      expect(out.facts).toEqual([
        {
          type: 'counter',
          component,
          direction: 'import',
          units: 200_589 * 60,
          order: { primaryS: T0, secondaryS: T0 + 30 },
          isGen1: false,
          isDeviceTimed: true,
          isPhase: false,
          isGross: true,
          isMinuteStart: true,
        },
        { type: 'power', component, powerW: 7.5 },
        { type: 'output', component, isOn: true },
      ]);
    },
  );

  it('reads ret_aenergy of a light as its returned counter', () => {
    const payload = notify('shellyduobulbg3-aabbccddeeff', 'p/q', T0 + 0.2, {
      'cct:0': { id: 0, aenergy: aenergy(10, T0), ret_aenergy: aenergy(1.5, T0) },
    });
    const out = decodeShelly('p/q/events/rpc', bytes(payload), ctx);
    if (out.kind !== 'device') throw new Error(`decoded as ${out.kind}`);
    expect(
      out.facts.map((f) => (f.type === 'counter' ? [f.component, f.direction, f.units] : f.type)),
    ).toEqual([
      ['cct:0', 'import', 600_000],
      ['cct:0', 'return', 90_000],
    ]);
  });

  it.each([
    [
      'aenergy without its total',
      { 'light:0': { id: 0, aenergy: { by_minute: [1, 2, 3], minute_ts: T0 } } },
      ['aenergy'],
    ],
    ['aenergy that is not an object', { 'rgbw:0': { id: 0, aenergy: 12.5 } }, ['aenergy']],
    [
      'energy fields of an unknown component',
      { 'heatpump:0': { id: 0, total_act_energy: 123.4, total_act_power: 900 } },
      ['total_act_energy'],
    ],
    [
      'an unknown total_act counter',
      { 'meter2:1': { id: 1, total_act: 5, total_act_ret: 1 } },
      ['total_act', 'total_act_ret'],
    ],
  ])('says it cannot read %s', (_what, components, fields) => {
    const out = decodeShelly(
      'p/q/events/rpc',
      bytes(notify('shellyx-aabbccddeeff', 'p/q', T0 + 0.2, components)),
      ctx,
    );
    if (out.kind !== 'device') throw new Error(`decoded as ${out.kind}`);
    const component = Object.keys(components)[0];
    expect(out.facts.filter((f) => f.type === 'energy-unreadable')).toEqual([
      { type: 'energy-unreadable', component, fields },
    ]);
    expect(out.facts.some((f) => f.type === 'counter')).toBe(false);
  });

  it('says nothing about components that carry no energy (real Pro 1CB, Wall Display, Pro 3EM)', () => {
    const status = {
      'cb:0': { id: 0, output: true, safety: false, source: 'init', total_cycles: 14 },
      'voltmeter:0': { id: 0, voltage: 222.33 },
      'illuminance:0': { id: 0, lux: 120, illumination: 'twilight' },
      'devicepower:0': { id: 0, external: { present: true } },
      'em:0': { id: 0, total_act_power: 2413.825, a_act_power: 2166.2 },
      'switch:0': { id: 0, output: true, source: 'RPC Set' },
      'input:0': { id: 0, state: false },
    };
    const out = decodeShelly(
      'p/q/events/rpc',
      bytes(notify('shellypro1cb-aabbccddeeff', 'p/q', T0 + 0.2, status)),
      ctx,
    );
    if (out.kind !== 'device') throw new Error(`decoded as ${out.kind}`);
    expect(out.facts.filter((f) => f.type === 'energy-unreadable' || f.type === 'counter')).toEqual([]);
  });
});

describe('an unreadable energy field reaching the console', () => {
  it('is rejected in stats and said once, naming the device and the component', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
    const alerts: Alert[] = [];
    t.core.on((m) => {
      if (m.event === 'alert') alerts.push(m.payload as Alert);
    });
    const prefix = 'Coreflux/Porto/Lab/Heater';
    const bad = { 'heatpump:0': { id: 0, heat_energy: 5 } };
    t.setTime((T0 + 1) * 1000);
    t.feed(`${prefix}/events/rpc`, notify('shellyheat-aabbccddeeff', prefix, T0 + 0.5, bad));
    t.setTime((T0 + 61) * 1000);
    t.feed(`${prefix}/events/rpc`, notify('shellyheat-aabbccddeeff', prefix, T0 + 60.5, bad));
    const said = alerts.filter(
      (a) => a.detail && (a.detail as { reason?: string }).reason === 'unreadable-energy',
    );
    expect(said).toHaveLength(1);
    expect(said[0]?.message).toBe(
      'shellyheat-aabbccddeeff reports energy on heatpump:0 (heat_energy) in a form Kilowatch cannot read; it is not counted.',
    );
    expect(said[0]?.node).toBe(`device:${prefix}`);
    const stats = await t.core.handlers['stats.get']({});
    if (!stats.ok) throw new Error(stats.error.message);
    expect(stats.value.rejected['unreadable-energy']).toBe(2);
    await t.close();
  });
});

describe('Gen1 lights and bulbs', () => {
  const feedAll = async (steps: Array<[string, string]>) => {
    const dir = tempDir();
    dirs.push(dir);
    const t = testCore(`${dir.path}/kw.db`, new Date(T0 * 1000).toISOString());
    steps.forEach(([topic, payload], i) => {
      t.setTime((T0 + i * 30) * 1000);
      t.feed(topic, payload);
    });
    return t;
  };

  it.each([
    ['Duo / Bulb / Vintage / Dimmer', 'shellybulbduo-a1b2c3', 'light'],
    ['RGBW2 in colour mode', 'shellyrgbw2-a1b2c3', 'color'],
    ['RGBW2 in white mode', 'shellyrgbw2-a1b2c3', 'white'],
    ['2.5 in roller mode', 'shellyswitch25-a1b2c3', 'roller'],
  ])('%s: %s/<n>/energy counts watt-minutes, power and state are read', async (_what, id, kind) => {
    const base = `shellies/${id}/${kind}/1`;
    const t = await feedAll([
      [base, kind === 'roller' ? 'stop' : 'on'],
      [`${base}/power`, '8.50'],
      [`${base}/energy`, '1200'],
      [`${base}/energy`, '1290'],
      [`${base}/set`, '{"turn":"off"}'],
      [`${base}/energy`, '1350'],
    ]);
    // (1350 − 1200) watt-minutes / 60 = 2.5 Wh
    expect(await t.totalWh(`channel:shellies/${id}|${kind}:1`)).toBe(2.5);
    const device = t.core.registry.byId(id);
    expect(device?.powerW.get(`${kind}:1`)).toBe(8.5);
    // A roller's state is open/close/stop, not on/off; the others say on.
    expect(device?.outputs.get(`${kind}:1`)).toBe(kind === 'roller' ? undefined : true);
    await t.close();
  });
});
