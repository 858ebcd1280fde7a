import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SiteNode } from '../../../shared/contract';
import { formatEnergy, formatPower, kindLabel } from '../format';
import { t } from '../i18n/words';
import { reveal } from '../state/navigate';
import { useLive } from '../state/live';
import { shareChildren } from '../tree-rows';

const SHOWN = 12;

/**
 * The node's children ranked by today's energy, straight from the live totals (the core's
 * figures; the bar only scales them against the largest for the eye).
 */
export function ChildrenRanking({ node }: { node: SiteNode }) {
  const children = useMemo(() => shareChildren(node), [node]);
  const ids = useMemo(() => children.map((child) => child.id), [children]);
  const todayWh = useLive(useShallow((s) => ids.map((id) => s.byId[id]?.todayWh ?? null)));
  const powerW = useLive(useShallow((s) => ids.map((id) => s.byId[id]?.powerW ?? null)));
  const ranked = useMemo(
    () =>
      children
        .map((child, i) => ({ child, todayWh: todayWh[i] ?? null, powerW: powerW[i] ?? null }))
        // Relay-only channels and sensors have no totals: nothing to rank.
        .filter((entry) => entry.todayWh !== null)
        .sort(
          (a, b) =>
            (b.todayWh ?? -Infinity) - (a.todayWh ?? -Infinity) || a.child.name.localeCompare(b.child.name),
        ),
    [children, todayWh, powerW],
  );
  if (ranked.length < 2) return null;
  const top = Math.max(...ranked.map((r) => r.todayWh ?? 0), 0);
  const kind = children[0] ? kindLabel(children[0].kind).toLocaleLowerCase() : t('details.ranking.part');
  return (
    <section className="panel-block ranking" aria-label={t('details.ranking.region')} data-testid="ranking">
      <div className="block-head">
        <h3>{t('details.ranking.title', { kind })}</h3>
        <span className="muted small">{t('details.ranking.count', { count: ranked.length })}</span>
      </div>
      <ol className="ranking-list">
        {ranked.slice(0, SHOWN).map(({ child, todayWh: wh, powerW: w }) => (
          <li key={child.id} data-node-id={child.id} data-today-wh={wh ?? undefined}>
            <button
              type="button"
              className="ranking-item"
              onClick={() => reveal(child.id)}
              title={child.path.join(' / ')}
            >
              <span className="ranking-name">{child.name}</span>
              <span className="ranking-bar" aria-hidden="true">
                <span style={{ width: `${top > 0 && wh !== null && wh > 0 ? (wh / top) * 100 : 0}%` }} />
              </span>
              <span className="cell-figure">{wh === null ? '—' : formatEnergy(wh)}</span>
              <span className="cell-figure muted">{w === null ? '—' : formatPower(w)}</span>
            </button>
          </li>
        ))}
      </ol>
      {ranked.length > SHOWN && (
        <p className="muted small">{t('details.ranking.more', { count: ranked.length - SHOWN })}</p>
      )}
    </section>
  );
}
