/**
 * The topics and payloads of the two public Coreflux examples (README "Coreflux-compatible
 * topics"), built from Kilowatch's own exact totals, so that what was built on those examples
 * keeps working. Unlike the examples' sums, which start from zero at every start and drop a
 * device's reset, these are the cumulative totals that survive restarts and resets.
 *
 * Followed from the examples' code (CorefluxCommunity/Coreflux-Energy_Monitoring_System,
 * ProjectShelly/Worker.cs and Classes/*.cs; CorefluxCommunity/Coreflux-Shelly-Aggregator,
 * mqtt_client.py):
 * - "Topic" is the topic the object is published on (the C# objects keep it and are serialised
 *   whole), "Name" the device's, room's, office's or company's own name;
 * - Wh rounded to 3 decimals, as the C# worker rounds every sum; `UnixTimestamp` in whole seconds
 *   (ToUnixTimeSeconds), Python's `timestamp` in whole milliseconds (int(time.time() * 1000));
 * - neither example retains its messages (SetDataAsync and paho's publish default to retain
 *   false), so neither does Kilowatch here: a retained copy would outlive the console as a number
 *   nobody updates.
 * Left out: the C# objects' nested child arrays (a room's Devices, an office's Rooms, a company's
 * Offices, each with every raw Shelly message of the last 10 s) and its bookkeeping fields
 * (Reference, LastEnergyVal, Messages), which no dashboard needs to read the energy.
 */
import type { NodeTotals } from '../../../shared/contract';
import type { AggregatePublication, PublishTarget } from './publisher';
import type { CorefluxProfile, PublishProfile } from './publish-profiles';
import { topicSegment } from './topic-name';

/** Wh to 3 decimals, as the C# example rounds. */
const wh3 = (wh: number): number => Math.round(wh * 1000) / 1000;

/** The C# example's topic for a node at this path (company, office, room, device names). */
function csharpTopic(path: readonly string[]): string | null {
  const segments = path.map(topicSegment);
  switch (segments.length) {
    case 1:
      return `${segments[0]}/CompanyEnergyConsumed`;
    case 2:
      return `${segments.join('/')}/OfficeEnergyConsumed`;
    case 3:
      return `${segments.join('/')}/RoomEnergyConsumed`;
    case 4:
      // The example takes the device's `…/status/switch:0` topic and replaces its last segment.
      return `${segments.join('/')}/status/EnergyConsumed`;
    default:
      return null;
  }
}

/**
 * `coreflux-csharp`: every node's total, every time (the example publishes all of them every
 * 10 s, changed or not). A device's field is `TotalEnergyConsumed`, a place's `TotalEnergy`.
 */
export function csharpPublications(
  targets: readonly PublishTarget[],
  totals: ReadonlyMap<string, NodeTotals>,
  nowMs: number,
): AggregatePublication[] {
  const out: AggregatePublication[] = [];
  const unixS = Math.floor(nowMs / 1000);
  for (const { node, path } of targets) {
    const t = totals.get(node);
    const topic = csharpTopic(path);
    if (!t || t.since === null || topic === null) continue;
    const name = path[path.length - 1] as string;
    const energy = wh3(t.energyWh);
    const body =
      path.length === 4
        ? { Name: name, Topic: topic, TotalEnergyConsumed: energy, UnixTimestamp: unixS }
        : { Name: name, Topic: topic, TotalEnergy: energy, UnixTimestamp: unixS };
    out.push({ topic, payload: JSON.stringify(body) });
  }
  return out;
}

/** `coreflux-python`'s topic for a room: `<Company>/<Office>/<Room>/aggregated/energy`. */
export function pythonTopic(path: readonly string[]): string | null {
  return path.length === 3 ? `${path.map(topicSegment).join('/')}/aggregated/energy` : null;
}

/**
 * `coreflux-python`: each room's total, only when it changed since it was last published. (The
 * example republishes every room whenever any message arrived; a room whose total did not move
 * has nothing new to say, so it stays quiet here.)
 */
export class PythonPublisher {
  /** The total last published per room node. */
  private readonly last = new Map<string, number>();

  changes(
    targets: readonly PublishTarget[],
    totals: ReadonlyMap<string, NodeTotals>,
    nowMs: number,
  ): AggregatePublication[] {
    const out: AggregatePublication[] = [];
    for (const { node, path } of targets) {
      const t = totals.get(node);
      const topic = pythonTopic(path);
      if (!t || t.since === null || topic === null) continue;
      const energy = wh3(t.energyWh);
      if (this.last.get(node) === energy) continue;
      this.last.set(node, energy);
      out.push({ topic, payload: JSON.stringify({ timestamp: Math.floor(nowMs), total_energy: energy }) });
    }
    return out;
  }

  /** A failed publish, or a console that just became the aggregator: every room goes out again. */
  forget(): void {
    this.last.clear();
  }
}

/**
 * Whether a topic has the shape of one of these profiles' outputs, ours or another console's on
 * the same broker: the console subscribes to the same root (e.g. `Coreflux/#`) and must never
 * read them back as a device's (`…/status/EnergyConsumed` would otherwise be a Gen2 status).
 * Escaped names hold no `/`, so the number of segments is exact.
 */
export function isCorefluxOutput(topic: string, profiles: ReadonlySet<PublishProfile>): boolean {
  // Every device message passes here: the suffix is checked before the topic is split.
  const isCsharp = profiles.has('coreflux-csharp') && topic.endsWith('EnergyConsumed');
  const isPython = profiles.has('coreflux-python') && topic.endsWith('/aggregated/energy');
  if (!isCsharp && !isPython) return false;
  const s = topic.split('/');
  const last = s[s.length - 1];
  if (isPython) return s.length === 5;
  if (s.length === 6) return s[4] === 'status' && last === 'EnergyConsumed';
  if (s.length === 4) return last === 'RoomEnergyConsumed';
  if (s.length === 3) return last === 'OfficeEnergyConsumed';
  return s.length === 2 && last === 'CompanyEnergyConsumed';
}

/** What one profile publishes now; `python` remembers what it last said. */
export function corefluxPublications(
  profile: CorefluxProfile,
  python: PythonPublisher,
  targets: readonly PublishTarget[],
  totals: ReadonlyMap<string, NodeTotals>,
  nowMs: number,
): AggregatePublication[] {
  return profile === 'coreflux-csharp'
    ? csharpPublications(targets, totals, nowMs)
    : python.changes(targets, totals, nowMs);
}
