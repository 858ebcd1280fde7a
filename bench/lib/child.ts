/**
 * Child processes for the measured sides (publisher, subscribers, store writers): each runs in its
 * own Node process with tsx's loader, so a side's CPU time, heap and garbage collection are its
 * own. Parent and child talk over the IPC channel in `{type, …}` messages; a child that fails
 * sends `{type: 'error'}` and exits, and every wait has a deadline so a bench never hangs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Message {
  type: string;
  [key: string]: unknown;
}

/** tsx 4 as an ESM loader: `node --import <tsx> file.ts` runs TypeScript without a build. */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
export const PROCESSES_DIR = resolve(__dirname, '../processes');

interface Waiter {
  type: string;
  resolve(message: Message): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class Child {
  private readonly inbox: Message[] = [];
  private readonly waiters = new Set<Waiter>();
  private failure: Error | null = null;
  private readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(
    private readonly name: string,
    readonly process: ChildProcess,
  ) {
    process.on('message', (raw) => {
      const message = raw as Message;
      if (message.type === 'error') {
        this.fail(new Error(`${name}: ${String(message.message)}\n${String(message.stack ?? '')}`));
        return;
      }
      const waiter = [...this.waiters].find((w) => w.type === message.type);
      if (waiter) {
        this.waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      } else this.inbox.push(message);
    });
    process.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.exited = new Promise((done) => {
      process.once('exit', (code, signal) => {
        if (code !== 0 && !this.failure)
          this.fail(new Error(`${name} exited (${code ?? signal}) unexpectedly:\n${this.stderr}`));
        done(code);
      });
    });
  }

  /** `file` is a module in bench/processes/; `nodeArgs` go before it (e.g. `--cpu-prof`). */
  static start(file: string, options: { nodeArgs?: string[]; name?: string } = {}): Child {
    const child = fork(resolve(PROCESSES_DIR, file), [], {
      execArgv: [...(options.nodeArgs ?? []), '--import', TSX_LOADER],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    return new Child(options.name ?? file.replace(/\.ts$/, ''), child);
  }

  get pid(): number {
    return this.process.pid as number;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(error);
    }
    this.waiters.clear();
  }

  send(message: Message): void {
    if (this.failure) throw this.failure;
    this.process.send(message);
  }

  /** The next message of this type (already received or still to come). */
  next<T extends Message = Message>(type: string, timeoutMs = 120_000): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const index = this.inbox.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0] as T);
    return new Promise<T>((resolveMessage, reject) => {
      const waiter: Waiter = {
        type,
        resolve: (m) => resolveMessage(m as T),
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new Error(`${this.name}: no "${type}" within ${timeoutMs} ms\n${this.stderr}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Sends a request and waits for its answer. */
  async ask<T extends Message = Message>(message: Message, answer: string, timeoutMs?: number): Promise<T> {
    this.send(message);
    return this.next<T>(answer, timeoutMs);
  }

  /** Asks the child to exit, and kills it if it does not within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    if (this.process.connected) this.process.send({ type: 'exit' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resolves when the child has exited on its own (after its last answer). */
  async done(): Promise<void> {
    await this.exited;
    if (this.failure) throw this.failure;
  }
}
