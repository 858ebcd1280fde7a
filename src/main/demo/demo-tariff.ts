/**
 * The demo's tariff (seeded once into a new demo database, as the settings screen would keep it):
 * a Portuguese-style three-rate supply, cheaper at night and at weekends, with a standing charge
 * and a feed-in price for the Lisbon balcony's and Faro's solar. From before the backfilled year,
 * so every month of the demo's history has a cost.
 */
import type { TariffInput } from '../../shared/tariff-input';

export const DEMO_TARIFF: TariffInput = {
  currency: 'EUR',
  holidays: [
    '2025-12-25',
    '2026-01-01',
    '2026-04-25',
    '2026-05-01',
    '2026-12-08',
    '2026-12-25',
    '2027-01-01',
  ],
  periods: [
    {
      from: '2025-01-01',
      standingPerDay: '0.4521',
      feedInPerKWh: '0.0600',
      bands: [
        { days: ['weekend', 'holiday'], perKWh: '0.1315' },
        { from: '08:00', to: '22:00', perKWh: '0.2104' },
        { from: '22:00', to: '08:00', perKWh: '0.1102' },
      ],
    },
  ],
};
