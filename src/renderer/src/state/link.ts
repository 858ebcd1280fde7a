import { create } from 'zustand';

/** The renderer's link to the Kilowatch service itself (the event stream), not to the broker. */
interface LinkStore {
  /** null until the stream has opened or failed once; always true over IPC. */
  isStreamUp: boolean | null;
  retryInMs: number | null;
  /** Messages dropped because they did not match the contract. */
  rejected: number;
  lastRejection: string | null;
  streamOpened: () => void;
  streamClosed: (retryInMs: number) => void;
  reject: (reason: string) => void;
}

export const useLink = create<LinkStore>()((set) => ({
  isStreamUp: null,
  retryInMs: null,
  rejected: 0,
  lastRejection: null,
  streamOpened: () => set({ isStreamUp: true, retryInMs: null }),
  streamClosed: (retryInMs) => set({ isStreamUp: false, retryInMs }),
  reject: (reason) => set((s) => ({ rejected: s.rejected + 1, lastRejection: reason })),
}));
