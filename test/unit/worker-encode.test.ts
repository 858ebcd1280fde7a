/**
 * The contract check on what leaves the core's worker (src/main/worker/encode.ts): replies and
 * events are checked there, once, and encoded as the bytes the bridge relays unread.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { events } from '../../src/shared/contract';
import { checkedReply, encodeEvent, LiveFrameWriter } from '../../src/main/worker/encode';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('what the core’s worker lets out', () => {
  it('a reply the contract does not describe becomes the logged internal error', () => {
    const logs: string[] = [];
    const reply = checkedReply('stats.get', { ok: true, value: { received: 'many' } }, (m) => logs.push(m));
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Kilowatch hit an internal error while running stats.get. It has been logged.',
      },
    });
    expect(logs).toEqual([expect.stringMatching(/^the reply to stats\.get is not what the contract says: /)]);
  });

  it('a well-formed reply goes out as the contract parsed it; failures go out as they are', () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    const value = { device: 'device:a', path: [], unknownKey: 1 };
    expect(checkedReply('site.assign', { ok: true, value }, log)).toEqual({
      ok: true,
      value: { device: 'device:a', path: [] },
    });
    const failure = { ok: false as const, error: { code: 'not-found' as const, message: 'No device "x".' } };
    expect(checkedReply('site.assign', failure, log)).toBe(failure);
    expect(logs).toEqual([]);
  });

  it('a site tree deeper than company → office → room → device → channel is refused', () => {
    const node = (kind: string, children: unknown[]) => ({
      id: `${kind}:x`,
      kind,
      name: 'x',
      path: [],
      children,
    });
    const tree = (depth: number) => {
      let n = node('channel', []);
      for (let i = 1; i < depth; i++) n = node('room', [n]);
      return { nodes: [n], totals: [], sensors: [] };
    };
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    expect(checkedReply('site.tree', { ok: true, value: tree(5) }, log).ok).toBe(true);
    expect(checkedReply('site.tree', { ok: true, value: tree(6) }, log).ok).toBe(false);
    expect(logs).toEqual([
      expect.stringMatching(
        /^the reply to site\.tree is not what the contract says: nodes\.0\.children\.0\.children\.0\.children\.0\.children\.0\.children\.0: /,
      ),
    ]);
  });

  describe('a totals.live push, checked and written node by node', () => {
    // Every optional field, names that need escaping and several bytes in UTF-8, and keys the
    // contract does not have (dropped): what a whole-payload check and JSON.stringify would send.
    const node = (i: number) => ({
      id: `room:Hotel "Sol"/Piso ${i}/Salão 🌞 ${'x'.repeat(i % 300)}`,
      energyWh: i * 1.5,
      returnedWh: 0,
      powerW: -i,
      todayWh: i / 3,
      devices: i % 7,
      reporting: i % 5,
      since: i % 2 ? null : '2026-12-01T00:00:00.000Z',
      ...(i % 3 === 0 && {
        electrical: { voltageV: 230.1, currentA: null, powerFactor: 0.9, powerW: 12, extra: 1 },
      }),
      ...(i % 4 === 0 && {
        hasMain: true,
        unmeteredWh: -2,
        productionWh: 5,
        exportWh: 1,
        selfConsumptionWh: 4,
      }),
      internal: { notForTheWire: true },
    });
    const asWhole = (payload: unknown) =>
      JSON.stringify({ event: 'totals.live', payload: events['totals.live'].parse(payload) });

    it('is the frame the whole payload would make, however long', () => {
      for (const count of [0, 1, 2, 3_000]) {
        const payload = {
          ts: '2026-12-06T10:00:00.000Z',
          seq: 7,
          nodes: Array.from({ length: count }, (_, i) => node(i)),
          extra: 1,
        };
        const logs: string[] = [];
        const encoded = encodeEvent({ event: 'totals.live', payload } as never, (m) => logs.push(m));
        expect(text(encoded?.frame ?? new Uint8Array())).toBe(asWhole(payload));
        expect(encoded?.frame.byteLength).toBe(encoded?.frame.buffer.byteLength);
        expect(logs).toEqual([]);
      }
    });

    it('written a slice at a time, is the same frame, and a long push takes several slices', () => {
      const payload = {
        ts: '2026-12-06T10:00:00.000Z',
        seq: 9,
        nodes: Array.from({ length: 3_000 }, (_, i) => node(i)),
      };
      const writer = new LiveFrameWriter(payload);
      let slices = 1;
      // A budget of nothing: each slice writes one run of nodes, then hands the turn back.
      while (!writer.advance(0)) slices++;
      expect(slices).toBeGreaterThan(10);
      expect(text(writer.frame() ?? new Uint8Array())).toBe(asWhole(payload));
    });

    it('is dropped with the whole check’s words when one node is wrong', () => {
      const logs: string[] = [];
      const nodes = [node(1), { ...node(2), energyWh: 'lots' }, node(3)];
      const payload = { ts: '2026-12-06T10:00:00.000Z', seq: 8, nodes };
      expect(encodeEvent({ event: 'totals.live', payload } as never, (m) => logs.push(m))).toBeNull();
      expect(logs).toEqual([expect.stringMatching(/^dropped a totals\.live event: nodes\.1\.energyWh: /)]);
    });
  });

  it('an event the contract does not describe is dropped and logged; a good one is its frame', () => {
    const logs: string[] = [];
    const log = (m: string) => logs.push(m);
    const bad = { event: 'totals.live', payload: { ts: 'soon', nodes: 3 } } as never;
    expect(encodeEvent(bad, log)).toBeNull();
    expect(encodeEvent({ event: 'no.such', payload: {} } as never, log)).toBeNull();
    const good = encodeEvent(
      { event: 'totals.live', payload: { ts: '2026-01-01T00:00:00.000Z', seq: 1, nodes: [] } },
      log,
    );
    expect(good?.event).toBe('totals.live');
    expect(text(good?.frame ?? new Uint8Array())).toBe(
      '{"event":"totals.live","payload":{"ts":"2026-01-01T00:00:00.000Z","seq":1,"nodes":[]}}',
    );
    expect(logs).toEqual([
      expect.stringMatching(/^dropped a totals\.live event: /),
      'dropped an unknown event "no.such"',
    ]);
  });

  it('an event’s bytes own their buffer, so transferring it detaches nothing else', () => {
    const a = encodeEvent(
      { event: 'totals.live', payload: { ts: '2026-01-01T00:00:00.000Z', seq: 1, nodes: [] } },
      () => {},
    );
    const b = encodeEvent(
      { event: 'totals.live', payload: { ts: '2026-01-02T00:00:00.000Z', seq: 2, nodes: [] } },
      () => {},
    );
    expect(a?.frame.byteOffset).toBe(0);
    expect(a?.frame.buffer.byteLength).toBe(a?.frame.byteLength);
    expect(a?.frame.buffer).not.toBe(b?.frame.buffer);
  });
});

describe('where a reply arrives in the renderer', () => {
  it('a site tree the contract does not describe is refused there too', async () => {
    // Loaded by path: the renderer's sources belong to the web project, not this one's.
    const { checkReply } = (await import(resolve(__dirname, '../../src/renderer/src/api/validate.ts'))) as {
      checkReply: (command: 'site.tree', body: unknown) => { reply: unknown; rejected?: string };
    };
    let deep: unknown = { id: 'channel:x', kind: 'channel', name: 'x', path: [], children: [] };
    for (let i = 0; i < 5; i++)
      deep = { id: `room:${i}`, kind: 'room', name: 'r', path: [], children: [deep] };
    const checked = checkReply('site.tree', { ok: true, value: { nodes: [deep], totals: [], sensors: [] } });
    expect(checked.reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(checked.rejected).toMatch(
      /^reply to site\.tree: nodes\.0\.children\.0\.children\.0\.children\.0\.children\.0\.children\.0: /,
    );
  });
});
