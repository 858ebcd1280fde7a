/**
 * Which topic layouts the aggregator publishes (README "Coreflux-compatible topics"): Kilowatch's
 * own `<prefix>/…/energy`, and the layouts of the two public Coreflux examples, so dashboards
 * built on them keep working. One list, checked here, for kilowatch.toml and for a change at run
 * time alike.
 */
import {
  describeIssues,
  PUBLISH_PROFILES,
  PublishProfilesSchema,
  type PublishProfile,
} from '../../../shared/contract';
import { err, ok, type ApiError, type Result } from '../../../shared/result';

// The names and their check live in the contract: the settings screen offers and sends them too.
export { PUBLISH_PROFILES, PublishProfilesSchema, type PublishProfile };
export type CorefluxProfile = Exclude<PublishProfile, 'kilowatch'>;

export const DEFAULT_PUBLISH_PROFILES: readonly PublishProfile[] = ['kilowatch'];

/**
 * Each example's own period: the C# worker publishes every 10 s whatever changed, the Python
 * aggregator looks every 15 s. Dashboards built on them expect these, so the console's publish
 * interval (Kilowatch's own topics) does not apply.
 */
export const PROFILE_INTERVAL_MS: Readonly<Record<CorefluxProfile, number>> = {
  'coreflux-csharp': 10_000,
  'coreflux-python': 15_000,
};

/** A profile list from anywhere (a future settings screen, a script), checked as the file's is. */
export function checkPublishProfiles(list: unknown): Result<readonly PublishProfile[], ApiError> {
  const parsed = PublishProfilesSchema.safeParse(list);
  if (!parsed.success) return err('invalid-params', `publish profiles: ${describeIssues(parsed.error)}`);
  return ok(parsed.data);
}

export const isCorefluxProfile = (p: PublishProfile): p is CorefluxProfile => p !== 'kilowatch';
