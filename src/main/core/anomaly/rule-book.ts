/**
 * The rules set on nodes, in memory (the store keeps them), and which one is in force where: the
 * nearest setting up a node's chain, a `{ off: true }` stopping what is above it.
 */
import type { EffectiveRule, RuleKind, RuleParams } from '../../../shared/contract';
import { isOff, RULE_KIND_INFO, type RuleSetting } from './rule-kinds';
import { levelOf } from './node-chain';

export class RuleBook {
  private readonly own = new Map<string, Map<RuleKind, RuleSetting>>();

  constructor(settings: Iterable<{ node: string; kind: RuleKind; setting: RuleSetting }> = []) {
    for (const s of settings) this.set(s.node, s.kind, s.setting);
  }

  setting(node: string, kind: RuleKind): RuleSetting | undefined {
    return this.own.get(node)?.get(kind);
  }

  set(node: string, kind: RuleKind, setting: RuleSetting | null): void {
    let kinds = this.own.get(node);
    if (setting === null) {
      kinds?.delete(kind);
      if (kinds?.size === 0) this.own.delete(node);
      return;
    }
    if (!kinds) this.own.set(node, (kinds = new Map()));
    kinds.set(kind, setting);
  }

  /** Where the rule of `kind` at `chain[0]` comes from, and its figures. */
  effective(chain: readonly string[], kind: RuleKind): Omit<EffectiveRule, 'judgedHere' | 'settableHere'> {
    const looked = RULE_KIND_INFO[kind].inherits ? chain : chain.slice(0, 1);
    for (const node of looked) {
      const setting = this.setting(node, kind);
      if (!setting) continue;
      if (isOff(setting)) return { kind, source: 'off', from: node, params: null };
      return { kind, source: node === chain[0] ? 'own' : 'inherited', from: node, params: { ...setting } };
    }
    return { kind, source: 'off', from: null, params: null };
  }

  /** The figures in force at `chain[0]`, or null. */
  inForce<K extends RuleKind>(chain: readonly string[], kind: K): RuleParams<K> | null {
    const rule = this.effective(chain, kind);
    return rule.params as RuleParams<K> | null;
  }

  /** Every rule as it applies at `chain[0]`, one per kind. */
  all(chain: readonly string[], kinds: readonly RuleKind[]): EffectiveRule[] {
    const level = levelOf(chain[0] ?? '');
    return kinds.map((kind) => ({
      ...this.effective(chain, kind),
      judgedHere: level !== null && RULE_KIND_INFO[kind].judged.includes(level),
      settableHere: level !== null && RULE_KIND_INFO[kind].settable.includes(level),
    }));
  }

  /** Whether any node sets a rule of `kind` (nothing to judge otherwise). */
  isUsed(kind: RuleKind): boolean {
    for (const kinds of this.own.values()) {
      const s = kinds.get(kind);
      if (s && !isOff(s)) return true;
    }
    return false;
  }
}
