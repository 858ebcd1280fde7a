/**
 * A node's anomaly rules (README "Anomaly rules"): each kind in force here in words, where it comes
 * from (set here, or which node above), and for a manager a small editor. The core checks every
 * figure and says in words what is wrong; the panel only shows it.
 */
import { useEffect, useState } from 'react';
import { RULE_KINDS, type EffectiveRule, type RuleKind, type SiteNode } from '../../../shared/contract';
import { t, type MessageKey } from '../i18n/words';
import { loadRules, setRule } from '../state/rules';
import { useTree } from '../state/tree';
import { DeskHint, useIsDesk } from './settings/DeskHint';

const FIELDS: Record<RuleKind, readonly string[]> = {
  'on-too-long': ['hours'],
  'night-above-base': ['percent'],
  'day-above-median': ['percent'],
  'power-ceiling': ['watts'],
  silent: ['minutes'],
  'climate-band': ['minC', 'maxC', 'minPct', 'maxPct'],
};

/** Rules make sense on places, devices and relay channels. */
export const hasRules = (kind: SiteNode['kind']): boolean =>
  kind === 'company' || kind === 'office' || kind === 'room' || kind === 'device' || kind === 'channel';

const num = (params: Record<string, unknown>, name: string): number | undefined =>
  typeof params[name] === 'number' ? params[name] : undefined;

function says(rule: EffectiveRule): string {
  const p = rule.params ?? {};
  let text: string;
  if (rule.kind === 'climate-band') {
    const band = (['minC', 'maxC', 'minPct', 'maxPct'] as const)
      .filter((f) => num(p, f) !== undefined)
      .map((f) => t(`rules.band.${f}`, { value: num(p, f) as number }))
      .join(', ');
    text = t('rules.says.climate-band', { band });
  } else {
    const field = FIELDS[rule.kind][0] as string;
    text = t(`rules.says.${rule.kind}` as MessageKey, { [field]: num(p, field) ?? '?' });
  }
  const quiet = p.quiet as { fromHour: number; toHour: number } | undefined;
  return quiet ? `${text} · ${t('rules.quietHours', { from: quiet.fromHour, to: quiet.toHour })}` : text;
}

function RuleEditor({
  node,
  rule,
  onDone,
}: {
  node: string;
  rule: EffectiveRule;
  onDone: (message: string | null) => void;
}) {
  const initial = rule.source === 'off' ? {} : (rule.params ?? {});
  const quiet = initial.quiet as { fromHour: number; toHour: number } | undefined;
  const [values, setValues] = useState<Record<string, string>>(() => ({
    ...Object.fromEntries(FIELDS[rule.kind].map((f) => [f, num(initial, f)?.toString() ?? ''])),
    quietFrom: quiet?.fromHour.toString() ?? '',
    quietTo: quiet?.toHour.toString() ?? '',
  }));
  const [error, setError] = useState<string | null>(null);
  const send = async (params: unknown) => {
    const reply = await setRule({ node, kind: rule.kind, params });
    if (reply.ok) onDone(t('rules.saved'));
    else setError(reply.error.message);
  };
  const figures = () => {
    const out: Record<string, unknown> = {};
    // What staff typed goes as typed (a number where it reads as one): the core says what is wrong.
    const value = (text: string) =>
      text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    for (const f of FIELDS[rule.kind])
      if ((values[f] ?? '').trim() !== '') out[f] = value(values[f] as string);
    if ((values.quietFrom ?? '') !== '' || (values.quietTo ?? '') !== '')
      out.quiet = { fromHour: value(values.quietFrom ?? ''), toHour: value(values.quietTo ?? '') };
    return out;
  };
  const field = (name: string) => (
    <label key={name} className="rule-field">
      {t(`rules.field.${name}` as MessageKey)}
      <input
        type="text"
        inputMode="decimal"
        size={5}
        data-testid={`rule-field-${name}`}
        value={values[name] ?? ''}
        onChange={(e) => setValues({ ...values, [name]: e.target.value })}
      />
    </label>
  );
  return (
    <form
      className="rule-editor"
      data-testid="rule-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void send(figures());
      }}
    >
      {FIELDS[rule.kind].map(field)}
      {field('quietFrom')}
      {field('quietTo')}
      <button type="submit" data-testid="rule-save">
        {t('rules.save')}
      </button>
      {rule.source === 'own' || (rule.source === 'off' && rule.from === node) ? (
        <button type="button" data-testid="rule-remove" onClick={() => void send(null)}>
          {t('rules.remove')}
        </button>
      ) : null}
      {rule.source === 'inherited' && (
        <button type="button" data-testid="rule-off" onClick={() => void send({ off: true })}>
          {t('rules.turnOff')}
        </button>
      )}
      <button type="button" className="link-button" onClick={() => onDone(null)}>
        {t('rules.cancel')}
      </button>
      {error && (
        <p className="callout" role="alert" data-testid="rule-error">
          {error}
        </p>
      )}
    </form>
  );
}

