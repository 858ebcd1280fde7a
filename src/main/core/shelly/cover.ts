/**
 * `cover:N` beyond its energy: what it is doing and where it is (Gen2+ Cover component). A
 * NotifyStatus carries only what changed, so each field is optional; `current_pos` is null until
 * the cover is calibrated (`pos_control: false`).
 */
import { COVER_STATES, type CoverState } from '../../../shared/contract';
import { finiteNumber } from './payload';
import type { CoverFact } from './types';

const STATES: ReadonlySet<string> = new Set(COVER_STATES);

const percent = (v: unknown): number | null | undefined => {
  if (v === null) return null;
  const n = finiteNumber(v);
  return n !== undefined && n >= 0 && n <= 100 ? n : undefined;
};

export function coverFact(component: string, status: Record<string, unknown>): CoverFact | null {
  const fact: CoverFact = { type: 'cover', component };
  if (typeof status.state === 'string' && STATES.has(status.state)) fact.state = status.state as CoverState;
  if (typeof status.pos_control === 'boolean') fact.isCalibrated = status.pos_control;
  const position = percent(status.current_pos);
  if (position !== undefined) fact.positionPct = position;
  const target = percent(status.target_pos);
  if (target !== undefined) fact.targetPct = target;
  return Object.keys(fact).length > 2 ? fact : null;
}
