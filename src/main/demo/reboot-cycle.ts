/**
 * The stages of a simulated reboot, counted in fleet ticks so no stray timers outlive stop():
 * the device announces the restart, drops off the broker on the next tick (the broker publishes
 * its will), and comes back two ticks later.
 */
export type RebootStep = 'none' | 'went-offline' | 'booted';

const TICKS_OFFLINE = 2;

export class RebootCycle {
  private stage: 'up' | 'restarting' | 'down' = 'up';
  private ticksLeft = 0;

  get isRebooting(): boolean {
    return this.stage !== 'up';
  }

  start(): void {
    if (this.stage === 'up') this.stage = 'restarting';
  }

  /** Called once per tick while rebooting; says what the device does on this tick. */
  step(): RebootStep {
    if (this.stage === 'restarting') {
      this.stage = 'down';
      this.ticksLeft = TICKS_OFFLINE;
      return 'went-offline';
    }
    if (this.stage === 'down' && --this.ticksLeft <= 0) {
      this.stage = 'up';
      return 'booted';
    }
    return 'none';
  }
}
