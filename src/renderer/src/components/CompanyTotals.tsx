import { useMemo } from 'react';
import { coverageText, reportingNote } from '../coverage';
import { formatEnergy, formatPower } from '../format';
import { t } from '../i18n/words';
import { dayStartMs } from '../ranges';
import { reveal } from '../state/navigate';
import { useLive } from '../state/live';
import { useTree } from '../state/tree';
import { useNow } from '../use-now';

function CompanyTotal({ id, name }: { id: string; name: string }) {
  const totals = useLive((s) => s.byId[id]);
  const now = useNow(10_000);
  const reporting = reportingNote(totals);
  const coverage = coverageText(totals, dayStartMs(now), now);
  return (
    <button
      type="button"
      className="company-total"
      data-company-id={id}
      title={t('app.company.title', { name })}
      onClick={() => reveal(id)}
    >
      <span className="company-name">{name}</span>
      <span className="company-figure">
        <span className="figure-label">{t('app.company.now')}</span>
        <span className="figure" data-testid="company-power">
          {totals ? formatPower(totals.powerW) : '—'}
        </span>
        {reporting && (
          <span className="figure-hint" data-testid="company-power-hint">
            {reporting}
          </span>
        )}
      </span>
      <span className="company-figure">
        <span className="figure-label">{t('app.company.today')}</span>
        <span className="figure" data-testid="company-energy" data-today-wh={totals?.todayWh}>
          {totals ? formatEnergy(totals.todayWh) : '—'}
        </span>
        {coverage && (
          <span className="figure-hint" data-testid="company-energy-hint">
            {coverage}
          </span>
        )}
      </span>
    </button>
  );
}

/** The company-level figures, as the core totals them; one block per company on the broker. */
export function CompanyTotals() {
  const nodes = useTree((s) => s.nodes);
  const companies = useMemo(() => nodes.filter((node) => node.kind === 'company'), [nodes]);
  if (companies.length === 0) return null;
  return (
    <div className="company-totals">
      {companies.map((company) => (
        <CompanyTotal key={company.id} id={company.id} name={company.name} />
      ))}
    </div>
  );
}
