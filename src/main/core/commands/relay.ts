/** Commands that move something on a device: a relay on or off, a cover opened or closed. */
import type { CoverControl } from '../cover-control';
import type { RelayControl } from '../relay-control';
import type { CommandPart } from './part';

export function relayCommands(deps: {
  relays: RelayControl;
  covers: CoverControl;
}): CommandPart<'relay.set' | 'cover.set'> {
  return {
    'relay.set': (params) => deps.relays.set(params.channel, params.on, params.timeoutMs),
    'cover.set': (params) =>
      deps.covers.set(params.channel, params.action, params.position, params.timeoutMs),
  };
}
