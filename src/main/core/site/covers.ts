/** What the console knows of each cover (`cover:N`): merged from full and partial statuses. */
import type { CoverStatus } from '../../../shared/contract';
import type { CoverFact } from '../shelly/types';

/** A cover's last report; `targetPct` is where a GoToPosition is taking it (not shown). */
export interface CoverMemory extends CoverStatus {
  targetPct: number | null;
}

export const COVER_COMPONENT = /^cover:(\d+)$/;

const UNKNOWN: CoverStatus = { state: null, positionPct: null, isCalibrated: null };

/** Merges what a status said into the cover's memory; true when anything shown changed. */
export function applyCover(covers: Map<string, CoverMemory>, fact: CoverFact): boolean {
  const before = covers.get(fact.component) ?? { ...UNKNOWN, targetPct: null };
  const after: CoverMemory = {
    state: fact.state ?? before.state,
    positionPct: fact.positionPct !== undefined ? fact.positionPct : before.positionPct,
    isCalibrated: fact.isCalibrated ?? before.isCalibrated,
    targetPct: fact.targetPct !== undefined ? fact.targetPct : before.targetPct,
  };
  covers.set(fact.component, after);
  return (
    after.state !== before.state ||
    after.positionPct !== before.positionPct ||
    after.isCalibrated !== before.isCalibrated ||
    after.targetPct !== before.targetPct
  );
}

/** The contract's view of one cover: unknown fields stay null. */
export function coverStatus(memory: CoverMemory | undefined): CoverStatus {
  if (!memory) return { ...UNKNOWN };
  return { state: memory.state, positionPct: memory.positionPct, isCalibrated: memory.isCalibrated };
}

/** Every cover of a device, for `device.state`. */
export function coverStatuses(covers: Map<string, CoverMemory>): Record<string, CoverStatus> {
  return Object.fromEntries([...covers].map(([component, memory]) => [component, coverStatus(memory)]));
}
