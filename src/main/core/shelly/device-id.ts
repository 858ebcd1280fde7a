/**
 * The Shelly ids a message's `src` is trusted as: `<model>-<MAC or its tail>`, as devices print
 * them. Most are lower case (`shellyplus1pm-a8032ab1c2d3`), but partner devices put a dash in the
 * model (LinkedGo ST802: `st-802-8cbfeaa74600`) and the Wall Display prints both in capitals
 * (`ShellyWallDisplay-AABBCCDDEEFF`). Anything else in `src` (a slash, a space, a wildcard, a
 * dot, a control character, a whole paragraph) is not an identity: its sender is known by its topic only.
 */

/** Letters and digits, at most four dash-separated words before the hex, 64 characters at most. */
export const TRUSTED_DEVICE_ID = /^(?=.{8,64}$)[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+){0,3}-[0-9A-Fa-f]{6,12}$/;

export const isTrustedDeviceId = (value: unknown): value is string =>
  typeof value === 'string' && TRUSTED_DEVICE_ID.test(value);
