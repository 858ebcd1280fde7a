import { t } from '../../i18n/words';

/** A place as staff read it, "Aurora › Lisbon › Kitchen"; no path is Unassigned. */
export const placeWords = (path: readonly string[]): string =>
  path.length > 0 ? path.join(' › ') : t('commission.unassigned');
