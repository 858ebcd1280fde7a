/**
 * The cost under the Today, This week and This month tiles (issue #18), exactly as the core
 * totalled it (loadPeriods): nothing without a tariff, nothing where the core gave no cost (never
 * 0), and a title saying when it was asked for, since the kWh above it moves with every push.
 */
import { formatShortTime } from '../format';
import { t } from '../i18n/words';
import { formatMoney } from '../money';
import { useHistory } from '../state/history';
import './TileCost.css';

export type CostPeriod = 'today' | 'week' | 'month';

export function TileCost({ nodeId, period }: { nodeId: string; period: CostPeriod }) {
  const costs = useHistory((s) => (s.periods?.nodeId === nodeId ? s.periods.costs : null));
  const testId = `detail-${period}-cost`;
  if (!costs) return null;
  if (costs.status === 'error')
    return (
      <span className="tile-cost tile-cost-error" data-testid={testId} title={costs.error ?? undefined}>
        {t('details.tile.costUnavailable')}
      </span>
    );
  const minor = costs[period];
  if (costs.currency === null || minor === null) return null;
  return (
    <span
      className="tile-cost"
      data-testid={testId}
      data-cost-minor={minor}
      title={t('details.tile.costAsOf', { time: formatShortTime(costs.asOfMs) })}
    >
      {formatMoney(minor, costs.currency)}
    </span>
  );
}
