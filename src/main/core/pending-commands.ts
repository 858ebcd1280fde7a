/**
 * Commands to devices that are done only when the device itself says so: its status shows the
 * state asked for (or its RPC reply arrives while the status already shows it). An RPC error
 * reply fails the command with the device's own words; silence fails it after a timeout. Relays
 * and covers share this; what "done" means is the command's own `isDone`.
 */
import { err, type ApiError, type Result } from '../../shared/result';
import type { Device, SiteRegistry } from './site/registry';

export interface CommandSpec<V> {
  device: Device;
  /** Gen2+ JSON-RPC request id (its reply can settle or fail the command); null for Gen1 topics. */
  requestId: number | null;
  topic: string;
  payload: string;
  /** Whether the device's latest known state shows the command carried out. */
  isDone: (device: Device) => boolean;
  value: V;
  timeoutMs: number;
  /** "switching on", "opening": what the device did not confirm, for the timeout message. */
  doing: string;
}

interface Pending {
  device: Device;
  requestId: number | null;
  isDone: (device: Device) => boolean;
  settle: (result: Result<unknown, ApiError>) => void;
  timer: NodeJS.Timeout;
  value: unknown;
}

export interface PendingDeps {
  registry: SiteRegistry;
  publish(topic: string, payload: string): Promise<Error | null>;
}

export class PendingCommands {
  private readonly pending = new Set<Pending>();
  private nextId = 1;

  constructor(private readonly deps: PendingDeps) {}

  /** A request id no other command in flight has: a late reply can never settle another. */
  requestId(): number {
    return this.nextId++;
  }

  send<V>(spec: CommandSpec<V>): Promise<Result<V, ApiError>> {
    const name = this.deps.registry.displayName(spec.device);
    return new Promise((resolve) => {
      const entry: Pending = {
        device: spec.device,
        requestId: spec.requestId,
        isDone: spec.isDone,
        value: spec.value,
        settle: resolve as (result: Result<unknown, ApiError>) => void,
        timer: setTimeout(() => {
          const offline = spec.device.memory.isOnline === false ? ' The device is offline.' : '';
          this.finish(
            entry,
            err(
              'timeout',
              `${name} did not confirm ${spec.doing} within ${Math.round(spec.timeoutMs / 1000)} s.${offline}`,
            ),
          );
        }, spec.timeoutMs),
      };
      this.pending.add(entry);
      void this.deps.publish(spec.topic, spec.payload).then((e) => {
        if (e)
          this.finish(
            entry,
            err('broker-unreachable', `Could not send the command to ${name}: ${e.message}`),
          );
      });
    });
  }

  private finish(entry: Pending, result: Result<unknown, ApiError>): void {
    if (!this.pending.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.settle(result);
  }

  private done(entry: Pending): void {
    this.finish(entry, { ok: true, value: entry.value });
  }

  /** A JSON-RPC reply from the device at `deviceKey`: an error fails its command at once. */
  onReply(
    deviceKey: string,
    requestId: number | string | null,
    error?: { code: number; message: string },
  ): void {
    for (const entry of this.pending) {
      if (entry.device.row.key !== deviceKey || entry.requestId !== requestId) continue;
      if (error) {
        const name = this.deps.registry.displayName(entry.device);
        this.finish(entry, err('internal', `${name} refused: ${error.message} (code ${error.code}).`));
      } else if (entry.isDone(entry.device)) this.done(entry);
    }
  }

  /** The device (by Shelly id or key) reported a new state. */
  onDeviceState(id: string): void {
    for (const entry of this.pending) {
      if ((entry.device.row.shellyId ?? entry.device.row.key) !== id) continue;
      if (entry.isDone(entry.device)) this.done(entry);
    }
  }

  cancelAll(): void {
    for (const entry of [...this.pending])
      this.finish(entry, err('broker-unreachable', 'The console is shutting down.'));
  }
}
