/**
 * Anomaly rules (issue #18 item 4): the rules in force at each node, and the check that judges
 * them. A rule that fires raises one `anomaly` alert per episode; when its condition clears, the
 * alert is marked as over (AlertBook.resolve). Episodes and relays' on-times are stored, so a
 * restart neither raises an episode again nor forgets how long a relay has been on.
 */
import type { EffectiveRule, NodeTotals, RaisedAlert, RuleKind, Sensor } from '../../../shared/contract';
import { RULE_KINDS } from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';
import { alertId } from '../alert-id';
import type { NightWindow } from '../reports/insight';
import { nodeId } from '../site/placement';
import type { Device, SiteRegistry } from '../site/registry';
import type { AnomalyStore } from './anomaly-store';
import { judgeClimate } from './climate-band';
import { judgeDays } from './day-above-median';
import type { Finding } from './finding';
import type { JudgeContext, RollupRead } from './judge-context';
import { judgeNights } from './night-above-base';
import { chainOf, levelOf } from './node-chain';
import { judgeOnTooLong } from './on-too-long';
import { judgePower } from './power-ceiling';
import { isQuiet } from './quiet-hours';
import { RuleBook } from './rule-book';
import { levelsInWords, parseSetting, RULE_KIND_INFO } from './rule-kinds';
import { judgeSilent } from './silent';
import { isRelay, siteNodes } from './site-nodes';

/**
 * After a start, devices take a while to say their power, relay states and readings again: an
 * episode is not ended on their silence before this much time has passed.
 */
export const RESTART_GRACE_MS = 5 * 60_000;

export interface AnomalyDeps {
  store: AnomalyStore;
  registry: SiteRegistry;
  sensors(): readonly Sensor[];
  /** Every node's live totals (powerW, how many devices report). */
  totals(): ReadonlyMap<string, NodeTotals>;
  read: RollupRead;
  /** The site's zone now (settings can change it). */
  zone(): string;
  night: NightWindow;
  clock(): number;
  raise(alert: RaisedAlert): void;
  /** The episode of `subject` is over: its alert says so. */
  resolve(subject: string, atMs: number): void;
  /** A write the disk refused (the storage alert says so). */
  failed(error: ApiError): void;
}

export interface CheckResult {
  /** The episodes that began now, as raised. */
  raised: Finding[];
  /** The subjects whose episode ended now. */
  ended: string[];
}

export class AnomalyRules {
  private readonly rules: RuleBook;
  private readonly episodes: Map<string, number>;
  private readonly onSince: Map<string, number>;
  private readonly startedMs: number;
  /** In words, the stored rules set aside at start (unreadable rows). */
  readonly setAside: readonly string[];

  constructor(private readonly deps: AnomalyDeps) {
    const loaded = deps.store.loadRules();
    this.rules = new RuleBook(loaded.rules);
    this.setAside = loaded.setAside;
    this.episodes = deps.store.loadEpisodes();
    this.onSince = deps.store.loadOnSince();
    this.startedMs = deps.clock();
  }

  /** Every kind's rule in force at `node`, with where it comes from. */
  rulesAt(node: string): Result<{ node: string; rules: EffectiveRule[] }, ApiError> {
    const chain = chainOf(this.deps.registry, node);
    if (!chain) return err('not-found', `No node "${node}": rules are set on nodes the console knows.`);
    return ok({ node: chain[0] as string, rules: this.rules.all(chain, RULE_KINDS) });
  }

