/**
 * The energy rules (PROTOCOL.md §6, ARCHITECTURE.md §4) as pure functions: one reading of one
 * cumulative counter plus the remembered state in, a verdict and the next state out. Nothing here
 * does I/O, so every rule is unit- and property-testable, and the caller persists the next state in
 * the same transaction as the energy it produced.
 */
import type { CounterFact, OrderKey } from '../shelly/types';
import { UNITS_PER_WH } from '../units';

/** Rule 7: a rise implying more than this average power is not consumption. */
export const MAX_AVG_POWER_W = 1e6;
/** Rule 7: plausibility is judged over at least a minute, so a replayed backlog is not a jump. */
export const MIN_RATE_WINDOW_S = 60;
/** Rule 9: with a trusted clock, a fall below 90 % of the last value is a reset. */
export const RESET_RATIO = 0.9;

/** What the engine remembers about a device between readings. */
export interface DeviceMemory {
  /** Bumped on every sign of a reboot or counter reset; a counter seen in an older epoch may reset. */
  epoch: number;
  /** Bumped every time the device is seen going offline; a rise across a change spans a gap. */
  offlineCount: number;
  isOnline: boolean | null;
  uptimeS: number | null;
}

export interface CounterMemory {
  valueUnits: number;
  order: OrderKey;
  arrivalS: number;
  epoch: number;
  offlineCount: number;
  /**
   * Rule 7's note: the implausible readings rejected in a row since the last accepted one, while
   * they agree with each other. Kept in memory only: after a restart a swapped counter needs three
   * more readings to be re-baselined, which loses nothing.
   */
  jump?: { valueUnits: number; arrivalS: number; count: number };
}

/** Rule 7: this many consecutive, mutually consistent rejections are a swapped device or counter. */
export const REBASE_AFTER_REJECTIONS = 3;

export type Verdict =
  | 'baseline'
  | 'counted'
  | 'no-change'
  | 'duplicate'
  | 'out-of-order'
  | 'stale-retained'
  | 'reset'
  | 'dip-ignored'
  | 'implausible-rate'
  | 'rebased';

export interface Decision {
  verdict: Verdict;
  /** Units added to this counter (≥ 0). */
  countedUnits: number;
  /** The state to remember, or null when the reading changes nothing. */
  next: CounterMemory | null;
  /** For a counted rise: the order key of the previous reading, or null after a reset. */
  fromS: number | null;
  spansGap: boolean;
}

export const newDeviceMemory = (): DeviceMemory => ({
  epoch: 0,
  offlineCount: 0,
  isOnline: null,
  uptimeS: null,
});

/** `online` false → true: the device may have rebooted, so a drop is allowed to be a reset. */
export function noteOnline(device: DeviceMemory, isOnline: boolean): DeviceMemory {
  if (!isOnline) return { ...device, isOnline: false, offlineCount: device.offlineCount + 1 };
  return { ...device, isOnline: true, epoch: device.isOnline === false ? device.epoch + 1 : device.epoch };
}

export function noteUptime(device: DeviceMemory, uptimeS: number): DeviceMemory {
  const rebooted = device.uptimeS !== null && uptimeS < device.uptimeS;
  return { ...device, uptimeS, epoch: rebooted ? device.epoch + 1 : device.epoch };
}

export const noteReboot = (device: DeviceMemory): DeviceMemory => ({ ...device, epoch: device.epoch + 1 });

function isPlausible(deltaUnits: number, previous: { arrivalS: number }, arrivalS: number): boolean {
  const windowS = Math.max(arrivalS - previous.arrivalS, MIN_RATE_WINDOW_S);
  // Multiplied out rather than divided, so exactly 1 MW is not lost to floating-point rounding.
  return deltaUnits * 3600 <= MAX_AVG_POWER_W * UNITS_PER_WH * windowS;
}

// Module-level builders, not closures: applyReading runs for every counter of every message.
function remember(reading: CounterFact, device: DeviceMemory, arrivalS: number): CounterMemory {
  return {
    valueUnits: reading.units,
    order: reading.order,
    arrivalS,
    epoch: device.epoch,
    offlineCount: device.offlineCount,
  };
}

/**
 * An implausible rise is rejected and the baseline stays (rule 7). When it is the third in a row
 * and each agrees with the one before (not lower, and a plausible rise from it), the counter is a
 * different one (a swapped device, a meter replaced under the same id): counting starts again from
 * it, without the jump.
 */
