/** A rule's quiet hours: local whole hours in the site's zone, running across midnight when from > to. */
import { DateTime } from 'luxon';
import type { QuietHours } from '../../../shared/contract';

export function isQuiet(quiet: QuietHours | undefined, nowMs: number, zone: string): boolean {
  if (!quiet) return false;
  const hour = DateTime.fromMillis(nowMs, { zone }).hour;
  return quiet.fromHour < quiet.toHour
    ? hour >= quiet.fromHour && hour < quiet.toHour
    : hour >= quiet.fromHour || hour < quiet.toHour;
}
