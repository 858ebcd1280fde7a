/** A device category's name in the settings' language. */
import type { DeviceCategory } from '../../shared/contract';
import { t, type MessageKey } from './i18n/words';

const CATEGORY_WORDS: Record<DeviceCategory, MessageKey> = {
  lighting: 'category.lighting',
  hvac: 'category.hvac',
  plug: 'category.plug',
  kitchen: 'category.kitchen',
  it: 'category.it',
  other: 'category.other',
};

export const categoryLabel = (category: DeviceCategory): string => t(CATEGORY_WORDS[category]);
