/** Anomaly rules (README "Anomaly rules"): reading a node's and setting its own. The core judges them. */
import type { CommandParams, CommandValue } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import { api } from './actions';

export const loadRules = (node: string): Promise<Result<CommandValue<'rules.get'>, ApiError>> =>
  api().invoke('rules.get', { node });

export const setRule = (
  params: CommandParams<'rules.set'>,
): Promise<Result<CommandValue<'rules.set'>, ApiError>> => api().invoke('rules.set', params);
