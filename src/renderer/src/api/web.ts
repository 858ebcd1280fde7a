/**
 * The contract over the headless bridge: each command is `POST /api/<command>`, every event
 * arrives on one WebSocket at `/api/events`.
 */
import type { CommandName, CommandParams, CommandReply } from '../../../shared/contract';
import { snapshotKey, type EarlyStream } from './early-stream';
import { createEventFrames } from './event-frames';
import { createNotices, type Transport } from './transport';
import { checkReply } from './validate';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 15_000;

interface Place {
  protocol: string;
  host: string;
}

/** `early`: the stream the page's first script opened (early-stream.ts), taken over on first use. */
export function createWebApi(place: Place, early: EarlyStream | null = null): Transport {
  const notices = createNotices();
  // The first subscription opens the stream: the early one, taken over a microtask later, or a new one.
  const frames = createEventFrames(notices.emit, () =>
    early ? queueMicrotask(() => adopt(early)) : connect(),
  );
  let retryMs = RETRY_FIRST_MS;
  /** Replies asked for when the early stream opened; valid only while that stream stays open. */
  let earlySnapshots: Map<string, Promise<Response>> | null = null;

  /** The early stream's reply to `command`, once, if it was asked with the same params. */
  function takeEarlySnapshot(command: CommandName, params: unknown): Promise<Response> | undefined {
    const key = snapshotKey(command, JSON.stringify(params ?? {}));
    const reply = earlySnapshots?.get(key);
    earlySnapshots?.delete(key);
    return reply;
  }

  /**
   * The bridge's session cookie lives as long as the service: after a restart the page's cookie is
   * stale and every call answers 401. Loading the page again hands out a fresh one on loopback; a
   * console shared on the network sends the browser to its sign-in form instead.
   */
  async function renewSession(): Promise<boolean> {
    try {
      const page = await fetch('/', { redirect: 'manual', cache: 'no-store' });
      if (page.type === 'opaqueredirect') {
        window.location.assign('/login');
        return false;
      }
      return page.ok;
    } catch {
      return false;
    }
  }

  async function post(command: CommandName, params: unknown): Promise<Response> {
    return fetch(`/api/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params ?? {}),
    });
  }

  async function invoke<C extends CommandName>(
    command: C,
    params: CommandParams<C>,
  ): Promise<CommandReply<C>> {
    let response: Response;
    try {
      response = await (takeEarlySnapshot(command, params) ?? post(command, params));
      if (response.status === 401 && (await renewSession())) response = await post(command, params);
    } catch {
      return { ok: false, error: { code: 'internal', message: 'The Kilowatch service is not reachable' } };
    }
    let body: unknown;
    try {
      // Error statuses carry a result body too, so the body is read whatever the status.
      body = await response.json();
    } catch {
      return {
        ok: false,
        error: {
          code: 'internal',
          message: `The Kilowatch service answered HTTP ${response.status} without a result`,
        },
      };
    }
    const checked = checkReply(command, body);
    if (checked.rejected) notices.emit({ kind: 'rejected', reason: checked.rejected });
    return checked.reply;
  }

  function opened(ws: WebSocket): void {
    retryMs = RETRY_FIRST_MS;
    if (early?.ws === ws) earlySnapshots = early.snapshots;
    notices.emit({ kind: 'stream-open' });
  }

  // A failed or dropped socket always ends in `close`, so retrying lives there alone.
  function closed(): void {
    earlySnapshots = null;
    // Jitter keeps many open consoles from reconnecting in step after a service restart.
    const delay = Math.round(retryMs * (0.8 + Math.random() * 0.4));
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    notices.emit({ kind: 'stream-closed', retryInMs: delay });
    // A browser never sees why an upgrade was refused: renew the session in case it went stale.
    setTimeout(() => void renewSession().then(connect), delay);
  }

  function listen(ws: WebSocket): void {
    ws.onopen = () => opened(ws);
    ws.onmessage = (message) => frames.dispatch(message.data);
    ws.onclose = closed;
  }

  function connect(): void {
    const scheme = place.protocol === 'https:' ? 'wss' : 'ws';
    listen(new WebSocket(`${scheme}://${place.host}/api/events`));
  }

  /**
   * Takes over the early stream once the console has subscribed (wire() does so in one go, so a
   * microtask later). What it said before is told now, after stream-open has asked for the
   * snapshots, as if it had arrived while they were on their way: a `totals.live` push that is
   * older than the totals snapshot says so by its `seq` (state/live.ts).
   */
  function adopt(stream: EarlyStream): void {
    const { ws } = stream;
    listen(ws);
    if (ws.readyState === WebSocket.OPEN) opened(ws);
    for (const frame of stream.frames.splice(0)) frames.dispatch(frame);
    // Closed before anyone listened (a closing one still calls `onclose`).
    if (ws.readyState === WebSocket.CLOSED) closed();
  }

  return {
    kind: 'web',
    invoke,
    on: frames.on,
    onNotice: notices.on,
  };
}
