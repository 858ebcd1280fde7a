import { create } from 'zustand';
import type { ConnectionState } from '../../../shared/contract';
import type { ApiError } from '../../../shared/result';

interface ConnectionStore {
  /** The broker connection as the core reports it; null until the first answer. */
  state: ConnectionState | null;
  /** Why the last `connection.status` request failed: the service, not the broker. */
  error: ApiError | null;
  set: (state: ConnectionState) => void;
  fail: (error: ApiError) => void;
}

export const useConnection = create<ConnectionStore>()((set) => ({
  state: null,
  error: null,
  set: (state) => set({ state, error: null }),
  fail: (error) => set({ error }),
}));
