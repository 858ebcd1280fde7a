import { formatDateTime, formatEnergy, formatPower, kindLabel } from '../format';
import { useLive } from '../state/live';
import { useTree } from '../state/tree';
import { useUi } from '../state/ui';
import { OnlineDot } from './OnlineDot';

function Figure({ label, testId, children }: { label: string; testId: string; children: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

/** The selected node's totals, exactly as the core reports them. */
export function NodeDetails() {
  const selectedId = useUi((s) => s.selectedId);
  const node = useTree((s) => (selectedId === null ? undefined : s.byId[selectedId]));
  const totals = useLive((s) => (selectedId === null ? undefined : s.byId[selectedId]));

  if (selectedId === null) {
    return (
      <section className="details muted" aria-label="Details">
        Select a company, office, room or device to see its totals.
      </section>
    );
  }
  if (!node) {
    return (
      <section className="details muted" aria-label="Details">
        This node is no longer part of the site.
      </section>
    );
  }
  const none = '—';
  return (
    <section className="details" aria-label="Details" data-testid="node-details" data-node-kind={node.kind}>
      <h2 className="details-title">
        {node.kind === 'device' && <OnlineDot id={node.id} fromTree={node.online} />}
        {node.name}
      </h2>
      <p className="muted">
        {kindLabel(node.kind)}
        {node.model ? ` · ${node.model}` : ''}
        {node.path.length > 0 ? ` · ${node.path.join(' / ')}` : ''}
      </p>
      <dl className="figures">
        <Figure label="Power" testId="detail-power">
          {totals ? formatPower(totals.powerW) : none}
        </Figure>
        <Figure label="Energy" testId="detail-energy">
          {totals ? formatEnergy(totals.energyWh) : none}
        </Figure>
        <Figure label="Returned" testId="detail-returned">
          {totals ? formatEnergy(totals.returnedWh) : none}
        </Figure>
        <Figure label="Devices" testId="detail-devices">
          {totals ? String(totals.devices) : none}
        </Figure>
        <Figure label="Reporting" testId="detail-reporting">
          {totals ? String(totals.reporting) : none}
        </Figure>
        <Figure label="Counting since" testId="detail-since">
          {totals?.since ? formatDateTime(totals.since) : none}
        </Figure>
        {node.lastSeen && (
          <Figure label="Last seen" testId="detail-last-seen">
            {formatDateTime(node.lastSeen)}
          </Figure>
        )}
        {node.reason && (
          <Figure label="Not placed because" testId="detail-reason">
            {node.reason}
          </Figure>
        )}
      </dl>
    </section>
  );
}
