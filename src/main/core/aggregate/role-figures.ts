/** A place's figures once main meters or generation are in play (README "Main meters and solar"). */
import type { RoleFigures } from '../../../shared/contract';
import { UNITS_PER_WH } from '../shelly/types';

const toWh = (units: number): number => Math.round((units / UNITS_PER_WH) * 1000) / 1000;

/** Units → the figures a place shows once roles are in play (README "Main meters and solar"). */
export function roleFigures(
  supply: { energyUnits: number; returnedUnits: number } | undefined,
  loadsUnits: number,
  production: { energyUnits: number } | undefined,
): RoleFigures {
  const figures: RoleFigures = {};
  if (production) figures.productionWh = toWh(production.energyUnits);
  if (supply) {
    figures.unmeteredWh = toWh(supply.energyUnits - loadsUnits);
    figures.exportWh = toWh(supply.returnedUnits);
    if (production) figures.selfConsumptionWh = toWh(production.energyUnits - supply.returnedUnits);
  }
  return figures;
}