export function AnomalyRulesPanel({ node }: { node: SiteNode }) {
  const [rules, setRules] = useState<EffectiveRule[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<RuleKind | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const names = useTree((s) => s.byId);
  const isDesk = useIsDesk();
  // Bumped after a save: the rules are read again.
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let isCurrent = true;
    const load = async (): Promise<void> => {
      const reply = await loadRules(node.id);
      if (!isCurrent) return;
      if (reply.ok) {
        setRules(reply.value.rules);
        setLoadError(null);
      } else setLoadError(reply.error.message);
    };
    void load();
    return () => {
      isCurrent = false;
    };
  }, [node.id, version]);
  const nameOf = (id: string) => names[id]?.name ?? id.slice(id.search(/[^:/]*$/));
  const shown = (rules ?? []).filter((r) => r.judgedHere || r.settableHere);
  return (
    <section className="panel-block anomaly-rules" aria-label={t('rules.title')} data-testid="anomaly-rules">
      <h3>{t('rules.title')}</h3>
      {loadError && <p className="callout">{t('rules.error', { message: loadError })}</p>}
      {!rules && !loadError && <p className="muted">{t('rules.loading')}</p>}
      {rules && (
        <table className="rules-table">
          <tbody>
            {RULE_KINDS.map((kind) => shown.find((r) => r.kind === kind))
              .filter((r): r is EffectiveRule => r !== undefined)
              .map((rule) => (
                <tr key={rule.kind} data-testid="rule-row" data-kind={rule.kind} data-source={rule.source}>
                  <th scope="row">{t(`rules.kind.${rule.kind}` as MessageKey)}</th>
                  <td data-testid="rule-state">
                    {rule.source === 'off'
                      ? rule.from === null
                        ? t('rules.off')
                        : rule.from === node.id
                          ? t('rules.offHere')
                          : t('rules.offFrom', { node: nameOf(rule.from) })
                      : `${says(rule)} (${
                          rule.source === 'own'
                            ? t('rules.source.own')
                            : t('rules.source.inherited', { node: nameOf(rule.from as string) })
                        })`}
                    {!rule.judgedHere && <span className="muted"> · {t('rules.notJudgedHere')}</span>}
                    {editing === rule.kind && (
                      <RuleEditor
                        node={node.id}
                        rule={rule}
                        onDone={(message) => {
                          setEditing(null);
                          setNotice(message);
                          if (message) setVersion((v) => v + 1);
                        }}
                      />
                    )}
                  </td>
                  <td>
                    {rule.settableHere && editing !== rule.kind && (
                      <button
                        type="button"
                        className="link-button small"
                        data-testid="rule-edit"
                        disabled={isDesk}
                        aria-label={t('rules.editLabel', {
                          kind: t(`rules.kind.${rule.kind}` as MessageKey),
                        })}
                        onClick={() => {
                          setEditing(rule.kind);
                          setNotice(null);
                        }}
                      >
                        {t('rules.edit')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
      {isDesk && <DeskHint testId="anomaly-rules-desk" />}
      {notice && (
        <p className="muted" role="status" data-testid="rules-notice">
          {notice}
        </p>
      )}
    </section>
  );
}
