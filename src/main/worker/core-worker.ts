/**
 * The worker thread's entry: opens the console here, so a burst of readings being counted never
 * holds up the thread that answers the window or the bridge. Everything it hears comes from the
 * main thread (core-host.ts); commands are validated by dispatch, as in any adapter.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { err, type ApiError, type Result } from '../../shared/result';
import { ProfileStore } from '../core/broker/profile-store';
import { FileSecretStore, type SecretStore } from '../core/broker/secret-store';
import type { KilowatchConsole } from '../core/console';
import { dispatch, LOCAL_CALLER } from '../core/dispatch';
import { openConsole } from '../core/open-console';
import { STORE_WRITER_ENTRY } from '../core/store/commit-thread';
import { TURN_WORK_MS } from '../core/store/read-pace';
import type { Store } from '../core/store/store';
import { backfillDemoHistory } from '../demo/backfill';
import {
  CallerSchema,
  describeIssues,
  type EventMessage,
  type EventName,
  type EventPayload,
} from '../../shared/contract';
import { checkedReply, encodeEvent, LiveFrameWriter, utf8 } from './encode';
import type { FromWorker, SecretOp, ToWorker, WorkerOpenOptions } from './protocol';

if (!parentPort) throw new Error('core-worker.js runs as a worker thread, started by core-host.ts');
const port = parentPort;
const post = (message: FromWorker): void => port.postMessage(message);
/** Replies and events travel as bytes whose buffer is handed over, not copied (encode.ts). */
const postEncoded = (
  message: FromWorker & { type: 'reply' | 'event' },
  bytes: Uint8Array<ArrayBuffer>,
): void => port.postMessage(message, [bytes.buffer]);

const log = (message: string, error?: unknown): void =>
  post({
    type: 'log',
    message: error instanceof Error ? `${message}: ${error.message}` : message,
    ...(error instanceof Error && error.stack && { stack: error.stack }),
  });

/** The desktop app's secrets are encrypted by Electron, which only the main thread can reach. */
class MainThreadSecretStore implements SecretStore {
  private nextId = 1;
  private readonly waiting = new Map<number, (result: Result<string | undefined, ApiError>) => void>();

  ask(op: SecretOp): Promise<Result<string | undefined, ApiError>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      post({ type: 'secret', id, ...op });
    });
  }

  answered(id: number, result: Result<string | undefined, ApiError>): void {
    this.waiting.get(id)?.(result);
    this.waiting.delete(id);
  }

  get = (name: string) => this.ask({ op: 'get', name });
  set = async (name: string, value: string): Promise<Result<void, ApiError>> => {
    const r = await this.ask({ op: 'set', name, value });
    return r.ok ? { ok: true, value: undefined } : r;
  };
  delete = async (name: string): Promise<Result<void, ApiError>> => {
    const r = await this.ask({ op: 'delete', name });
    return r.ok ? { ok: true, value: undefined } : r;
  };
}

function open(
  options: WorkerOpenOptions,
  mainSecrets: MainThreadSecretStore,
): Result<{ core: KilowatchConsole; store: Store }, ApiError> {
  let profiles: ProfileStore | undefined;
  if (options.profiles) {
    const { dir, secrets, passwordFromEnv } = options.profiles;
    const opened = ProfileStore.open(
      dir,
      secrets === 'file' ? new FileSecretStore(dir) : mainSecrets,
      passwordFromEnv ? { env: process.env } : {},
    );
    if (!opened.ok) return opened;
    profiles = opened.value;
  }
  const opened = openConsole({
    dbPath: options.dbPath,
    outPrefix: options.outPrefix,
    publishIntervalS: options.publishIntervalS,
    isDemo: options.isDemo,
    ...(options.liveSeqFrom !== undefined && { liveSeqFrom: options.liveSeqFrom }),
    ...(options.publishProfiles && { publishProfiles: options.publishProfiles }),
    ...(options.homeAssistant && { homeAssistant: options.homeAssistant }),
    ...(options.headOfficeSites && { headOfficeSites: options.headOfficeSites }),
    ...(options.night && { night: options.night }),
    ...(options.tariff && { tariff: options.tariff }),
    ...(options.timeZone && { timeZone: options.timeZone }),
    ...(options.minuteDays && { minuteDays: options.minuteDays }),
    ...(options.language && { language: options.language }),
    ...(options.pinned && { pinned: options.pinned }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.meterRoles && { meterRoles: options.meterRoles }),
    ...(options.seedRoles && { seedRoles: options.seedRoles }),
    ...(options.seedTariff && { seedTariff: options.seedTariff }),
    ...(options.poll && { poll: options.poll }),
    ...(options.alsoScan && { alsoScan: options.alsoScan }),
    ...(profiles && { profiles }),
    ...(options.diagnostics && { diagnostics: options.diagnostics }),
    // Built beside this file (electron.vite.config.ts): commits leave this thread too.
    commitThreadPath: join(__dirname, STORE_WRITER_ENTRY),
  });
  if (!opened.ok) return opened;
  return { ok: true, value: { core: opened.value.console, store: opened.value.store } };
}

