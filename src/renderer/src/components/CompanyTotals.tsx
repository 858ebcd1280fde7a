import { useMemo } from 'react';
import { useLive } from '../state/live';
import { useTree } from '../state/tree';
import { formatEnergy, formatPower } from '../format';

function CompanyTotal({ id, name }: { id: string; name: string }) {
  const totals = useLive((s) => s.byId[id]);
  return (
    <div className="company-total" data-company-id={id}>
      <span className="company-name">{name}</span>
      <span className="figure" data-testid="company-power">
        {totals ? formatPower(totals.powerW) : '—'}
      </span>
      <span className="figure" data-testid="company-energy">
        {totals ? formatEnergy(totals.energyWh) : '—'}
      </span>
    </div>
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
