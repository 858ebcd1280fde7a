/**
 * One cumulative energy counter, kept exact. Energy is integrated from integer deci-watts over
 * integer milliseconds and stored in integer milliwatt-hours; the remainder below 1 mWh is carried,
 * not rounded away, so the printed totals are exactly the integral of the reported power. This
 * matters because Kilowatch checks consumption to the mWh against these counters.
 *
 * It also keeps Shelly's `by_minute` (mWh of the last three complete minutes, newest first) and
 * `minute_ts` (start of the current minute, s) as PROTOCOL.md §4.3 describes them.
 */

/** 0.1 W held for 36 000 ms is exactly 1 mWh. */
const DW_MS_PER_MWH = 36_000;
const MINUTE_MS = 60_000;

export class EnergyCounter {
  private totalMwh: number;
  private carry = 0;
  private minuteStartMs: number;
  private minuteMwh = 0;
  private history: number[] = [0, 0, 0];

  constructor(initialMwh: number, atMs: number) {
    this.totalMwh = initialMwh;
    this.minuteStartMs = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
  }

  get mwh(): number {
    return this.totalMwh;
  }

  get minuteTs(): number {
    return this.minuteStartMs / 1000;
  }

  get byMinute(): readonly number[] {
    return this.history;
  }

  /** Adds what `powerDw` (≥ 0) held from `fromMs` to `toMs` delivered, split at minute boundaries. */
  add(powerDw: number, fromMs: number, toMs: number): void {
    if (powerDw < 0) throw new Error(`EnergyCounter.add takes non-negative power, got ${powerDw} dW`);
    this.skipTo(fromMs);
    let at = fromMs;
    while (at < toMs) {
      const minuteEnd = this.minuteStartMs + MINUTE_MS;
      const segmentEnd = Math.min(toMs, minuteEnd);
      const units = this.carry + powerDw * (segmentEnd - at);
      const whole = Math.floor(units / DW_MS_PER_MWH);
      this.carry = units - whole * DW_MS_PER_MWH;
      this.totalMwh += whole;
      this.minuteMwh += whole;
      at = segmentEnd;
      if (segmentEnd === minuteEnd) this.closeMinute();
    }
  }

  /** Time passes without metering (the device is rebooting): only the minute window moves. */
  skipTo(atMs: number): void {
    while (this.minuteStartMs + MINUTE_MS <= atMs) {
      // After three empty minutes the window is all zeros; jump instead of looping over a long gap.
      if (this.history.every((v) => v === 0) && this.minuteMwh === 0) {
        this.minuteStartMs = Math.floor(atMs / MINUTE_MS) * MINUTE_MS;
        return;
      }
      this.closeMinute();
    }
  }

  /**
   * Back to zero: what old Plus firmware does on every reboot (PROTOCOL.md §5.1), and what
   * ResetCounters does. The per-minute history is lost with it.
   */
  reset(): void {
    this.totalMwh = 0;
    this.carry = 0;
    this.minuteMwh = 0;
    this.history = [0, 0, 0];
  }

  private closeMinute(): void {
    this.history = [this.minuteMwh, this.history[0] ?? 0, this.history[1] ?? 0];
    this.minuteMwh = 0;
    this.minuteStartMs += MINUTE_MS;
  }
}

/**
 * A signed power flow metered into two one-way counters, as every Shelly meter does: import for
 * positive power, export (returned) for negative power.
 */
export class TwoWayCounter {
  readonly imported: EnergyCounter;
  readonly exported: EnergyCounter;

  constructor(importMwh: number, exportMwh: number, atMs: number) {
    this.imported = new EnergyCounter(importMwh, atMs);
    this.exported = new EnergyCounter(exportMwh, atMs);
  }

  add(powerDw: number, fromMs: number, toMs: number): void {
    this.imported.add(Math.max(0, powerDw), fromMs, toMs);
    this.exported.add(Math.max(0, -powerDw), fromMs, toMs);
  }

  skipTo(atMs: number): void {
    this.imported.skipTo(atMs);
    this.exported.skipTo(atMs);
  }
}
