/** An in-process console on a real SQLite file with a hand-driven clock. */
import { openConsole } from '../../src/main/core/open-console';
import type { KilowatchConsole } from '../../src/main/core/console';
import type { Store } from '../../src/main/core/store/store';
import type { Tariff } from '../../src/main/core/cost/tariff-schema';

export interface TestCore {
  core: KilowatchConsole;
  store: Store;
  setTime(iso: string | number): void;
  feed(topic: string, payload: string | object, isRetained?: boolean): void;
  totalWh(node: string): Promise<number | undefined>;
  close(): Promise<void>;
}

export function testCore(
  dbPath: string,
  startIso = '2025-03-10T08:00:00Z',
  timeZone?: string,
  options: { commitThreadPath?: string; tariff?: Tariff } = {},
): TestCore {
  let nowMs = Date.parse(startIso);
  const opened = openConsole({
    dbPath,
    outPrefix: 'kilowatch',
    publishIntervalS: 3600,
    clock: () => nowMs,
    ...(timeZone && { timeZone }),
    ...(options.commitThreadPath && { commitThreadPath: options.commitThreadPath }),
    ...(options.tariff && { tariff: options.tariff }),
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const { console: core, store } = opened.value;
  return {
    core,
    store,
    setTime: (t) => void (nowMs = typeof t === 'number' ? t : Date.parse(t)),
    feed: (topic, payload, isRetained = false) =>
      core.ingest.handle(
        topic,
        Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
        isRetained,
      ),
    totalWh: async (node) => {
      const tree = await core.handlers['site.tree']({});
      if (!tree.ok) throw new Error(tree.error.message);
      return tree.value.totals.find((t) => t.id === node)?.energyWh;
    },
    close: async () => {
      await core.close();
      store.close();
    },
  };
}

/** A Gen2 switch NotifyStatus as a Plus 1PM sends it each minute. */
export function switchNotify(
  src: string,
  prefix: string,
  totalWh: number,
  minuteS: number,
  component = 'switch:0',
): string {
  return JSON.stringify({
    src,
    dst: `${prefix}/events`,
    method: 'NotifyStatus',
    params: {
      ts: minuteS + 0.22,
      [component]: {
        id: Number(component.split(':')[1]),
        aenergy: { by_minute: [0, 0, 0], minute_ts: minuteS, total: Number(totalWh.toFixed(3)) },
      },
    },
  });
}
