/** A place's figures once main meters or generation are in play (README "Main meters and solar"). */
import type { RoleFigures } from '../../../shared/contract';
import { unitsToWh } from '../units';

/** Units → the figures a place shows once roles are in play (README "Main meters and solar"). */
export function roleFigures(
  supply: { energyUnits: number; returnedUnits: number } | undefined,
  loadsUnits: number,
  production: { energyUnits: number } | undefined,
): RoleFigures {
  const figures: RoleFigures = {};
  if (production) figures.productionWh = unitsToWh(production.energyUnits);
  if (supply) {
    figures.unmeteredWh = unitsToWh(supply.energyUnits - loadsUnits);
    figures.exportWh = unitsToWh(supply.returnedUnits);
    if (production) figures.selfConsumptionWh = unitsToWh(production.energyUnits - supply.returnedUnits);
  }
  return figures;
}
