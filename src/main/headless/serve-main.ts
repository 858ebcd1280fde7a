/**
 * `npm run serve`: the same core as the desktop app, behind HTTP + WebSocket, serving the built
 * renderer. Every failure a user can cause ends in one line that says what and how to fix it.
 * Started by serve.ts (the entry), once the main thread's young generation is held.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import type { ConnectionProfile } from '../../shared/contract';
import { defaultConfig, loadConfig, type Config, type PinnedSettings } from '../core/config';
import { defaultDataDir } from '../core/data-dir';
import { ProfileStore } from '../core/broker/profile-store';
import { FileSecretStore } from '../core/broker/secret-store';
import { profileFromConfig } from '../core/profile-from-config';
import { pollTargets } from '../core/polling/poll-targets';
import type { BackfillReport } from '../demo/backfill';
import { configuredToken, writeStartToken, type ApiToken } from './api-token';
import { isLoopbackHost } from './host-allowlist';
import { brokerAtStart } from './broker-start';
import { createBridge } from './http-bridge';
import { startCore } from './start-core';
import { WORKER_ENTRY } from '../worker/core-host';
import { parseFlags, USAGE } from './flags';
import type { Logger } from '../core/dispatch';
import { logDirOf } from '../core/diagnostics/log-files';
import { kilowatchVersion } from '../core/diagnostics/versions';
import { logConsoleEvents } from '../log/console-events';
import { resolveLogLevel } from '../log/log-level';
import { hashPasswordFromStdin } from './hash-password';
import { openLog, type AppLog } from '../log/open-log';

/** The log files in the data folder, once it is known; until then the terminal only. */
let appLog: AppLog | null = null;

const log: Logger = (message, error) => {
  if (appLog) return appLog.log(message, error);
  console.error(`kilowatch: ${message}`);
  if (error instanceof Error && error.stack) console.error(error.stack);
};

