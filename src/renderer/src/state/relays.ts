import { create } from 'zustand';

/** A switching request in flight, or the last one that failed (until the next try). */
export type RelayOp =
  { status: 'pending'; on: boolean } | { status: 'failed'; on: boolean; code: string; message: string };

interface RelaysStore {
  byChannel: Record<string, RelayOp>;
  start: (channelId: string, on: boolean) => void;
  succeed: (channelId: string) => void;
  fail: (channelId: string, on: boolean, code: string, message: string) => void;
  clear: (channelId: string) => void;
}

const without = (ops: Record<string, RelayOp>, id: string): Record<string, RelayOp> => {
  const next = { ...ops };
  delete next[id];
  return next;
};

export const useRelays = create<RelaysStore>()((set) => ({
  byChannel: {},
  start: (channelId, on) =>
    set((s) => ({ byChannel: { ...s.byChannel, [channelId]: { status: 'pending', on } } })),
  succeed: (channelId) => set((s) => ({ byChannel: without(s.byChannel, channelId) })),
  fail: (channelId, on, code, message) =>
    set((s) => ({ byChannel: { ...s.byChannel, [channelId]: { status: 'failed', on, code, message } } })),
  clear: (channelId) => set((s) => ({ byChannel: without(s.byChannel, channelId) })),
}));
