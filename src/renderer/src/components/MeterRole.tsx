/**
 * A meter's role (README "Main meters and solar"): a load, the main meter of its room, office or
 * company, or generation. A change applies from the moment it is made; what was counted before
 * stays as counted, and the ledger records it — so the control says that before it acts.
 */
import { useState } from 'react';
import type { MeterRoleInfo, SiteNode } from '../../../shared/contract';
import { setMeterRole } from '../state/actions';

type Choice = 'load' | 'main:room' | 'main:office' | 'main:company' | 'generation';

const CHOICES: Array<{ value: Choice; label: string }> = [
  { value: 'load', label: 'Load (counted in its room)' },
  { value: 'main:room', label: 'Main meter of its room' },
  { value: 'main:office', label: 'Main meter of its office' },
  { value: 'main:company', label: 'Main meter of the company' },
  { value: 'generation', label: 'Generation (solar, production)' },
];

const choiceOf = (role: MeterRoleInfo | undefined): Choice =>
  !role || role.role === 'load'
    ? 'load'
    : role.role === 'main'
      ? (`main:${role.scope ?? 'room'}` as Choice)
      : 'generation';

export const roleBadge = (role: MeterRoleInfo | undefined): string | null =>
  !role || role.role === 'load' ? null : role.role === 'main' ? 'Main' : 'Solar';

/** Only devices and their total channels meter something a role can apply to (not a phase). */
const canHaveRole = (node: SiteNode): boolean =>
  node.kind === 'device' || (node.kind === 'channel' && !/\|emdata:\d+\/[abc]$/.test(node.id));

export function MeterRole({ node }: { node: SiteNode }) {
  const current = choiceOf(node.role);
  const [choice, setChoice] = useState<Choice>(current);
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  if (!canHaveRole(node)) return null;
  const isConfigured = node.role?.source === 'config';
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
        ? { isError: false, text: 'Saved. It applies from now on; what was counted before stays as it was.' }
        : { isError: true, text: reply.error.message },
    );
  };
  return (
    <section className="panel-block meter-role" aria-label="Metering role" data-testid="meter-role">
      <h3>Metering role</h3>
      {isConfigured ? (
        <p className="muted" data-testid="meter-role-config">
          {CHOICES.find((c) => c.value === current)?.label}: set in kilowatch.toml. Change it there.
        </p>
      ) : (
        <div className="meter-role-form">
          <select
            aria-label="Metering role"
            data-testid="meter-role-select"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value as Choice);
              setMessage(null);
            }}
          >
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="meter-role-save"
            disabled={isBusy || choice === current}
            onClick={() => void save()}
          >
            Apply from now
          </button>
          {node.role?.source === 'inherited' && <span className="muted">(the device&apos;s role)</span>}
        </div>
      )}
      {message && (
        <p className={message.isError ? 'callout' : 'muted'} role="status" data-testid="meter-role-message">
          {message.text}
        </p>
      )}
    </section>
  );
}
