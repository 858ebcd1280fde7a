/**
 * One timer per Coreflux profile that is on, at that example's own period (publish-profiles.ts);
 * Kilowatch's own topics keep the console's publish timer. Turning a profile off stops its timer.
 */
import {
  isCorefluxProfile,
  PROFILE_INTERVAL_MS,
  type CorefluxProfile,
  type PublishProfile,
} from './publish-profiles';

export class ProfileSchedule {
  private readonly timers = new Map<CorefluxProfile, NodeJS.Timeout>();

  constructor(private readonly publish: (profile: CorefluxProfile) => Promise<unknown>) {}

  /** Runs exactly the timers of these profiles; one already running keeps its rhythm. */
  set(profiles: readonly PublishProfile[]): void {
    const wanted = new Set(profiles.filter(isCorefluxProfile));
    for (const [profile, timer] of this.timers)
      if (!wanted.has(profile)) {
        clearInterval(timer);
        this.timers.delete(profile);
      }
    for (const profile of wanted) {
      if (this.timers.has(profile)) continue;
      const timer = setInterval(() => void this.publish(profile), PROFILE_INTERVAL_MS[profile]);
      timer.unref();
      this.timers.set(profile, timer);
    }
  }

  stop(): void {
    this.set([]);
  }
}
