import type { ShellyFound } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { CommissionField, StepError } from './CommissionField';
import { placeWords } from './place-words';

export interface LoginForm {
  /** Gen1 only: Gen2+ always log in as `admin`. */
  username: string;
  password: string;
}

interface Props {
  found: ShellyFound;
  login: LoginForm;
  onLoginChange: (patch: Partial<LoginForm>) => void;
  isReading: boolean;
  error: string | null;
}

/** Its settings could not be read without its password: what the next step needs. */
export const needsPassword = (found: ShellyFound): boolean => found.authRequired && found.mqtt === null;

/** Step 2: what the device says about itself, and its password when it asks for one. */
export function IdentifyStep({ found, login, onLoginChange, isReading, error }: Props) {
  const unknown = t('commission.identify.unknown');
  const mqtt = found.mqtt;
  return (
    <>
      <dl className="facts commission-facts" data-testid="commission-identity" data-id={found.id ?? ''}>
        <dt>{t('commission.identify.model')}</dt>
        <dd data-testid="commission-model">{found.model}</dd>
        <dt>{t('commission.identify.name')}</dt>
        <dd>{found.name ?? unknown}</dd>
        <dt>{t('commission.identify.generation')}</dt>
        <dd>{t('commission.identify.gen', { generation: found.generation })}</dd>
        <dt>{t('commission.identify.firmware')}</dt>
        <dd>{found.firmware ?? unknown}</dd>
        <dt>{t('commission.identify.id')}</dt>
        <dd data-testid="commission-device-id">{found.id ?? unknown}</dd>
        <dt>{t('commission.identify.mac')}</dt>
        <dd>{found.mac}</dd>
        <dt>{t('commission.identify.address')}</dt>
        <dd>{found.address}</dd>
        <dt>{t('commission.identify.mqtt')}</dt>
        <dd data-testid="commission-current-mqtt">
          {mqtt === null
            ? t('commission.identify.mqttLocked')
            : mqtt.enabled
              ? t('commission.identify.mqttOn', {
                  server: mqtt.server ?? unknown,
                  user: mqtt.user ?? t('commission.identify.noUser'),
                  prefix: mqtt.topicPrefix ?? unknown,
                })
              : t('commission.identify.mqttOff')}
        </dd>
      </dl>
      {found.known && (
        <p className="muted" data-testid="commission-known">
          {t('commission.identify.known', { place: placeWords(found.known.path) })}
        </p>
      )}
      {needsPassword(found) ? (
        <fieldset className="choice" data-testid="commission-login">
          <legend>{t('commission.identify.loginLegend')}</legend>
          <p className="muted small">
            {found.generation === 1
              ? t('commission.identify.loginHintGen1')
              : t('commission.identify.loginHint')}
          </p>
          {found.generation === 1 && (
            <CommissionField label={t('commission.identify.username')} testId="commission-username">
              {(control) => (
                <input
                  {...control}
                  value={login.username}
                  autoComplete="off"
                  readOnly={isReading}
                  onChange={(e) => onLoginChange({ username: e.target.value })}
                />
              )}
            </CommissionField>
          )}
          <CommissionField label={t('commission.identify.password')} testId="commission-password">
            {(control) => (
              <input
                {...control}
                type="password"
                // Arriving here means the password is the one thing left to type.
                autoFocus
                value={login.password}
                autoComplete="off"
                readOnly={isReading}
                onChange={(e) => onLoginChange({ password: e.target.value })}
              />
            )}
          </CommissionField>
        </fieldset>
      ) : (
        found.authRequired && <p className="muted small">{t('commission.identify.passwordKept')}</p>
      )}
      <StepError message={error} testId="commission-identify-error" />
    </>
  );
}
