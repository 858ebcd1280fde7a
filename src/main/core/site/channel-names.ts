/**
 * What a channel is called when neither staff nor the device named it: words people use
 * ("Relay 1", "Outlet 2", "Phase A", "Meter"), never the component key (`switch:0`, `emdata:0/a`).
 */
import { hasOutlets } from '../shelly/product-names';

const KEY = /^([a-z][a-z0-9_]*):(\d+)(?:\/([abc]))?$/;
const PHASES = ['A', 'B', 'C'] as const;
const LIGHTS = new Set(['light', 'rgb', 'rgbw', 'cct', 'white', 'color']);

/** `model`: the device's model code, for outlets (plugs, strips) and the Gen1 3EM's phases. */
export function defaultChannelName(component: string, model: string | null): string {
  const match = KEY.exec(component);
  if (!match) return component;
  const type = match[1] as string;
  const index = Number(match[2]);
  const phase = match[3];
  const nth = index + 1;
  if (phase) return `Phase ${phase.toUpperCase()}`;
  if (type === 'switch' || type === 'relay') return `${hasOutlets(model) ? 'Outlet' : 'Relay'} ${nth}`;
  if (type === 'cover' || type === 'roller') return `Cover ${nth}`;
  if (LIGHTS.has(type)) return `Light ${nth}`;
  // The Gen1 3EM's three emeters are its phases; on an EM they are two separate clamps.
  if (type === 'emeter' && model === 'SHEM-3' && index < 3) return `Phase ${PHASES[index]}`;
  // A three-phase meter's total is "the meter"; meters with several clamps number them.
  if (type === 'emdata' && index === 0) return 'Meter';
  if (type === 'emdata' || type === 'em1data' || type === 'emeter' || type === 'pm1') return `Meter ${nth}`;
  return `${type.charAt(0).toUpperCase()}${type.slice(1)} ${nth}`;
}

/**
 * The config component that names a channel: an energy channel `emdata:N`/`em1data:N` is the
 * meter the device configures as `em:N`/`em1:N`; a phase takes no name from the device.
 */
export function configComponentOf(component: string): string | null {
  if (component.includes('/')) return null;
  if (component.startsWith('emdata:')) return `em:${component.slice('emdata:'.length)}`;
  if (component.startsWith('em1data:')) return `em1:${component.slice('em1data:'.length)}`;
  return component;
}
