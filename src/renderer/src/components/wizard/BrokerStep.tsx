import { useWizard } from '../../state/wizard';
import { Field } from './Field';
import { brokerUrl, isWsProtocol, PRESETS, PROTOCOLS, type PresetId, type Protocol } from './form';
import { useFieldError } from './useFieldError';

const PROTOCOL_LABELS: Record<Protocol, string> = {
  mqtt: 'MQTT (plain, usually 1883)',
  mqtts: 'MQTT over TLS (usually 8883)',
  ws: 'WebSocket (ws://)',
  wss: 'WebSocket over TLS (wss://)',
};

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
        <legend>Broker</legend>
        {(Object.keys(PRESETS) as PresetId[]).map((id) => (
          <button
            key={id}
            type="button"
            className={`wizard-preset${form.preset === id ? ' is-selected' : ''}`}
            aria-pressed={form.preset === id}
            data-testid={`wizard-preset-${id}`}
            onClick={() => choosePreset(id)}
          >
            {PRESETS[id].label}
          </button>
        ))}
      </fieldset>

      <Field name="name" label="Connection name" error={errors.name}>
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
        <Field name="protocol" label="Protocol" error={null}>
          {(p) => (
            <select
              {...p}
              value={form.protocol}
              onChange={(e) => setField('protocol', e.target.value as Protocol)}
            >
              {PROTOCOLS.map((protocol) => (
                <option key={protocol} value={protocol}>
                  {PROTOCOL_LABELS[protocol]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="host" label="Host" error={errors.host}>
          {(p) => (
            <input
              {...p}
              value={form.host}
              placeholder="broker.hotel.local or 192.168.1.10"
              autoCapitalize="off"
              spellCheck={false}
              onChange={(e) => setField('host', e.target.value)}
              onBlur={() => show('host')}
            />
          )}
        </Field>
        <Field name="port" label="Port" error={errors.port}>
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
          <Field name="path" label="Path" error={errors.path}>
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
        <legend>MQTT version</legend>
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
        <summary>Advanced</summary>
        <div className="wizard-row">
          <Field
            name="clientId"
            label="Client id"
            error={errors.clientId}
            hint="Leave empty: Kilowatch uses its own id, the same every time on this computer."
          >
            {(p) => (
              <input
                {...p}
                value={form.clientId}
                placeholder="automatic"
                spellCheck={false}
                onChange={(e) => setField('clientId', e.target.value)}
                onBlur={() => show('clientId')}
              />
            )}
          </Field>
          <Field name="keepaliveS" label="Keepalive (seconds)" error={errors.keepaliveS}>
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
