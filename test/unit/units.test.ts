/** Every conversion between counted units, Wh and Gen1 watt-minutes lives in units.ts. */
import { describe, expect, it } from 'vitest';
import {
  UNITS_PER_WH,
  unitsToKWhText,
  unitsToWh,
  wattMinutesToUnits,
  wattMinutesToWh,
  whToUnits,
} from '../../src/main/core/units';

describe('units', () => {
  it('a Gen2 counter printed to 3 decimals is an exact integer, and comes back as printed', () => {
    expect(whToUnits(1523.117)).toBe(91_387_020);
    expect(unitsToWh(whToUnits(1523.117))).toBe(1523.117);
    expect(whToUnits(0.001)).toBe(60);
  });

  it('a Gen1 watt-minute is 1/60 Wh, exact in units', () => {
    expect(wattMinutesToUnits(60)).toBe(UNITS_PER_WH);
    expect(wattMinutesToUnits(1)).toBe(1000);
    expect(wattMinutesToWh(90)).toBe(1.5);
  });

  it('Wh and kWh for people are rounded to the milliwatt-hour, the same way', () => {
    expect(unitsToWh(29)).toBe(0);
    expect(unitsToWh(30)).toBe(0.001);
    expect(unitsToKWhText(30)).toBe('0.000001');
    expect(unitsToKWhText(60_000_000)).toBe('1.000000');
  });
});
