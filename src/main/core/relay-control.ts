/**
 * Switching relays through the broker, confirmed by the device itself: a toggle is done only
 * when the device's own status shows the new state (or its RPC reply says so), and fails clearly
 * after a timeout. Gen2+: `Switch.Set` over `<prefix>/rpc` with our reply address as `src`;
 * Gen1: `shellies/<id>/relay/N/command`.
 */
import type { EventPayload } from '../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../shared/result';
import type { Device, SiteRegistry } from './site/registry';

interface Pending {
  device: Device;
  component: string;
  on: boolean;
  requestId: number | null;
  replied: boolean;
  resolve: (r: Result<{ channel: string; on: boolean }, ApiError>) => void;
  timer: NodeJS.Timeout;
  channel: string;
}

export interface RelayDeps {
  registry: SiteRegistry;
  clientId: string;
  publish(topic: string, payload: string): Promise<Error | null>;
}

export class RelayControl {
  private nextId = 1;
  private readonly pending = new Set<Pending>();

  constructor(private readonly deps: RelayDeps) {}

  async set(
    channelRef: string,
    on: boolean,
    timeoutMs: number,
  ): Promise<Result<{ channel: string; on: boolean }, ApiError>> {
    const m = /^channel:(.+)\|((?:switch|relay):(\d+))$/.exec(channelRef);
    const device = m ? this.deps.registry.find(m[1] as string) : undefined;
    if (!m || !device) return err('not-found', `"${channelRef}" is not a relay the console knows.`);
    const component = m[2] as string;
    const index = Number(m[3]);
    const name = this.deps.registry.displayName(device);
    let topic: string;
    let payload: string;
    let requestId: number | null = null;
    if (device.row.generation === 2 && component.startsWith('switch:')) {
      requestId = this.nextId++;
      topic = `${device.row.key}/rpc`;
      payload = JSON.stringify({
        id: requestId,
        src: this.deps.clientId,
        method: 'Switch.Set',
        params: { id: index, on },
      });
    } else if (device.row.generation === 1 && component.startsWith('relay:')) {
      topic = `${device.row.key}/relay/${index}/command`;
      payload = on ? 'on' : 'off';
    } else {
      return err('not-found', `${name} ${component} cannot be switched.`);
    }
    return new Promise((resolve) => {
      const entry: Pending = {
        device,
        component,
        on,
        requestId,
        replied: false,
        resolve,
        channel: channelRef,
        timer: setTimeout(() => {
          this.pending.delete(entry);
          const offline = device.memory.isOnline === false ? ' The device is offline.' : '';
          resolve(
            err(
              'timeout',
              `${name} did not confirm switching ${on ? 'on' : 'off'} within ${Math.round(timeoutMs / 1000)} s.${offline}`,
            ),
          );
        }, timeoutMs),
      };
      this.pending.add(entry);
      void this.deps.publish(topic, payload).then((e) => {
        if (e)
          this.finish(
            entry,
            err('broker-unreachable', `Could not send the command to ${name}: ${e.message}`),
          );
      });
    });
  }

  private finish(entry: Pending, result: Result<{ channel: string; on: boolean }, ApiError>): void {
    if (!this.pending.delete(entry)) return;
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  onReply(
    deviceKey: string,
    requestId: number | string | null,
    error?: { code: number; message: string },
  ): void {
    for (const entry of this.pending) {
      if (entry.device.row.key !== deviceKey || entry.requestId !== requestId) continue;
      if (error) {
        this.finish(
          entry,
          err(
            'internal',
            `${this.deps.registry.displayName(entry.device)} refused: ${error.message} (code ${error.code}).`,
          ),
        );
        continue;
      }
      entry.replied = true;
      if (entry.device.outputs.get(entry.component) === entry.on)
        this.finish(entry, ok({ channel: entry.channel, on: entry.on }));
    }
  }

  onDeviceState(state: EventPayload<'device.state'>): void {
    for (const entry of this.pending) {
      const key = entry.device.row.shellyId ?? entry.device.row.key;
      if (key !== state.id) continue;
      if (state.outputs[entry.component] === entry.on)
        this.finish(entry, ok({ channel: entry.channel, on: entry.on }));
    }
  }

  cancelAll(): void {
    for (const entry of [...this.pending])
      this.finish(entry, err('broker-unreachable', 'The console is shutting down.'));
  }
}
