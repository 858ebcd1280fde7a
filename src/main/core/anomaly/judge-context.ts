/** What every evaluator reads: the time, the site's zone, the rules and the nodes to judge. */
import type { SiteRegistry } from '../site/registry';
import type { RuleBook } from './rule-book';
import type { SiteNodes } from './site-nodes';

export interface JudgeContext {
  nowMs: number;
  /** The site's IANA zone: nights, days and quiet hours are local. */
  zone: string;
  registry: SiteRegistry;
  rules: RuleBook;
  nodes: SiteNodes;
}

/** A node's rollup buckets of one resolution starting in [fromMs, toMs), energy in store units. */
export type RollupRead = (
  rollup: 'hour' | 'day',
  node: string,
  fromMs: number,
  toMs: number,
) => Array<{ startMs: number; energyUnits: number }>;
