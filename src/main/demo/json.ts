/**
 * A JSON writer that prints numbers the way Shelly firmware does. JSON.stringify cannot: it writes
 * `1523.1` for `1523.100` and `0` for `0.000`, and Kilowatch must cope with the real byte shapes
 * (PROTOCOL.md §1 "Number formatting"), so the demo has to produce them.
 */

/** A number token printed verbatim, e.g. `1523.117`, `0.000`, `[976.667,0.000,0.000]` items. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

/**
 * An object printed with `", "` between members, like the firmware's full switch status
 * (`{"id":0, "source":"init", "output":false, ...}`). Nested objects keep their own style.
 */
export class SpacedObject {
  constructor(readonly fields: JsonObject) {}
}

export type JsonValue =
  null | boolean | number | string | JsonNumber | SpacedObject | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function toJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (value instanceof SpacedObject) return writeObject(value.fields, ', ');
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object') return writeObject(value, ',');
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
  return JSON.stringify(value);
}

function writeObject(fields: JsonObject, separator: string): string {
  const members = Object.entries(fields).map(([key, v]) => `${JSON.stringify(key)}:${toJson(v)}`);
  return `{${members.join(separator)}}`;
}

/** `value` with exactly `decimals` decimals: `fixed(230, 1)` → `230.0`. */
export function fixed(value: number, decimals: number): JsonNumber {
  return new JsonNumber(value.toFixed(decimals));
}

/**
 * An integer count of 10^-decimals units printed exactly, without going through a float:
 * `scaled(1523117, 3)` → `1523.117`.
 */
export function scaled(units: number, decimals: number): JsonNumber {
  if (!Number.isSafeInteger(units)) throw new Error(`scaled() needs a safe integer, got ${units}`);
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(decimals + 1, '0');
  const cut = digits.length - decimals;
  return new JsonNumber(
    decimals === 0 ? sign + digits : `${sign}${digits.slice(0, cut)}.${digits.slice(cut)}`,
  );
}

/**
 * A milliwatt-hour counter as Wh with `decimals` decimals (3 on switch/pm1, 2 on emdata/em1data,
 * 1 on Gen1 emeter). Truncated, not rounded, so a printed counter can never run ahead of the exact
 * one and never goes down.
 */
export function wh(mwh: number, decimals: 1 | 2 | 3): JsonNumber {
  return scaled(Math.floor(mwh / 10 ** (3 - decimals)), decimals);
}
