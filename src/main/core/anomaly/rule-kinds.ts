/**
 * What each anomaly rule kind is judged on and where it may be set. Inheritance runs down
 * company → office → room → device → channel; a power ceiling is a figure for one node and is not
 * passed down (a company's 20 kW is no room's limit).
 */
import {
  RULE_KINDS,
  RULE_PARAMS,
  RuleOffSchema,
  describeIssues,
  type RuleKind,
  type RuleOff,
  type RuleParams,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';

export type NodeLevel = 'company' | 'office' | 'room' | 'device' | 'channel';

export interface RuleKindInfo {
  /** The nodes it is judged at. */
  judged: readonly NodeLevel[];
  /** The nodes it may be set on (a default above those judged). */
  settable: readonly NodeLevel[];
  /** A rule set above a node is in force there unless the node says otherwise. */
  inherits: boolean;
}

const PLACES = ['company', 'office', 'room'] as const;

export const RULE_KIND_INFO: Readonly<Record<RuleKind, RuleKindInfo>> = {
  'on-too-long': { judged: ['channel'], settable: [...PLACES, 'device', 'channel'], inherits: true },
  'night-above-base': { judged: PLACES, settable: PLACES, inherits: true },
  'day-above-median': { judged: PLACES, settable: PLACES, inherits: true },
  'power-ceiling': { judged: [...PLACES, 'device'], settable: [...PLACES, 'device'], inherits: false },
  silent: { judged: ['device'], settable: [...PLACES, 'device'], inherits: true },
  'climate-band': { judged: ['room'], settable: PLACES, inherits: true },
};

export { RULE_KINDS };

export type RuleSetting = RuleParams | RuleOff;
export const isOff = (setting: RuleSetting): setting is RuleOff => 'off' in setting;

/** A stored or requested setting of `kind`, checked; the error says what is wrong in words. */
export function parseSetting(kind: RuleKind, raw: unknown): Result<RuleSetting, ApiError> {
  const off = RuleOffSchema.safeParse(raw);
  if (off.success) return ok(off.data);
  const parsed = RULE_PARAMS[kind].safeParse(raw);
  if (parsed.success) return ok(parsed.data as RuleParams);
  return err('invalid-params', `${kind}: ${describeIssues(parsed.error)}`);
}

const LEVEL_WORDS: Record<NodeLevel, string> = {
  company: 'companies',
  office: 'offices',
  room: 'rooms',
  device: 'devices',
  channel: 'channels',
};

export const levelsInWords = (levels: readonly NodeLevel[]): string => {
  const words = levels.map((l) => LEVEL_WORDS[l]);
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
};
