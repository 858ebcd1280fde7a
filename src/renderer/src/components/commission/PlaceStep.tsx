import { useId, useMemo } from 'react';
import { DEVICE_MQTT_TLS, PLACE_NAME_PATTERN, type ShellyFound } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { useTree } from '../../state/tree';
import { nameProblem } from '../dialogs/Dialog';
import { CommissionField } from './CommissionField';
import {
  placeOptions,
  serverOf,
  serverProblem,
  topicPrefixOf,
  type DeviceTls,
  type PlaceOption,
} from './commission-form';

export interface PlaceForm {
  company: string;
  office: string;
  room: string;
  name: string;
  server: string;
  mqttUser: string;
  mqttPassword: string;
  tls: DeviceTls;
  /** Problems are shown once "Continue" was pressed, not while the first letters are typed. */
  isChecked: boolean;
}

export const pathOf = (form: PlaceForm): [string, string, string] => [
  form.company.normalize('NFC'),
  form.office.normalize('NFC'),
  form.room.normalize('NFC'),
];

/** Each field's problem, or none: the place's names as the core checks them, and the server. */
export function placeProblems(
  form: PlaceForm,
): Partial<Record<'company' | 'office' | 'room' | 'name' | 'server', string>> {
  const problems: Partial<Record<'company' | 'office' | 'room' | 'name' | 'server', string>> = {};
  for (const field of ['company', 'office', 'room', 'name'] as const) {
    const problem = nameProblem(form[field], PLACE_NAME_PATTERN);
    if (problem) problems[field] = problem;
  }
  const server = serverProblem(serverOf(form.server, form.tls));
  if (server) problems.server = t(`commission.place.server.${server}`);
  return problems;
}

interface Props {
  found: ShellyFound;
  form: PlaceForm;
  onChange: (patch: Partial<PlaceForm>) => void;
}

/** Step 3: where it goes (an existing place or a new one typed in), and how it reaches the broker. */
export function PlaceStep({ found, form, onChange }: Props) {
  const nodes = useTree((s) => s.nodes);
  const options = useMemo(() => placeOptions(nodes), [nodes]);
  const listId = useId();
  const problems = form.isChecked ? placeProblems(form) : {};
  const path = pathOf(form);
  const prefix = topicPrefixOf(found, path, form.name);
  const isNewRoom = path.every((p) => p.trim() !== '') && !options.hasRoom(path);
  const isGen1 = found.generation === 1;
  return (
    <>
      <fieldset className="choice">
        <legend>{t('commission.place.legend')}</legend>
        <div className="path-inputs">
          <PlaceInput
            label={t('commission.place.company')}
            value={form.company}
            options={options.companies}
            listId={`${listId}-companies`}
            problem={problems.company}
            testId="commission-company"
            autoFocus
            onChange={(company) => onChange({ company })}
          />
          <PlaceInput
            label={t('commission.place.office')}
            value={form.office}
            options={options.offices(form.company)}
            listId={`${listId}-offices`}
            problem={problems.office}
            testId="commission-office"
            onChange={(office) => onChange({ office })}
          />
          <PlaceInput
            label={t('commission.place.room')}
            value={form.room}
            options={options.rooms(form.company, form.office)}
            listId={`${listId}-rooms`}
            problem={problems.room}
            testId="commission-room"
            onChange={(room) => onChange({ room })}
          />
        </div>
        {isNewRoom && (
          <p className="muted small" data-testid="commission-new-room">
            {t('commission.place.newRoom')}
          </p>
        )}
        <CommissionField label={t('commission.place.name')} problem={problems.name} testId="commission-name">
          {(control) => (
            <input
              {...control}
              value={form.name}
              autoComplete="off"
              onChange={(e) => onChange({ name: e.target.value })}
            />
          )}
        </CommissionField>
        <p className="commission-prefix">
          <span className="muted">
            {isGen1 ? t('commission.place.prefixGen1') : t('commission.place.prefix')}
          </span>{' '}
          <output data-testid="commission-prefix" aria-live="polite">
            {prefix}
          </output>
        </p>
      </fieldset>

      <fieldset className="choice">
        <legend>{t('commission.place.brokerLegend')}</legend>
        <CommissionField
          label={t('commission.place.server')}
          hint={t('commission.place.serverHint')}
          problem={problems.server}
          testId="commission-server"
        >
          {(control) => (
            <input
              {...control}
              value={form.server}
              placeholder="broker.example.lan:1883"
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ server: e.target.value })}
            />
          )}
        </CommissionField>
        <div className="commission-row">
          <CommissionField label={t('commission.place.mqttUser')} testId="commission-mqtt-user">
            {(control) => (
              <input
                {...control}
                value={form.mqttUser}
                autoComplete="off"
                onChange={(e) => onChange({ mqttUser: e.target.value })}
              />
            )}
          </CommissionField>
          <CommissionField label={t('commission.place.mqttPassword')} testId="commission-mqtt-password">
            {(control) => (
              <input
                {...control}
                type="password"
                value={form.mqttPassword}
                autoComplete="new-password"
                onChange={(e) => onChange({ mqttPassword: e.target.value })}
              />
            )}
          </CommissionField>
        </div>
        <CommissionField
          label={t('commission.place.tls')}
          hint={
            isGen1
              ? t('commission.place.tlsGen1')
              : form.tls === 'user-ca'
                ? t('commission.place.tlsUserCa')
                : undefined
          }
          testId="commission-tls"
        >
          {(control) => (
            <select
              {...control}
              value={isGen1 ? 'none' : form.tls}
              disabled={isGen1}
              onChange={(e) => onChange({ tls: e.target.value as DeviceTls })}
            >
              {DEVICE_MQTT_TLS.map((tls) => (
                <option key={tls} value={tls}>
                  {t(`commission.tls.${tls}`)}
                </option>
              ))}
            </select>
          )}
        </CommissionField>
      </fieldset>
    </>
  );
}

function PlaceInput({
  label,
  value,
  options,
  listId,
  problem,
  testId,
  autoFocus,
  onChange,
}: {
  label: string;
  value: string;
  options: PlaceOption[];
  listId: string;
  problem: string | undefined;
  testId: string;
  autoFocus?: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <CommissionField label={label} problem={problem} testId={testId}>
      {(control) => (
        <>
          <input
            {...control}
            list={listId}
            value={value}
            autoComplete="off"
            // Step 3 opens on the place: the first thing to choose.
            autoFocus={autoFocus}
            onChange={(e) => onChange(e.target.value)}
          />
          <datalist id={listId}>
            {options.map((o) => (
              <option key={o.segment} value={o.segment}>
                {o.label ?? undefined}
              </option>
            ))}
          </datalist>
        </>
      )}
    </CommissionField>
  );
}
