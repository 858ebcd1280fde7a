/**
 * Names people use: model codes read as the product ("Pro 3EM"), channels a device did not name
 * get words ("Relay 2", "Outlet 1", "Phase A", "Meter"), and a Shelly.GetConfig reply is read for
 * the names it gives, cut like every name a device sends.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeShelly } from '../../src/main/core/shelly/decode';
import { MAX_DEVICE_NAME } from '../../src/main/core/shelly/device-name';
import { productName } from '../../src/main/core/shelly/product-names';
import { defaultChannelName } from '../../src/main/core/site/channel-names';
import { MODELS } from '../../src/main/demo/models';

const ctx = { arrivalS: 1762082700, isRetained: false };
const reply = (result: unknown) =>
  decodeShelly(
    'kilowatch-test/rpc',
    Buffer.from(JSON.stringify({ id: 7, src: 'shellypstripg4-aabbccddeeff', dst: 'kilowatch-test', result })),
    ctx,
  );

describe('product names', () => {
  it('reads the model codes of real devices and of the demo as their product names', () => {
    expect(productName('SPEM-003CEBEU')).toBe('Pro 3EM');
    expect(productName('SNSW-102P16EU')).toBe('Plus 2PM');
    expect(productName('S4PL-00416EU')).toBe('Power Strip 4 Gen4');
    expect(productName('S3BL-D010009AEU')).toBe('Duo Bulb Gen3');
    expect(productName('S3SW-002P16EU')).toBe('Shelly 2PM Gen3');
    expect(productName('SHSW-PM')).toBe('Shelly 1PM');
    expect(productName('SHEM-3')).toBe('Shelly 3EM');
    expect(productName('S3EM-002CXCEU')).toBe('Shelly EM Gen3');
    // Every model the demo is made of has its product name.
    const demo = Object.values(MODELS).map((m) => [m.model, productName(m.model)]);
    expect(demo.filter(([, name]) => name === null)).toEqual([]);
  });

  it('knows no name for a code it has never seen, nor for keys every object has', () => {
    expect(productName('XYZ-123')).toBeNull();
    expect(productName('constructor')).toBeNull();
    expect(productName('__proto__')).toBeNull();
    expect(productName(null)).toBeNull();
  });
});

describe('default channel names', () => {
  it.each([
    ['switch:0', 'SNSW-102P16EU', 'Relay 1'],
    ['switch:1', 'SNSW-102P16EU', 'Relay 2'],
    ['switch:3', 'S4PL-00416EU', 'Outlet 4'],
    ['switch:0', 'SNPL-00112EU', 'Outlet 1'],
    ['relay:0', 'SHSW-PM', 'Relay 1'],
    ['cover:0', 'S3SW-002P16EU', 'Cover 1'],
    ['cct:0', 'S3BL-D010009AEU', 'Light 1'],
    ['light:1', null, 'Light 2'],
    ['emdata:0', 'SPEM-003CEBEU', 'Meter'],
    ['emdata:0/a', 'SPEM-003CEBEU', 'Phase A'],
    ['emdata:0/c', 'SPEM-003CEBEU', 'Phase C'],
    ['em1data:1', 'SPEM-002CEBEU50', 'Meter 2'],
    ['emeter:2', 'SHEM-3', 'Phase C'],
    ['emeter:1', 'SHEM', 'Meter 2'],
    ['pm1:0', 'S3PM-001PCEU16', 'Meter 1'],
  ])('%s on %s is "%s"', (component, model, name) => {
    expect(defaultChannelName(component, model)).toBe(name);
  });
});

describe('Shelly.GetConfig replies', () => {
  it('gives the names of the real Power Strip Gen4 configuration, null where it has none', () => {
    const { config } = JSON.parse(
      readFileSync(resolve(__dirname, '../fixtures/shelly/config/power-strip-gen4.json'), 'utf8'),
    ) as { config: unknown };
    const outcome = reply(config);
    expect(outcome.kind).toBe('device');
    if (outcome.kind !== 'device') return;
    expect(outcome.facts.filter((f) => f.type === 'component-names')).toEqual([
      {
        type: 'component-names',
        names: [
          { component: 'switch:0', name: null },
          { component: 'switch:1', name: 'Switch 1 name' },
          { component: 'switch:2', name: null },
          { component: 'switch:3', name: 'Switch 3 name' },
        ],
      },
    ]);
    // A configuration is not a status: nothing in it is read as energy or state.
    expect(outcome.facts.map((f) => f.type)).toEqual(['rpc-reply', 'component-names']);
  });

  it('cuts a name longer than any Shelly allows, and says how long it was', () => {
    const long = 'x'.repeat(10_000);
    const outcome = reply({ sys: { device: { name: 'a' } }, 'switch:0': { id: 0, name: long } });
    if (outcome.kind !== 'device') throw new Error(outcome.kind);
    const names = outcome.facts.find((f) => f.type === 'component-names');
    expect(names).toEqual({
      type: 'component-names',
      names: [{ component: 'switch:0', name: 'x'.repeat(MAX_DEVICE_NAME), nameLength: 10_000 }],
    });
  });
});
