/**
 * The broker for `--demo`: aedes in this process, plain TCP on a loopback port the OS hands out,
 * so a demo never collides with a real broker on 1883 and is not reachable from the network.
 * Retained messages use aedes' default in-memory persistence: devices' retained `online` works,
 * and nothing survives stop().
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedBroker(): Promise<EmbeddedBroker> {
  const aedes = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  const closeAedes = () => new Promise<void>((resolve) => aedes.close(() => resolve()));

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await closeAedes();
    throw new Error(`embedded broker could not listen on 127.0.0.1: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { port } = server.address() as AddressInfo;

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // aedes closes its clients; sockets still in the CONNECT handshake are not clients yet.
    await closeAedes();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve, reject) =>
      server.close((error) => (error ? reject(error) : resolve())),
    );
  };
  return { url: `mqtt://127.0.0.1:${port}`, port, stop: () => (stopping ??= stop()) };
}
