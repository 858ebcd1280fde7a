/**
 * What a meter last said of its voltage, current and power factor, per channel (a phase of
 * `em:N`, or `em1:N`), and how it is shown: with the channel's latest power, in one object.
 */
import type { Electrical } from '../../../shared/contract';
import type { ElectricalFact } from '../shelly/types';

export interface ElectricalMemory {
  voltageV: number | null;
  currentA: number | null;
  powerFactor: number | null;
}

/** A partial status changes only the readings it carries. */
export function applyElectrical(memory: Map<string, ElectricalMemory>, fact: ElectricalFact): void {
  const known = memory.get(fact.component) ?? { voltageV: null, currentA: null, powerFactor: null };
  memory.set(fact.component, {
    voltageV: fact.voltageV ?? known.voltageV,
    currentA: fact.currentA ?? known.currentA,
    powerFactor: fact.powerFactor ?? known.powerFactor,
  });
}

/** A channel's figures as the contract shows them; undefined for a channel that is no such meter. */
export function electricalOf(
  device: { electrical: Map<string, ElectricalMemory>; powerW: Map<string, number> },
  component: string,
): Electrical | undefined {
  const known = device.electrical.get(component);
  if (!known) return undefined;
  return { ...known, powerW: device.powerW.get(component) ?? null };
}

export const isSameElectrical = (a: Electrical | undefined, b: Electrical | undefined): boolean =>
  a === b ||
  (a !== undefined &&
    b !== undefined &&
    a.voltageV === b.voltageV &&
    a.currentA === b.currentA &&
    a.powerFactor === b.powerFactor &&
    a.powerW === b.powerW);
