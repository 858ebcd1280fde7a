/**
 * Gen2+ components that measure a room rather than energy: `temperature:N` (`tC`), `humidity:N`
 * (`rh`), `illuminance:N` (`lux`), a Presence's `presencezone:N` (`value`), and the virtual
 * `number:N` a thermostat (LinkedGo ST1820, ST802) keeps its readings in. Shapes as in Home
 * Assistant's fixtures (test/fixtures/shelly/real/README.md). A partial status carries only what
 * changed, so a missing field is "unchanged", never null.
 */
import { finiteNumber } from './payload';
import type { Fact } from './types';

export const CLIMATE_TYPES = new Set(['temperature', 'humidity', 'illuminance', 'presencezone', 'number']);

/** A thermostat's virtual numbers mean a reading only by their `role` (from the device's config). */
export const CLIMATE_ROLES = {
  current_temperature: 'temperatureC',
  current_humidity: 'humidityPct',
} as const;

/** Plausible bounds: a missing sensor driver reports −275.15 °C (Wall Display XL), not a room. */
const BOUNDS = {
  temperatureC: [-60, 120],
  humidityPct: [0, 100],
  illuminanceLux: [0, 200_000],
  batteryPct: [0, 100],
} as const;

/** A reading within its plausible bounds; null for a broken one (errors, out of bounds, not a number). */
export function climateReading(
  field: keyof typeof BOUNDS,
  raw: unknown,
  hasErrors: boolean,
): number | null | undefined {
  if (raw === undefined) return undefined;
  const value = finiteNumber(raw);
  if (hasErrors || value === undefined) return null;
  const [min, max] = BOUNDS[field];
  return value >= min && value <= max ? value : null;
}

/** The climate facts of one component status (type from CLIMATE_TYPES). */
export function climateFacts(
  facts: Fact[],
  type: string,
  component: string,
  status: Record<string, unknown>,
): void {
  // A sensor with `errors` (driver missing, sensor unplugged) still prints a number: not a reading.
  const hasErrors = Array.isArray(status.errors) && status.errors.length > 0;
  if (type === 'number') {
    const value = finiteNumber(status.value);
    if (value !== undefined) facts.push({ type: 'virtual-number', component, value });
    return;
  }
  if (type === 'presencezone') {
    if (typeof status.value === 'boolean') facts.push({ type: 'climate', component, occupied: status.value });
    return;
  }
  const [field, raw] =
    type === 'temperature'
      ? (['temperatureC', status.tC] as const)
      : type === 'humidity'
        ? (['humidityPct', status.rh] as const)
        : (['illuminanceLux', status.lux] as const);
  const value = climateReading(field, raw, hasErrors);
  if (value !== undefined) facts.push({ type: 'climate', component, [field]: value });
}

const MAX_ROLE = 64;

/** A virtual component's config (`Shelly.GetComponents`, `Shelly.GetConfig`): its role, if any. */
export function componentRoleFacts(component: string, config: Record<string, unknown>): Fact[] {
  const { role } = config;
  return typeof role === 'string' && role.length > 0 && role.length <= MAX_ROLE
    ? [{ type: 'component-role', component, role }]
    : [];
}
