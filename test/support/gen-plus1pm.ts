/**
 * Frames exactly as a Shelly Plus 1PM (Gen2, `switch:0`) publishes them on `<prefix>/events/rpc`
 * (PROTOCOL.md §3.3): compact JSON, `aenergy.total` with 3 decimals of Wh, `params.ts` with 2
 * decimals. Built as text, not with JSON.stringify, so the numbers keep the firmware's fixed
 * decimals (`1523.100`, not `1523.1`).
 */

/** `shellyplus1pm-` + 12 lower-case hex digits derived from n. */
export function plus1pmId(n: number): string {
  return `shellyplus1pm-${(0xa8032ab10000 + n).toString(16).padStart(12, '0').slice(-12)}`;
}

/** mWh (an integer) → the firmware's `total` text: Wh with exactly 3 decimals. */
export function whText(mWh: number): string {
  if (!Number.isSafeInteger(mWh) || mWh < 0) throw new Error(`not a non-negative integer mWh: ${mWh}`);
  return `${Math.floor(mWh / 1000)}.${String(mWh % 1000).padStart(3, '0')}`;
}

/** Seconds → `params.ts` text with 2 decimals. */
export const tsText = (s: number): string => s.toFixed(2);

/** A NotifyStatus with an aenergy update of switch:0, as sent once a minute. */
export function notifyStatus(
  src: string,
  prefix: string,
  o: { tsS: number; minuteTsS: number; totalMWh: number },
): string {
  return (
    `{"src":"${src}","dst":"${prefix}/events","method":"NotifyStatus","params":{"ts":${tsText(o.tsS)},` +
    `"switch:0":{"id":0,"aenergy":{"by_minute":[0.000,0.000,0.000],"minute_ts":${Math.floor(o.minuteTsS)},` +
    `"total":${whText(o.totalMWh)}}}}}`
  );
}

/** The `sys` scheduled_restart event a device sends before Shelly.Reboot or an OTA restart. */
export function scheduledRestart(src: string, prefix: string, tsS: number): string {
  return (
    `{"src":"${src}","dst":"${prefix}/events","method":"NotifyEvent","params":{"ts":${tsText(tsS)},` +
    `"events":[{"component":"sys", "event":"scheduled_restart", "time_ms": 1000, "ts":${tsText(tsS)}}]}}`
  );
}
