/**
 * The flood guard: notices one source (a device) sending far more messages than any Shelly does,
 * says so once, and limits what of it reaches the energy pipeline until it calms down.
 *
 * Why 50 messages/s for 5 s in a row: the busiest real device sends a few per second (a Pro 3EM's
 * em:0 and emdata:0 status about once a second each, a Gen1 EM about 20 topics every 30 s), and a
 * whole console reads about 40,000/s (README, Performance). 50/s is ten times the busiest device
 * and still a small share of what the console can read; asking for five whole seconds in a row
 * keeps a burst (a device answering `status_update` and our two requests after a reconnect, a
 * broker handing over a short backlog) from ever counting as a flood.
 *
 * What happens to the excess — sampled, not processed: while a source floods, only its latest
 * message per topic is kept and read once a second (`tick`); the older ones are dropped. Counters
 * are cumulative, so the reading read at the end of each second carries every rise before it: the
 * source's totals stay exact, and the last message of the flood is always read. Reading all of it
 * instead would be fine at 1,000/s but not at 100,000/s, where the flooder alone would use up the
 * console and the broker would queue (and at its limit drop) the other devices' messages behind
 * it. The price is coarser minutes for the flooder (its rises land in fewer minutes) and
 * events between two kept messages of one topic (a reboot notice) going unseen: acceptable for a
 * device that is misbehaving, and the alert says so.
 *
 * One reading must not be replaced: the last before a counter reset. The rise up to it is counted
 * only from it (after the reset the counter starts again from zero), so the owner says which
 * newer message makes a held one worth reading first (`readFirst`); it is then handed back at once
 * (`Admission.readNow`) and the newer one held. At most once per topic per second, so a source
 * whose counters go up and down cannot read its whole flood this way.
 *
 * Memory is O(1) per source (a few numbers; at most `maxHeldPerSource` held messages while it
 * floods, and `maxHeldBytes` in all) and the number of sources is bounded (`maxSources`, least
 * recently active forgotten first). Pure: time comes in as arguments.
 */
import type { Fact } from './shelly/types';

/** The rejection reason flood drops are counted under (`stats.get` → `rejected.flood`). */
export const FLOOD_REJECTION = 'flood';

export interface FloodGuardOptions {
  /** A second with more arrivals than this is loud. */
  thresholdPerS: number;
  /** Loud seconds in a row that make a flood, and quiet ones in a row that end it. */
  sustainS: number;
  maxSources: number;
  /** Topics held per flooding source; a message on yet another topic is dropped. */
  maxHeldPerSource: number;
  /** Payload bytes held in all; beyond it a message is dropped instead of held. */
  maxHeldBytes: number;
}

export const DEFAULT_FLOOD_OPTIONS: FloodGuardOptions = {
  thresholdPerS: 50,
  sustainS: 5,
  maxSources: 20_000,
  maxHeldPerSource: 16,
  maxHeldBytes: 8 * 1024 * 1024,
};

export interface FloodStart {
  source: string;
  sinceMs: number;
  /** Average arrivals per second over the loud seconds that made it a flood. */
  ratePerS: number;
}

export interface FloodEnd {
  source: string;
  sinceMs: number;
  untilMs: number;
  /** Messages dropped during the episode (read ones and the latest of each second excluded). */
  dropped: number;
  peakPerS: number;
}

/** True when `held` must be read before `next` replaces it (a counter reset between them). */
export type ReadFirst<M> = (held: M, next: M) => boolean;

export interface Admission<M> {
  /** `pass`: read it now; `held`: it comes back from `tick` (unless a newer one replaces it). */
  verdict: 'pass' | 'held' | 'dropped';
  /** Messages this arrival dropped: a replaced held one, or this one (0 or 1). */
  dropped: number;
  /** The held message this one replaced, to be read now, before it (see `ReadFirst`). */
  readNow?: M;
  /** Set on the arrival that made the source a flood. */
  started?: FloodStart;
}

interface Held<M> {
  message: M;
  bytes: number;
  /** A message of this topic was read first since the last tick: replacements are plain until the next. */
  hasReadFirst?: boolean;
}

interface Episode<M> {
  sinceMs: number;
  dropped: number;
  peakPerS: number;
  held: Map<string, Held<M>>;
}

interface Source<M> {
  /** The whole second (epoch) whose arrivals `count` holds. */
  second: number;
  count: number;
  loudRun: number;
  quietRun: number;
  /** Arrivals over the current loud run, for the rate the alert reports. */
  loudSum: number;
  flood: Episode<M> | null;
}

export class FloodGuard<M> {
  private readonly options: FloodGuardOptions;
  private readonly sources = new Map<string, Source<M>>();
  private readonly flooding = new Set<string>();
  private heldBytes = 0;

  constructor(
    options: Partial<FloodGuardOptions> = {},
    private readonly readFirst: ReadFirst<M> = () => false,
  ) {
    this.options = { ...DEFAULT_FLOOD_OPTIONS, ...options };
  }

  /** Counts one arrival from `source` on `topic` and says what to do with it. */
  admit(source: string, topic: string, message: M, bytes: number, nowMs: number): Admission<M> {
    const second = Math.floor(nowMs / 1000);
    const s = this.source(source, second);
    if (!s) return { verdict: 'pass', dropped: 0 };
    this.advance(s, second);
    s.count++;
    if (!s.flood) {
      if (s.loudRun < this.options.sustainS) return { verdict: 'pass', dropped: 0 };
      const ratePerS = Math.round(s.loudSum / s.loudRun);
      s.flood = { sinceMs: nowMs, dropped: 0, peakPerS: ratePerS, held: new Map() };
      this.flooding.add(source);
      return { ...this.hold(s.flood, topic, message, bytes), started: { source, sinceMs: nowMs, ratePerS } };
    }
    return this.hold(s.flood, topic, message, bytes);
  }

