/**
 * Moving covers through the broker, confirmed by the device itself like relays: `Cover.Open`,
 * `Cover.Close`, `Cover.Stop` and `Cover.GoToPosition` over `<prefix>/rpc` with our reply address
 * as `src`. A command is done when the cover's status shows it under way (or already there): a
 * cover takes up to a minute to travel, and nobody should wait that long to know it obeyed.
 */
import type { CoverAction, CoverStatus } from '../../shared/contract';
import { err, type ApiError, type Result } from '../../shared/result';
import type { PendingCommands } from './pending-commands';
import { COVER_COMPONENT, coverStatus, type CoverMemory } from './site/covers';
import type { Device, SiteRegistry } from './site/registry';

export interface CoverDeps {
  registry: SiteRegistry;
  clientId: string;
  commands: PendingCommands;
}

const METHODS: Record<CoverAction, string> = {
  open: 'Cover.Open',
  close: 'Cover.Close',
  stop: 'Cover.Stop',
  position: 'Cover.GoToPosition',
};

const DOING: Record<Exclude<CoverAction, 'position'>, string> = {
  open: 'opening',
  close: 'closing',
  stop: 'stopping',
};

const isMoving = (c: CoverMemory): boolean => c.state === 'opening' || c.state === 'closing';

/** Whether the cover's last status shows the command carried out or under way. */
function isDone(cover: CoverMemory | undefined, action: CoverAction, position: number | undefined): boolean {
  if (!cover) return false;
  switch (action) {
    case 'open':
      return cover.state === 'opening' || cover.state === 'open';
    case 'close':
      return cover.state === 'closing' || cover.state === 'closed';
    case 'stop':
      return cover.state !== null && cover.state !== 'calibrating' && !isMoving(cover);
    case 'position':
      return (
        (isMoving(cover) && cover.targetPct === position) ||
        (!isMoving(cover) && cover.positionPct === position)
      );
  }
}

export interface CoverResult {
  channel: string;
  action: CoverAction;
  cover: CoverStatus;
}

export class CoverControl {
  constructor(private readonly deps: CoverDeps) {}

  async set(
    channelRef: string,
    action: CoverAction,
    position: number | undefined,
    timeoutMs: number,
  ): Promise<Result<CoverResult, ApiError>> {
    const m = /^channel:(.+)\|(cover:\d+)$/.exec(channelRef);
    const device = m ? this.deps.registry.find(m[1] as string) : undefined;
    if (!m || !device) return err('not-found', `"${channelRef}" is not a cover the console knows.`);
    const component = m[2] as string;
    const name = this.deps.registry.displayName(device);
    if (device.row.generation !== 2) return err('not-found', `${name} ${component} cannot be moved.`);
    const known = device.covers.get(component);
    if (action === 'position' && known?.isCalibrated === false)
      return err(
        'invalid-params',
        `${name} ${component} is not calibrated, so it cannot go to a position: open, close or stop it, or calibrate it on the device.`,
      );
    const requestId = this.deps.commands.requestId();
    const id = Number(COVER_COMPONENT.exec(component)?.[1]);
    const params = action === 'position' ? { id, pos: position } : { id };
    const result = await this.deps.commands.send({
      device,
      requestId,
      topic: `${device.row.key}/rpc`,
      payload: JSON.stringify({ id: requestId, src: this.deps.clientId, method: METHODS[action], params }),
      isDone: (d: Device) => isDone(d.covers.get(component), action, position),
      value: null,
      timeoutMs,
      doing: action === 'position' ? `moving to ${String(position)} %` : DOING[action],
    });
    if (!result.ok) return result;
    return {
      ok: true,
      value: { channel: channelRef, action, cover: coverStatus(device.covers.get(component)) },
    };
  }
}
