/**
 * What went wrong in the demo's past year, seeded so every fresh demo tells the same story: one
 * office lost its network for an afternoon, a few devices dropped off for hours (their counters
 * kept counting, so the energy arrives in one lump when they come back: a gap), and the plugs on
 * old firmware rebooted now and then, restarting their counters from zero (a reset).
 */
import type { FleetDevice } from './fleet-channels';
import type { Prng } from './prng';

export interface Outage {
  deviceKeys: ReadonlySet<string>;
  fromMs: number;
  toMs: number;
}

export interface Reboot {
  deviceKey: string;
  atMs: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SINGLE_OUTAGES = 4;
const REBOOTS_PER_OLD_DEVICE = 3;

export function planEvents(
  devices: readonly FleetDevice[],
  fromMs: number,
  toMs: number,
  prng: Prng,
): { outages: Outage[]; reboots: Reboot[] } {
  // Whole hours after the start, clear of the first week and of the last two days (which the
  // "today" and "7 days" views show live-like).
  const firstHour = Math.ceil((7 * DAY_MS) / HOUR_MS);
  const lastHour = Math.floor((toMs - fromMs - 2 * DAY_MS) / HOUR_MS);
  const someHour = () => fromMs + (firstHour + prng.int(Math.max(1, lastHour - firstHour))) * HOUR_MS;

  const outages: Outage[] = [];
  const officeOf = (d: FleetDevice): string | undefined => {
    const segments = d.key.split('/');
    return segments.length === 4 ? segments[1] : undefined;
  };
  const offices = [...new Set(devices.map(officeOf).filter((o): o is string => o !== undefined))];
  if (offices.length > 0) {
    const office = prng.pick(offices);
    const start = someHour();
    outages.push({
      deviceKeys: new Set(devices.filter((d) => officeOf(d) === office).map((d) => d.key)),
      fromMs: start,
      toMs: start + (3 + prng.int(4)) * HOUR_MS,
    });
  }
  for (let i = 0; i < SINGLE_OUTAGES; i++) {
    const start = someHour();
    outages.push({
      deviceKeys: new Set([prng.pick(devices).key]),
      fromMs: start,
      toMs: start + (2 + prng.int(9)) * HOUR_MS,
    });
  }
  const reboots: Reboot[] = [];
  for (const device of devices.filter((d) => d.spec.isOldFirmware)) {
    for (let i = 0; i < REBOOTS_PER_OLD_DEVICE; i++)
      reboots.push({ deviceKey: device.key, atMs: someHour() });
  }
  return { outages, reboots };
}
