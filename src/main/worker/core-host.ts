/**
 * The main thread's side of the core's worker thread: starts the worker (core-worker.ts) and
 * relays the contract both ways. What comes back was checked against the contract's schemas and
 * encoded as contract JSON by the worker (encode.ts), so a bug in the core cannot hand a front end
 * something the contract does not describe, and this thread, which answers every console, only
 * passes bytes on: the bridge sends them as they are, and only a listener that wants objects
 * (the desktop window, tests) has them decoded. If the worker
 * dies, it is started again on the same database and reconnected: the broker's persistent
 * session holds what arrives meanwhile and the devices' counters are cumulative, so the totals
 * come out exact; an alert says it happened.
 */
import { Worker } from 'node:worker_threads';
import type {
  Caller,
  ConnectionProfile,
  ConnectionState,
  EventMessage,
  EventName,
} from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import type { SecretStore } from '../core/broker/secret-store';
import type { ConsoleApi, ConsoleHealth } from '../core/console-api';
import type { Logger } from '../core/dispatch';
import type { BackfillReport } from '../demo/backfill';
import { encodeEvent, utf8 } from './encode';
import type { FromWorker, SecretOp, ToWorker, WorkerOpenOptions } from './protocol';
import { holdMainYoungGeneration, sizeWorkerYoungGeneration } from './young-generation';

/** The worker entry's file name in the build (electron.vite.config.ts). */
export const WORKER_ENTRY = 'core-worker.js';

export const RESTART_ALERT_MESSAGE = 'The counting engine restarted after an error; nothing was lost.';

export interface CoreHostOptions {
  open: WorkerOpenOptions;
  log: Logger;
  /** The desktop app's secret store, for a worker started with profiles.secrets 'main-thread'. */
  secrets?: SecretStore;
  /**
   * The built worker entry, out/main/core-worker.js: named by the entry point (WORKER_ENTRY in
   * its own folder), since this module may be bundled into a shared chunk elsewhere.
   */
  workerPath: string;
  /** Crashes in a row within this window back off: 0.25 s, 0.5 s, … up to 10 s. */
  crashWindowMs?: number;
  /** How long close() waits for the worker to save before ending it anyway (default 30 s). */
  closeTimeoutMs?: number;
}

interface Waiting {
  settle: (message: FromWorker) => void;
  /** The worker died before answering. */
  lost: () => void;
}

const DISCONNECTED: ConnectionState = {
  status: 'disconnected',
  broker: null,
  subscribed: false,
  demo: false,
  tlsVerified: null,
  lastError: null,
  nextRetryAt: null,
};

/** Start-up attempts after a crash before the engine is given up on (the log says why). */
const MAX_START_ATTEMPTS = 5;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What reconnects a restarted worker: the profile it was given, or a saved one by name. */
type Reconnect = { profile: ConnectionProfile } | { savedName: string | undefined } | null;

export class CoreHost implements ConsoleApi {
  private worker: Worker | null = null;
  /** The worker that answers requests; null once closed or when a restart failed. */
  private ready: Promise<Worker | null>;
  private readonly waiting = new Map<number, Waiting>();
  private readonly listeners = new Set<(message: EventMessage) => void>();
  private readonly frameListeners = new Set<(frame: Uint8Array, event: EventName) => void>();
  private nextId = 1;
  private state: ConnectionState;
  private reconnect: Reconnect = null;
  private isClosing = false;
  /** The worker died and could not be started again. */
  private hasFailed = false;
  private crashTimes: number[] = [];
  /** How many times the worker was started again; tests and the bench read it. */
  restarts = 0;
  /** The last `totals.live` push relayed: an engine started again numbers its pushes after it. */
  private lastLiveSeq = 0;

  private constructor(
    private readonly options: CoreHostOptions,
    worker: Worker,
  ) {
    this.state = { ...DISCONNECTED, demo: options.open.isDemo };
    this.adopt(worker);
    this.ready = Promise.resolve(worker);
  }

