/** `npm run serve -- [flags]`; each flag can also come from kilowatch.toml, and a flag wins. */
import { parseArgs } from 'node:util';
import { redactCredentials, safeBrokerUrl } from '../core/broker/options';

export interface ServeFlags {
  demo: boolean;
  config?: string;
  broker?: string;
  subscribe: string[];
  db?: string;
  dataDir?: string;
  port?: number;
  host?: string;
  publishIntervalS?: number;
  outPrefix?: string;
  rebuildRollups: boolean;
  hashPassword: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run serve -- [flags]
  --demo                 run against an embedded broker with a simulated Shelly fleet
  --config FILE          kilowatch.toml (default: ./kilowatch.toml when present)
  --broker URL           mqtt://, mqtts://, ws:// or wss:// (password: KILOWATCH_BROKER_PASSWORD)
  --subscribe FILTER     topic filter, repeatable (default: [company] topic, else #)
  --db FILE              SQLite file (default: kilowatch.db in the data folder)
  --data-dir DIR         the data folder: database, saved connections, API token, logs
                         (default: the user data folder, or the folder of --db)
  --port N               HTTP port (default 5178; 0 = any free port)
  --host ADDR            listen address (default 127.0.0.1, loopback only; any other needs KILOWATCH_TOKEN)
  --publish-interval S   seconds between published aggregates (default 15)
  --out-prefix P         topic prefix of published aggregates (default kilowatch)
  --rebuild-rollups      recompute hour/day/week/month totals from the minutes, report, and exit
  --hash-password        read a password on standard input, print its hash for [[server.users]], and exit`;

export function parseFlags(argv: string[]): { flags: ServeFlags } | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        demo: { type: 'boolean', default: false },
        config: { type: 'string' },
        broker: { type: 'string' },
        subscribe: { type: 'string', multiple: true, default: [] },
        db: { type: 'string' },
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'publish-interval': { type: 'string' },
        'out-prefix': { type: 'string' },
        'rebuild-rollups': { type: 'boolean', default: false },
        'hash-password': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    // parseArgs quotes what it did not expect, which may be a broker URL with its password.
    return { error: redactCredentials(e instanceof Error ? e.message : String(e)) };
  }
  const number = (
    name: string,
    raw: string | undefined,
    min: number,
    max: number,
  ): number | undefined | string => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    return Number.isFinite(n) && n >= min && n <= max
      ? n
      : `--${name} must be a number from ${min} to ${max}, got "${raw}"`;
  };
  const port = number('port', values.port, 0, 65535);
  if (typeof port === 'string') return { error: port };
  const interval = number('publish-interval', values['publish-interval'], 0.05, 86400);
  if (typeof interval === 'string') return { error: interval };
  if (values['data-dir'] !== undefined && values['data-dir'].trim() === '')
    return { error: '--data-dir needs a folder, e.g. --data-dir /var/lib/kilowatch' };
  if (values.broker !== undefined && !/^(mqtts?|wss?):\/\/\S+$/.test(values.broker)) {
    return {
      error: `--broker "${safeBrokerUrl(values.broker)}" must start with mqtt://, mqtts://, ws:// or wss://`,
    };
  }
  return {
    flags: {
      demo: values.demo ?? false,
      subscribe: values.subscribe ?? [],
      help: values.help ?? false,
      rebuildRollups: values['rebuild-rollups'] ?? false,
      hashPassword: values['hash-password'] ?? false,
      ...(values.config !== undefined && { config: values.config }),
      ...(values.broker !== undefined && { broker: values.broker }),
      ...(values.db !== undefined && { db: values.db }),
      ...(values['data-dir'] !== undefined && { dataDir: values['data-dir'] }),
      ...(port !== undefined && { port }),
      ...(values.host !== undefined && { host: values.host }),
      ...(interval !== undefined && { publishIntervalS: interval }),
      ...(values['out-prefix'] !== undefined && { outPrefix: values['out-prefix'] }),
    },
  };
}
