/**
 * Names devices give themselves over MQTT (Gen2 announce and GetDeviceInfo, a BLU sensor's name
 * in GetComponents) are shown in the tree, saved with the device and sent to every window:
 * anyone who may publish could otherwise make one name megabytes long.
 */

/** Longer than any name the Shelly app lets one type (64), shorter than anything that hurts. */
export const MAX_DEVICE_NAME = 128;

/** `{ name }` for a string (cut to MAX_DEVICE_NAME, with its original length when cut), else `{}`. */
export function nameField(raw: unknown): { name?: string; nameLength?: number } {
  if (typeof raw !== 'string') return {};
  if (raw.length <= MAX_DEVICE_NAME) return { name: raw };
  let end = MAX_DEVICE_NAME;
  // Never half a surrogate pair: the cut name must still be valid UTF-16 (and UTF-8 in SQLite).
  const last = raw.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { name: raw.slice(0, end), nameLength: raw.length };
}
