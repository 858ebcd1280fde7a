/**
 * Switching relays through the broker, confirmed by the device itself: a toggle is done only
 * when the device's own status shows the new state (or its RPC reply says so), and fails clearly
 * after a timeout. Gen2+: `Switch.Set` over `<prefix>/rpc` with our reply address as `src`;
 * Gen1: `shellies/<id>/relay/N/command`.
 */
import { err, type ApiError, type Result } from '../../shared/result';
import type { PendingCommands } from './pending-commands';
import type { SiteRegistry } from './site/registry';

export interface RelayDeps {
  registry: SiteRegistry;
  clientId: string;
  commands: PendingCommands;
}

export class RelayControl {
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
    let topic: string;
    let payload: string;
    let requestId: number | null = null;
    if (device.row.generation === 2 && component.startsWith('switch:')) {
      requestId = this.deps.commands.requestId();
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
      return err('not-found', `${this.deps.registry.displayName(device)} ${component} cannot be switched.`);
    }
    return this.deps.commands.send({
      device,
      requestId,
      topic,
      payload,
      isDone: (d) => d.outputs.get(component) === on,
      value: { channel: channelRef, on },
      timeoutMs,
      doing: `switching ${on ? 'on' : 'off'}`,
    });
  }
}
