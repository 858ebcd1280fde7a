/**
 * Device categories (issue #18 item 5): setting a device's, and reading a place's energy and cost
 * per category. The figures are the core's; the console only writes them.
 */
import type { CategoryBreakdown, CommandParams, CommandValue } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import { iso, type Span } from '../ranges';
import { api, refreshTree } from './actions';

export async function setDeviceCategory(
  params: CommandParams<'device.category'>,
): Promise<Result<CommandValue<'device.category'>, ApiError>> {
  const reply = await api().invoke('device.category', params);
  // As with a meter's role: the answer is what staff wait for; the tree catches up on its own.
  if (reply.ok) void refreshTree();
  return reply;
}

export const loadCategoryBreakdown = (
  nodeId: string,
  span: Span,
): Promise<Result<CategoryBreakdown, ApiError>> =>
  api().invoke('categories.breakdown', { node: nodeId, from: iso(span.fromMs), to: iso(span.toMs) });
