import { useEffect, useState, type DependencyList } from 'react';
import type { Result } from '../../shared/result';

export type Refreshed<T> =
  | { status: 'loading'; value: null }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string; value: T | null };

/**
 * A figure the core works out from stored history, asked for now and again every `everyMs` while
 * `deps` stay the same. A failed refresh keeps what was already shown, with the error beside it;
 * an answer that arrives after `deps` changed is dropped. No reset to 'loading' when `deps`
 * change: panels are keyed by node, so another node mounts afresh.
 */
export function useRefreshed<T>(
  load: () => Promise<Result<T>>,
  deps: DependencyList,
  everyMs: number,
): Refreshed<T> {
  const [state, setState] = useState<Refreshed<T>>({ status: 'loading', value: null });
  useEffect(() => {
    let isCurrent = true;
    const refresh = async (): Promise<void> => {
      const reply = await load();
      if (!isCurrent) return;
      setState((before) =>
        reply.ok
          ? { status: 'ready', value: reply.value }
          : { status: 'error', message: reply.error.message, value: before.value },
      );
    };
    void refresh();
    const timer = setInterval(() => void refresh(), everyMs);
    return () => {
      isCurrent = false;
      clearInterval(timer);
    };
    // `load` is a new closure each render; `deps` say when it asks for something else.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, everyMs]);
  return state;
}