  /** Sets (or with null removes) `node`'s own rule of `kind`; returns the rule now in force there. */
  setRule(node: string, kind: RuleKind, raw: unknown): Result<EffectiveRule, ApiError> {
    const chain = chainOf(this.deps.registry, node);
    if (!chain) return err('not-found', `No node "${node}": rules are set on nodes the console knows.`);
    const level = levelOf(chain[0] as string);
    const { settable } = RULE_KIND_INFO[kind];
    if (!level || !settable.includes(level))
      return err(
        'invalid-params',
        `node: a ${kind} rule is set on ${levelsInWords(settable)}, not on ${level ?? 'this node'}s.`,
      );
    let setting = null;
    if (raw !== null) {
      const parsed = parseSetting(kind, raw);
      if (!parsed.ok) return parsed;
      setting = parsed.value;
    }
    const saved = this.deps.store.saveRule(chain[0] as string, kind, setting, this.deps.clock());
    if (!saved.ok) return saved;
    this.rules.set(chain[0] as string, kind, setting);
    const rule = this.rules.all(chain, [kind])[0] as EffectiveRule;
    return ok(rule);
  }

  /** The setting a node has of its own, as the audit trail prints it. */
  ownSettingText(node: string, kind: RuleKind): string | null {
    const chain = chainOf(this.deps.registry, node);
    const setting = chain ? this.rules.setting(chain[0] as string, kind) : undefined;
    return setting ? JSON.stringify(setting) : null;
  }

  /** A device said its relays' states: note since when each has been on. */
  noteOutputs(device: Device): void {
    const nowMs = this.deps.clock();
    for (const [component, isOn] of device.outputs) {
      if (!isRelay(component)) continue;
      const channel = nodeId.channel(device.row.key, component);
      const since = this.onSince.get(channel);
      if (isOn && since === undefined) this.keepOnSince(channel, nowMs);
      else if (!isOn && since !== undefined) this.keepOnSince(channel, null);
    }
  }

  private keepOnSince(channel: string, sinceMs: number | null): void {
    if (sinceMs === null) this.onSince.delete(channel);
    else this.onSince.set(channel, sinceMs);
    const saved = this.deps.store.saveOnSince(channel, sinceMs);
    if (!saved.ok) this.deps.failed(saved.error);
  }

  /** Judges every rule now: raises the episodes that begin, ends those whose condition cleared. */
  check(): CheckResult {
    const nowMs = this.deps.clock();
    const zone = this.deps.zone();
    for (const device of this.deps.registry.devices.values()) this.noteOutputs(device);
    const ctx: JudgeContext = {
      nowMs,
      zone,
      registry: this.deps.registry,
      rules: this.rules,
      nodes: siteNodes(this.deps.registry),
    };
    const used = (kind: RuleKind) => this.rules.isUsed(kind);
    const findings: Finding[] = [
      ...(used('on-too-long') ? judgeOnTooLong(ctx, this.onSince) : []),
      ...(used('night-above-base') ? judgeNights(ctx, this.deps.read, this.deps.night) : []),
      ...(used('day-above-median') ? judgeDays(ctx, this.deps.read) : []),
      ...(used('power-ceiling') ? judgePower(ctx, this.deps.totals()) : []),
      ...(used('silent') ? judgeSilent(ctx) : []),
      ...(used('climate-band') ? judgeClimate(ctx, this.deps.sensors()) : []),
    ];
    const firing = new Set(findings.map((f) => f.subject));
    const raised: Finding[] = [];
    for (const finding of findings) {
      if (this.episodes.has(finding.subject) || isQuiet(finding.quiet, nowMs, zone)) continue;
      this.episodes.set(finding.subject, nowMs);
      const saved = this.deps.store.startEpisode(finding.subject, nowMs);
      if (!saved.ok) this.deps.failed(saved.error);
      this.deps.raise({
        id: alertId(finding.subject, nowMs),
        at: new Date(nowMs).toISOString(),
        severity: 'warning',
        kind: 'anomaly',
        message: finding.message,
        node: finding.node,
        detail: finding.detail,
      });
      raised.push(finding);
    }
    const ended: string[] = [];
    if (nowMs - this.startedMs >= RESTART_GRACE_MS)
      for (const subject of [...this.episodes.keys()]) {
        if (firing.has(subject)) continue;
        this.episodes.delete(subject);
        const saved = this.deps.store.endEpisode(subject);
        if (!saved.ok) this.deps.failed(saved.error);
        this.deps.resolve(subject, nowMs);
        ended.push(subject);
      }
    return { raised, ended };
  }
}
