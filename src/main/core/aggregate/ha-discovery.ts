/**
 * Home Assistant MQTT discovery configs (README "Home Assistant") for the nodes Kilowatch
 * publishes `<prefix>/…/energy` for: per node an energy sensor and a power sensor reading that
 * aggregate topic, grouped as one HA device per room (its devices' sensors with the room's own),
 * one per office and one per company. Pure: what to publish, never when.
 *
 * Followed from Home Assistant's MQTT docs (home-assistant.io/integrations/mqtt, "MQTT
 * Discovery"; /integrations/sensor.mqtt):
 * - the config topic is `<discovery_prefix>/<component>/[<node_id>/]<object_id>/config`, here
 *   `<haPrefix>/sensor/kilowatch_<hash>/<energy|power>/config`: node_id and object_id may only
 *   hold `[a-zA-Z0-9_-]`, so names never reach the topic, only a hash of the node id;
 * - an empty retained payload on a config topic removes the entity (retraction);
 * - `unique_id` ties the entity to HA's registry: from the node id's hash, so a device renamed
 *   (its node id is its key) keeps its entity and history; `object_id` only seeds the entity_id;
 * - the Energy dashboard takes sensors with `device_class: energy` and `state_class:
 *   total_increasing` in Wh/kWh; `device.identifiers` shared by several entities groups them;
 * - `availability` entries with a `value_template` that renders `online`/`offline` (the defaults
 *   of payload_available/payload_not_available).
 */
import { createHash } from 'node:crypto';
import type { NodeTotals } from '../../../shared/contract';
import type { AggregatePublication, PublishTarget } from './publisher';
import { topicSegment } from './topic-name';

export type SensorKind = 'energy' | 'power';
const SENSORS: readonly SensorKind[] = ['energy', 'power'];

export interface DiscoveryOptions {
  /** HA's discovery prefix (`[homeassistant] prefix`, HA's own default `homeassistant`). */
  haPrefix: string;
  /** Kilowatch's publish prefix: the state topics are its aggregates. */
  outPrefix: string;
  /**
   * The aggregator lease topic: it holds the publishing console's claim and is emptied (by the
   * holder's goodbye or Last Will) when nobody publishes, so HA shows the figures as unavailable
   * exactly then. Null when this broker has no lease (refused): no availability is claimed.
   */
  availabilityTopic: string | null;
  /**
   * Staff renames by node id (site.rename): what HA shows. A rename keeps the node id, so the
   * entity stays and only its name changes; without one, the place's own name.
   */
  names: ReadonlyMap<string, string>;
}

/** A short, stable id for a node (its id is names for places, the device's key for devices). */
export const nodeHash = (node: string): string =>
  createHash('sha256').update(node, 'utf8').digest('hex').slice(0, 12);

export const discoveryTopic = (haPrefix: string, node: string, sensor: SensorKind): string =>
  `${haPrefix}/sensor/kilowatch_${nodeHash(node)}/${sensor}/config`;

const OWN_CONFIG = /^kilowatch_[0-9a-f]{12}\/(energy|power)\/config$/;

/** One of the configs Kilowatch publishes (any console's): never a device's message. */
export function isDiscoveryConfigTopic(topic: string, haPrefix: string): boolean {
  const head = `${haPrefix}/sensor/`;
  return topic.startsWith(head) && OWN_CONFIG.test(topic.slice(head.length));
}

/** The aggregate topic of a node, exactly as the publisher builds it (publisher.ts). */
export const aggregateTopic = (outPrefix: string, path: readonly string[]): string =>
  [outPrefix, ...path.map(topicSegment), 'energy'].join('/');

/** Names as an entity_id seed: ASCII letters and digits only (HA slugifies it again anyway). */
function slug(parts: readonly string[]): string {
  return parts
    .join(' ')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 120);
}

const KINDS = ['company', 'office', 'room'] as const;

/** The place node ids above a path: company, office, room (as far as the path goes). */
function placeNodes(path: readonly string[]): string[] {
  return KINDS.slice(0, Math.min(path.length, 3)).map(
    (kind, i) => `${kind}:${path.slice(0, i + 1).join('/')}`,
  );
}

const nameOf = (node: string, path: readonly string[], names: ReadonlyMap<string, string>): string =>
  names.get(node) ?? (path[path.length - 1] as string);

/** The HA device a node's sensors belong to: a device's is its room's. */
function haDevice(path: readonly string[], names: ReadonlyMap<string, string>) {
  const places = placeNodes(path);
  const depth = Math.min(path.length, 3);
  const kind = KINDS[depth - 1] as (typeof KINDS)[number];
  const own = places[depth - 1] as string;
  const parent = places[depth - 2];
  return {
    identifiers: [`kilowatch_${kind}_${nodeHash(own)}`],
    name: places.map((node, i) => nameOf(node, path.slice(0, i + 1), names)).join(' / '),
    manufacturer: 'Kilowatch',
    model: kind,
    ...(parent !== undefined && { via_device: `kilowatch_${KINDS[depth - 2]}_${nodeHash(parent)}` }),
  };
}

function sensorConfig(target: PublishTarget, sensor: SensorKind, options: DiscoveryOptions) {
  const { node, path } = target;
  const isDevice = path.length === 4;
  const hash = nodeHash(node);
  const label = sensor === 'energy' ? 'Energy' : 'Power';
  const seed = slug(path) || hash;
  return {
    // A device's sensors sit in its room's HA device: its own name says which they are.
    name: isDevice ? `${nameOf(node, path, options.names)} ${label.toLowerCase()}` : label,
    unique_id: `kilowatch_${hash}_${sensor}`,
    object_id: `kilowatch_${seed}_${sensor}`,
    state_topic: aggregateTopic(options.outPrefix, path),
    value_template: sensor === 'energy' ? '{{ value_json.energyWh }}' : '{{ value_json.powerW }}',
    device_class: sensor,
    state_class: sensor === 'energy' ? 'total_increasing' : 'measurement',
    unit_of_measurement: sensor === 'energy' ? 'Wh' : 'W',
    ...(options.availabilityTopic !== null && {
      availability: [
        {
          topic: options.availabilityTopic,
          // The lease holds a claim while a console publishes, and is empty when none does.
          value_template: "{{ 'online' if value else 'offline' }}",
        },
      ],
    }),
    device: haDevice(path, options.names),
    origin: { name: 'Kilowatch' },
  };
}

/**
 * Every config that should be on the broker now: the nodes with placed devices (not places
 * every device left) whose aggregate has been counted, i.e. is published.
 */
export function discoveryConfigs(
  targets: readonly PublishTarget[],
  totals: ReadonlyMap<string, NodeTotals>,
  options: DiscoveryOptions,
): AggregatePublication[] {
  const out: AggregatePublication[] = [];
  for (const target of targets) {
    if (target.path.length < 1 || target.path.length > 4) continue;
    const t = totals.get(target.node);
    if (!t || t.since === null) continue;
    for (const sensor of SENSORS)
      out.push({
        topic: discoveryTopic(options.haPrefix, target.node, sensor),
        payload: JSON.stringify(sensorConfig(target, sensor, options)),
      });
  }
  return out;
}
