/**
 * A meter's role (README "Main meters and solar"): a load, the main meter of its room, office or
 * company, or generation. A change applies from the moment it is made; what was counted before
 * stays as counted, and the ledger records it — so the control says that before it acts.
 */
import { useState } from 'react';
import type { MeterRoleInfo, SiteNode } from '../../../shared/contract';
import { setMeterRole } from '../state/actions';
import { t, type MessageKey } from '../i18n/words';
import { DeskHint, useIsDesk } from './settings/DeskHint';

type Choice = 'load' | 'main:room' | 'main:office' | 'main:company' | 'generation';

const CHOICES: Array<{ value: Choice; label: MessageKey }> = [
  { value: 'load', label: 'details.role.load' },
  { value: 'main:room', label: 'details.role.mainRoom' },
  { value: 'main:office', label: 'details.role.mainOffice' },
  { value: 'main:company', label: 'details.role.mainCompany' },
  { value: 'generation', label: 'details.role.generation' },
];

const choiceOf = (role: MeterRoleInfo | undefined): Choice =>
  !role || role.role === 'load'
    ? 'load'
    : role.role === 'main'
      ? (`main:${role.scope ?? 'room'}` as Choice)
      : 'generation';

export const roleBadge = (role: MeterRoleInfo | undefined): string | null =>
  !role || role.role === 'load'
    ? null
    : role.role === 'main'
      ? t('details.role.badgeMain')
      : t('details.role.badgeSolar');

/** Only devices and their total channels meter something a role can apply to (not a phase). */
const canHaveRole = (node: SiteNode): boolean =>
  node.kind === 'device' || (node.kind === 'channel' && !/\|emdata:\d+\/[abc]$/.test(node.id));

export function MeterRole({ node }: { node: SiteNode }) {
  const current = choiceOf(node.role);
  const [choice, setChoice] = useState<Choice>(current);
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const isDesk = useIsDesk();
  if (!canHaveRole(node)) return null;
  const isConfigured = node.role?.source === 'config';
  const configuredKey = CHOICES.find((c) => c.value === current)?.label;
  const configuredLabel = configuredKey ? t(configuredKey) : '';
  const save = async () => {
    setBusy(true);
    const [role, scope] = choice.split(':') as [
      'load' | 'main' | 'generation',
      'room' | 'office' | 'company' | undefined,
    ];
    const reply = await setMeterRole({ meter: node.id, role, ...(scope && { scope }) });
    setBusy(false);
    setMessage(
      reply.ok
        ? { isError: false, text: t('details.role.saved') }
        : { isError: true, text: reply.error.message },
    );
  };
  return (
    <section className="panel-block meter-role" aria-label={t('details.role.title')} data-testid="meter-role">
      <h3>{t('details.role.title')}</h3>
      {isConfigured ? (
        <p className="muted" data-testid="meter-role-config">
          {t('details.role.configured', { role: configuredLabel })}
        </p>
      ) : (
        <div className="meter-role-form">
          <select
            aria-label={t('details.role.title')}
            data-testid="meter-role-select"
            value={choice}
            disabled={isDesk}
            onChange={(e) => {
              setChoice(e.target.value as Choice);
              setMessage(null);
            }}
          >
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {t(c.label)}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="meter-role-save"
            disabled={isDesk || isBusy || choice === current}
            onClick={() => void save()}
          >
            {t('details.role.apply')}
          </button>
          {node.role?.source === 'inherited' && <span className="muted">{t('details.role.inherited')}</span>}
        </div>
      )}
      {isDesk && !isConfigured && <DeskHint testId="meter-role-desk" />}
      {message && (
        <p className={message.isError ? 'callout' : 'muted'} role="status" data-testid="meter-role-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
