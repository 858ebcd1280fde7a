/**
 * The "Add a Shelly" dialog's rules, without React: what a typed address or network is, which
 * broker address to suggest, the places the site already has, and the topic prefix a choice makes.
 * Checked the way the contract will check them, so a mistake is named before anything is sent.
 */
import {
  DEVICE_ADDRESS_PATTERN,
  PLACE_NAME_PATTERN,
  SCAN_NETWORK_PATTERN,
  type ConnectionState,
  type DEVICE_MQTT_TLS,
  type ShellyFound,
  type SiteNode,
} from '../../../../shared/contract';

export type DeviceTls = (typeof DEVICE_MQTT_TLS)[number];

/** What the device's MQTT client is given when the server is typed without a port. */
export const MQTT_PORT = { plain: 1883, tls: 8883 } as const;

/**
 * An address as people paste it (`http://192.168.1.20/`, ` plug.local:8080 `) cut down to the
 * `host[:port]` the contract takes; anything else is left for `addressProblem` to name.
 */
export function addressOf(typed: string): string {
  return typed
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '');
}

export type AddressProblem = 'empty' | 'form';

export function addressProblem(address: string): AddressProblem | null {
  if (address === '') return 'empty';
  return DEVICE_ADDRESS_PATTERN.test(address) ? null : 'form';
}

export type NetworkProblem = 'empty' | 'form';

export function networkProblem(network: string): NetworkProblem | null {
  const typed = network.trim();
  if (typed === '') return 'empty';
  const m = SCAN_NETWORK_PATTERN.exec(typed);
  if (!m) return 'form';
  return m.slice(1, 5).every((octet) => Number(octet) <= 255) ? null : 'form';
}

/** The addresses a scan of `network` asks (a /24 has 254: not its network or broadcast address). */
export function hostCount(network: string): number {
  const bits = Number(SCAN_NETWORK_PATTERN.exec(network.trim())?.[5] ?? 32);
  const size = 2 ** (32 - bits);
  return bits >= 31 ? size : size - 2;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\./.test(host);

/**
 * The broker as a device could reach it, from the console's own connection: only MQTT (a device
 * cannot speak it over the console's WebSocket port), and a loopback broker only to a device on
 * this computer too (the demo's plugs; a device on the LAN would reach itself). Null when there is
 * nothing sensible to offer.
 */
export function brokerSuggestion(
  state: ConnectionState | null,
  deviceAddress: string,
): { server: string; tls: DeviceTls } | null {
  if (!state?.broker) return null;
  let url: URL;
  try {
    url = new URL(state.broker);
  } catch {
    return null;
  }
  const isTls = url.protocol === 'mqtts:';
  if ((url.protocol !== 'mqtt:' && !isTls) || url.hostname === '') return null;
  const deviceHost = deviceAddress.replace(/:\d+$/, '');
  if (isLoopback(url.hostname) && !isLoopback(deviceHost)) return null;
  const port = url.port || String(isTls ? MQTT_PORT.tls : MQTT_PORT.plain);
  return { server: `${url.hostname}:${port}`, tls: isTls ? 'built-in-ca' : 'none' };
}

/** `host:port` as the contract takes it: a host typed alone gets the usual MQTT port. */
export function serverOf(typed: string, tls: DeviceTls): string {
  const server = typed.trim();
  if (server === '' || /:\d+$/.test(server)) return server;
  return `${server}:${tls === 'none' ? MQTT_PORT.plain : MQTT_PORT.tls}`;
}

export type ServerProblem = 'empty' | 'form';

export function serverProblem(server: string): ServerProblem | null {
  if (server === '') return 'empty';
  const m = /^([^:/\s]{1,253}):(\d{1,5})$/.exec(server);
  return m && Number(m[2]) >= 1 && Number(m[2]) <= 65_535 ? null : 'form';
}

/**
 * The companies, offices and rooms the tree has, to offer while still letting a new one be typed.
 * By their path segment (what the topic prefix is made of), not their display name: a renamed
 * room keeps its segment.
 */
export interface PlaceOptions {
  companies: PlaceOption[];
  offices: (company: string) => PlaceOption[];
  rooms: (company: string, office: string) => PlaceOption[];
  /** Whether that room exists already (else the device's arrival makes it). */
  hasRoom: (path: readonly string[]) => boolean;
}

export interface PlaceOption {
  segment: string;
  /** The name shown in the tree, when it differs from the segment. */
  label: string | null;
}

const segmentOf = (node: SiteNode): string => node.path[node.path.length - 1] ?? node.name;

export function placeOptions(nodes: readonly SiteNode[]): PlaceOptions {
  const companies = nodes.filter((n) => n.kind === 'company');
  const officesOf = (company: string) =>
    companies.find((c) => segmentOf(c) === company)?.children.filter((n) => n.kind === 'office') ?? [];
  const roomsOf = (company: string, office: string) =>
    officesOf(company)
      .find((o) => segmentOf(o) === office)
      ?.children.filter((n) => n.kind === 'room') ?? [];
  const options = (list: SiteNode[]): PlaceOption[] =>
    list
      .map((n) => ({ segment: segmentOf(n), label: n.name === segmentOf(n) ? null : n.name }))
      .sort((a, b) => a.segment.localeCompare(b.segment));
  return {
    companies: options(companies),
    offices: (company) => options(officesOf(company)),
    rooms: (company, office) => options(roomsOf(company, office)),
    hasRoom: ([company = '', office = '', room = '']) =>
      roomsOf(company, office).some((n) => segmentOf(n) === room),
  };
}

/** A Shelly app name (or the id) made into a place name: what the contract refuses is dropped. */
export function defaultDeviceName(found: Pick<ShellyFound, 'name' | 'id' | 'model'>): string {
  for (const candidate of [found.name, found.id, found.model]) {
    const name = (candidate ?? '')
      .normalize('NFC')
      .replace(/[^\p{L}\p{M}\p{N} _.'&()-]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/^[^\p{L}\p{N}]+/u, '')
      .slice(0, 64)
      .trim();
    if (PLACE_NAME_PATTERN.test(name)) return name;
  }
  return '';
}

/**
 * Where the device will publish: Gen2+ under the place itself (`Aurora/Lisbon/Kitchen/Kettle`),
 * Gen1 always under `shellies/<id>` (the console then files it by assignment).
 */
export function topicPrefixOf(
  found: Pick<ShellyFound, 'generation' | 'id'>,
  path: readonly string[],
  name: string,
): string {
  if (found.generation === 1) return `shellies/${found.id ?? '…'}`;
  return [...path, name].map((part) => part.trim() || '…').join('/');
}

/** The device node's place once it is heard: in exactly that room. */
export function isInRoom(node: SiteNode | undefined, path: readonly string[]): boolean {
  return (
    node !== undefined &&
    node.kind === 'device' &&
    path.length === 3 &&
    path.every((p, i) => node.path[i] === p)
  );
}
