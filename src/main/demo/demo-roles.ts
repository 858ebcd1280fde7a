/**
 * The demo site's metering roles, as a site's staff would set them: each office's incoming supply
 * is its PlantRoom's MainBoard, the balcony inverter and Faro's solar channel are generation.
 * Seeded once, as console choices, so a visitor can change them like any site's.
 */
import type { ConfiguredRole } from '../core/site/role-changes';
import { COMPANY } from './site-plan';

export const DEMO_ROLES: readonly ConfiguredRole[] = [
  ...['Lisbon', 'Porto', 'Faro'].map((office): ConfiguredRole => ({
    device: `${COMPANY}/${office}/PlantRoom/MainBoard`,
    role: 'main',
    scope: 'office',
  })),
  { device: `${COMPANY}/Lisbon/Roof/BalconyPV`, role: 'generation' },
  { device: `${COMPANY}/Faro/PlantRoom/SolarMeter`, channel: 'em1data:0', role: 'generation' },
];
