import { statusText } from '../connection-words';
import { t } from '../i18n/words';
import { useConnection } from '../state/connection';
import { useUi } from '../state/ui';

const TOPIC_LAYOUT = 'Company/Office/Room/Device';

/** A site with no devices yet: what is happening, and what to do next. */
export function EmptyState() {
  const state = useConnection((s) => s.state);
  const serviceError = useConnection((s) => s.error);
  const isDisconnected = state?.status !== 'connected';
  const reason =
    state?.lastError?.message ??
    serviceError?.message ??
    (state ? t('site.empty.broker', { status: statusText(state.status) }) : null);
  // The topic layout is code inside the sentence; where it goes is the language's choice.
  const [beforePrefix, afterPrefix] = t('site.empty.stepPrefix').split('{prefix}');
  return (
    <div className="empty" data-testid="empty-state">
      <p className="empty-title">{t('site.empty.title')}</p>
      {isDisconnected && reason && (
        <p className="empty-error" role="status">
          {reason}
        </p>
      )}
      <ul className="empty-steps">
        <li>{t('site.empty.stepMqtt')}</li>
        <li>
          {beforePrefix}
          <code>{TOPIC_LAYOUT}</code>
          {afterPrefix}
        </li>
        <li>{t('site.empty.stepWait')}</li>
      </ul>
      <button type="button" className="primary" onClick={() => useUi.getState().setWizardOpen(true)}>
        {t('site.empty.connect')}
      </button>
    </div>
  );
}
