import { create } from 'zustand';
import type { AccessStatus } from '../../../shared/contract';
import type { ApiError, Result } from '../../../shared/result';
import { api } from './actions';

interface AccessStore {
  /** This window's role as the core says; null until first asked. */
  status: AccessStatus | null;
  set: (status: AccessStatus) => void;
}

export const useAccess = create<AccessStore>()((set) => ({
  status: null,
  set: (status) => set({ status }),
}));

let expiry: ReturnType<typeof setTimeout> | null = null;

/** Keeps the status, and asks again when an unlock runs out, so the header never claims too much. */
function keep(status: AccessStatus): void {
  useAccess.getState().set(status);
  if (expiry) clearTimeout(expiry);
  expiry = null;
  if (status.until) {
    const inMs = Math.max(0, Date.parse(status.until) - Date.now()) + 500;
    expiry = setTimeout(() => void refreshAccess(), inMs);
  }
}

async function asked(
  reply: Promise<Result<AccessStatus, ApiError>>,
): Promise<Result<AccessStatus, ApiError>> {
  const result = await reply;
  if (result.ok) keep(result.value);
  return result;
}

export async function refreshAccess(): Promise<void> {
  await asked(api().invoke('access.status', {}));
}

export const unlock = (pin: string) => asked(api().invoke('access.unlock', { pin }));
export const lock = () => asked(api().invoke('access.lock', {}));
export const setPin = (current: string | undefined, pin: string | null) =>
  asked(api().invoke('access.setPin', current === undefined ? { pin } : { current, pin }));
