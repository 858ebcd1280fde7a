/**
 * A head office (`[headoffice] sites`): the site consoles whose published aggregates are its
 * devices. Which topics are theirs, and where each of their counters starts: unlike a Shelly's,
 * a site's counter is known to have been zero at its `since`, so none of its energy is lost to a
 * baseline and a new `since` (the site started over) counts from zero (README "Head office").
 */
import type { ConnectionProfile } from '../../../shared/contract';
import type { CounterMemory, DeviceMemory } from '../energy/counter-rules';
import type { CounterFact, DecodeContext, DecodeOutcome } from '../shelly/types';
import type { Channel, SiteRegistry } from '../site/registry';
import { decodeSiteAggregate, SITE_COMPONENT } from './site-aggregate';

const levels = (prefix: string): string[] => prefix.split('/');

/** One prefix is the other or beneath it: whoever publishes under one publishes into the other. */
function overlaps(a: string, b: string): boolean {
  const [x, y] = [levels(a), levels(b)];
  const n = Math.min(x.length, y.length);
  return x.slice(0, n).join('/') === y.slice(0, n).join('/');
}

/** Why a console publishing under `outPrefix` cannot read these sites, or null. */
export function siteConflict(outPrefix: string, sites: readonly string[]): string | null {
  const clash = sites.find((site) => overlaps(site, outPrefix));
  if (clash === undefined) return null;
  return (
    `[headoffice] sites includes "${clash}", which overlaps this console's own publish prefix ` +
    `"${outPrefix}": it would read its own totals as a site's. Give the head office its own ` +
    `[publish] prefix (e.g. "hq").`
  );
}

/** The subscription, with each site's aggregates added unless a filter already covers them. */
export function withSiteFilters(profile: ConnectionProfile, sites: readonly string[]): ConnectionProfile {
  const subscribe = [...profile.subscribe];
  for (const site of sites)
    if (!subscribe.includes('#') && !subscribe.includes(`${site}/#`)) subscribe.push(`${site}/#`);
  return { ...profile, subscribe };
}

export class SiteSources {
  private readonly prefixes: string[];

  constructor(
    sites: readonly string[],
    private readonly registry: SiteRegistry,
  ) {
    this.prefixes = sites.map((site) => `${site}/`);
  }

  /** The site prefix a topic is under, or null (a device's own topic). */
  private prefixOf(topic: string): string | null {
    for (const prefix of this.prefixes) if (topic.startsWith(prefix)) return prefix;
    return null;
  }

  /** A device counted from a site's aggregates (its key under a site prefix): nobody to ask over MQTT. */
  owns(deviceKey: string): boolean {
    return this.prefixOf(`${deviceKey}/`) !== null;
  }

  /** A site's topic decoded, or null when the topic is not a site's (decodeShelly reads it). */
  decode(topic: string, payload: Uint8Array, ctx: DecodeContext): DecodeOutcome | null {
    const prefix = this.prefixOf(topic);
    return prefix === null ? null : decodeSiteAggregate(topic.slice(prefix.length), payload, ctx);
  }

  /**
   * What a site counter's reading is judged against: the channel's memory within the same counting
   * period (`since`, the order's secondary key). A period not seen before starts at zero at its
   * `since`, except for a device the site moved or renamed: the same device's counter, last heard
   * under its old topic, so what was counted there is not counted again.
   */
  previous(channel: Channel, fact: CounterFact, device: DeviceMemory, isRetained: boolean): CounterMemory {
    const own = channel.counters[fact.direction];
    const sinceS = fact.order.secondaryS;
    // A reading of a period the site has left behind counts nothing, whatever its time says.
    if (own && own.order.secondaryS > sinceS) {
      const afterIt = Math.max(own.order.primaryS, fact.order.primaryS + 1);
      return { ...own, order: { primaryS: afterIt, secondaryS: own.order.secondaryS } };
    }
    if (own && own.order.secondaryS === sinceS) {
      // Within one period a site's total never falls: a newer, lower total means it started over
      // without saying so (a restored database). Retained copies never move a counter back.
      const isDrop = !isRetained && fact.units < own.valueUnits && fact.order.primaryS > own.order.primaryS;
      return isDrop ? { ...own, epoch: device.epoch + 1 } : own;
    }
    const start = own ? undefined : this.movedFrom(channel, fact);
    return {
      valueUnits: start?.valueUnits ?? 0,
      order: start?.order ?? { primaryS: sinceS, secondaryS: sinceS },
      arrivalS: start?.arrivalS ?? sinceS,
      epoch: device.epoch,
      offlineCount: device.offlineCount,
    };
  }

  /**
   * The same site device under another topic: same name, same `since` (to the millisecond), and a
   * counter not above this reading's. Only asked for a channel's first reading.
   */
  private movedFrom(channel: Channel, fact: CounterFact): CounterMemory | undefined {
    const placement = channel.device.placement;
    if (!('place' in placement)) return undefined;
    let best: CounterMemory | undefined;
    for (const device of this.registry.devices.values()) {
      if (device === channel.device || !('place' in device.placement)) continue;
      if (device.placement.place.device !== placement.place.device) continue;
      const m = device.channels.get(SITE_COMPONENT)?.counters[fact.direction];
      if (!m || m.order.secondaryS !== fact.order.secondaryS || m.valueUnits > fact.units) continue;
      if (!best || m.order.primaryS > best.order.primaryS) best = m;
    }
    return best;
  }
}
