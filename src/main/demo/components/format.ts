/** Shelly's number shapes for the fields the components print (PROTOCOL.md §1, §3.3, §4). */
import type { EnergyCounter } from '../energy-counter';
import { fixed, JsonNumber, scaled, SpacedObject, wh, type JsonObject } from '../json';

/**
 * Notifications print power, voltage and temperature with 2 decimals, and an exact zero as `0`;
 * the status topic prints 1 decimal (`1800.50` vs `58.6`).
 */
export function notified(value: number): JsonNumber {
  return value === 0 ? new JsonNumber('0') : fixed(value, 2);
}

/** `aenergy` / `ret_aenergy` as in a full status: `{"total":…,"by_minute":[…],"minute_ts":…}`. */
export function energyStatus(counter: EnergyCounter): JsonObject {
  return { total: wh(counter.mwh, 3), by_minute: byMinute(counter), minute_ts: counter.minuteTs };
}

/** The same counter in a NotifyStatus, where firmware orders the fields differently. */
export function energyNotified(counter: EnergyCounter): JsonObject {
  return { by_minute: byMinute(counter), minute_ts: counter.minuteTs, total: wh(counter.mwh, 3) };
}

/** `by_minute` is in milliwatt-hours with 3 decimals: `[976.667,0.000,0.000]`. */
function byMinute(counter: EnergyCounter): JsonNumber[] {
  return counter.byMinute.map((mwh) => scaled(mwh * 1000, 3));
}

/** Device temperature as `{"tC":41.3, "tF":106.3}`. */
export function temperature(tC: number): SpacedObject {
  return new SpacedObject({ tC: fixed(tC, 1), tF: fixed((tC * 9) / 5 + 32, 1) });
}
