/**
 * What the "Add a Shelly" dialog asks of the core, and how it learns that a commissioned device
 * has arrived: the core hears it on the broker (`device.discovered`, `device.state`) and the tree
 * then has it in the chosen room.
 */
import type { CommandParams, CommandReply, CommissionReport } from '../../../../shared/contract';
import { api, refreshTree } from '../../state/actions';
import { useTree } from '../../state/tree';
import { isInRoom } from './commission-form';

export type DeviceLogin = NonNullable<CommandParams<'device.probe'>['login']>;

export const probeDevice = (
  address: string,
  login: DeviceLogin | undefined,
): Promise<CommandReply<'device.probe'>> =>
  api().invoke('device.probe', login ? { address, login } : { address });

export const scanNetwork = (network: string, port: number): Promise<CommandReply<'device.scan'>> =>
  api().invoke('device.scan', { network: network.trim(), port });

export const commissionDevice = (
  params: CommandParams<'device.commission'>,
): Promise<CommandReply<'device.commission'>> => api().invoke('device.commission', params);

/**
 * The tree is refreshed on discovery already (wire.ts); this is the safety net for an event lost
 * while the event stream was down, rare enough to cost one snapshot every few seconds.
 */
const ARRIVAL_REFRESH_MS = 5000;

export interface ArrivalWatch {
  /** Calls `onArrived` once the device named by the report is heard and in its room. */
  expect(report: CommissionReport, onArrived: (nodeId: string) => void): void;
  stop(): void;
}

/**
 * The names events may give the device: its Shelly id, or, until the core has learnt that id from
 * a message that carries it, its topic key (the prefix).
 */
const namesOf = (report: CommissionReport): string[] => [
  report.id,
  report.topicPrefix,
  report.device.replace(/^device:/, ''),
];

/**
 * Started before the command is sent: a device quick to restart may be heard before the reply
 * arrives. "Heard" is an event for its id from now on, so a device the tree already showed
 * there (a Gen1 placed again) is not taken for one that came back.
 */
export function watchArrival(): ArrivalWatch {
  const heard = new Set<string>();
  let wanted: { report: CommissionReport; onArrived: (nodeId: string) => void } | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  const check = (): void => {
    if (!wanted || !namesOf(wanted.report).some((name) => heard.has(name))) return;
    const node = useTree.getState().byId[wanted.report.device];
    if (!isInRoom(node, wanted.report.path)) return;
    const { report, onArrived } = wanted;
    stop();
    onArrived(report.device);
  };
  const offDiscovered = api().on('device.discovered', (device) => {
    heard.add(device.id);
    check();
  });
  const offState = api().on('device.state', (state) => {
    if (state.online !== false) heard.add(state.id);
    check();
  });
  const offTree = useTree.subscribe((s, before) => {
    if (s.byId !== before.byId) check();
  });
  const stop = (): void => {
    offDiscovered();
    offState();
    offTree();
    if (timer) clearInterval(timer);
    timer = null;
  };
  return {
    expect(report, onArrived) {
      wanted = { report, onArrived };
      void refreshTree();
      timer = setInterval(() => void refreshTree(), ARRIVAL_REFRESH_MS);
      check();
    },
    stop,
  };
}
