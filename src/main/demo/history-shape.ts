/**
 * What a demo load drew on a given day of the past year: the live fleet's day curve (day/night,
 * weekday/weekend) scaled by the season — heating in winter, air conditioning and the pool in
 * summer, longer-lit evenings in winter, a stronger sun in summer. The live fleet has no seasons;
 * its December is this curve's winter, so history and live readings meet without a step.
 */
import type { LoadSpec } from './load';
import type { DeviceSpec } from './site-plan';

export type Season = 'heating' | 'cooling' | 'pool' | 'lighting' | 'solar' | 'building' | 'none';

const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.25;
/** Mid-January, the coldest time of a Portuguese year, in days after 1 January. */
const COLDEST_DAY = 15;

/** 1 in mid-January, 0 in mid-July, smooth in between. */
export function winterness(atMs: number): number {
  const date = new Date(atMs);
  const dayOfYear = (atMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
  return (1 + Math.cos((2 * Math.PI * (dayOfYear - COLDEST_DAY)) / YEAR_DAYS)) / 2;
}

/** Which seasonal habit a load follows, by what it is (the site plan's device names). */
export function seasonOf(spec: DeviceSpec, load: LoadSpec): Season {
  if (load.isGenerator || load.curve === 'solar') return 'solar';
  if (/Heating|HeatPump|Boiler|Heater/.test(spec.name)) return 'heating';
  if (/AirCon|Cooling/.test(spec.name)) return 'cooling';
  if (spec.name === 'Pump') return 'pool';
  if (/Light|Candeeiros|Signage/.test(spec.name)) return 'lighting';
  if (spec.name === 'MainBoard' || spec.family === 'gen1-em') return 'building';
  return 'none';
}

/** How much of the curve's swing a load uses on this day, by its season (≈ 1 in December). */
export function seasonFactor(season: Season, winter: number): number {
  const summer = 1 - winter;
  switch (season) {
    case 'heating':
      return 0.1 + 0.9 * winter;
    case 'cooling':
      // Split units cool in summer and heat a little in winter; spring and autumn are quiet.
      return 0.1 + 0.9 * summer * summer + 0.5 * winter * winter;
    case 'pool':
      return 0.15 + 0.85 * summer;
    case 'lighting':
      return 0.75 + 0.25 * winter;
    case 'solar':
      return 0.45 + 0.55 * summer;
    case 'building':
      return 0.8 + 0.2 * winter + 0.15 * summer * summer;
    case 'none':
      return 1;
  }
}

/**
 * Signed power in W (negative: fed back), like load.ts's samplePowerDw but with the season and
 * the day factor given (the caller computes each curve once per instant for the whole fleet).
 */
export function seasonalPowerW(load: LoadSpec, dayFactor: number, season: number, jitter: number): number {
  if (load.isGenerator) return load.idleW - load.peakW * dayFactor * season * jitter;
  return (load.idleW + (load.peakW - load.idleW) * dayFactor * season) * jitter;
}
