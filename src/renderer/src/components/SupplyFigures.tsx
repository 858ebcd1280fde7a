/**
 * A place fed by a main meter, or with generation beneath it: where its consumption comes from,
 * what its sub-meters account for, and what the solar produced. A negative unmetered remainder
 * means the sub-meters read more than the main meter: a wiring or role mistake, said as such.
 */
import { formatEnergy } from '../format';
import { t } from '../i18n/words';
import { useLive } from '../state/live';

function Row({
  label,
  value,
  testId,
  note,
}: {
  label: string;
  value: number;
  testId: string;
  note?: string;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td data-testid={testId} data-value={value}>
        {formatEnergy(value)}
      </td>
      <td className="muted">{note ?? ''}</td>
    </tr>
  );
}

export function SupplyFigures({ nodeId }: { nodeId: string }) {
  const totals = useLive((s) => s.byId[nodeId]);
  if (!totals || (totals.unmeteredWh === undefined && totals.productionWh === undefined)) return null;
  const isNegative = (totals.unmeteredWh ?? 0) < -0.001;
  return (
    <section
      className="panel-block supply"
      aria-label={t('details.supply.region')}
      data-testid="supply-figures"
    >
      <h3>{totals.unmeteredWh !== undefined ? t('details.supply.main') : t('details.supply.solar')}</h3>
      <table className="ledger-table">
        <tbody>
          {totals.unmeteredWh !== undefined && (
            <Row
              label={t('details.supply.unmetered')}
              value={totals.unmeteredWh}
              testId="supply-unmetered"
              note={t('details.supply.unmeteredNote')}
            />
          )}
          {totals.productionWh !== undefined && (
            <Row
              label={t('details.supply.production')}
              value={totals.productionWh}
              testId="supply-production"
            />
          )}
          {totals.exportWh !== undefined && (
            <Row label={t('details.supply.export')} value={totals.exportWh} testId="supply-export" />
          )}
          {totals.selfConsumptionWh !== undefined && (
            <Row
              label={t('details.supply.self')}
              value={totals.selfConsumptionWh}
              testId="supply-self"
              note={t('details.supply.selfNote')}
            />
          )}
        </tbody>
      </table>
      {isNegative && (
        <p className="callout" role="alert" data-testid="supply-negative">
          {t('details.supply.negative')}
        </p>
      )}
      <p className="muted">
        {totals.hasMain ? t('details.supply.withMain') : t('details.supply.withoutMain')}
      </p>
    </section>
  );
}