  /**
   * Once a second: hands back every held message (the latest per topic of each flooding source)
   * and ends the floods that have been quiet for `sustainS` whole seconds.
   */
  tick(nowMs: number): { release: M[]; calmed: FloodEnd[] } {
    const second = Math.floor(nowMs / 1000);
    const release: M[] = [];
    const calmed: FloodEnd[] = [];
    for (const key of this.flooding) {
      const s = this.sources.get(key);
      const flood = s?.flood;
      if (!s || !flood) {
        this.flooding.delete(key);
        continue;
      }
      this.advance(s, second);
      for (const held of flood.held.values()) {
        release.push(held.message);
        this.heldBytes -= held.bytes;
      }
      flood.held.clear();
      if (s.quietRun >= this.options.sustainS) {
        calmed.push({
          source: key,
          sinceMs: flood.sinceMs,
          untilMs: nowMs,
          dropped: flood.dropped,
          peakPerS: flood.peakPerS,
        });
        s.flood = null;
        this.flooding.delete(key);
      }
    }
    return { release, calmed };
  }

  isFlooding(source: string): boolean {
    return this.sources.get(source)?.flood != null;
  }

  get trackedSources(): number {
    return this.sources.size;
  }

  get heldMessages(): number {
    let n = 0;
    for (const key of this.flooding) n += this.sources.get(key)?.flood?.held.size ?? 0;
    return n;
  }

  private hold(flood: Episode<M>, topic: string, message: M, bytes: number): Admission<M> {
    const previous = flood.held.get(topic);
    const freed = previous?.bytes ?? 0;
    const isFull = !previous && flood.held.size >= this.options.maxHeldPerSource;
    if (isFull || this.heldBytes - freed + bytes > this.options.maxHeldBytes) {
      // The held one stays: it is older, but it is a reading, and the next tick reads it.
      flood.dropped++;
      return { verdict: 'dropped', dropped: 1 };
    }
    const isReadFirst =
      previous !== undefined && !previous.hasReadFirst && this.readFirst(previous.message, message);
    const hasReadFirst = isReadFirst || previous?.hasReadFirst === true;
    flood.held.set(topic, { message, bytes, ...(hasReadFirst && { hasReadFirst }) });
    this.heldBytes += bytes - freed;
    if (isReadFirst) return { verdict: 'held', dropped: 0, readNow: previous.message };
    if (previous) flood.dropped++;
    return { verdict: 'held', dropped: previous ? 1 : 0 };
  }

  /** The source's record, created (and the least recently active one forgotten) as needed. */
  private source(key: string, second: number): Source<M> | undefined {
    const known = this.sources.get(key);
    if (known) {
      // Moved to the end once per second it is active: the front is the least recently active.
      if (known.second !== second) {
        this.sources.delete(key);
        this.sources.set(key, known);
      }
      return known;
    }
    if (this.sources.size >= this.options.maxSources && !this.forgetOne()) return undefined;
    const s: Source<M> = { second, count: 0, loudRun: 0, quietRun: 0, loudSum: 0, flood: null };
    this.sources.set(key, s);
    return s;
  }

  /** Forgets the least recently active source that is not flooding (its held messages matter). */
  private forgetOne(): boolean {
    let looked = 0;
    for (const [key, s] of this.sources) {
      if (!s.flood) {
        this.sources.delete(key);
        return true;
      }
      // A table full of floods: the new source goes unwatched rather than a scan per message.
      if (++looked >= 16) return false;
    }
    return false;
  }

  /** Closes the seconds before `second`: the counted one, then any silent ones. */
  private advance(s: Source<M>, second: number): void {
    if (second <= s.second) return;
    const { thresholdPerS } = this.options;
    if (s.count > thresholdPerS) {
      s.loudRun++;
      s.loudSum += s.count;
      s.quietRun = 0;
      if (s.flood && s.count > s.flood.peakPerS) s.flood.peakPerS = s.count;
    } else {
      s.quietRun++;
      s.loudRun = 0;
      s.loudSum = 0;
    }
    const silent = second - s.second - 1;
    if (silent > 0) {
      s.quietRun += silent;
      s.loudRun = 0;
      s.loudSum = 0;
    }
    s.second = second;
    s.count = 0;
  }
}

/**
 * A reading whose device time is this much before its arrival is history delivered late, not a
 * device talking now. aenergy's `minute_ts` is the start of the minute it was read in, so a live
 * one is up to 60 s old: twice that leaves a minute for clock skew and a slow broker.
 */
const LATE_AFTER_S = 120;

/**
 * A broker's queued backlog (a persistent session after the console was away) or a replay arrives
 * far faster than it was sent, but each message is a different moment of the device's own clock:
 * that is history, not a flood, and thinning it would lump its minutes together. Only messages
 * whose device clock says "now" (or that carry no clock, like Gen1's) are watched.
 *
 * The device's time is the order key's primary part: `minute_ts` or `ts`. The secondary part is
 * the arrival time for `<id>/status/<component>`, which carries `minute_ts` but no `ts`.
 */
export function isLateHistory(facts: readonly Fact[], arrivalMs: number): boolean {
  for (const fact of facts) {
    if (fact.type === 'counter' && fact.isDeviceTimed)
      return arrivalMs / 1000 - fact.order.primaryS > LATE_AFTER_S;
  }
  return false;
}
