import { CompanyTotals } from './CompanyTotals';
import { ConnectionStatus } from './ConnectionStatus';

export function Header() {
  return (
    <header className="header">
      <h1 className="brand">Kilowatch</h1>
      <ConnectionStatus />
      <CompanyTotals />
    </header>
  );
}
