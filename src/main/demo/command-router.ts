/**
 * Delivers a message the fleet received to the device it is meant for. One MQTT client speaks
 * for the whole fleet, so it subscribes with wildcards and routes by topic prefix here.
 */
import { COMPANY } from './site-plan';
import type { Outbound, SimDevice } from './types';

/** Everything a device listens to (PROTOCOL.md §2 "Commands accepted", §3.2). */
export const COMMAND_TOPICS: readonly string[] = [
  `${COMPANY}/+/+/+/rpc`,
  `${COMPANY}/+/+/+/command`,
  `${COMPANY}/+/+/+/command/+`,
  'shellies/command',
  'shellies/+/command',
  'shellies/+/relay/+/command',
];

export class CommandRouter {
  private readonly byPrefix = new Map<string, SimDevice>();

  constructor(private readonly devices: readonly SimDevice[]) {
    for (const d of devices) this.byPrefix.set(d.info.prefix, d);
  }

  route(topic: string, payload: string, atMs: number): Outbound[] {
    // `shellies/command` reaches every device: Gen1 answers `announce` and `update`, Gen2+ only
    // `announce` (PROTOCOL.md §3.2).
    if (topic === 'shellies/command') {
      return this.devices.flatMap((d) => {
        if (d.isRebooting) return [];
        if (d.info.generation === 1) return d.command('command', payload, atMs);
        return payload === 'announce' ? d.announce(atMs) : [];
      });
    }
    // A prefix can itself contain `/`; try every split from the left and take the known one.
    const segments = topic.split('/');
    for (let i = 1; i < segments.length; i++) {
      const device = this.byPrefix.get(segments.slice(0, i).join('/'));
      if (device) return device.command(segments.slice(i).join('/'), payload, atMs);
    }
    return [];
  }
}