function rejectedJump(
  previous: CounterMemory,
  reading: CounterFact,
  device: DeviceMemory,
  arrivalS: number,
): Decision {
  const jump = previous.jump;
  const isConsistent =
    jump !== undefined &&
    reading.units >= jump.valueUnits &&
    isPlausible(reading.units - jump.valueUnits, jump, arrivalS);
  const count = isConsistent ? jump.count + 1 : 1;
  if (count >= REBASE_AFTER_REJECTIONS) {
    return {
      verdict: 'rebased',
      countedUnits: 0,
      next: remember(reading, device, arrivalS),
      fromS: null,
      spansGap: false,
    };
  }
  return {
    verdict: 'implausible-rate',
    countedUnits: 0,
    next: { ...previous, jump: { valueUnits: reading.units, arrivalS, count } },
    fromS: null,
    spansGap: false,
  };
}

function nothing(verdict: Verdict): Decision {
  return { verdict, countedUnits: 0, next: null, fromS: null, spansGap: false };
}

/** Rule 7: a plausible rise counts the difference, from the previous reading's key. */
function counted(
  previous: CounterMemory,
  reading: CounterFact,
  device: DeviceMemory,
  arrivalS: number,
): Decision {
  return rise(
    'counted',
    reading.units - previous.valueUnits,
    previous.order.primaryS,
    previous,
    reading,
    device,
    arrivalS,
  );
}

function rise(
  verdict: Verdict,
  counted: number,
  fromS: number | null,
  previous: CounterMemory,
  reading: CounterFact,
  device: DeviceMemory,
  arrivalS: number,
): Decision {
  return {
    verdict,
    countedUnits: counted,
    next: remember(reading, device, arrivalS),
    fromS,
    spansGap: previous.offlineCount !== device.offlineCount,
  };
}

export function applyReading(
  previous: CounterMemory | undefined,
  reading: CounterFact,
  device: DeviceMemory,
  arrivalS: number,
  isRetained: boolean,
): Decision {
  const units = reading.units;
  const order = reading.order;

  // Rule 3: nobody knows when a counter started, so its first reading counts nothing.
  if (!previous)
    return {
      verdict: 'baseline',
      countedUnits: 0,
      next: remember(reading, device, arrivalS),
      fromS: null,
      spansGap: false,
    };

  if (isRetained) {
    // Rule 5: a retained copy is a snapshot of unknown age. It may add a rise the console missed;
    // it never takes energy back and never signals a reset.
    if (units < previous.valueUnits || order.primaryS < previous.order.primaryS)
      return nothing('stale-retained');
    if (units === previous.valueUnits) return nothing('no-change');
    if (!isPlausible(units - previous.valueUnits, previous, arrivalS)) return nothing('implausible-rate');
    return counted(previous, reading, device, arrivalS);
  }

  // Rule 6: older readings and duplicates change nothing; the newer reading already includes them.
  if (order.primaryS < previous.order.primaryS) return nothing('out-of-order');
  if (order.primaryS === previous.order.primaryS) {
    if (units === previous.valueUnits) return nothing('duplicate');
    if (order.secondaryS < previous.order.secondaryS) return nothing('out-of-order');
  }
  if (units > previous.valueUnits) {
    if (!isPlausible(units - previous.valueUnits, previous, arrivalS))
      return rejectedJump(previous, reading, device, arrivalS);
    return counted(previous, reading, device, arrivalS);
  }
  if (units === previous.valueUnits) {
    // Rule 8: nothing to add, but remember the newer key.
    return {
      verdict: 'no-change',
      countedUnits: 0,
      next: remember(reading, device, arrivalS),
      fromS: null,
      spansGap: false,
    };
  }

  // Rule 9: a drop is a reset only with evidence; arrival-time-only Gen2 readings never start one.
  const hasRebooted = device.epoch !== previous.epoch;
  const isBigDrop = (reading.isDeviceTimed || reading.isGen1) && units < RESET_RATIO * previous.valueUnits;
  if (hasRebooted || isBigDrop) {
    if (!isPlausible(units, previous, arrivalS)) return nothing('implausible-rate');
    // The energy between the last reading and the reset is unknowable: count from zero, never negative.
    return rise('reset', units, null, previous, reading, device, arrivalS);
  }
  // A dip (rounding, a delayed copy without a timestamp): keep the higher value as the baseline.
  // A device-timed dip also moves the key on, so an even older copy is still out of order. An
  // arrival-timed one must not: its key is later than the device's own stamp on the same state, and
  // would make the trusted reading that proves a reset look out of order (status/<component> and
  // NotifyStatus both on, a counter reset: everything after it was lost).
  return {
    verdict: 'dip-ignored',
    countedUnits: 0,
    next: reading.isDeviceTimed ? { ...previous, order } : null,
    fromS: null,
    spansGap: false,
  };
}
