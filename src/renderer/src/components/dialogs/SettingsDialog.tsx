import { useEffect, useState } from 'react';
import type { ConnectionSummary, StorageInfo } from '../../../../shared/contract';
import { t } from '../../i18n/words';
import { api, refreshConnection } from '../../state/actions';
import { useSettings } from '../../state/settings';
import { useUi } from '../../state/ui';
import { ConsoleSettings } from '../settings/ConsoleSettings';
import { RebuildHistory } from '../settings/RebuildHistory';
import { TariffSettings } from '../settings/TariffSettings';
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
  // Dialogs are not remounted when the language changes: re-render so a newly saved one shows here too.
  useSettings((s) => s.display);
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
      if (reply.value.passed) return { text: t('dialogs.settings.testPassed'), isProblem: false };
      return problem(reply.value.failure?.message ?? t('dialogs.settings.testFailed'));
    });
  const remove = (name: string) => {
    if (!window.confirm(t('dialogs.settings.confirmDelete', { name }))) return;
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
      title={t('dialogs.settings.title')}
      testId="settings-dialog"
      onClose={close}
      actions={
        <button type="button" className="primary" onClick={close}>
          {t('dialogs.close')}
        </button>
      }
    >
      <h3 className="settings-heading">{t('dialogs.settings.connections')}</h3>
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
      {profiles?.length === 0 && <p className="muted">{t('dialogs.settings.noConnections')}</p>}
      <ul className="settings-list" data-testid="settings-connections">
        {profiles?.map((p) => (
          <li key={p.name} data-testid="settings-connection" data-name={p.name} data-active={p.isActive}>
            <span className="settings-name">
              {p.name}
              {p.isActive && <span className="badge"> {t('dialogs.settings.usedAtStart')}</span>}
            </span>
            <span className="muted small">
              {p.url}
              {p.username ? ` · ${p.username}` : ''}
              {p.hasPassword ? ` · ${t('dialogs.settings.passwordSaved')}` : ''}
              {p.tls?.hasCa ? ` · ${t('dialogs.settings.ownCa')}` : ''}
              {p.tls?.hasCert ? ` · ${t('dialogs.settings.clientCert')}` : ''}
            </span>
            <span className="settings-actions">
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-connect"
                onClick={() => void connect(p.name)}
              >
                {busy === `connect:${p.name}`
                  ? t('dialogs.settings.connecting')
                  : t('dialogs.settings.connect')}
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-test"
                onClick={() => void test(p.name)}
              >
                {busy === `test:${p.name}` ? t('dialogs.settings.testing') : t('dialogs.settings.test')}
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-edit"
                onClick={() => edit(p)}
              >
                {t('dialogs.settings.edit')}
              </button>
              <button
                type="button"
                className="tool"
                disabled={busy !== null}
                data-testid="settings-delete"
                onClick={() => remove(p.name)}
              >
                {t('dialogs.settings.delete')}
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
      <h3 className="settings-heading">{t('dialogs.settings.console')}</h3>
      <ConsoleSettings />
      <h3 className="settings-heading">{t('tariff.section')}</h3>
      <TariffSettings />
      <h3 className="settings-heading">{t('dialogs.settings.data')}</h3>
      {storage && (
        <dl className="settings-data" data-testid="settings-storage">
          <dt>{t('dialogs.settings.folder')}</dt>
          <dd data-testid="settings-folder">{storage.folder}</dd>
          <dt>{t('dialogs.settings.size')}</dt>
          <dd data-testid="settings-size" data-bytes={storage.folderBytes}>
            {t('dialogs.settings.sizeValue', {
              folder: megabytes(storage.folderBytes),
              db: megabytes(storage.dbBytes),
            })}
          </dd>
          <dt>{t('dialogs.settings.schema')}</dt>
          <dd>{storage.schemaVersion}</dd>
        </dl>
      )}
      <RebuildHistory />
    </Dialog>
  );
}