  /** Starts the worker; resolves once the database is open, or with why it could not be. */
  static async start(options: CoreHostOptions): Promise<Result<CoreHost, ApiError>> {
    const started = await CoreHost.spawn(options);
    if (!started.ok) return started;
    return { ok: true, value: new CoreHost(options, started.value) };
  }

  private static spawn(options: CoreHostOptions): Promise<Result<Worker, ApiError>> {
    // Every start, restarts included: a new isolate undoes the main thread's hold (young-generation.ts).
    sizeWorkerYoungGeneration();
    const worker = new Worker(options.workerPath, {
      workerData: options.open,
    });
    return new Promise((resolve) => {
      const onMessage = (message: FromWorker) => {
        if (message.type === 'log') return options.log(message.message, stackOf(message));
        if (message.type !== 'opened' && message.type !== 'open-failed') return;
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        worker.off('error', onError);
        if (message.type === 'opened') {
          // The worker and the threads it starts while opening are up: hold this thread's again.
          holdMainYoungGeneration();
          return resolve({ ok: true, value: worker });
        }
        void worker.terminate();
        resolve({ ok: false, error: message.error });
      };
      let failure: Error | null = null;
      const onError = (e: Error) => (failure = e);
      const onExit = (code: number) => {
        worker.off('message', onMessage);
        if (failure) options.log('the counting engine failed while starting', failure);
        resolve(
          err(
            'internal',
            `The counting engine stopped while starting (exit code ${code})${failure ? `: ${failure.message}` : ''}.`,
          ),
        );
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  private adopt(worker: Worker): void {
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.received(message));
    worker.on('error', (e) => this.options.log('the counting engine hit an uncaught error', e));
    worker.on('exit', (code) => this.exited(worker, code));
  }

  private received(message: FromWorker): void {
    switch (message.type) {
      case 'event':
        // Only an encoded frame is relayed: a worker that posts anything else has a bug.
        if (!(message.frame instanceof Uint8Array))
          return this.options.log('dropped an event the counting engine did not encode');
        if (message.liveSeq !== undefined) this.lastLiveSeq = message.liveSeq;
        return this.relay(message.event, message.frame);
      case 'log':
        return this.options.log(message.message, stackOf(message));
      case 'secret':
        return void this.answerSecret(message);
      case 'opened':
      case 'open-failed':
        return;
      default: {
        const waiting = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        waiting?.settle(message);
      }
    }
  }

  /** An event frame the worker checked; decoded only for who needs objects (and the state). */
  private relay(event: EventName, frame: Uint8Array): void {
    let decoded: EventMessage | null = null;
    const message = (): EventMessage => (decoded ??= decode(frame) as EventMessage);
    if (event === 'connection.state') this.state = message().payload as ConnectionState;
    for (const listener of this.frameListeners) listener(frame, event);
    for (const listener of this.listeners) listener(message());
  }

  private async answerSecret(message: { id: number } & SecretOp): Promise<void> {
    const store = this.options.secrets;
    let result: Result<string | undefined, ApiError>;
    if (!store) result = err('internal', 'This Kilowatch keeps no secrets on its main thread.');
    else if (message.op === 'get') result = await store.get(message.name);
    else {
      const done =
        message.op === 'set'
          ? await store.set(message.name, message.value)
          : await store.delete(message.name);
      result = done.ok ? { ok: true, value: undefined } : done;
    }
    this.worker?.postMessage({ type: 'secret-reply', id: message.id, result } satisfies ToWorker);
  }

  private exited(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.worker = null;
    for (const waiting of this.waiting.values()) waiting.lost();
    this.waiting.clear();
    if (this.isClosing) return;
    this.options.log(`the counting engine stopped (exit code ${code}); starting it again`);
    // Open consoles see the broker as gone until the new engine has reconnected.
    const reconnecting = encodeEvent(
      {
        event: 'connection.state',
        payload: { ...this.state, status: 'reconnecting', subscribed: false, nextRetryAt: null },
      },
      this.options.log,
    );
    if (reconnecting) this.relay(reconnecting.event, reconnecting.frame);
    this.ready = this.restart();
  }

  private async restart(): Promise<Worker | null> {
    let worker: Worker | null = null;
    for (let attempt = 1; !worker; attempt++) {
      const now = Date.now();
      const windowMs = this.options.crashWindowMs ?? 60_000;
      this.crashTimes = [...this.crashTimes.filter((t) => now - t < windowMs), now];
      // A worker that dies at once again (a bug met on every start) must not spin a core.
      const backoffMs =
        this.crashTimes.length <= 1 ? 0 : Math.min(10_000, 250 * 2 ** (this.crashTimes.length - 2));
      if (backoffMs > 0) await delay(backoffMs);
      if (this.isClosing) return null;
      const started = await CoreHost.spawn({
        ...this.options,
        // A console may hold a push of the engine that died: a snapshot of this one must rank after it.
        open: { ...this.options.open, liveSeqFrom: this.lastLiveSeq + 1 },
      });
      if (started.ok) worker = started.value;
      else if (attempt >= MAX_START_ATTEMPTS) {
        this.options.log(`the counting engine could not be started again: ${started.error.message}`);
        this.hasFailed = true;
        return null;
      }
    }
    const now = Date.now();
    this.restarts++;
    this.adopt(worker);
    this.post(worker, {
      type: 'raise',
      alert: {
        id: `engine-restart:${now}:${this.restarts}`,
        at: new Date(now).toISOString(),
        severity: 'warning',
        kind: 'engine',
        message: RESTART_ALERT_MESSAGE,
      },
    });
    const reconnect = this.reconnect;
    if (reconnect && 'profile' in reconnect)
      this.post(worker, { type: 'connect', id: this.nextId++, profile: reconnect.profile });
    else if (reconnect)
      this.post(worker, {
        type: 'invoke',
        id: this.nextId++,
        command: 'connection.connect',
        params: reconnect.savedName === undefined ? {} : { name: reconnect.savedName },
      });
    return worker;
  }

  private post(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  /** Sends a request and waits for its answer; `lost` answers if the worker dies first. */
  private async request<T>(
    make: (id: number) => ToWorker,
    settle: (message: FromWorker) => T,
    lost: () => T,
  ): Promise<T> {
    let worker = await this.ready;
    // A worker that died meanwhile has a successor on the way: wait for that one.
    while (worker && worker !== this.worker && !this.isClosing) worker = await this.ready;
    if (!worker || worker !== this.worker) return lost();
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, { settle: (m) => resolve(settle(m)), lost: () => resolve(lost()) });
      this.post(worker, make(id));
    });
  }

  // ---- ConsoleApi ------------------------------------------------------------------------------

  async invoke(command: string, params: unknown, caller?: Caller): Promise<Result<unknown, ApiError>> {
    return decode(await this.invokeEncoded(command, params, caller)) as Result<unknown, ApiError>;
  }

  /** The Result as the worker checked and encoded it: contract JSON, relayed as it is. */
  invokeEncoded(command: string, params: unknown, caller?: Caller): Promise<Uint8Array> {
    return this.request(
      (id) => ({ type: 'invoke', id, command, params, ...(caller && { caller }) }),
      (message) => {
        if (message.type !== 'reply')
          return encoded(err('internal', `The counting engine answered ${command} out of turn.`));
        if (!(message.json instanceof Uint8Array)) {
          this.options.log(`the reply to ${command} was not encoded by the counting engine`);
          return encoded(
            err('internal', `Kilowatch hit an internal error while running ${command}. It has been logged.`),
          );
        }
        if (message.ok) this.remember(command, params);
        return message.json;
      },
      () => encoded(err('internal', this.whyNoAnswer(command))),
    );
  }

  private whyNoAnswer(command: string): string {
    if (this.isClosing) return 'Kilowatch is shutting down.';
    if (this.hasFailed)
      return 'The counting engine stopped and could not be started again (see the log); restart Kilowatch.';
    return `The counting engine restarted while running ${command}; nothing was lost. Try again.`;
  }

  /** Which broker a restarted worker goes back to, as the console was last told. */
  private remember(command: string, params: unknown): void {
    if (command === 'connection.disconnect') this.reconnect = null;
    if (command === 'connection.connect') {
      const name = (params as { name?: unknown } | null)?.name;
      this.reconnect =
        typeof name === 'string' ? { savedName: name } : (this.reconnect ?? { savedName: undefined });
    }
  }

  on(listener: (message: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onEncoded(listener: (frame: Uint8Array, event: EventName) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  health(): Promise<ConsoleHealth> {
    const down: ConsoleHealth = {
      broker: 'disconnected',
      brokerProblem: 'internal',
      nextRetryAt: null,
      subscribed: false,
      db: 'error',
      uptimeS: 0,
      aggregator: false,
    };
    // Monitoring gets an answer at once while the engine restarts, not after its back-off.
    if (!this.worker) return Promise.resolve(down);
    return this.request(
      (id) => ({ type: 'health', id }),
      (message) => (message.type === 'health' ? message.health : down),
      () => down,
    );
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  connect(profile: ConnectionProfile): Promise<ApiError | null> {
    this.reconnect = { profile };
    return this.request<ApiError | null>(
      (id) => ({ type: 'connect', id, profile }),
      (message) =>
        message.type === 'connected'
          ? message.failure
          : { code: 'internal', message: 'The counting engine answered connect out of turn.' },
      () => ({ code: 'internal', message: 'The counting engine stopped while connecting.' }),
    );
  }

  /** The demo's months of history, written on the worker before the fleet is first heard. */
  backfillDemo(seed: number): Promise<BackfillReport> {
    return this.request(
      (id) => ({ type: 'backfill', id, seed }),
      (message): BackfillReport =>
        message.type === 'backfilled'
          ? message.report
          : { status: 'failed', message: 'answered out of turn' },
      (): BackfillReport => ({ status: 'failed', message: 'the counting engine restarted while writing it' }),
    );
  }

  /** Test hook (KILOWATCH_TEST_HOOKS=1 only): makes the worker die as an uncaught bug would. */
  crashForTest(): void {
    if (process.env.KILOWATCH_TEST_HOOKS !== '1') return;
    if (this.worker) this.post(this.worker, { type: 'crash-for-test' });
  }

  async close(): Promise<boolean> {
    const worker = await this.ready;
    this.isClosing = true;
    if (!worker) return false;
    const timeoutMs = this.options.closeTimeoutMs ?? 30_000;
    const saved = await new Promise<boolean>((resolve) => {
      const id = this.nextId++;
      // A worker stuck in a loop must not hold the process open forever; the next start recounts.
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        this.options.log(`the counting engine did not finish saving within ${timeoutMs} ms; ending it`);
        resolve(false);
      }, timeoutMs);
      const done = (isSaved: boolean) => {
        clearTimeout(timer);
        resolve(isSaved);
      };
      this.waiting.set(id, {
        settle: (m) => done(m.type === 'closed' && m.saved),
        lost: () => done(false),
      });
      this.post(worker, { type: 'close', id });
    });
    await worker.terminate();
    return saved;
  }
}

const decoder = new TextDecoder();
const decode = (json: Uint8Array): unknown => JSON.parse(decoder.decode(json));
const encoded = (result: Result<unknown, ApiError>): Uint8Array => utf8(JSON.stringify(result));

const stackOf = (message: { message: string; stack?: string }): Error | undefined => {
  if (!message.stack) return undefined;
  const e = new Error(message.message);
  e.stack = message.stack;
  return e;
};