function main(): void {
  const mainSecrets = new MainThreadSecretStore();
  const opened = open(workerData as WorkerOpenOptions, mainSecrets);
  if (!opened.ok) return post({ type: 'open-failed', error: opened.error });
  const { core, store } = opened.value;
  const postFrame = (
    message: EventMessage,
    encoded: { event: EventName; frame: Uint8Array<ArrayBuffer> },
  ) => {
    // The main thread keeps the last push's number without decoding its frame (core-host.ts).
    const liveSeq =
      message.event === 'totals.live'
        ? { liveSeq: (message.payload as EventPayload<'totals.live'>).seq }
        : {};
    postEncoded({ type: 'event', ...encoded, ...liveSeq }, encoded.frame);
  };
  const encodeAndPost = (message: EventMessage): void => {
    const encoded = encodeEvent(message, log);
    if (encoded) postFrame(message, encoded);
  };
  // A totals.live push is checked and encoded after the turn it is worked out in, a slice per
  // turn: in a backlog every node changes between pushes, and a command that arrives meanwhile is
  // answered between slices rather than after all of it. Events made while one waits wait behind
  // it, so events keep their order; a reply may pass it, which its `seq` allows for (live.ts).
  const waiting: EventMessage[] = [];
  let writing: LiveFrameWriter | null = null;
  const postWaiting = (): void => {
    for (let message = waiting[0]; message; message = waiting[0]) {
      if (message.event === 'totals.live') {
        writing ??= new LiveFrameWriter(message.payload);
        if (!writing.advance(TURN_WORK_MS)) return void setImmediate(postWaiting);
        const frame = writing.frame();
        writing = null;
        // A payload the contract does not describe: encodeEvent checks it whole and logs why.
        if (frame) postFrame(message, { event: 'totals.live', frame });
        else encodeAndPost(message);
      } else encodeAndPost(message);
      waiting.shift();
    }
  };
  const postEvent = (message: EventMessage): void => {
    if (waiting.length === 0 && message.event !== 'totals.live') return encodeAndPost(message);
    if (waiting.length === 0) setImmediate(postWaiting);
    waiting.push(message);
  };
  core.on(postEvent);

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'invoke': {
        // Who asks is checked like the params: the core decides roles on it.
        const caller =
          message.caller === undefined
            ? { success: true as const, data: LOCAL_CALLER }
            : CallerSchema.safeParse(message.caller);
        const asked = caller.success
          ? dispatch(core.handlers, message.command, message.params, log, caller.data)
          : Promise.resolve(err('invalid-params', `caller: ${describeIssues(caller.error)}`));
        void asked.then((result) => {
          const reply = checkedReply(message.command, result, log);
          const json = utf8(JSON.stringify(reply));
          postEncoded({ type: 'reply', id: message.id, ok: reply.ok, json }, json);
        });
        return;
      }
      case 'connect':
        void core
          .connect(message.profile)
          .then((failure) => post({ type: 'connected', id: message.id, failure }));
        return;
      case 'health':
        return post({ type: 'health', id: message.id, health: core.health() });
      case 'close':
        void core.close().then((saved) => {
          store.close();
          post({ type: 'closed', id: message.id, saved });
        });
        return;
      case 'backfill':
        void backfillDemoHistory(core, store, { seed: message.seed }).then(
          (report) => post({ type: 'backfilled', id: message.id, report }),
          (e: unknown) =>
            post({
              type: 'backfilled',
              id: message.id,
              report: { status: 'failed', message: e instanceof Error ? e.message : String(e) },
            }),
        );
        return;
      case 'raise':
        // Stored like any alert, so it stays until someone acknowledges or clears it.
        return postEvent({ event: 'alert', payload: core.alerts.raise(message.alert) });
      case 'secret-reply':
        return mainSecrets.answered(message.id, message.result);
      case 'crash-for-test':
        if (process.env.KILOWATCH_TEST_HOOKS !== '1') return log('refused a test crash: test hooks are off');
        // Thrown outside any handler, as an uncaught bug would be: the thread dies with it.
        setImmediate(() => {
          throw new Error('crash requested by a test (KILOWATCH_TEST_HOOKS=1)');
        });
        return;
    }
  });
  // Only once the threads the console started are running (core-host.ts holds sizes after this).
  void core.writer.ready().then(() => post({ type: 'opened' }));
}

main();
