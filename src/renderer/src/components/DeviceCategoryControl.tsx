/**
 * A device's category (README "Device categories"): lighting, HVAC, plug loads, kitchen, IT or
 * other, set by staff or, until then, what its model obviously is. Like a meter's role, a change
 * applies from the moment it is made: energy counted before stays in the category it was counted
 * in, and the control says so when it has acted.
 */
import { useState } from 'react';
import { DEVICE_CATEGORIES, type DeviceCategory, type SiteNode } from '../../../shared/contract';
import { t } from '../i18n/words';
import { setDeviceCategory } from '../state/categories';
import { categoryLabel } from '../category-words';
import { DeskHint, useIsDesk } from './settings/DeskHint';

/** `model`: no category of its own, so whatever its model says (else Other). */
type Choice = DeviceCategory | 'model';

export function DeviceCategoryControl({ node }: { node: SiteNode }) {
  // No `category` on a device: nothing set and nothing known from its model, so plain Other.
  const info = node.category ?? { category: 'other' as const, source: 'model' as const };
  const current: Choice = info.source === 'console' ? info.category : 'model';
  const [choice, setChoice] = useState<Choice>(current);
  const [message, setMessage] = useState<{ isError: boolean; text: string } | null>(null);
  const [isBusy, setBusy] = useState(false);
  const isDesk = useIsDesk();
  if (node.kind !== 'device') return null;
  const save = async () => {
    setBusy(true);
    const reply = await setDeviceCategory({ device: node.id, category: choice === 'model' ? null : choice });
    setBusy(false);
    setMessage(
      reply.ok ? { isError: false, text: t('category.saved') } : { isError: true, text: reply.error.message },
    );
  };
  return (
    <section
      className="panel-block device-category"
      aria-label={t('category.title')}
      data-testid="device-category"
      data-category={info.category}
      data-source={info.source}
    >
      <h3>{t('category.title')}</h3>
      <div className="meter-role-form">
        <select
          aria-label={t('category.title')}
          data-testid="device-category-select"
          value={choice}
          disabled={isDesk}
          onChange={(e) => {
            setChoice(e.target.value as Choice);
            setMessage(null);
          }}
        >
          <option value="model">
            {info.source === 'model'
              ? t('category.byModelIs', { category: categoryLabel(info.category) })
              : t('category.byModel')}
          </option>
          {DEVICE_CATEGORIES.map((category) => (
            <option key={category} value={category}>
              {categoryLabel(category)}
            </option>
          ))}
        </select>
        <button
          type="button"
          data-testid="device-category-save"
          disabled={isDesk || isBusy || choice === current}
          onClick={() => void save()}
        >
          {t('category.apply')}
        </button>
        {info.source === 'console' && <span className="muted">{t('category.setHere')}</span>}
      </div>
      {isDesk && <DeskHint testId="device-category-desk" />}
      {message && (
        <p
          className={message.isError ? 'callout' : 'muted'}
          role="status"
          data-testid="device-category-message"
        >
          {message.text}
        </p>
      )}
    </section>
  );
}
