import { useMemo } from 'react';
import type { Electrical, SiteNode } from '../../../shared/contract';
import { formatAmps, formatPower, formatPowerFactor, formatVolts } from '../format';
import { t } from '../i18n/words';
import { useLive } from '../state/live';

/** A phase of a three-phase meter (`emdata:0/a`) or an EM1 channel (`em1data:1`). */
const METER_CHANNEL = /\|(emdata:\d+\/[abc]|em1data:\d+)$/;

function Cell({ testId, value, text }: { testId: string; value: number | null; text: string }) {
  return (
    <td data-testid={testId} data-value={value ?? ''}>
      {value === null ? '—' : text}
    </td>
  );
}

/** One phase, live: the figures of the latest push, else those of the tree. */
function PhaseRow({ channel }: { channel: SiteNode }) {
  const live = useLive((s) => s.byId[channel.id]?.electrical);
  const e: Electrical | undefined = live ?? channel.electrical;
  const v = e?.voltageV ?? null;
  const a = e?.currentA ?? null;
  const w = e?.powerW ?? null;
  const pf = e?.powerFactor ?? null;
  return (
    <tr data-testid="phase-row" data-node-id={channel.id}>
      <th scope="row">{channel.name}</th>
      <Cell testId="phase-voltage" value={v} text={formatVolts(v ?? 0)} />
      <Cell testId="phase-current" value={a} text={formatAmps(a ?? 0)} />
      <Cell testId="phase-power" value={w} text={formatPower(w ?? 0)} />
      <Cell testId="phase-pf" value={pf} text={formatPowerFactor(pf ?? 0)} />
    </tr>
  );
}

/**
 * Per-phase voltage, current, power and power factor of a meter, as the device reports them: for
 * a device, each of its phases (or EM1 channels); for one such channel, its own row.
 */
export function PhaseTable({ node }: { node: SiteNode }) {
  const channels = useMemo(
    () =>
      node.kind === 'device'
        ? node.children.filter((c) => METER_CHANNEL.test(c.id))
        : node.kind === 'channel' && METER_CHANNEL.test(node.id)
          ? [node]
          : [],
    [node],
  );
  if (channels.length === 0) return null;
  return (
    <section className="panel-block" aria-label={t('details.phases.region')} data-testid="phase-table">
      <h3>
        {channels.some((c) => c.id.includes('/')) ? t('details.phases.title') : t('details.phases.meter')}
      </h3>
      <table className="ledger-table phase-table">
        <thead>
          <tr>
            <th scope="col">{t('details.phases.channel')}</th>
            <th scope="col">{t('details.phases.voltage')}</th>
            <th scope="col">{t('details.phases.current')}</th>
            <th scope="col">{t('details.phases.power')}</th>
            <th scope="col">{t('details.phases.powerFactor')}</th>
          </tr>
        </thead>
        <tbody>
          {channels.map((channel) => (
            <PhaseRow key={channel.id} channel={channel} />
          ))}
        </tbody>
      </table>
    </section>
  );
}
