/**
 * A place's energy (and, with a tariff, cost) per device category over the energy chart's range,
 * exactly as the core adds it up (categories.breakdown): the categories always make the place's
 * total, `other` holding whatever is in no named category. Categories with nothing are left out;
 * when everything is `other`, a line says no category has been set rather than a lone row.
 */
import { useId } from 'react';
import type { CategoryBreakdown, SiteNode } from '../../../shared/contract';
import { categoryLabel } from '../category-words';
import { formatEnergy } from '../format';
import { t } from '../i18n/words';
import { formatMoney } from '../money';
import { spanOf } from '../state/actions';
import { loadCategoryBreakdown } from '../state/categories';
import { useUi } from '../state/ui';
import { useRefreshed } from '../use-refreshed';
import './CategoryBreakdownPanel.css';

/** Read from hourly rollups, which move with each minute counted: a minute's refresh is plenty. */
const REFRESH_MS = 60_000;

/** The places the core keeps categories for; a device has one category of its own. */
export const hasCategoryBreakdown = (kind: SiteNode['kind']): boolean =>
  kind === 'company' || kind === 'office' || kind === 'room';

export function CategoryBreakdownPanel({ nodeId }: { nodeId: string }) {
  const range = useUi((s) => s.chartRange);
  const headingId = useId();
  // The chart's own span, worked out afresh each time as the chart does (a preset moves with the day).
  const state = useRefreshed(
    () => loadCategoryBreakdown(nodeId, spanOf(range, Date.now())),
    [nodeId, range],
    REFRESH_MS,
  );

  const breakdown = state.value;
  return (
    <section
      className="panel-block category-breakdown"
      aria-labelledby={headingId}
      data-testid="category-breakdown"
      data-node={nodeId}
      data-status={state.status}
      data-from={breakdown?.from}
      data-to={breakdown?.to}
    >
      <h3 id={headingId}>{t('categories.title')}</h3>
      {state.status === 'loading' && (
        <p className="muted" role="status">
          {t('categories.loading')}
        </p>
      )}
      {state.status === 'error' && (
        <p className="callout" role="alert" data-testid="category-breakdown-error">
          {t('categories.error', { message: state.message })}
        </p>
      )}
      {breakdown && <BreakdownTable breakdown={breakdown} />}
    </section>
  );
}

/** A cost the core gave; a dash where it gave none (energy without a price), never a made-up 0. */
const costText = (minor: number | undefined, currency: string): string =>
  minor === undefined ? '—' : formatMoney(minor, currency);

function BreakdownTable({ breakdown }: { breakdown: CategoryBreakdown }) {
  const { total, currency } = breakdown;
  if (total.energyWh === 0 && breakdown.categories.every((c) => c.energyWh === 0))
    return (
      <p className="muted" data-testid="category-breakdown-empty">
        {t('categories.none')}
      </p>
    );
  const shown = breakdown.categories.filter((c) => c.energyWh !== 0);
  const isAllOther = shown.every((c) => c.category === 'other');
  const hasCost = currency !== undefined;
  return (
    <>
      {isAllOther && (
        <p className="muted" data-testid="category-breakdown-all-other">
          {t('categories.allOther')}
        </p>
      )}
      <table className="ledger-table category-table" data-testid="category-table">
        <thead>
          <tr>
            <th scope="col">{t('categories.category')}</th>
            <th scope="col" aria-hidden="true" />
            <th scope="col">{t('categories.energy')}</th>
            {hasCost && <th scope="col">{t('categories.cost')}</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr
              key={c.category}
              data-testid="category-row"
              data-category={c.category}
              data-wh={c.energyWh}
              data-cost-minor={c.costMinor}
            >
              <th scope="row">{categoryLabel(c.category)}</th>
              <td className="category-bar-cell" aria-hidden="true">
                <span className="category-bar">
                  <span style={{ width: `${shareOf(c.energyWh, total.energyWh)}%` }} />
                </span>
              </td>
              <td data-testid="category-energy">{formatEnergy(c.energyWh)}</td>
              {hasCost && <td data-testid="category-cost">{costText(c.costMinor, currency)}</td>}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr data-testid="category-total" data-wh={total.energyWh} data-cost-minor={total.costMinor}>
            <th scope="row">{t('categories.total')}</th>
            <td aria-hidden="true" />
            <td data-testid="category-energy">{formatEnergy(total.energyWh)}</td>
            {hasCost && <td data-testid="category-cost">{costText(total.costMinor, currency)}</td>}
          </tr>
        </tfoot>
      </table>
    </>
  );
}

/**
 * The bar's length for the eye only: a share of the total, kept within 0–100 % (under a main
 * meter `other` can be below zero when the sub-meters read more than the main one).
 */
function shareOf(wh: number, totalWh: number): number {
  if (totalWh <= 0) return 0;
  return Math.min(100, Math.max(0, (wh / totalWh) * 100));
}
