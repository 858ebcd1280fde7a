/**
 * What the console says about itself during a drill: `/healthz` (open, no login) polled against a
 * deadline, and the events it pushes on `/api/events` (alerts, connection state) recorded.
 */
import WebSocket from 'ws';
import { sleep } from '../../support/console-run';
import { sessionCookie, type Headless } from '../../support/headless';

export interface Health {
  broker: 'connected' | 'connecting' | 'disconnected' | 'error';
  subscribed: boolean;
  db: 'ok' | 'error';
}

export async function health(headless: Headless): Promise<Health> {
  const res = await fetch(`${headless.url}/healthz`);
  if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  return (await res.json()) as Health;
}

/**
 * Polls `/healthz` until `check` passes; resolves with how long that took (ms), or null when it
 * did not within `timeoutMs`. A failed request counts as "not yet".
 */
export async function healthWithin(
  headless: Headless,
  check: (h: Health) => boolean,
  timeoutMs: number,
  startedMs = Date.now(),
): Promise<number | null> {
  const deadline = startedMs + timeoutMs;
  for (;;) {
    const h = await health(headless).catch(() => null);
    if (h && check(h)) return Date.now() - startedMs;
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

export interface PushedEvent {
  event: string;
  payload: Record<string, unknown>;
  atMs: number;
}

/** Records every event the console pushes on its WebSocket. */
export class EventLog {
  readonly events: PushedEvent[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as {
        event: string;
        payload: Record<string, unknown>;
      };
      this.events.push({ ...message, atMs: Date.now() });
    });
  }

  /** Opens the socket signed in, as the console page does. */
  static async open(headless: Headless): Promise<EventLog> {
    const cookie = await sessionCookie(headless.url);
    const socket = new WebSocket(`${headless.url.replace(/^http/, 'ws')}/api/events`, {
      headers: { cookie },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventLog(socket)));
      socket.once('error', reject);
    });
  }

  /** Alerts of one kind, in the order they came. */
  alerts(kind: string): Array<{ severity: string; message: string }> {
    return this.events
      .filter((e) => e.event === 'alert' && e.payload.kind === kind)
      .map((e) => ({ severity: String(e.payload.severity), message: String(e.payload.message) }));
  }

  /** The connection statuses pushed, with repeats of the same status folded. */
  statuses(): string[] {
    const out: string[] = [];
    for (const e of this.events) {
      if (e.event !== 'connection.state') continue;
      const status = String(e.payload.status);
      if (out[out.length - 1] !== status) out.push(status);
    }
    return out;
  }

  close(): void {
    this.socket.close();
  }
}
