import { whToUnits } from '../units';

export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 32;
export const MAX_COUNTER_WH = 1e11;
/** Earlier than 2001-09-09: the device clock has not been synced yet (seconds since boot). */
const MIN_TRUSTED_EPOCH_S = 1e9;
const MAX_CLOCK_AHEAD_S = 300;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export type Parsed<T> = { value: T } | { error: string };

export function payloadText(bytes: Uint8Array): Parsed<string> {
  if (bytes.byteLength > MAX_PAYLOAD_BYTES) return { error: 'payload-too-large' };
  try {
    return { value: utf8.decode(bytes) };
  } catch (e) {
    if (e instanceof TypeError) return { error: 'invalid-utf8' };
    throw e;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Nesting depth outside strings; checked before JSON.parse so a hostile payload cannot recurse deeply. */
function depthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** How many times `char` occurs, stopping once past `limit`; indexOf runs natively. */
function countUpTo(text: string, char: string, limit: number): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1 && n <= limit; i = text.indexOf(char, i + 1)) n++;
  return n;
}

export function parseJsonObject(text: string): Parsed<Record<string, unknown>> {
  // Nesting deeper than the limit needs more opening brackets than the limit; most payloads
  // have far fewer, so the character-by-character scan runs only when it could matter.
  const opens = countUpTo(text, '{', MAX_JSON_DEPTH) + countUpTo(text, '[', MAX_JSON_DEPTH);
  if (opens > MAX_JSON_DEPTH && depthExceeds(text, MAX_JSON_DEPTH)) return { error: 'too-deep' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError) return { error: 'invalid-json' };
    throw e;
  }
  return isRecord(value) ? { value } : { error: 'not-an-object' };
}

/** A device timestamp is trusted only when the clock is synced and not far in the future (§5.3). */
export function trustedTimeS(t: unknown, arrivalS: number): number | null {
  return typeof t === 'number' &&
    Number.isFinite(t) &&
    t >= MIN_TRUSTED_EPOCH_S &&
    t <= arrivalS + MAX_CLOCK_AHEAD_S
    ? t
    : null;
}

/** A Wh counter from JSON, as integer units, or the rejection reason (§6.2: no string coercion). */
export function whCounterUnits(raw: unknown): Parsed<number> {
  if (typeof raw !== 'number') return { error: 'wrong-type' };
  if (!Number.isFinite(raw)) return { error: 'non-finite' };
  if (raw < 0) return { error: 'negative' };
  if (raw > MAX_COUNTER_WH) return { error: 'out-of-range' };
  return { value: whToUnits(raw) };
}

/**
 * Instantaneous power beyond this is noise or hostile: the largest Shelly meter reads about 100 kW,
 * and one absurd value summed into every node above the device would poison them all.
 */
export const MAX_POWER_W = 1e6;

/** Signed power, W, from JSON: nothing when absent or not a number, or 'implausible-power'. */
export function powerWatts(raw: unknown): Parsed<number> | undefined {
  if (typeof raw !== 'number') return undefined;
  if (!Number.isFinite(raw) || Math.abs(raw) > MAX_POWER_W) return { error: 'implausible-power' };
  return { value: raw };
}

export const finiteNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
