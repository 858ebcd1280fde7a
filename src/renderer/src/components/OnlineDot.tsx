import { useTree } from '../state/tree';

/** A device's online state: the latest `device.state` event, else what the tree snapshot said. */
export function OnlineDot({ id, fromTree }: { id: string; fromTree: boolean | undefined }) {
  const fromEvent = useTree((s) => s.deviceOnline[id]);
  const online = fromEvent !== undefined ? fromEvent : fromTree;
  const state = online === true ? 'online' : online === false ? 'offline' : 'unknown';
  const label = state === 'unknown' ? 'online state unknown' : state;
  return (
    <span
      className={`online-dot online-${state}`}
      role="img"
      aria-label={label}
      title={label}
      data-online={state}
    />
  );
}
