/**
 * Which discovery configs are on the broker, so that only changes are published (HA recreates
 * entities noisily on every config) and configs of nodes that went away are retracted.
 *
 * The set is read back from the broker rather than stored: every console of the lease group
 * subscribes to the config topics and keeps those whose state topic is under its publish prefix
 * (the group's), retained ones at connect and live ones since. So after a restart, and for a
 * standby that takes the lease over from another machine, the configs of nodes that no longer
 * exist are known and retracted, with no database of its own to drift from the broker's.
 */
import type { AggregatePublication } from './publisher';
import { isDiscoveryConfigTopic } from './ha-discovery';

export class DiscoveryState {
  /** Config topic → the payload on the broker, as far as this console knows. */
  private readonly onBroker = new Map<string, string>();
  /** Everything goes out again at the next run (after a reconnect, a new aggregator). */
  private isStale = true;

  constructor(
    private readonly haPrefix: string,
    private outPrefix: string,
  ) {}

  /** A message on a config topic: the broker's copy now (ours, or the lease group's). */
  seen(topic: string, payload: Buffer): void {
    if (!isDiscoveryConfigTopic(topic, this.haPrefix)) return;
    if (payload.length === 0) {
      this.onBroker.delete(topic);
      return;
    }
    const text = payload.toString('utf8');
    let stateTopic: unknown;
    try {
      stateTopic = (JSON.parse(text) as { state_topic?: unknown }).state_topic;
    } catch {
      return;
    }
    // Another site's console on the same broker (another prefix) keeps its own.
    if (typeof stateTopic === 'string' && stateTopic.startsWith(`${this.outPrefix}/`))
      this.onBroker.set(topic, text);
  }

  /** What to publish so the broker holds exactly `wanted`: changed configs, then retractions. */
  plan(wanted: readonly AggregatePublication[]): AggregatePublication[] {
    const out: AggregatePublication[] = [];
    const keep = new Set<string>();
    for (const config of wanted) {
      keep.add(config.topic);
      if (this.isStale || this.onBroker.get(config.topic) !== config.payload) out.push(config);
    }
    for (const topic of this.onBroker.keys()) if (!keep.has(topic)) out.push({ topic, payload: '' });
    return out;
  }

  /** The plan went out (every publish acknowledged): the broker holds it now. */
  done(published: readonly AggregatePublication[]): void {
    for (const { topic, payload } of published)
      if (payload === '') this.onBroker.delete(topic);
      else this.onBroker.set(topic, payload);
    this.isStale = false;
  }

  /** A reconnect or a new aggregator: the configs are published again at the next run. */
  forget(): void {
    this.isStale = true;
  }

  /** The aggregates move to another prefix (settings): the configs read back from now on are its. */
  setOutPrefix(prefix: string): void {
    this.outPrefix = prefix;
  }

  /** How many configs are known to be on the broker (diagnostics, tests). */
  get size(): number {
    return this.onBroker.size;
  }
}
