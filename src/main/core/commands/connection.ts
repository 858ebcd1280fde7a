/** The broker link's commands: status, connect and disconnect, and the wizard's test and save. */
import type { ConnectionProfile, ConnectionState } from '../../../shared/contract';
import { err, ok, type ApiError } from '../../../shared/result';
import { testConnection } from '../broker/connection-test';
import type { ProfileStore } from '../broker/profile-store';
import type { CommandPart } from './part';

export interface ConnectionCommandDeps {
  clientId: string;
  /** Saved broker profiles (the connection wizard); without it connection.save is refused. */
  profiles: ProfileStore | undefined;
  state(): ConnectionState;
  /** The profile connected with last, if any. */
  profile(): ConnectionProfile | null;
  connect(profile: ConnectionProfile): Promise<ApiError | null>;
  disconnect(): Promise<void>;
}

export function connectionCommands(
  deps: ConnectionCommandDeps,
): CommandPart<
  | 'connection.status'
  | 'connection.pickPem'
  | 'connection.connect'
  | 'connection.disconnect'
  | 'connection.test'
  | 'connection.save'
  | 'connection.list'
  | 'connection.testSaved'
  | 'connection.delete'
> {
  const noPlace = () => err('internal', 'This Kilowatch was started without a place to save connections.');
  return {
    'connection.status': () => ok(deps.state()),
    // The desktop adapter answers this with a file dialog; headless has no screen to show one.
    'connection.pickPem': () =>
      err(
        'not-found',
        'Choosing a file this way needs the desktop app: pick or paste the PEM in the form instead.',
      ),
    'connection.connect': async ({ name }) => {
      let profile = deps.profile();
      // A name means a saved profile, read afresh (the wizard may have just saved it).
      if (name && deps.profiles) {
        const saved = await deps.profiles.get(name);
        if (!saved.ok && saved.error.code !== 'not-found') return saved;
        if (saved.ok) profile = saved.value;
      }
      if (!profile || (name && name !== profile.name)) {
        return err(
          'not-found',
          name ? `No saved connection named "${name}".` : 'No broker is configured yet.',
        );
      }
      const failure = await deps.connect(profile);
      if (failure) return { ok: false, error: failure };
      // Connecting to a saved connection by name makes it the one connected to at start.
      if (name && deps.profiles && deps.profiles.active() !== name) {
        const activated = await deps.profiles.activate(name);
        if (!activated.ok) return activated;
      }
      return ok(deps.state());
    },
    'connection.disconnect': async () => {
      await deps.disconnect();
      return ok(deps.state());
    },
    'connection.test': async ({ profile }) => {
      // An edited saved profile arrives without its stored secrets; they are joined back only
      // when it goes exactly where they were saved for (ProfileStore.isSameDestination).
      const full = deps.profiles ? await deps.profiles.fillSecrets(profile) : ok(profile);
      if (!full.ok) return full;
      return testConnection(full.value, {
        clientId: deps.clientId,
        extraFilters: [`${deps.clientId}/rpc`],
      });
    },
    'connection.save': async ({ profile, activate }) => {
      if (!deps.profiles) return noPlace();
      return deps.profiles.save(profile, activate);
    },
    'connection.list': () => ok({ profiles: deps.profiles ? deps.profiles.list() : [] }),
    'connection.testSaved': async ({ name }) => {
      if (!deps.profiles) return noPlace();
      const saved = await deps.profiles.get(name);
      if (!saved.ok) return saved;
      return testConnection(saved.value, { clientId: deps.clientId, extraFilters: [`${deps.clientId}/rpc`] });
    },
    'connection.delete': async ({ name }) => {
      if (!deps.profiles) return noPlace();
      return deps.profiles.remove(name);
    },
  };
}
