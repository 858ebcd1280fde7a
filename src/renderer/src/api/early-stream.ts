/**
 * The bridge's event stream and the first snapshots, started by the page's first few kilobytes of
 * script while the rest of the console still loads. On a large site the core takes about as long
 * to answer `site.tree` as the page takes to load its code; asked only once that code had run, the
 * two waits came one after the other.
 *
 * The snapshots are still asked for only once the stream is open, as web.ts does on every
 * (re)open: whatever happens after a snapshot is taken then arrives as an event. Events that come
 * before the console has subscribed are kept, in order, and handed over with the stream.
 *
 * Nothing here may import the contract or the stores: this module is in the page's first script,
 * and what it imports would load before the stream could start.
 */

/**
 * How many devices the first screenful of the tree is asked with (`site.tree` `devices`): more
 * than fit on a tall screen even with every device open, a few dozen kilobytes at any site size.
 */
export const FIRST_SCREEN_DEVICES = 200;

/**
 * What the console asks for first when the stream opens (wire.ts `refreshAll`), with the same
 * params, as JSON: the tree's first screenful and the small snapshots. The whole tree and the
 * totals are asked once that screenful is in (actions.ts refreshTree).
 */
const FIRST_SNAPSHOTS: ReadonlyArray<readonly [command: string, body: string]> = [
  ['site.tree', `{"totals":false,"devices":${FIRST_SCREEN_DEVICES}}`],
  ['connection.status', '{}'],
  ['alerts.query', '{}'],
  ['access.status', '{}'],
  ['settings.get', '{}'],
];

export interface EarlyStream {
  ws: WebSocket;
  /** Frames received before the console took the stream over, oldest first. */
  frames: unknown[];
  /**
   * The replies to FIRST_SNAPSHOTS by `snapshotKey`, asked for when the stream opened; each is
   * used once.
   */
  snapshots: Map<string, Promise<Response>>;
}

let started: EarlyStream | null = null;

/** One command asked with one body (the tree is asked twice, with different params). */
export const snapshotKey = (command: string, body: string): string => `${command} ${body}`;

function askSnapshot(command: string, body: string): Promise<Response> {
  const reply = fetch(`/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  // Read (and a failure reported) when the console takes the reply; until then it is not unhandled.
  reply.catch(() => undefined);
  return reply;
}

export function startEarlyStream(place: { protocol: string; host: string }): void {
  if (started) return;
  const scheme = place.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${place.host}/api/events`);
  const stream: EarlyStream = { ws, frames: [], snapshots: new Map() };
  // A listener, not `onopen`: web.ts sets `onopen` when it takes over, and this one must still run
  // first so that its stream-open finds the replies already asked for.
  ws.addEventListener('open', () => {
    for (const [command, body] of FIRST_SNAPSHOTS)
      stream.snapshots.set(snapshotKey(command, body), askSnapshot(command, body));
  });
  ws.onmessage = (message) => stream.frames.push(message.data);
  started = stream;
}

/** The stream started by the page's first script, once; null when none was (desktop app, tests). */
export function takeEarlyStream(): EarlyStream | null {
  const stream = started;
  started = null;
  return stream;
}
