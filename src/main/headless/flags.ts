/** `npm run serve -- [flags]`; each flag can also come from kilowatch.toml, and a flag wins. */
import { parseArgs } from 'node:util';
import { redactCredentials, safeBrokerUrl } from '../core/broker/options';

export interface ServeFlags {
  demo: boolean;
  config?: string;
  broker?: string;
  subscribe: string[];
  db?: string;
  port?: number;
  host?: string;
  publishIntervalS?: number;
  outPrefix?: string;
  rebuildRollups: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run serve -- [flags]
  --demo                 run against an embedded broker with a simulated Shelly fleet
  --config FILE          kilowatch.toml (default: ./kilowatch.toml when present)
  --broker URL           mqtt://, mqtts://, ws:// or wss:// (password: KILOWATCH_BROKER_PASSWORD)
  --subscribe FILTER     topic filter, repeatable (default: [company] topic, else #)
  --db FILE              SQLite file (default: the user data folder)
  --port N               HTTP port (default 5178; 0 = any free port)
  --host ADDR            listen address (default 127.0.0.1, loopback only; any other needs KILOWATCH_TOKEN)
  --publish-interval S   seconds between published aggregates (default 15)
  --out-prefix P         topic prefix of published aggregates (default kilowatch)
  --rebuild-rollups      recompute hour/day/week/month totals from the minutes, report, and exit`;

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
        port: { type: 'string' },
        host: { type: 'string' },
        'publish-interval': { type: 'string' },
        'out-prefix': { type: 'string' },
        'rebuild-rollups': { type: 'boolean', default: false },
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
      ...(values.config !== undefined && { config: values.config }),
      ...(values.broker !== undefined && { broker: values.broker }),
      ...(values.db !== undefined && { db: values.db }),
      ...(port !== undefined && { port }),
      ...(values.host !== undefined && { host: values.host }),
      ...(interval !== undefined && { publishIntervalS: interval }),
      ...(values['out-prefix'] !== undefined && { outPrefix: values['out-prefix'] }),
    },
  };
}
