import { t, type MessageKey } from '../../i18n/words';
import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import { brokerUrl, isWsProtocol, PRESETS, PROTOCOLS, type PresetId, type Protocol } from './form';
import { useFieldError } from './useFieldError';

const PROTOCOL_LABELS: Record<Protocol, MessageKey> = {
  mqtt: 'wizard.protocol.mqtt',
  mqtts: 'wizard.protocol.mqtts',
  ws: 'wizard.protocol.ws',
  wss: 'wizard.protocol.wss',
};

/** Broker products keep their names; only "Other" is a word. */
const presetLabel = (id: PresetId): string =>
  id === 'custom' ? t('wizard.preset.other') : PRESETS[id].label;

/** Step 1: where the broker is and how to speak to it. */
export function BrokerStep() {
  const form = useWizard((s) => s.form);
  const setField = useWizard((s) => s.setField);
  const choosePreset = useWizard((s) => s.choosePreset);
  const show = useWizard((s) => s.show);
  const errors = {
    name: useFieldError('name'),
    host: useFieldError('host'),
    port: useFieldError('port'),
    path: useFieldError('path'),
    clientId: useFieldError('clientId'),
    keepaliveS: useFieldError('keepaliveS'),
  };

  return (
    <div className="wizard-step-body">
      <fieldset className="wizard-presets">
        <legend>{t('wizard.step.broker')}</legend>
        {(Object.keys(PRESETS) as PresetId[]).map((id) => (
          <button
            key={id}
            type="button"
            className={`wizard-preset${form.preset === id ? ' is-selected' : ''}`}
            aria-pressed={form.preset === id}
            data-testid={`wizard-preset-${id}`}
            onClick={() => choosePreset(id)}
          >
            {presetLabel(id)}
          </button>
        ))}
      </fieldset>

      <Field name="name" label={t('wizard.broker.name')} error={errors.name}>
        {(p) => (
          <input
            {...p}
            value={form.name}
            placeholder="Hotel Porto"
            onChange={(e) => setField('name', e.target.value)}
            onBlur={() => show('name')}
          />
        )}
      </Field>

      <div className="wizard-row">
        <Field name="protocol" label={t('wizard.broker.protocol')} error={null}>
          {(p) => (
            <select
              {...p}
              value={form.protocol}
              onChange={(e) => setField('protocol', e.target.value as Protocol)}
            >
              {PROTOCOLS.map((protocol) => (
                <option key={protocol} value={protocol}>
                  {t(PROTOCOL_LABELS[protocol])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="host" label={t('wizard.broker.host')} error={errors.host}>
          {(p) => (
            <input
              {...p}
              value={form.host}
              placeholder={t('wizard.broker.hostPlaceholder')}
              autoCapitalize="off"
              spellCheck={false}
              onChange={(e) => setField('host', e.target.value)}
              onBlur={() => show('host')}
            />
          )}
        </Field>
        <Field name="port" label={t('wizard.broker.port')} error={errors.port}>
          {(p) => (
            <input
              {...p}
              className="wizard-narrow"
              inputMode="numeric"
              value={form.port}
              onChange={(e) => setField('port', e.target.value)}
              onBlur={() => show('port')}
            />
          )}
        </Field>
        {isWsProtocol(form.protocol) && (
          <Field name="path" label={t('wizard.broker.path')} error={errors.path}>
            {(p) => (
              <input
                {...p}
                className="wizard-narrow"
                value={form.path}
                onChange={(e) => setField('path', e.target.value)}
                onBlur={() => show('path')}
              />
            )}
          </Field>
        )}
      </div>
      {form.host.trim() !== '' && !errors.host && !errors.port && (
        <p className="wizard-hint" data-testid="wizard-url">
          {brokerUrl(form)}
        </p>
      )}

      <fieldset className="wizard-radios">
        <legend>{t('wizard.broker.version')}</legend>
        {([4, 5] as const).map((v) => (
          <label key={v}>
            <input
              type="radio"
              name="wizard-protocol-version"
              checked={form.protocolVersion === v}
              onChange={() => setField('protocolVersion', v)}
              data-testid={`wizard-version-${v}`}
            />
            {v === 4 ? '3.1.1' : '5'}
          </label>
        ))}
      </fieldset>

      <details className="wizard-advanced">
        <summary>{t('wizard.broker.advanced')}</summary>
        <div className="wizard-row">
          <Field
            name="clientId"
            label={t('wizard.broker.clientId')}
            error={errors.clientId}
            hint={t('wizard.broker.clientIdHint')}
          >
            {(p) => (
              <input
                {...p}
                value={form.clientId}
                placeholder={t('wizard.broker.automatic')}
                spellCheck={false}
                onChange={(e) => setField('clientId', e.target.value)}
                onBlur={() => show('clientId')}
              />
            )}
          </Field>
          <Field name="keepaliveS" label={t('wizard.broker.keepalive')} error={errors.keepaliveS}>
            {(p) => (
              <input
                {...p}
                className="wizard-narrow"
                inputMode="numeric"
                value={form.keepaliveS}
                onChange={(e) => setField('keepaliveS', e.target.value)}
                onBlur={() => show('keepaliveS')}
              />
            )}
          </Field>
        </div>
      </details>
    </div>
  );
}
