/**
 * What a total covers, in words, where it is partial: "since 12:02" when the node's data begins
 * inside the period, "3 of 4 devices reporting" when some are silent. Empty when it is whole.
 */
import type { NodeTotals } from '../../shared/contract';
import { formatCount, formatSince } from './format';
import { t } from './i18n/words';

/**
 * When the node's data begins, if that is inside the period starting at `periodStartMs`: when the
 * console began counting it (`since`), or the first stored bucket if that is earlier (readings
 * stamped before the console started, booked where they belong).
 */
export function partialSinceMs(
  totals: NodeTotals | undefined,
  periodStartMs: number,
  firstStoredMs: number | null = null,
): number | null {
  if (!totals?.since) return null;
  const sinceMs = Math.min(Date.parse(totals.since), firstStoredMs ?? Number.POSITIVE_INFINITY);
  return sinceMs > periodStartMs ? sinceMs : null;
}

export function reportingNote(totals: NodeTotals | undefined): string | null {
  if (!totals || totals.devices === 0 || totals.reporting >= totals.devices) return null;
  return t('details.coverage.reporting', {
    reporting: formatCount(totals.reporting),
    devices: formatCount(totals.devices),
  });
}

/** The coverage of a period's total, e.g. "since 12:02 · 3 of 4 devices reporting"; null when whole. */
export function coverageText(
  totals: NodeTotals | undefined,
  periodStartMs: number,
  nowMs: number,
  firstStoredMs: number | null = null,
): string | null {
  const sinceMs = partialSinceMs(totals, periodStartMs, firstStoredMs);
  const notes = [sinceMs === null ? null : formatSince(sinceMs, nowMs), reportingNote(totals)].filter(
    (note) => note !== null,
  );
  return notes.length > 0 ? notes.join(' · ') : null;
}
