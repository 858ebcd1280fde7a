/**
 * The event WebSocket's clients, bounded twice: how many may be connected at once, and how much
 * may wait unsent for one of them. A client that stops reading would otherwise make the console
 * buffer every event for it in memory, forever; it is dropped instead, and its page reconnects
 * and reloads the state it missed.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../core/dispatch';

export interface BroadcastOptions {
  maxClients: number;
  maxBufferedBytes: number;
  log: Logger;
}

export interface Broadcast {
  hasRoom(): boolean;
  add(ws: WebSocket): void;
  /** One frame to every client, as a text frame (the bytes are UTF-8 JSON). */
  send(frame: string | Uint8Array): void;
  closeAll(): void;
}

export function createBroadcast(options: BroadcastOptions): Broadcast {
  const clients = new Set<WebSocket>();
  return {
    hasRoom: () => clients.size < options.maxClients,
    add(ws) {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      // ws reports a frame over maxPayload, a bad opcode or broken UTF-8 as 'error' and closes
      // the socket; unheard, that error would end the process.
      ws.on('error', (e) => {
        options.log(`dropped an event client that sent an invalid frame (${e.message})`);
        clients.delete(ws);
      });
    },
    send(frame) {
      for (const ws of clients) {
        if (ws.readyState !== ws.OPEN) continue;
        if (ws.bufferedAmount > options.maxBufferedBytes) {
          options.log(
            `dropped an event client that stopped reading (${ws.bufferedAmount} bytes waiting, limit ${options.maxBufferedBytes})`,
          );
          clients.delete(ws);
          ws.terminate();
          continue;
        }
        // ws sends a Buffer as a binary frame unless told otherwise; consoles read text frames.
        ws.send(frame, { binary: false });
      }
    },
    closeAll() {
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
  };
}
