import type { CommissionReport, ShellyFound } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { useNow } from '../../use-now';
import { StepError } from './CommissionField';
import { serverOf, topicPrefixOf } from './commission-form';
import { pathOf, type PlaceForm } from './PlaceStep';
import { placeWords } from './place-words';

/** Long enough for a restart, Wi-Fi and the broker log-in; then the likely causes are named. */
export const ARRIVAL_TIMEOUT_MS = 60_000;

export type CommissionOutcome =
  | { kind: 'ready' }
  | { kind: 'sending' }
  | { kind: 'waiting'; report: CommissionReport; sinceMs: number }
  | { kind: 'arrived'; report: CommissionReport; nodeId: string }
  | { kind: 'late'; report: CommissionReport };

interface Props {
  found: ShellyFound;
  form: PlaceForm;
  outcome: CommissionOutcome;
  error: string | null;
}

/** Step 4: what will change on the device, then whether it arrived where it should. */
export function ConfirmStep({ found, form, outcome, error }: Props) {
  const path = pathOf(form);
  const server = serverOf(form.server, found.generation === 1 ? 'none' : form.tls);
  const tls = found.generation === 1 ? 'none' : form.tls;
  const current = found.mqtt;
  const isSent = outcome.kind !== 'ready' && outcome.kind !== 'sending';
  const device = found.name ?? found.id ?? found.model;
  return (
    <>
      {isSent ? (
        // What was said would be done is done: the place and broker stay in view for the wait.
        <p data-testid="commission-sent">
          {t('commission.sent', { device, prefix: topicPrefixOf(found, path, form.name), server })}
        </p>
      ) : (
        <>
          <p>{t('commission.confirm.intro', { device, address: found.address })}</p>
          <ul className="plain-list commission-summary" data-testid="commission-summary">
            <li>
              {t('commission.confirm.server', { server, tls: t(`commission.confirm.tls.${tls}`) })}
              {form.mqttUser.trim() !== ''
                ? ` ${t('commission.confirm.user', { user: form.mqttUser.trim() })}`
                : ` ${t('commission.confirm.noUser')}`}
            </li>
            <li>{t('commission.confirm.prefix', { prefix: topicPrefixOf(found, path, form.name) })}</li>
            <li>
              {t('commission.confirm.place', { name: form.name, place: placeWords(path) })}
              {found.generation === 1 ? ` ${t('commission.confirm.placeGen1')}` : ''}
            </li>
            {current?.enabled && current.server && (
              <li data-testid="commission-replaces">
                {t('commission.confirm.replaces', { server: current.server })}
              </li>
            )}
            <li>
              <strong>{t('commission.confirm.restart')}</strong>
            </li>
          </ul>
        </>
      )}
      <StepError message={error} testId="commission-confirm-error" />
      {isSent && <Arrival outcome={outcome} name={form.name} path={path} server={server} />}
    </>
  );
}

function Arrival({
  outcome,
  name,
  path,
  server,
}: {
  outcome: CommissionOutcome;
  name: string;
  path: readonly string[];
  server: string;
}) {
  if (outcome.kind === 'waiting')
    return (
      <Waiting
        sinceMs={outcome.sinceMs}
        name={name}
        room={path[2] ?? ''}
        restarted={outcome.report.restarted}
      />
    );
  if (outcome.kind === 'arrived')
    return (
      <p
        className="commission-arrived"
        role="status"
        data-testid="commission-arrived"
        data-node-id={outcome.nodeId}
      >
        {t('commission.arrived', { name, place: placeWords(outcome.report.path) })}
      </p>
    );
  if (outcome.kind === 'late')
    return (
      <div className="commission-late" role="alert" data-testid="commission-late">
        <p>{t('commission.late', { name, seconds: ARRIVAL_TIMEOUT_MS / 1000 })}</p>
        <ul className="plain-list">
          <li>{t('commission.late.server', { server })}</li>
          <li>{t('commission.late.network')}</li>
          <li>{t('commission.late.credentials')}</li>
        </ul>
      </div>
    );
  return null;
}

function Waiting({
  sinceMs,
  name,
  room,
  restarted,
}: {
  sinceMs: number;
  name: string;
  room: string;
  restarted: boolean;
}) {
  const now = useNow(1000);
  const seconds = Math.max(0, Math.round((now - sinceMs) / 1000));
  return (
    <div data-testid="commission-waiting">
      <p role="status">
        <progress aria-label={t('commission.waitingLabel')} /> {t('commission.waiting', { name, room })}
      </p>
      {/* Outside the live region: a count read out every second would drown everything else. */}
      <p className="muted small">{t('commission.waitingFor', { count: seconds })}</p>
      {!restarted && <p className="muted small">{t('commission.notRestarted')}</p>}
    </div>
  );
}
