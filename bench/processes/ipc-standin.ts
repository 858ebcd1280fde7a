/**
 * A stand-in of the desktop app's IPC path for burst-responsiveness, built like the app
 * (src/main/electron/index.ts): the core on its worker thread (the built out/main/core-worker.js,
 * through CoreHost), its commands bound with the app's own `bindIpc` to an ipcMain look-alike on
 * this thread, and a renderer look-alike invoking a light command on a schedule from this thread,
 * which is where Electron's ipcMain runs its handlers. Events are taken where the app forwards
 * them to the window.
 *
 *   start {url, filter, dbPath}                 → ready (connected, subscribed)
 *   probe {everyMs, expected, stallMs}          → probing {startedAt}, later drained {latenciesMs,
 *                                                 drainedAt, pushesAt, companyWh, liveCompanyWh}
 */
import { join } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import type { ConnectionProfile, SiteTree, Stats } from '../../src/shared/contract';
import type { ApiError, Result } from '../../src/shared/result';
import { bindIpc, commandChannel } from '../../src/main/electron/ipc';
import { CoreHost, WORKER_ENTRY } from '../../src/main/worker/core-host';
import { nowMs, reply, serve } from '../lib/child-side';
import { BENCH_COMPANY_NODE as COMPANY, lastCompanyTotal } from '../lib/live-frames';
import { probeUntilDrained } from '../lib/responsiveness';

const PAGE_URL = 'file:///kilowatch/renderer/index.html';
/** `npm run bench` builds first; the worker runs the built core, as the app's does. */
const WORKER_PATH = join(__dirname, '..', '..', 'out', 'main', WORKER_ENTRY);

type Invoke = (name: string, params?: unknown) => Promise<unknown>;

let opened: {
  invoke: Invoke;
  close(): Promise<void>;
  pushesAt: number[];
  live: ReturnType<typeof lastCompanyTotal>;
} | null = null;

const log = (message: string, error?: unknown) => console.error(`ipc-standin: ${message}`, error ?? '');

async function start(url: string, filter: string, dbPath: string): Promise<void> {
  const started = await CoreHost.start({
    open: { dbPath, outPrefix: 'kilowatch', publishIntervalS: 15, isDemo: false },
    log,
    workerPath: WORKER_PATH,
  });
  if (!started.ok) throw new Error(started.error.message);
  const core = started.value;
  const channels = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown>();
  bindIpc(
    {
      handle: (channel, listener) => channels.set(channel, listener),
      removeHandler: (c) => channels.delete(c),
    },
    (name, params, caller) => core.invoke(name, params, caller),
    (frameUrl) => frameUrl === PAGE_URL,
    log,
  );
  // As Electron sends it: the page's frame, and the window it belongs to.
  const sender = { senderFrame: { url: PAGE_URL }, sender: { id: 1 } } as unknown as IpcMainInvokeEvent;
  const invoke: Invoke = async (name, params = {}) => {
    const handler = channels.get(commandChannel(name));
    if (!handler) throw new Error(`no IPC handler for ${name}`);
    const answer = (await handler(sender, params)) as Result<unknown, ApiError>;
    if (!answer.ok) throw new Error(`${name}: ${answer.error.message}`);
    return answer.value;
  };
  const pushesAt: number[] = [];
  const live = lastCompanyTotal();
  // As the app forwards them to the window: the worker's frames, never parsed on this thread.
  core.onEncoded((frame, event) => {
    if (event !== 'totals.live') return;
    pushesAt.push(nowMs());
    live.see(frame);
  });
  const profile: ConnectionProfile = {
    name: 'bench',
    url,
    protocolVersion: 4,
    keepaliveS: 30,
    subscribe: [filter],
  };
  const failure = await core.connect(profile);
  if (failure) throw new Error(`connect: ${failure.message}`);
  opened = {
    invoke,
    pushesAt,
    live,
    close: async () => {
      await core.close();
    },
  };
}

serve(async (message) => {
  switch (message.type) {
    case 'start':
      await start(message.url as string, message.filter as string, message.dbPath as string);
      reply({ type: 'ready' });
      return;
    case 'probe': {
      if (!opened) throw new Error('probe before start');
      const { invoke, pushesAt, live } = opened;
      const startedAt = nowMs();
      reply({ type: 'probing', startedAt });
      const probe = await probeUntilDrained(async () => (await invoke('stats.get')) as Stats, {
        startedAt,
        everyMs: message.everyMs as number,
        expected: message.expected as number,
        stallMs: message.stallMs as number,
      });
      // A push after the drain may still be one worked out before it (its frame is written in
      // slices, and a reply may pass it): wait for the push with the tree's total (at most 5 s).
      const tree = (await invoke('site.tree')) as SiteTree;
      const treeWh = tree.totals.find((t) => t.id === COMPANY)?.energyWh ?? Number.NaN;
      const deadline = nowMs() + 5000;
      while (Math.abs(live.companyWh() - treeWh) >= 0.0015 && nowMs() < deadline)
        await new Promise((r) => setTimeout(r, 25));
      reply({
        type: 'drained',
        ...probe,
        pushesAt,
        companyWh: tree.totals.find((t) => t.id === COMPANY)?.energyWh ?? Number.NaN,
        liveCompanyWh: live.companyWh(),
      });
      await opened.close();
      opened = null;
      return;
    }
    default:
      throw new Error(`ipc-standin: unknown message ${message.type}`);
  }
});
