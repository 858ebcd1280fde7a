/**
 * Prices are written as decimals (kilowatch.toml, settings) but money is never a float here: each
 * price is read once from its decimal text into an integer count of millionths of the currency's
 * minor unit. A TOML number arrives as a double, so it is read from its shortest round-trip text
 * (`String(0.1234)` is "0.1234"), which is exactly what was typed for up to 15 significant digits.
 */

/** Millionths of a minor unit: the resolution every price is kept to (EUR: 1e-8 €, JPY: 1e-6 ¥). */
export const MICRO_PER_MINOR = 1_000_000;
const MICRO_DIGITS = 6;

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export type PriceReading = { ok: true; micro: number } | { ok: false; message: string };

/**
 * `value` currency units (a decimal number or its text) as integer millionths of the minor unit,
 * for a currency with `minorDigits` decimals. More precision than that, or a value too large to
 * stay an exact integer, is refused in words rather than rounded.
 */
export function readPrice(value: number | string, minorDigits: number, currency: string): PriceReading {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return { ok: false, message: `${text} is not a decimal number` };
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  // value = digits × 10^-scale, with trailing zeros of the fraction not counting as precision.
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  let scale = fraction.length - Number(exponent);
  let trimmed = digits;
  while (scale > 0 && trimmed.length > 1 && trimmed.endsWith('0')) {
    trimmed = trimmed.slice(0, -1);
    scale -= 1;
  }
  const keep = minorDigits + MICRO_DIGITS;
  if (scale > keep && trimmed !== '0')
    return {
      ok: false,
      message:
        `${text} has more decimals than ${currency} prices keep (${keep}: a millionth of its ` +
        `minor unit)`,
    };
  const micro = BigInt(trimmed) * 10n ** BigInt(Math.max(0, keep - scale));
  const signed = sign === '-' ? -micro : micro;
  if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER))
    return { ok: false, message: `${text} is too large a price` };
  return { ok: true, micro: Number(signed) };
}
