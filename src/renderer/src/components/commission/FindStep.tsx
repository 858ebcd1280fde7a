import type { KeyboardEvent } from 'react';
import type { ShellyFound } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { CommissionField, StepError } from './CommissionField';
import { addressOf, addressProblem, networkProblem } from './commission-form';
import { placeWords } from './place-words';

export interface FindForm {
  address: string;
  network: string;
  port: string;
  /** The address field was left once: its problem is shown from then on. */
  isAddressChecked: boolean;
  isNetworkChecked: boolean;
}

export type ScanState =
  | { kind: 'idle' }
  | { kind: 'running'; hosts: number }
  | { kind: 'done'; scanned: number; found: ShellyFound[] };

interface Props {
  form: FindForm;
  onChange: (patch: Partial<FindForm>) => void;
  scan: ScanState;
  onScan: () => void;
  onPick: (found: ShellyFound) => void;
  isReading: boolean;
  error: string | null;
}

export const scanPortOf = (form: FindForm): number | null => {
  const port = Number(form.port.trim() || '80');
  return Number.isInteger(port) && port >= 1 && port <= 65_535 ? port : null;
};

/** Step 1: an address typed in, or a LAN scanned and one of what answered picked. */
export function FindStep({ form, onChange, scan, onScan, onPick, isReading, error }: Props) {
  const address = addressOf(form.address);
  const addressIssue = form.isAddressChecked ? addressProblem(address) : null;
  const networkIssue = form.isNetworkChecked ? networkProblem(form.network) : null;
  const isScanning = scan.kind === 'running';
  const onNetworkKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    // Enter in the network field scans; elsewhere in this step it reads the address.
    if (event.key !== 'Enter') return;
    event.preventDefault();
    onScan();
  };
  return (
    <>
      <CommissionField
        label={t('commission.find.address')}
        hint={t('commission.find.addressHint')}
        problem={addressIssue && t(`commission.find.address.${addressIssue}`)}
        testId="commission-address"
      >
        {(control) => (
          <input
            {...control}
            // The dialog opens on this step: the address is what most people have at hand.
            autoFocus
            value={form.address}
            placeholder="192.168.1.20"
            autoComplete="off"
            spellCheck={false}
            // Read-only while it is read: disabling it would drop the focus.
            readOnly={isReading}
            onChange={(e) => onChange({ address: e.target.value, isAddressChecked: false })}
            onBlur={() => form.address.trim() !== '' && onChange({ isAddressChecked: true })}
          />
        )}
      </CommissionField>
      <StepError message={error} testId="commission-find-error" />

      <fieldset className="choice commission-scan" aria-busy={isScanning}>
        <legend>{t('commission.find.scanLegend')}</legend>
        <div className="commission-row">
          <CommissionField
            label={t('commission.find.network')}
            problem={networkIssue && t(`commission.find.network.${networkIssue}`)}
            testId="commission-network"
          >
            {(control) => (
              <input
                {...control}
                value={form.network}
                placeholder="192.168.1.0/24"
                autoComplete="off"
                spellCheck={false}
                readOnly={isScanning}
                onChange={(e) => onChange({ network: e.target.value, isNetworkChecked: false })}
                onKeyDown={onNetworkKey}
              />
            )}
          </CommissionField>
          <CommissionField
            label={t('commission.find.port')}
            problem={scanPortOf(form) === null ? t('commission.find.port.form') : null}
            testId="commission-scan-port"
          >
            {(control) => (
              <input
                {...control}
                className="commission-port"
                inputMode="numeric"
                value={form.port}
                placeholder="80"
                readOnly={isScanning}
                onChange={(e) => onChange({ port: e.target.value })}
                onKeyDown={onNetworkKey}
              />
            )}
          </CommissionField>
          <button
            type="button"
            className="tool commission-scan-button"
            data-testid="commission-scan"
            aria-disabled={isScanning || isReading}
            onClick={onScan}
          >
            {isScanning ? t('commission.find.scanning') : t('commission.find.scan')}
          </button>
        </div>
        <ScanOutcome scan={scan} onPick={onPick} isReading={isReading} />
      </fieldset>
    </>
  );
}

function ScanOutcome({
  scan,
  onPick,
  isReading,
}: {
  scan: ScanState;
  onPick: (found: ShellyFound) => void;
  isReading: boolean;
}) {
  if (scan.kind === 'idle') return null;
  if (scan.kind === 'running')
    return (
      <p className="muted small" role="status" data-testid="commission-scan-progress">
        <progress aria-label={t('commission.find.scanning')} />{' '}
        {t('commission.find.scanningHosts', { count: scan.hosts })}
      </p>
    );
  return (
    <>
      <p className="muted small" role="status" data-testid="commission-scan-summary">
        {t('commission.find.scanned', { count: scan.scanned, found: scan.found.length })}
      </p>
      {scan.found.length > 0 && (
        <ul className="commission-found" aria-label={t('commission.find.foundLabel')}>
          {scan.found.map((found) => (
            <li key={found.address}>
              <button
                type="button"
                className="commission-pick"
                data-testid="commission-scan-result"
                data-address={found.address}
                disabled={isReading}
                onClick={() => onPick(found)}
              >
                <span className="commission-pick-name">
                  {found.name ?? found.id ?? found.model} <span className="muted">· {found.model}</span>
                </span>
                <span className="muted small">
                  {found.address}
                  {found.id && found.id !== found.name ? ` · ${found.id}` : ''}
                  {found.authRequired ? ` · ${t('commission.find.protected')}` : ''}
                  {found.known
                    ? ` · ${t('commission.find.known', { place: placeWords(found.known.path) })}`
                    : ''}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
