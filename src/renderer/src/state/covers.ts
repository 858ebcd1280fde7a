import { create } from 'zustand';
import type { CoverAction } from '../../../shared/contract';

/** A cover command in flight, or the last one that failed (until the next try). */
export type CoverOp =
  | { status: 'pending'; action: CoverAction; position?: number }
  | { status: 'failed'; action: CoverAction; position?: number; code: string; message: string };

interface CoversStore {
  byChannel: Record<string, CoverOp>;
  start: (channelId: string, action: CoverAction, position?: number) => void;
  succeed: (channelId: string) => void;
  fail: (
    channelId: string,
    action: CoverAction,
    position: number | undefined,
    code: string,
    message: string,
  ) => void;
}

const without = (ops: Record<string, CoverOp>, id: string): Record<string, CoverOp> => {
  const next = { ...ops };
  delete next[id];
  return next;
};

const at = (position: number | undefined) => (position === undefined ? {} : { position });

export const useCovers = create<CoversStore>()((set) => ({
  byChannel: {},
  start: (channelId, action, position) =>
    set((s) => ({
      byChannel: { ...s.byChannel, [channelId]: { status: 'pending', action, ...at(position) } },
    })),
  succeed: (channelId) => set((s) => ({ byChannel: without(s.byChannel, channelId) })),
  fail: (channelId, action, position, code, message) =>
    set((s) => ({
      byChannel: {
        ...s.byChannel,
        [channelId]: { status: 'failed', action, ...at(position), code, message },
      },
    })),
}));
