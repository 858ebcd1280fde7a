/**
 * Voltage, current and power factor of an energy meter (`em:N` per phase, `em1:N`), as facts.
 * Only shown to staff, never counted; still, a hostile or broken value must not reach the screen.
 */
import type { ElectricalFact, Fact } from './types';

/** Status field (after its phase prefix), fact field, and the plausible range of each reading. */
const READINGS = [
  ['voltage', 'voltageV', 0, 1000],
  ['current', 'currentA', 0, 10_000],
  ['pf', 'powerFactor', -1, 1],
] as const;

/** A reading outside its range (or not a number) is rejected, so stats and the ledger say it. */
export const IMPLAUSIBLE_READING = 'implausible-reading';

/**
 * The readings of one meter: `prefix` is `a_`, `b_`, `c_` for a phase of `em:N`, empty for
 * `em1:N`. A missing field is unchanged (a partial NotifyStatus); `null` is a quantity the device
 * does not measure.
 */
export function meterReadings(
  facts: Fact[],
  component: string,
  status: Record<string, unknown>,
  prefix: string,
): void {
  const fact: ElectricalFact = { type: 'electrical', component };
  let isAny = false;
  for (const [field, key, min, max] of READINGS) {
    const raw = status[`${prefix}${field}`];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < min || raw > max) {
      facts.push({ type: 'component-rejected', component, reason: IMPLAUSIBLE_READING });
      continue;
    }
    fact[key] = raw;
    isAny = true;
  }
  if (isAny) facts.push(fact);
}
