/**
 * The tariff in the settings dialog (issue #18): the one in force and where it comes from, and,
 * for a manager when kilowatch.toml does not set it, the form to change it. Save sends the whole
 * tariff; the core judges it and its words stay here beside the form as typed.
 */
import { useEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from 'react';
import type { CommandValue } from '../../../../shared/contract';
import { DAY_KINDS, type DayKind } from '../../../../shared/tariff-input';
import { t, type MessageKey } from '../../i18n/words';
import { useSettings } from '../../state/settings';
import { loadTariff, onTariffChanged, saveTariff } from '../../state/tariff';
import { LabelledField, type ControlProps } from '../LabelledField';
import { DeskHint, useIsDesk } from './DeskHint';
import {
  COMMON_CURRENCIES,
  draftOf,
  emptyBand,
  inputOf,
  periodAfter,
  starterDraft,
  todayIn,
  type BandDraft,
  type PeriodDraft,
  type TariffDraft,
} from './tariff-form';
import './TariffSettings.css';

type TariffView = CommandValue<'tariff.get'>;
type Outcome = { kind: 'saved' | 'removed' } | { kind: 'error'; text: string } | null;

const SOURCE_WORDS: Record<TariffView['source'], MessageKey> = {
  file: 'tariff.source.file',
  console: 'tariff.source.console',
  none: 'tariff.source.none',
};

const DAY_WORDS: Record<DayKind, MessageKey> = {
  weekday: 'tariff.day.weekday',
  weekend: 'tariff.day.weekend',
  holiday: 'tariff.day.holiday',
};

const FIELD_CLASSES = { field: 'setting-field', hint: 'muted small', problem: 'field-problem' };

/** A labelled field of the tariff form; its problems are the core's, shown once under Save. */
function Field(props: {
  label: string;
  hint?: ReactNode;
  testId: string;
  children: (control: ControlProps) => ReactNode;
}) {
  return (
    <LabelledField
      {...props}
      problem={null}
      problemTestId={`${props.testId}-problem`}
      classes={FIELD_CLASSES}
    />
  );
}

/** A price typed as a decimal (the core parses it exactly); `onText` gets what was typed. */
function PriceInput({
  onText,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange'> & {
  value: string;
  onText: (text: string) => void;
}) {
  return (
    <input
      {...input}
      type="text"
      className="tariff-price"
      inputMode="decimal"
      autoComplete="off"
      onChange={(e) => onText(e.target.value)}
    />
  );
}

const CURRENCY_LIST_ID = 'tariff-currencies';

export function TariffSettings() {
  const isDesk = useIsDesk();
  const timeZone = useSettings((s) => s.settings?.values.timeZone);
  const [view, setView] = useState<TariffView | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  /** The form as typed; null while there is no tariff and none is being written. */
  const [draft, setDraft] = useState<TariffDraft | null>(null);
  const [isDirty, setDirty] = useState(false);
  const [isSaving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  /** Set elsewhere while a change was being typed here: the draft stays, and says so. */
  const [isChangedElsewhere, setChangedElsewhere] = useState(false);
  // Read by the event listener, which is made once.
  const busy = useRef({ isDirty, isSaving });
  useEffect(() => {
    busy.current = { isDirty, isSaving };
  });

  const show = (value: TariffView): void => {
    setView(value);
    setDraft(value.tariff ? draftOf(value.tariff) : null);
    setDirty(false);
    setChangedElsewhere(false);
  };

  useEffect(
    () =>
      onTariffChanged((value) => {
        // This window's own save: its reply shows what is in force.
        if (busy.current.isSaving) return;
        if (!busy.current.isDirty) return show(value);
        // Undo now goes back to what is in force, not to what was when typing began.
        setView(value);
        setChangedElsewhere(true);
      }),
    [],
  );

  useEffect(() => {
    let isCurrent = true;
    void loadTariff().then((reply) => {
      if (!isCurrent) return;
      if (reply.ok) show(reply.value);
      else setReadError(reply.error.message);
    });
    return () => {
      isCurrent = false;
    };
  }, []);

  if (readError)
    return (
      <p className="field-problem" role="alert" data-testid="tariff-read-error">
        {t('tariff.readFailed', { message: readError })}
      </p>
    );
  if (!view) return <p className="muted">{t('tariff.reading')}</p>;

  const isFromFile = view.source === 'file';
  const isLocked = isDesk || isFromFile || isSaving;

  const change = (next: (d: TariffDraft) => TariffDraft): void => {
    setDraft((d) => (d ? next(d) : d));
    setDirty(true);
    setOutcome(null);
  };
  const changePeriod = (pi: number, next: (p: PeriodDraft) => PeriodDraft) =>
    change((d) => ({ ...d, periods: d.periods.map((p, i) => (i === pi ? next(p) : p)) }));
  const changeBand = (pi: number, bi: number, next: (b: BandDraft) => BandDraft) =>
    changePeriod(pi, (p) => ({ ...p, bands: p.bands.map((b, i) => (i === bi ? next(b) : b)) }));

  const save = async (): Promise<void> => {
    if (!draft) return;
    const typed = inputOf(draft);
    if ('problem' in typed) return setOutcome({ kind: 'error', text: typed.problem });
    setSaving(true);
    setOutcome(null);
    const reply = await saveTariff(typed.tariff);
    setSaving(false);
    if (!reply.ok) return setOutcome({ kind: 'error', text: reply.error.message });
    show(reply.value);
    setOutcome({ kind: 'saved' });
  };

  const remove = async (): Promise<void> => {
    if (!window.confirm(t('tariff.confirmRemove'))) return;
    setSaving(true);
    setOutcome(null);
    const reply = await saveTariff(null);
    setSaving(false);
    if (!reply.ok) return setOutcome({ kind: 'error', text: reply.error.message });
    show(reply.value);
    setOutcome({ kind: 'removed' });
  };

  const undo = (): void => {
    show(view);
    setOutcome(null);
  };

  const start = (): void => {
    setDraft(starterDraft(todayIn(timeZone ?? 'UTC', Date.now())));
    setDirty(true);
    setOutcome(null);
  };

  const bandRow = (period: PeriodDraft, pi: number, band: BandDraft, bi: number) => {
    const row = bi + 1;
    return (
      <tr key={band.key} data-testid="tariff-band">
        <td>
          <div role="group" aria-label={t('tariff.band.daysOf', { row })} className="tariff-days">
            {DAY_KINDS.map((kind) => (
              <label key={kind} className="setting-choice">
                <input
                  type="checkbox"
                  data-testid={`tariff-band-${kind}`}
                  checked={band.days[kind]}
                  onChange={(e) =>
                    changeBand(pi, bi, (b) => ({ ...b, days: { ...b.days, [kind]: e.target.checked } }))
                  }
                />{' '}
                {t(DAY_WORDS[kind])}
              </label>
            ))}
          </div>
        </td>
        {(['from', 'to'] as const).map((end) => (
          <td key={end}>
            <input
              type="text"
              className="tariff-time"
              inputMode="numeric"
              placeholder={end === 'from' ? '08:00' : '22:00'}
              autoComplete="off"
              aria-label={t(end === 'from' ? 'tariff.band.fromOf' : 'tariff.band.toOf', { row })}
              data-testid={`tariff-band-${end}`}
              value={band[end]}
              onChange={(e) => changeBand(pi, bi, (b) => ({ ...b, [end]: e.target.value }))}
            />
          </td>
        ))}
        <td>
          <PriceInput
            placeholder="0.1500"
            aria-label={t('tariff.band.priceOf', { row })}
            data-testid="tariff-band-price"
            value={band.perKWh}
            onText={(perKWh) => changeBand(pi, bi, (b) => ({ ...b, perKWh }))}
          />
        </td>
        <td>
          <button
            type="button"
            className="tool"
            data-testid="tariff-band-remove"
            aria-label={t('tariff.band.remove', { row })}
            title={t('tariff.band.remove', { row })}
            disabled={period.bands.length === 1}
            onClick={() => changePeriod(pi, (p) => ({ ...p, bands: p.bands.filter((_, i) => i !== bi) }))}
          >
            ×
          </button>
        </td>
      </tr>
    );
  };

  const periodFields = (period: PeriodDraft, pi: number, count: number) => (
    <fieldset key={period.key} className="tariff-period" data-testid="tariff-period" data-index={pi}>
      <legend>
        {period.from.trim() ? t('tariff.period', { date: period.from.trim() }) : t('tariff.period.new')}
      </legend>
      <div className="tariff-period-fields">
        <Field label={t('tariff.period.from')} hint={t('tariff.hint.periodFrom')} testId="tariff-period-from">
          {(control) => (
            <input
              {...control}
              type="date"
              value={period.from}
              onChange={(e) => changePeriod(pi, (p) => ({ ...p, from: e.target.value }))}
            />
          )}
        </Field>
        <Field label={t('tariff.period.standing')} testId="tariff-period-standing">
          {(control) => (
            <PriceInput
              {...control}
              value={period.standingPerDay}
              onText={(standingPerDay) => changePeriod(pi, (p) => ({ ...p, standingPerDay }))}
            />
          )}
        </Field>
        <Field label={t('tariff.period.feedIn')} testId="tariff-period-feedin">
          {(control) => (
            <PriceInput
              {...control}
              value={period.feedInPerKWh}
              onText={(feedInPerKWh) => changePeriod(pi, (p) => ({ ...p, feedInPerKWh }))}
            />
          )}
        </Field>
      </div>
      <table className="tariff-bands">
        <caption>{t('tariff.bands')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('tariff.band.days')}</th>
            <th scope="col">{t('tariff.band.from')}</th>
            <th scope="col">{t('tariff.band.to')}</th>
            <th scope="col">{t('tariff.band.price')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('tariff.band.removeHead')}</span>
            </th>
          </tr>
        </thead>
        <tbody>{period.bands.map((band, bi) => bandRow(period, pi, band, bi))}</tbody>
      </table>
      <p className="muted small">{t('tariff.hint.bands')}</p>
      <span className="settings-actions tariff-period-actions">
        <button
          type="button"
          className="tool"
          data-testid="tariff-band-add"
          onClick={() => changePeriod(pi, (p) => ({ ...p, bands: [...p.bands, emptyBand()] }))}
        >
          {t('tariff.band.add')}
        </button>
        {count > 1 && (
          <button
            type="button"
            className="tool"
            data-testid="tariff-period-remove"
            onClick={() => change((d) => ({ ...d, periods: d.periods.filter((_, i) => i !== pi) }))}
          >
            {t('tariff.period.remove')}
          </button>
        )}
      </span>
    </fieldset>
  );

  return (
    <section
      className="settings-tariff"
      aria-label={t('tariff.section')}
      data-testid="settings-tariff"
      data-source={view.source}
    >
      <p
        className={isFromFile ? 'setting-source setting-pinned' : 'setting-source'}
        data-testid="tariff-source"
      >
        {t(SOURCE_WORDS[view.source])}
      </p>
      {isDesk && !isFromFile && <DeskHint testId="tariff-desk" />}
      {!draft && !isDesk && !isFromFile && (
        <button type="button" className="tool tariff-start" data-testid="tariff-start" onClick={start}>
          {t('tariff.start')}
        </button>
      )}
      {draft && (
        // Disabling the fieldset disables every control in it: nothing to change at the desk or
        // when the file sets the tariff, and nothing to change twice while a save is under way.
        <fieldset className="tariff-form" disabled={isLocked} aria-label={t('tariff.section')}>
          <Field label={t('tariff.currency')} hint={t('tariff.hint.currency')} testId="tariff-currency">
            {(control) => (
              <input
                {...control}
                type="text"
                className="tariff-currency"
                list={CURRENCY_LIST_ID}
                maxLength={3}
                autoCapitalize="characters"
                autoComplete="off"
                spellCheck={false}
                value={draft.currency}
                onChange={(e) => change((d) => ({ ...d, currency: e.target.value }))}
              />
            )}
          </Field>
          <datalist id={CURRENCY_LIST_ID}>
            {COMMON_CURRENCIES.map((code) => (
              <option key={code} value={code} />
            ))}
          </datalist>
          <Field label={t('tariff.holidays')} hint={t('tariff.hint.holidays')} testId="tariff-holidays">
            {(control) => (
              <input
                {...control}
                type="text"
                spellCheck={false}
                autoComplete="off"
                placeholder="2026-12-25 2027-01-01"
                value={draft.holidays}
                onChange={(e) => change((d) => ({ ...d, holidays: e.target.value }))}
              />
            )}
          </Field>
          <h4 className="tariff-periods-heading">{t('tariff.periods')}</h4>
          {draft.periods.map((period, pi) => periodFields(period, pi, draft.periods.length))}
          <button
            type="button"
            className="tool tariff-period-add"
            data-testid="tariff-period-add"
            onClick={() => change((d) => ({ ...d, periods: [...d.periods, periodAfter(d.periods.at(-1))] }))}
          >
            {t('tariff.period.add')}
          </button>
        </fieldset>
      )}
      {!isDesk && !isFromFile && (draft || view.source === 'console') && (
        <div className="settings-save">
          {draft && (
            <button
              type="button"
              className="primary"
              data-testid="tariff-save"
              disabled={!isDirty || isSaving}
              onClick={() => void save()}
            >
              {isSaving ? t('tariff.saving') : t('tariff.save')}
            </button>
          )}
          {isDirty && (
            <button
              type="button"
              className="tool"
              data-testid="tariff-undo"
              disabled={isSaving}
              onClick={undo}
            >
              {t('tariff.undo')}
            </button>
          )}
          {view.source === 'console' && (
            <button
              type="button"
              className="tool"
              data-testid="tariff-remove"
              disabled={isSaving}
              onClick={() => void remove()}
            >
              {t('tariff.remove')}
            </button>
          )}
        </div>
      )}
      {isChangedElsewhere && (
        <p className="muted small" role="status" data-testid="tariff-changed-elsewhere">
          {t('tariff.changedElsewhere')}
        </p>
      )}
      {(outcome?.kind === 'saved' || outcome?.kind === 'removed') && (
        <p className="muted small" role="status" data-testid="tariff-saved">
          {outcome.kind === 'saved' ? t('tariff.saved') : t('tariff.removed')}
        </p>
      )}
      {outcome?.kind === 'error' && (
        <p className="field-problem" role="alert" data-testid="tariff-error">
          {outcome.text}
        </p>
      )}
    </section>
  );
}
