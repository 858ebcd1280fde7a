/**
 * Cost kept like energy (issue #18): beside each node's rollups, the same energy split by the
 * price it was counted at. Every node that gets a minute's energy also gives it to a "priced twin"
 * named after the import and feed-in prices in force at that minute
 * (`priced:<import µ/kWh>/<feed-in µ/kWh>:<node id>`), so the rollup machinery (journal, commit
 * thread, hours → days, ISO weeks and months in the site's zone, rebuilds) keeps them unchanged.
 *
 * Why energy per price, not money: a bucket's cost is then Σ energy × price over a handful of
 * twins, exact in cost units (bigint) however the prices fall inside an hour (a band from 10:30,
 * a price change at midnight, a DST day), while a money column would either round every minute
 * row or overflow 64 bits over a month. Why the price in the name: a twin keeps the price the
 * energy was counted at, so editing the tariff never rewrites the past; Rebuild history prices the
 * kept minutes again with the tariff of the day.
 */
import type { KeyIndex } from '../store/key-index';
import { CostEngine, energyCost, toMinor, type Rate } from './cost-engine';
import type { Tariff } from './tariff-schema';

const PREFIX = 'priced:';

/** `<import>/<feed-in>`: the prices (millionths of a minor unit per kWh) a twin's energy is at. */
export const rateKeyOf = (rate: Rate): string => `${rate.importMicroPerKWh}/${rate.feedInMicroPerKWh}`;

const twinKey = (rateKey: string, nodeId: number): string => `${PREFIX}${rateKey}:${nodeId}`;

export const isPricedNode = (node: string): boolean => node.startsWith(PREFIX);

/** Cost units of energy at a rate key's prices: [import cost, export credit]. */
function costAt(rateKey: string, energyUnits: number, returnedUnits: number): [bigint, bigint] {
  const slash = rateKey.indexOf('/');
  return [
    energyCost(energyUnits, BigInt(rateKey.slice(0, slash))),
    energyCost(returnedUnits, BigInt(rateKey.slice(slash + 1))),
  ];
}

export interface PricedSum {
  /** Import priced at the band's price, in cost units. */
  costUnits: bigint;
  /** Export credited at the feed-in price, in cost units. */
  creditUnits: bigint;
  /** The energy the twins account for: the bucket's cost is whole only when it equals the bucket's. */
  energyUnits: number;
  returnedUnits: number;
}

export class RollupPricing {
  private engine: CostEngine;
  /** Every rate key a twin exists for, from this and earlier tariffs (read back at start). */
  private readonly rateKeys = new Set<string>();
  /** rate id × 2^32 + node id → twin id: the hot path's lookup, without building a string. */
  private readonly twins = new Map<number, number>();

  constructor(
    private currentTariff: Tariff,
    private zone: string,
    private readonly nodeIds: KeyIndex,
  ) {
    this.engine = new CostEngine(currentTariff, zone);
    for (const key of nodeIds.keys()) {
      if (!isPricedNode(key)) continue;
      this.rateKeys.add(key.slice(PREFIX.length, key.lastIndexOf(':')));
    }
  }

  get tariff(): Tariff {
    return this.currentTariff;
  }

  get currency(): string {
    return this.currentTariff.currency;
  }

  /** The site's zone changed: days, and so bands, fall elsewhere. */
  setZone(zone: string): void {
    this.zone = zone;
    this.engine = new CostEngine(this.currentTariff, zone);
    this.twins.clear();
  }

  /** Another tariff from now on; energy already priced keeps its twins (and so its prices). */
  setTariff(tariff: Tariff): void {
    this.currentTariff = tariff;
    this.engine = new CostEngine(tariff, this.zone);
    this.twins.clear();
  }

  /**
   * For planRollups: the twin of `nodeId` for the minute starting at `minute` (epoch minutes), or
   * null before the tariff's first period. A new twin is announced through `onNew` to be persisted
   * in the same batch.
   */
  twinFinder(onNew: (id: number, key: string) => void): (nodeId: number, minute: number) => number | null {
    return (nodeId, minute) => {
      const rate = this.engine.rateAt(minute * 60_000);
      if (rate === undefined) return null;
      const cacheKey = rate.id * 2 ** 32 + nodeId;
      let twin = this.twins.get(cacheKey);
      if (twin === undefined) {
        const rateKey = rateKeyOf(rate);
        this.rateKeys.add(rateKey);
        const key = twinKey(rateKey, nodeId);
        twin = this.nodeIds.id(key, (id) => onNew(id, key));
        this.twins.set(cacheKey, twin);
      }
      return twin;
    };
  }

  /** The twins of a node that exist: [rate key, twin id]. */
  twinsOf(nodeId: number): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const rateKey of this.rateKeys) {
      const id = this.nodeIds.get(twinKey(rateKey, nodeId));
      if (id !== undefined) out.push([rateKey, id]);
    }
    return out;
  }

  /** Adds a twin bucket's energy, priced at its rate key, to `sum`. */
  static add(sum: PricedSum, rateKey: string, energyUnits: number, returnedUnits: number): void {
    const [cost, credit] = costAt(rateKey, energyUnits, returnedUnits);
    sum.costUnits += cost;
    sum.creditUnits += credit;
    sum.energyUnits += energyUnits;
    sum.returnedUnits += returnedUnits;
  }

  /** The standing charges of the local days starting in [fromMs, toMs), whole minor units. */
  standingMinor(fromMs: number, toMs: number): number {
    return toMinor(this.engine.standingBetween(fromMs, toMs));
  }

  /** A minute's energy priced with the tariff now (minutes are priced as they are read). */
  priceMinute(startMs: number, energyUnits: number, returnedUnits: number): PricedSum | undefined {
    const rate = this.engine.rateAt(startMs);
    if (rate === undefined) return undefined;
    const sum = emptySum();
    RollupPricing.add(sum, rateKeyOf(rate), energyUnits, returnedUnits);
    return sum;
  }
}

export const emptySum = (): PricedSum => ({
  costUnits: 0n,
  creditUnits: 0n,
  energyUnits: 0,
  returnedUnits: 0,
});

/** `sum` += `more` (or −= with `sign` −1), field by field, exactly. */
export function addSum(sum: PricedSum, more: PricedSum, sign: 1 | -1 = 1): void {
  const big = BigInt(sign);
  sum.costUnits += big * more.costUnits;
  sum.creditUnits += big * more.creditUnits;
  sum.energyUnits += sign * more.energyUnits;
  sum.returnedUnits += sign * more.returnedUnits;
}

/** `costMinor` and `exportCreditMinor` of a priced sum, rounded once each. */
export const minorOf = (sum: PricedSum): { costMinor: number; exportCreditMinor: number } => ({
  costMinor: toMinor(sum.costUnits),
  exportCreditMinor: toMinor(sum.creditUnits),
});
