/**
 * Which topics are this console's own outputs, never device data, although it may subscribe to
 * the same root: its aggregates under the publish prefix, the Coreflux profiles' topics while
 * they are on, and its Home Assistant discovery configs while discovery is on. One question for
 * ingest's hot path, answered here; the settings screen changes the prefix and the profiles.
 */
import { isCorefluxOutput } from './coreflux-profiles';
import { isDiscoveryConfigTopic } from './ha-discovery';
import type { PublishProfile } from './publish-profiles';

export class OwnTopics {
  private prefix: string;
  private profiles: ReadonlySet<PublishProfile>;

  constructor(
    outPrefix: string,
    profiles: readonly PublishProfile[],
    private readonly homeAssistantPrefix: string | null,
  ) {
    this.prefix = `${outPrefix}/`;
    this.profiles = new Set(profiles);
  }

  setOutPrefix(outPrefix: string): void {
    this.prefix = `${outPrefix}/`;
  }

  setProfiles(profiles: readonly PublishProfile[]): void {
    this.profiles = new Set(profiles);
  }

  has(topic: string): boolean {
    return (
      topic.startsWith(this.prefix) ||
      isCorefluxOutput(topic, this.profiles) ||
      (this.homeAssistantPrefix !== null && isDiscoveryConfigTopic(topic, this.homeAssistantPrefix))
    );
  }
}
