/**
 * Topic shapes the fixtures do not cover, decoded as real devices publish them.
 */
import { describe, expect, it } from 'vitest';
import { decodeShelly } from '../../src/main/core/shelly/decode';

const ctx = { arrivalS: 1741593660, isRetained: false };
const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('decodeShelly', () => {
  it('reads the whole device status a device publishes on <prefix>/status after status_update', () => {
    const payload = JSON.stringify({
      sys: { uptime: 1234 },
      'switch:0': { id: 0, output: true, apower: 12.5, aenergy: { total: 10.5, minute_ts: 1741593600 } },
    });
    const out = decodeShelly('Aurora/Lisbon/Reception/Light1/status', bytes(payload), ctx);
    expect(out.kind).toBe('device');
    if (out.kind !== 'device') return;
    expect(out.device.key).toBe('Aurora/Lisbon/Reception/Light1');
    expect(out.facts).toEqual(
      expect.arrayContaining([
        { type: 'uptime', uptimeS: 1234 },
        { type: 'power', component: 'switch:0', powerW: 12.5 },
        { type: 'output', component: 'switch:0', isOn: true },
        expect.objectContaining({
          type: 'counter',
          component: 'switch:0',
          units: 630_000,
          isDeviceTimed: true,
        }),
      ]),
    );
  });

  it('treats a Gen2 prefix that begins with shellies/ as Gen2 when its suffix says so', () => {
    const out = decodeShelly(
      'shellies/custom/events/rpc',
      bytes('{"src":"shellyplus1pm-a8032ab1c2d3","method":"NotifyStatus","params":{"ts":1741593660.1}}'),
      ctx,
    );
    expect(out).toMatchObject({
      kind: 'device',
      device: { key: 'shellies/custom', generation: 2, id: 'shellyplus1pm-a8032ab1c2d3' },
    });
  });

  it('reads a Gen1 custom mqtt_id that contains a slash, matching the suffix from the right', () => {
    const out = decodeShelly('shellies/shellies/shellyem3/emeter/0/total', bytes('3003.4'), ctx);
    expect(out).toMatchObject({
      kind: 'device',
      device: { key: 'shellies/shellies/shellyem3', generation: 1 },
    });
  });

  it('rejects a payload over 256 KiB and JSON nested deeper than 32 levels', () => {
    expect(decodeShelly('a/b/c/d/events/rpc', Buffer.alloc(300 * 1024, 0x20), ctx)).toEqual({
      kind: 'rejected',
      reason: 'payload-too-large',
    });
    expect(decodeShelly('a/b/c/d/events/rpc', bytes('['.repeat(40) + ']'.repeat(40)), ctx)).toEqual({
      kind: 'rejected',
      reason: 'too-deep',
    });
  });

  it('reads a Gen2 device info on shellies/announce as news about a known device, not a Gen1 device', () => {
    const info =
      '{"name":null,"id":"shellyplus1pm-a8032ab1c2d3","mac":"A8032AB1C2D3","slot":0,"model":"SNSW-001P16EU","gen":2,"fw_id":"20241011-114455/1.4.4-g6d2a586","ver":"1.4.4","app":"Plus1PM","auth_en":false,"auth_domain":null}';
    expect(decodeShelly('shellies/announce', bytes(info), ctx)).toMatchObject({
      kind: 'device',
      device: { generation: 2, id: 'shellyplus1pm-a8032ab1c2d3', isKnownByIdOnly: true },
    });
    const gen1 =
      '{"id":"shelly1pm-C45BBE6A1F2D","model":"SHSW-PM","mac":"C45BBE6A1F2D","ip":"10.30.4.51","new_fw":false,"fw_ver":"v1.14.0"}';
    expect(decodeShelly('shellies/announce', bytes(gen1), ctx)).toMatchObject({
      kind: 'device',
      device: { key: 'shellies/shelly1pm-C45BBE6A1F2D', generation: 1 },
    });
  });
});

describe('RPC replies asked for on connect', () => {
  it('reads Shelly.GetDeviceInfo as identity and Shelly.GetStatus as component status', () => {
    const info = JSON.stringify({
      id: 7,
      src: 'shellyplus1pm-a8032ab1c2d3',
      dst: 'kilowatch-abc',
      result: {
        name: 'Lamp',
        id: 'shellyplus1pm-a8032ab1c2d3',
        model: 'SNSW-001P16EU',
        gen: 2,
        ver: '1.4.4',
      },
    });
    expect(decodeShelly('kilowatch-abc/rpc', bytes(info), ctx)).toMatchObject({
      kind: 'device',
      device: { id: 'shellyplus1pm-a8032ab1c2d3', isKnownByIdOnly: true },
      facts: expect.arrayContaining([
        {
          type: 'identity',
          id: 'shellyplus1pm-a8032ab1c2d3',
          generation: 2,
          model: 'SNSW-001P16EU',
          name: 'Lamp',
          firmware: '1.4.4',
        },
      ]),
    });
    const status = JSON.stringify({
      id: 8,
      src: 'shellyplus1pm-a8032ab1c2d3',
      dst: 'kilowatch-abc',
      result: {
        sys: { uptime: 99 },
        'switch:0': { id: 0, output: false, aenergy: { total: 2, minute_ts: 1741593600 } },
      },
    });
    const out = decodeShelly('kilowatch-abc/rpc', bytes(status), ctx);
    expect(out.kind === 'device' && out.facts.map((f) => f.type)).toEqual([
      'rpc-reply',
      'uptime',
      'counter',
      'output',
    ]);
  });
});
