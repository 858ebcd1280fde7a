/**
 * Money as the core gives it (issue #18): whole minor units (cents) of an ISO 4217 currency, each
 * figure already added and rounded once by the core. The renderer only writes it, in the
 * settings' language: the minor units become an exact decimal string by the currency's own
 * fraction digits (never a float division or a sum), which Intl then formats as it is.
 */
import { currentDisplay } from './format';

const formats = new Map<string, Intl.NumberFormat | null>();

/** The language's currency format (cached); null for a code this browser's Intl refuses. */
function currencyFormat(currency: string): Intl.NumberFormat | null {
  const locale = currentDisplay().locale;
  const key = `${locale}\u0000${currency}`;
  if (!formats.has(key)) {
    let format: Intl.NumberFormat | null = null;
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch (e) {
      // A currency code this browser's Intl does not know: written as the code instead.
      if (!(e instanceof RangeError)) throw e;
    }
    formats.set(key, format);
  }
  return formats.get(key) ?? null;
}

/** 50 minor units with 2 digits → "0.50"; -5 → "-0.05"; 7 with 0 digits → "7". */
export function minorToDecimal(minor: number, digits: number): `${number}` {
  const sign = minor < 0 ? '-' : '';
  const whole = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  if (digits === 0) return `${sign}${whole}` as `${number}`;
  return `${sign}${whole.slice(0, -digits)}.${whole.slice(-digits)}` as `${number}`;
}

/** "€0.50" in English, "0,50 €" in Portuguese: `minor` units of `currency`, exactly. */
export function formatMoney(minor: number, currency: string): string {
  const format = currencyFormat(currency);
  if (!format) return `${minorToDecimal(minor, 2)}\u00a0${currency}`;
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorToDecimal(minor, digits));
}
