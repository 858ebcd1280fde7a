import { useEffect, useState } from 'react';
import type { ConnectionSummary, StorageInfo } from '../../../../shared/contract';
import { api, refreshConnection } from '../../state/actions';
import { useUi } from '../../state/ui';
import { ConsoleSettings } from '../settings/ConsoleSettings';
import { RebuildHistory } from '../settings/RebuildHistory';
import { Dialog } from './Dialog';

const megabytes = (bytes: number): string =>
  bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

/** The wizard's starting point for an edit: the saved profile without what only the core holds. */
function editable(p: ConnectionSummary) {
  return {
    name: p.name,
    url: p.url,
    protocolVersion: p.protocolVersion,
    keepaliveS: p.keepaliveS,
    subscribe: p.subscribe,
    ...(p.clientId !== undefined && { clientId: p.clientId }),
    ...(p.username !== undefined && { username: p.username }),
    ...(p.tls && {
      tls: {
        rejectUnauthorized: p.tls.rejectUnauthorized,
        ...(p.tls.servername !== undefined && { servername: p.tls.servername }),
      },
    }),
  };
}

/**
 * Settings: the saved connections (connect to one, which makes it the one used at start; test it
 * as stored; edit it in the wizard; delete it), the console's own settings, and where the data
 * lives, with its size and "Rebuild history".
 */
export function SettingsDialog() {
  const close = useUi((s) => s.closeDialog);
  const [profiles, setProfiles] = useState<ConnectionSummary[] | null>(null);
  const [storage, setStorage] = useState<StorageInfo | null>(null);
  const [outcome, setOutcome] = useState<{ name: string; text: string; isProblem: boolean } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** Bumped after every action: the list and the sizes are read again. */
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let isCurrent = true;
    void Promise.all([api().invoke('connection.list', {}), api().invoke('storage.info', {})]).then(
      ([list, info]) => {
        if (!isCurrent) return;
        if (list.ok) setProfiles(list.value.profiles);
        else setError(list.error.message);
        if (info.ok) setStorage(info.value);
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [version]);

  /** Runs one action on a connection; what it says (a problem, or a test that passed) stays shown. */
  const act = async (
    name: string,
    what: string,
    run: () => Promise<{ text: string; isProblem: boolean } | null>,
  ): Promise<void> => {
    setBusy(`${what}:${name}`);
    setOutcome(null);
    const said = await run();
    setBusy(null);
    setOutcome(said ? { name, ...said } : null);
    setVersion((v) => v + 1);
  };
  const problem = (text: string) => ({ text, isProblem: true });
  const connect = (name: string) =>
    act(name, 'connect', async () => {
      const reply = await api().invoke('connection.connect', { name });
      await refreshConnection();
      return reply.ok ? null : problem(reply.error.message);
    });
  const test = (name: string) =>
    act(name, 'test', async () => {
      const reply = await api().invoke('connection.testSaved', { name });
      if (!reply.ok) return problem(reply.error.message);
      if (reply.value.passed)
        return { text: 'Test passed: connected, subscribed and heard.', isProblem: false };
      return problem(reply.value.failure?.message ?? 'The test did not pass.');
    });
  const remove = (name: string) => {
    if (!window.confirm(`Delete the saved connection “${name}” with its password and certificates?`)) return;
    void act(name, 'delete', async () => {
      const reply = await api().invoke('connection.delete', { name });
      return reply.ok ? null : problem(reply.error.message);
    });
  };
  const edit = (p: ConnectionSummary) => {
    close();
    useUi.getState().setWizardOpen(true, editable(p));
  };

  return (
    <Dialog
      title="Settings"
      testId="settings-dialog"
      onClose={close}
      actions={
        <button type="button" className="primary" onClick={close}>
          Close
        </button>
      }
    >
      <h3 className="settings-heading">Connections</h3>
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
      {profiles?.length === 0 && <p className="muted">No saved connection yet: use Connect… to add one.</p>}
      <ul className="settings-list" data-testid="settings-connections">
        {profiles?.map((p) => (
          <li key={p.name} data-testid="settings-connection" data-name={p.name} data-active={p.isActive}>
            <span className="settings-name">
              {p.name}
              {p.isActive && <span className="badge"> used at start</span>}
            </span>
            <span className="muted small">
              {p.url}
              {p.username ? ` · ${p.username}` : ''}
              {p.hasPassword ? ' · password saved' : ''}
              {p.tls?.hasCa ? ' · own CA' : ''}
              {p.tls?.hasCert ? ' · client certificate' : ''}
            </span>
            <span className="settings-actions">
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-connect"
                onClick={() => void connect(p.name)}
              >
                {busy === `connect:${p.name}` ? 'Connecting…' : 'Connect'}
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-test"
                onClick={() => void test(p.name)}
              >
                {busy === `test:${p.name}` ? 'Testing…' : 'Test'}
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-edit"
                onClick={() => edit(p)}
              >
                Edit…
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-delete"
                onClick={() => remove(p.name)}
              >
                Delete
              </button>
            </span>
            {outcome?.name === p.name && (
              <span
                className={outcome.isProblem ? 'field-problem' : 'muted'}
                role={outcome.isProblem ? 'alert' : 'status'}
                data-testid="settings-outcome"
              >
                {outcome.text}
              </span>
            )}
          </li>
        ))}
      </ul>
      <h3 className="settings-heading">Console</h3>
      <ConsoleSettings />
      <h3 className="settings-heading">Data</h3>
      {storage && (
        <dl className="settings-data" data-testid="settings-storage">
          <dt>Data folder</dt>
          <dd data-testid="settings-folder">{storage.folder}</dd>
          <dt>Size</dt>
          <dd data-testid="settings-size" data-bytes={storage.folderBytes}>
            {megabytes(storage.folderBytes)} (the database {megabytes(storage.dbBytes)})
          </dd>
          <dt>Schema version</dt>
          <dd>{storage.schemaVersion}</dd>
        </dl>
      )}
      <RebuildHistory />
    </Dialog>
  );
}
