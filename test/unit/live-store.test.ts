/**
 * The console's live totals (renderer state/live.ts): a totals snapshot travels apart from the
 * `totals.live` pushes and can arrive after a newer one. The push's numbers must stay, since
 * pushes carry only changes and none would mend the row.
 */
import { resolve } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';

/** The renderer's store, seen from Node (it belongs to the web TypeScript project). */
interface LiveState {
  byId: Record<string, NodeTotals>;
  push(nodes: NodeTotals[], seq: number, at: string): void;
  snapshot(totals: NodeTotals[], seq: number): void;
  streamOpened(): void;
}
interface LiveStore {
  getState(): LiveState;
  setState(state: Partial<LiveState> & { at: null; version: number }): void;
}

const SRC = resolve(__dirname, '../../src/renderer/src/state/live.ts');
let useLive: LiveStore;
beforeAll(async () => {
  ({ useLive } = (await import(/* @vite-ignore */ SRC)) as { useLive: LiveStore });
});

const totals = (id: string, todayWh: number): NodeTotals => ({
  id,
  energyWh: 1000 + todayWh,
  returnedWh: 0,
  powerW: 0,
  todayWh,
  devices: 1,
  reporting: 1,
  since: null,
});

const todayOf = (id: string) => useLive.getState().byId[id]?.todayWh;

describe('live totals on the page', () => {
  beforeEach(() => {
    useLive.getState().streamOpened();
    useLive.setState({ byId: {}, at: null, version: 0 });
  });

  it('keeps a push newer than the snapshot that arrives after it, and takes the rest', () => {
    const live = useLive.getState();
    live.push([totals('room:A', 12)], 8, '2026-12-06T10:00:00.000Z');
    // Standing at push 7: older than push 8 for the room; the meter was in no later push.
    live.snapshot([totals('room:A', 10), totals('device:A/m', 4)], 7);
    expect(todayOf('room:A')).toBe(12);
    expect(todayOf('device:A/m')).toBe(4);
    // Standing at push 8 or later: the snapshot is as new as anything pushed.
    live.snapshot([totals('room:A', 13)], 8);
    expect(todayOf('room:A')).toBe(13);
    live.push([totals('room:A', 14)], 9, '2026-12-06T10:00:00.250Z');
    expect(todayOf('room:A')).toBe(14);
  });

  it('forgets the pushes of a closed stream: a console process started again counts from 1', () => {
    const live = useLive.getState();
    live.push([totals('room:A', 50)], 400, '2026-12-06T10:00:00.000Z');
    live.streamOpened();
    live.snapshot([totals('room:A', 51)], 3);
    expect(todayOf('room:A')).toBe(51);
  });
});
