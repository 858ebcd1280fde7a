/** The tariff on the settings screen (README "Cost"): what is in force and from where, and setting it. */
import type { CommandValue } from '../../../shared/contract';
import type { TariffInput } from '../../../shared/tariff-input';
import type { ApiError, Result } from '../../../shared/result';
import { api } from './actions';

export type TariffReply = Result<CommandValue<'tariff.get'>, ApiError>;

export const loadTariff = (): Promise<TariffReply> => api().invoke('tariff.get', {});

/** The whole tariff (null: none); the core checks it and answers with what is then in force. */
export const saveTariff = (tariff: TariffInput | null): Promise<TariffReply> =>
  api().invoke('tariff.set', { tariff });

/** What another window or browser set (or this one: the reply says the same); returns unsubscribe. */
export const onTariffChanged = (listener: (view: CommandValue<'tariff.get'>) => void): (() => void) =>
  api().on('tariff.changed', listener);
