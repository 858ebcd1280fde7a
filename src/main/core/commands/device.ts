/**
 * "Add a Shelly": read a device on the LAN, find the ones answering, and put one on the site's
 * broker under a place. The device's own answers decide its generation and id; nothing it is told
 * is guessed from what staff typed.
 */
import type { CommandReply, ParsedParams, ShellyFound } from '../../../shared/contract';
import { err, ok } from '../../../shared/result';
import { filterMatches } from '../broker/topic-filter';
import { commissionGen1, commissionGen2 } from '../commissioning/commission';
import { normalAddress } from '../commissioning/device-address';
import { hostsOf, scanForShellys } from '../commissioning/lan-scan';
import { probeShelly, type ShellyIdentity } from '../commissioning/shelly-probe';
import { nodeId } from '../site/placement';
import type { SiteRegistry } from '../site/registry';
import type { CommandPart } from './part';
import { deviceNamed } from './site';

export interface DeviceCommandDeps {
  registry: SiteRegistry;
  /** The filters the console subscribes to now; null when no connection is set up. */
  subscribed(): readonly string[] | null;
  /** Places a device in a room as `site.assign` does (Gen1 topics carry no place). */
  assign(
    id: string,
    path: [string, string, string],
    name: string,
  ): CommandReply<'site.assign'> | Promise<CommandReply<'site.assign'>>;
  /** Addresses every scan also asks, whatever the network: the demo's plugs on loopback ports. */
  alsoScan?: readonly string[];
}

const LOOPBACK = /^(127\.|localhost$|::1$|\[::1\]$)/i;
const hostOf = (address: string) => new URL(`http://${address}`).hostname;

export function deviceCommands(
  deps: DeviceCommandDeps,
): CommandPart<'device.probe' | 'device.scan' | 'device.commission'> {
  const { registry } = deps;
  const known = (found: ShellyIdentity): ShellyFound => {
    const device = found.id ? registry.find(found.id) : undefined;
    if (!device) return { ...found, known: null };
    const place = 'place' in device.placement ? device.placement.place : null;
    return {
      ...found,
      known: {
        node: nodeId.device(device.row.key),
        path: place ? [place.company, place.office, place.room] : [],
      },
    };
  };

  return {
    'device.probe': async ({ address, login }) => {
      const found = await probeShelly(address, login);
      return found.ok ? ok(known(found.value)) : found;
    },
    'device.scan': async ({ network, port }) => {
      const hosts = hostsOf(network).map((h) => (port === 80 ? h : `${h}:${port}`));
      const addresses = [...new Set([...hosts, ...(deps.alsoScan ?? []).map(normalAddress)])];
      const found = await scanForShellys(addresses);
      return ok({ scanned: addresses.length, found: found.map(known) });
    },
    'device.commission': async (params) => commission(deps, params),
  };
}

async function commission(
  deps: DeviceCommandDeps,
  params: ParsedParams<'device.commission'>,
): Promise<CommandReply<'device.commission'>> {
  const { login, path, name, mqtt } = params;
  const address = normalAddress(params.address);
  // Read first: the device's answer says its generation and id, and that the password is right.
  const probed = await probeShelly(address, login);
  if (!probed.ok) return probed;
  const device = probed.value;
  if (device.authRequired && !login)
    return err('auth-rejected', `The Shelly at ${address} is protected by a password: enter it to go on.`, {
      address,
      passwordNeeded: true,
    });
  if (!device.id)
    return err('device-refused', `The Shelly at ${address} did not say its id, so it cannot be placed.`);
  if (device.generation === 1 && mqtt.tls !== 'none')
    return err('invalid-params', 'mqtt.tls: a Gen1 Shelly speaks plain MQTT only; choose "none".');
  if (LOOPBACK.test(hostOf(mqtt.server)) && !LOOPBACK.test(hostOf(address)))
    return err(
      'invalid-params',
      `mqtt.server: ${mqtt.server} is the device itself, seen from the device. Give the broker's address on ` +
        "the device's network (the one this console connects to may be a loopback name).",
    );

  const topicPrefix = device.generation >= 2 ? [...path, name].join('/') : `shellies/${device.id}`;
  const subscribed = deps.subscribed();
  const probeTopic = `${topicPrefix}/events/rpc`;
  if (subscribed && !subscribed.some((f) => filterMatches(f, probeTopic)))
    return err(
      'invalid-params',
      `The console subscribes to ${subscribed.join(', ')} only: a device publishing under ${topicPrefix} ` +
        'would not be heard. Choose a company the console reads, or add its topics to the connection.',
    );
  const [company, office, room] = path;
  const clash = deviceNamed(
    deps.registry,
    { company, office, room, device: name },
    deps.registry.find(device.id),
  );
  if (clash)
    return err(
      'invalid-params',
      `${room} already has a device named "${name}" (${clash.row.shellyId ?? clash.row.key}). Two devices ` +
        'with one name would publish their totals to the same topic: choose another name.',
    );

  const target = { address, generation: device.generation, login };
  const done =
    device.generation >= 2
      ? await commissionGen2(target, mqtt, topicPrefix)
      : await commissionGen1(target, mqtt, device.id);
  if (!done.ok) return done;
  if (device.generation === 1) {
    const placed = await deps.assign(device.id, path, name);
    if (!placed.ok)
      return err(
        placed.error.code,
        `${device.id} is now on the broker, but could not be placed in ${path.join(' › ')}: ` +
          `${placed.error.message} Place it from the tree once it appears.`,
      );
  }
  return ok({
    device: nodeId.device(topicPrefix),
    id: device.id,
    generation: device.generation,
    topicPrefix,
    path: [...path],
    restarted: done.value.restarted,
  });
}