/** Prints one line (and logs it) and exits: the entry point is the only place that exits. */
function fail(message: string, code = 1): never {
  if (appLog) appLog.logger.fatal(message);
  else console.error(`kilowatch: ${message}`);
  process.exit(code);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** `entryDir`: the built entry's folder, beside which the worker's and the renderer's files are. */
async function main(entryDir: string): Promise<void> {
  const parsed = parseFlags(process.argv.slice(2));
  if ('error' in parsed) fail(`${parsed.error}\n${USAGE}`, 2);
  const { flags } = parsed;
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  if (flags.hashPassword) {
    const hashed = await hashPasswordFromStdin();
    if ('error' in hashed) fail(hashed.error, 2);
    console.log(hashed.hash);
    return;
  }

  let config: Config = defaultConfig();
  let pinned: PinnedSettings = {};
  const configPath = flags.config ?? (existsSync('kilowatch.toml') ? 'kilowatch.toml' : undefined);
  if (configPath) {
    const loaded = loadConfig(configPath);
    if (!loaded.ok) fail(loaded.error.message);
    ({ config, pinned } = loaded.value);
  }
  // A flag wins over the file, and over the settings screen, as the file does.
  if (flags.outPrefix !== undefined)
    pinned = { ...pinned, publishPrefix: { by: 'flag', where: 'the --out-prefix flag' } };
  if (flags.publishIntervalS !== undefined)
    pinned = { ...pinned, publishIntervalS: { by: 'flag', where: 'the --publish-interval flag' } };

  const logLevel = resolveLogLevel(config.logging.level, process.env);
  if (!logLevel.ok) fail(logLevel.error.message);

  const timeZone = config.site.timezone;
  const host = flags.host ?? config.server.host;
  const operatorToken = configuredToken(config.server.token, process.env);
  if (!operatorToken.ok) fail(operatorToken.error.message);
  // Off loopback, or reached under other names (a reverse proxy on this machine forwards everyone
  // from 127.0.0.1), anyone on the network reaches the console: it signs them in with a token, or
  // does not start. A token set on a loopback-only console (a PC shared by several users) also
  // makes the page ask for it, instead of handing a session to every local process.
  const isShared = !isLoopbackHost(host) || config.server.hosts.length > 0;
  if (isShared && operatorToken.value === null) {
    fail(
      `refusing to listen on ${host}${config.server.hosts.length > 0 ? ` (also as ${config.server.hosts.join(', ')})` : ''} ` +
        `without an access token: anyone on the network could switch relays. ` +
        `Set KILOWATCH_TOKEN (e.g. KILOWATCH_TOKEN=$(openssl rand -hex 32)) or [server] token in kilowatch.toml, ` +
        `or keep the console on this machine with --host 127.0.0.1 and no [server] hosts.`,
    );
  }
  // Named users mean people are meant to sign in as themselves, on loopback too.
  const loginRequired = isShared || operatorToken.value !== null || config.server.users.length > 0;
  const profileResult = profileFromConfig(config, flags, process.env);
  if (!profileResult.ok) fail(profileResult.error.message);
  // Profiles saved by the connection wizard live beside the database; secrets in a 0600 file.
  const explicitDb = flags.db ?? config.storage.path;
  const dataDir = flags.dataDir
    ? resolve(flags.dataDir)
    : explicitDb
      ? dirname(resolve(explicitDb))
      : defaultDataDir();
  const logs = await openLog({ dir: logDirOf(dataDir), level: logLevel.value, echo: process.stderr });
  if (!logs.ok) fail(logs.error.message);
  appLog = logs.value;
  const version = kilowatchVersion();
  appLog.fileLogger.info(
    { version, node: process.versions.node, dataDir, logLevel: logLevel.value },
    `Kilowatch ${version ?? '(version unknown)'} starting (data folder ${dataDir})`,
  );
  const profiles = ProfileStore.open(dataDir, new FileSecretStore(dataDir), { env: process.env });
  if (!profiles.ok) fail(profiles.error.message);
  let configured = profileResult.value;
  // No --broker and no [[broker]] in kilowatch.toml: the last active saved profile reconnects.
  if (configured === null && !flags.demo) {
    const active = await profiles.value.activeProfile();
    if (!active.ok) fail(active.error.message);
    configured = active.value;
  }
  const isDemo = flags.demo || configured === null;
  // KILOWATCH_DEMO_HISTORY=off: a demo that counts from now only (tests of exact live figures).
  const demoHistorySetting = process.env.KILOWATCH_DEMO_HISTORY ?? 'on';
  if (demoHistorySetting !== 'on' && demoHistorySetting !== 'off')
    fail(`KILOWATCH_DEMO_HISTORY is "${demoHistorySetting}"; use "on" (the default) or "off".`);
  const dbPath = resolve(
    flags.db ?? config.storage.path ?? join(dataDir, isDemo ? 'kilowatch-demo.db' : 'kilowatch.db'),
  );
  const polled = pollTargets(config.poll);
  if (!polled.ok) fail(polled.error.message);
  const demoParts = isDemo ? await loadDemoParts() : null;
  // The demo's plugs not on MQTT answer HTTP on loopback before the console starts polling them.
  const demoPlugs = demoParts && !flags.rebuildRollups ? await demoParts.startDemoHttpDevices() : null;

  const openOptions = {
    dbPath,
    outPrefix: flags.outPrefix ?? config.publish.prefix,
    publishIntervalS: flags.publishIntervalS ?? config.publish.intervalS,
    publishProfiles: config.publish.profiles,
    homeAssistant: config.homeassistant,
    headOfficeSites: config.headoffice.sites,
    night: { fromHour: config.insight.nightFrom, toHour: config.insight.nightTo },
    ...(config.tariff && { tariff: config.tariff }),
    isDemo,
    minuteDays: config.storage.retention.minuteDays,
    meterRoles: config.meter,
    poll: [...polled.value, ...(demoPlugs?.targets ?? [])],
    ...(demoPlugs && { alsoScan: demoPlugs.scanAddresses }),
    ...(demoParts && { seedRoles: demoParts.DEMO_ROLES }),
    // A rebuild reads a file as it is: it never gives it the demo's tariff (which would price it).
    ...(demoParts && !flags.rebuildRollups && { seedTariff: demoParts.DEMO_TARIFF }),
    ...(timeZone && { timeZone }),
    ...(config.site.language && { language: config.site.language }),
    pinned,
    dataDir,
    diagnostics: { logDir: appLog.dir, config },
  };
  if (flags.rebuildRollups) {
    // A one-shot job with nothing to keep responsive (and no devices to poll): the console on this thread does it.
    const { openConsole } = await import('../core/open-console');
    const opened = openConsole({ ...openOptions, poll: [], profiles: profiles.value });
    if (!opened.ok) fail(opened.error.message);
    const { console: core, store } = opened.value;
    const report = core.rebuildRollups();
    await core.close();
    store.close();
    console.log(
      report.fromMinute === null
        ? 'kilowatch: no minute rows to rebuild from.'
        : `kilowatch: rebuilt ${report.buckets} hour/day/week/month buckets from ${report.minutes} minute rows ` +
            `(since ${new Date(report.fromMinute * 60_000).toISOString()}); ${report.differed} differed and were rewritten.`,
    );
    return;
  }
  const started = await startCore(openOptions, dataDir, profiles.value, join(entryDir, WORKER_ENTRY), log);
  if (!started.ok) fail(started.error.message);
  const core = started.value;
  logConsoleEvents(core.api, appLog.fileLogger);

  // Without an operator's token, scripts on this machine read this start's from a 0600 file.
  let apiToken: ApiToken;
  if (operatorToken.value) apiToken = operatorToken.value;
  else {
    const written = writeStartToken(dataDir);
    if (!written.ok) {
      await core.api.close();
      fail(written.error.message);
    }
    apiToken = written.value;
  }

  let demo: Awaited<ReturnType<DemoParts['startDemo']>> | null = null;
  let demoHistory: Promise<BackfillReport> | null = null;
  let profile: ConnectionProfile;
  if (demoParts) {
    demo = await demoParts.startDemo();
    profile = { name: 'demo', url: demo.url, protocolVersion: 4, keepaliveS: 30, subscribe: ['#'] };
    // Registers the fleet before it is heard; the months of history follow while the console serves.
    if (demoHistorySetting === 'on') demoHistory = core.backfillDemo(demo.seed);
  } else {
    profile = configured as ConnectionProfile;
  }

  const rendererDir = join(entryDir, '../renderer');
  const server = createBridge(
    core.api,
    existsSync(join(rendererDir, 'index.html')) ? rendererDir : null,
    log,
    {
      host,
      hosts: config.server.hosts,
      apiToken: apiToken.token,
      loginRequired,
      users: config.server.users.map((u) => ({ name: u.name, role: u.role, passwordHash: u.password_hash })),
    },
  );
  const wantedPort = flags.port ?? config.server.port;

  const shutdown = async (signal: string) => {
    console.error(`kilowatch: ${signal}: saving and disconnecting…`);
    appLog?.fileLogger.info({ signal }, 'stopping: saving and disconnecting');
    server.close();
    const saved = await core.api.close();
    await demo?.stop();
    await demoPlugs?.stop();
    if (!saved)
      fail('some readings could not be saved (see the storage error above); the next start recounts them.');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  // Only a configuration mistake ends start-up; an unreachable broker is retried (broker-start.ts).
  const connecting = core.api.connect(profile);
  const failure = isDemo ? await connecting : await brokerAtStart(connecting, log);
  if (failure) {
    await core.api.close();
    await demo?.stop();
    fail(failure.message);
  }

  let port: number;
  try {
    port = await listen(server, wantedPort, host);
  } catch (e) {
    const code = (e as { code?: string }).code;
    await core.api.close();
    await demo?.stop();
    if (code === 'EADDRINUSE')
      fail(
        `port ${wantedPort} on ${host} is already in use. Stop the other program or pick another with --port N.`,
      );
    if (code === 'EADDRNOTAVAIL')
      fail(`${host} is not an address of this machine. Use --host 127.0.0.1 or one of its own addresses.`);
    if (code === 'EACCES')
      fail(`not allowed to listen on port ${wantedPort}. Pick a port above 1023 with --port N.`);
    throw e;
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  console.log(`Kilowatch is running at http://${shownHost}:${port}/`);
  console.log(
    `  broker: ${core.api.connectionState().broker}${isDemo ? ' (demo: embedded broker with a simulated fleet)' : ''}; database: ${dbPath}`,
  );
  // The token itself is never printed: output ends up in logs others can read.
  console.log(
    apiToken.source === 'file'
      ? `  API token for scripts (Authorization: Bearer …): in ${apiToken.path}, new at every start`
      : `  API token: from ${apiToken.source}${loginRequired ? '; browsers sign in at /login' : ''}`,
  );
  void demoHistory?.then(
    (report) => console.log(`  ${demoParts?.describeBackfill(report)}`),
    (error: unknown) => log('the demo history could not be written', error),
  );
}

/**
 * The demo's parts (its fleet and broker, the HTTP plugs, its roles, tariff and history), loaded
 * only for a demo. Imported statically they brought the whole core onto this thread, which on a
 * real site only relays to the core's worker: without them this thread's heap is 17.8 MB instead of
 * 22.5, and mqtt.js, better-sqlite3 and luxon are not loaded here (bench memory-peak).
 */
async function loadDemoParts() {
  const [{ startDemo }, { startDemoHttpDevices }, { describeBackfill }, { DEMO_ROLES }, { DEMO_TARIFF }] =
    await Promise.all([
      import('../demo'),
      import('../demo/http-devices'),
      import('../demo/backfill'),
      import('../demo/demo-roles'),
      import('../demo/demo-tariff'),
    ]);
  return { startDemo, startDemoHttpDevices, describeBackfill, DEMO_ROLES, DEMO_TARIFF };
}
type DemoParts = Awaited<ReturnType<typeof loadDemoParts>>;

export function serve(entryDir: string): void {
  main(entryDir).catch((e: unknown) => {
    log('could not start', e);
    process.exit(1);
  });
}
