/**
 * Energy units, and every conversion to and from them. Counting is done in integer
 * milliwatt-minutes (1 Wh = 60 000): Gen2+ counters print up to 3 decimals of Wh and Gen1 counts
 * whole watt-minutes, so both are exact integers in this unit and sums never drift
 * (PROTOCOL.md §6.1). Wh appear only at the edges: what a device prints, what people read.
 */

export const UNITS_PER_WH = 60_000;

/** Gen1 output energy (relay, roller, light, color, white) counts watt-minutes. */
export const UNITS_PER_WATT_MINUTE = 1000;

/** Units as Wh for people: rounded to the milliwatt-hour, like every figure shown or published. */
export const unitsToWh = (units: number): number => Math.round((units / UNITS_PER_WH) * 1000) / 1000;

/** A Gen2+ Wh counter as units. Rounded to its printed 3 decimals first: 1523.117 * 1000 is not an exact integer in binary. */
export const whToUnits = (wh: number): number => Math.round(wh * 1000) * (UNITS_PER_WH / 1000);

/** A Gen1 watt-minute counter as units. */
export const wattMinutesToUnits = (wattMinutes: number): number =>
  Math.round(wattMinutes * UNITS_PER_WATT_MINUTE);

/** A Gen1 watt-minute counter in Wh (for range checks against Wh limits). */
export const wattMinutesToWh = (wattMinutes: number): number => wattMinutes / 60;

/** Units as kWh text to the milliwatt-hour (CSV), rounded like unitsToWh so rows add up to totals. */
export const unitsToKWhText = (units: number): string =>
  (Math.round(units / (UNITS_PER_WH / 1000)) / 1_000_000).toFixed(6);
