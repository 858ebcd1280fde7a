/** What an evaluator found: one rule firing about one thing, in figures and in words. */
import type { QuietHours, RuleKind } from '../../../shared/contract';

export interface FindingDetail {
  rule: RuleKind;
  /** The figure judged, in `unit`. */
  figure: number;
  /** The figure it had to stay at or under (or, for a lower bound, above). */
  threshold: number;
  unit: string;
  /** The range to chart (ISO). */
  from: string;
  to: string;
  [more: string]: unknown;
}

export interface Finding {
  kind: RuleKind;
  /** The alert's subject: one episode per subject (`anomaly:<kind>:<node>[:<what>]`). */
  subject: string;
  node: string;
  message: string;
  quiet: QuietHours | undefined;
  detail: FindingDetail;
}

export const subjectOf = (kind: RuleKind, node: string, what?: string): string =>
  `anomaly:${kind}:${node}${what ? `:${what}` : ''}`;

export const iso = (ms: number): string => new Date(ms).toISOString();
