/**
 * The child half of bench/lib/child.ts: a message loop over the IPC channel. A handler's thrown
 * error goes back to the parent as `{type: 'error'}`; losing the parent ends the child, so an
 * interrupted bench leaves no process behind.
 */
import type { Message } from './child';

export type Handler = (message: Message) => Promise<void> | void;

export function reply(message: Message): void {
  process.send?.(message);
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes of one machine. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

export function serve(handler: Handler): void {
  if (!process.send) throw new Error('bench processes are started by bench/lib/child.ts, with IPC');
  const failed = (e: unknown) => {
    const error = e instanceof Error ? e : new Error(String(e));
    process.send?.({ type: 'error', message: error.message, stack: error.stack }, () => process.exit(1));
  };
  process.on('message', (raw) => {
    const message = raw as Message;
    if (message.type === 'exit') {
      process.disconnect();
      process.exit(0);
    }
    Promise.resolve()
      .then(() => handler(message))
      .catch(failed);
  });
  process.on('uncaughtException', failed);
  process.on('unhandledRejection', failed);
  process.on('disconnect', () => process.exit(0));
}
