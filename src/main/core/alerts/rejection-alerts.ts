/** Rejected messages become at most one alert per reason per interval, never a storm. */
import type { RaisedAlert } from '../../../shared/contract';
import { alertId } from '../alert-id';
import { FLOOD_REJECTION } from '../flood-guard';
import type { IngestStats } from '../stats';
import { rejectedMessagesWords } from './rejection-words';

export class RejectionAlerts {
  /** Each reason's count as last said. */
  private readonly said = new Map<string, number>();

  constructor(
    private readonly deps: { stats: IngestStats; clock: () => number; alert(alert: RaisedAlert): void },
  ) {}

  /** Says, per reason, how many messages were rejected since the last time it said so. */
  check(): void {
    const { stats } = this.deps;
    for (const [reason, total] of stats.rejected) {
      // A flood is said by its own alerts, once when it starts and once when it ends.
      if (reason === FLOOD_REJECTION) continue;
      // Rejected readings of a known channel have their own alerts, naming the channel (ingest).
      const count = total - (stats.attributed.get(reason) ?? 0);
      const before = this.said.get(reason) ?? 0;
      if (count === before) continue;
      this.said.set(reason, count);
      const sample = stats.sampleOf(reason);
      const now = this.deps.clock();
      this.deps.alert({
        id: alertId(`rejected:${reason}`, now),
        at: new Date(now).toISOString(),
        severity: 'warning',
        kind: 'message-rejected',
        message: rejectedMessagesWords(reason, count - before),
        detail: { reason, count: count - before, ...(sample && { sample }) },
      });
    }
  }
}
