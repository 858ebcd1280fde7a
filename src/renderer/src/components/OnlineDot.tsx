import type { SiteNode } from '../../../shared/contract';
import { t } from '../i18n/words';
import { selectOnline, useTree } from '../state/tree';

/** A device's online state: the latest event, else what the tree snapshot said. */
export function OnlineDot({ node }: { node: SiteNode }) {
  const online = useTree(selectOnline(node));
  const state = online === true ? 'online' : online === false ? 'offline' : 'unknown';
  const label = t(`site.online.${state}`);
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
