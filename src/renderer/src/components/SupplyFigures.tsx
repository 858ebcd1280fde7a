/**
 * A place fed by a main meter, or with generation beneath it: where its consumption comes from,
 * what its sub-meters account for, and what the solar produced. A negative unmetered remainder
 * means the sub-meters read more than the main meter: a wiring or role mistake, said as such.
 */
import { formatEnergy } from '../format';
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
  const t = useLive((s) => s.byId[nodeId]);
  if (!t || (t.unmeteredWh === undefined && t.productionWh === undefined)) return null;
  const isNegative = (t.unmeteredWh ?? 0) < -0.001;
  return (
    <section className="panel-block supply" aria-label="Main meter and solar" data-testid="supply-figures">
      <h3>{t.unmeteredWh !== undefined ? 'Main meter' : 'Solar'}</h3>
      <table className="ledger-table">
        <tbody>
          {t.unmeteredWh !== undefined && (
            <Row
              label="Unmetered"
              value={t.unmeteredWh}
              testId="supply-unmetered"
              note="consumption the sub-meters do not account for"
            />
          )}
          {t.productionWh !== undefined && (
            <Row label="Production" value={t.productionWh} testId="supply-production" />
          )}
          {t.exportWh !== undefined && <Row label="Export" value={t.exportWh} testId="supply-export" />}
          {t.selfConsumptionWh !== undefined && (
            <Row
              label="Self-consumption"
              value={t.selfConsumptionWh}
              testId="supply-self"
              note="production used here"
            />
          )}
        </tbody>
      </table>
      {isNegative && (
        <p className="callout" role="alert" data-testid="supply-negative">
          The sub-meters read more than the main meter. Check the wiring, or whether a meter&apos;s role is
          right (a main meter marked as a load, or a load counted twice).
        </p>
      )}
      <p className="muted">
        {t.hasMain
          ? 'Consumption here is what the main meter measured (import − export) plus solar used inside. Unmetered, production and export count from when the roles were set.'
          : 'Production counts from when the generation meter was marked.'}
      </p>
    </section>
  );
}
