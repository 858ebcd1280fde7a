/**
 * Channel names from a Gen2+ device's own configuration (`Shelly.GetConfig`): every component
 * with an id carries `name` in its config (`switch:1` → "Desk lamp", null when never named).
 * Names are data from anyone who may publish: cut like device names, and only a bounded number read.
 */
import { nameField } from './device-name';
import { isRecord } from './payload';
import type { ComponentName, Fact } from './types';

const COMPONENT_WITH_ID = /^[a-z][a-z0-9_]{0,31}:\d{1,5}$/;
/** More components than any Shelly has (a Pro 4PM has about 20); the rest of a hostile reply is ignored. */
const MAX_NAMED_COMPONENTS = 256;

/** A Shelly.GetConfig result: its `sys` config names the device (`sys.device`); a status never does. */
export function isConfigResult(result: Record<string, unknown>): boolean {
  return isRecord(result.sys) && isRecord(result.sys.device);
}

export function configNameFacts(result: Record<string, unknown>): Fact[] {
  const names: ComponentName[] = [];
  for (const key of Object.keys(result)) {
    if (names.length >= MAX_NAMED_COMPONENTS) break;
    if (!COMPONENT_WITH_ID.test(key)) continue;
    const config = result[key];
    if (!isRecord(config) || !('name' in config)) continue;
    // null (or anything not a string): the device has no name for it, so a default is shown.
    const field = nameField(config.name);
    names.push({
      component: key,
      name: field.name ?? null,
      ...(field.nameLength && { nameLength: field.nameLength }),
    });
  }
  return [{ type: 'component-names', names }];
}
