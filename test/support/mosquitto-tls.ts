/**
 * Real brokers for the connection wizard's tests: a throwaway PKI made with the openssl CLI at
 * test time (never a checked-in key), Mosquitto configs for plain, password, TLS, client
 * certificates and a subscription ACL, and a broker that can be restarted on the same port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './mosquitto';

export interface CertPair {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** The CA that issues the brokers' certificates ("CN=Kilowatch Test CA"). */
  ca: { path: string; pem: string };
  /** For localhost and 127.0.0.1 (subjectAltName), valid 30 days. */
  server: CertPair;
  /** For broker.elsewhere.example only. */
  wrongHost: CertPair;
  /** For localhost, valid 2020-01-01 to 2020-02-01. */
  expired: CertPair;
  /** The CA the broker trusts for client certificates ("CN=Kilowatch Client CA"). */
  clientCa: { path: string; pem: string };
  /** CN=frontdesk, issued by the client CA. */
  client: CertPair;
  /** The same client certificate with its key encrypted under `passphrase`. */
  encryptedClientKey: { key: string; passphrase: string };
  /** A client certificate from a CA nobody trusts. */
  rogueClient: CertPair;
  remove(): void;
}

const openssl = (cwd: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Generates every certificate the tests use (EC P-256 keys: quick). */
export function makePki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'kw-pki-'));
  const file = (name: string) => join(dir, name);
  const read = (name: string) => readFileSync(file(name), 'utf8');

  writeFileSync(
    file('openssl.cnf'),
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = unused',
      '[v3_ca]',
      'basicConstraints = critical,CA:TRUE',
      'keyUsage = critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier = hash',
      '[server]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = DNS:localhost,IP:127.0.0.1',
      '[wrong_host]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = DNS:broker.elsewhere.example',
      '[client]',
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature',
      'extendedKeyUsage = clientAuth',
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = none',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '1000\n');
  const cnf = ['-config', file('openssl.cnf')];

  const makeCa = (name: string, cn: string) =>
    openssl(dir, [
      'req', ...cnf, '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.pem`,
      '-days', '30', '-subj', `/CN=${cn}`, '-extensions', 'v3_ca',
    ]); // prettier-ignore
  const request = (name: string, cn: string) =>
    openssl(dir, [
      'req',
      ...cnf,
      '-new',
      ...EC,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${cn}`,
    ]);
  const sign = (name: string, ca: string, extensions: string) =>
    openssl(dir, [
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`,
      '-CAcreateserial', '-out', `${name}.pem`, '-days', '30',
      '-extfile', file('openssl.cnf'), '-extensions', extensions,
    ]); // prettier-ignore
  const pair = (name: string): CertPair => ({
    certPath: file(`${name}.pem`),
    keyPath: file(`${name}.key`),
    cert: read(`${name}.pem`),
    key: read(`${name}.key`),
  });

  makeCa('ca', 'Kilowatch Test CA');
  makeCa('client-ca', 'Kilowatch Client CA');
  makeCa('rogue-ca', 'Somebody Else CA');

  request('server', 'localhost');
  sign('server', 'ca', 'server');
  request('wrong-host', 'broker.elsewhere.example');
  sign('wrong-host', 'ca', 'wrong_host');
  // `openssl ca` is the CLI's way to set explicit validity dates (x509 -days cannot go back).
  request('expired', 'localhost');
  openssl(dir, [
    'ca', ...cnf, '-batch', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'expired.csr',
    '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z',
    '-extfile', file('openssl.cnf'), '-extensions', 'server', '-notext',
  ]); // prettier-ignore

  request('client', 'frontdesk');
  sign('client', 'client-ca', 'client');
  const passphrase = 'key-passphrase-4711';
  openssl(dir, [
    'pkey', '-in', 'client.key', '-out', 'client-encrypted.key', '-aes-256-cbc', '-passout', `pass:${passphrase}`,
  ]); // prettier-ignore
  request('rogue-client', 'frontdesk');
  sign('rogue-client', 'rogue-ca', 'client');

  return {
    dir,
    ca: { path: file('ca.pem'), pem: read('ca.pem') },
    server: pair('server'),
    wrongHost: pair('wrong-host'),
    expired: pair('expired'),
    clientCa: { path: file('client-ca.pem'), pem: read('client-ca.pem') },
    client: pair('client'),
    encryptedClientKey: { key: read('client-encrypted.key'), passphrase },
    rogueClient: pair('rogue-client'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---- brokers -----------------------------------------------------------------------------------

export interface Broker {
  port: number;
  pid: number;
  /** e.g. url('mqtts', 'localhost') → mqtts://localhost:<port> */
  url(scheme?: 'mqtt' | 'mqtts' | 'ws' | 'wss', host?: string): string;
  stop(): Promise<void>;
  /** Stops and starts the same config on the same port (a broker restart). */
  restart(downMs?: number): Promise<void>;
  /** Everything Mosquitto printed (errors and warnings). */
  log(): string;
}

/**
 * A private Mosquitto on a loopback port with `lines` in its listener section. Run as root (as
 * in CI containers), Mosquitto would drop to its own user and could not read the temp files, so
 * the config names the current user (ignored when not root).
 */
export async function startBroker(lines: string[], options: { port?: number } = {}): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'kw-broker-'));
  const port = options.port ?? (await freePort());
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      ...(process.env.MOSQ_DEBUG ? ['log_type all'] : []),
      `user ${userInfo().username}`,
      'max_queued_messages 0',
      'max_inflight_messages 0',
      `listener ${port} 127.0.0.1`,
      ...(lines.some((l) => l.startsWith('allow_anonymous')) ? [] : ['allow_anonymous true']),
      ...lines,
      '',
    ].join('\n'),
  );
  let output = '';
  let child: ChildProcess;
  const launch = async () => {
    child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitForPort(port, child, () => output);
  };
  const halt = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid as number, 'SIGTERM');
    });
  await launch();
  return {
    port,
    get pid() {
      return child.pid as number;
    },
    url: (scheme = 'mqtt', host = '127.0.0.1') => `${scheme}://${host}:${port}`,
    stop: async () => {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async (downMs = 300) => {
      await halt();
      await new Promise((r) => setTimeout(r, downMs));
      await launch();
    },
    log: () => output,
  };
}

/** A Mosquitto password file made with mosquitto_passwd -b. */
export function passwordFile(dir: string, users: Record<string, string>): string {
  const path = join(dir, `passwd-${Math.random().toString(16).slice(2, 8)}`);
  writeFileSync(path, '', { mode: 0o600 });
  for (const [user, password] of Object.entries(users))
    execFileSync('mosquitto_passwd', ['-b', path, user, password]);
  return path;
}

/** The listener lines for TLS with one of the PKI's server certificates. */
export function tlsLines(pki: TestPki, which: 'server' | 'wrongHost' | 'expired' = 'server'): string[] {
  return [`certfile ${pki[which].certPath}`, `keyfile ${pki[which].keyPath}`];
}

/** TLS that also demands a client certificate issued by the client CA. */
export function mutualTlsLines(pki: TestPki): string[] {
  return [...tlsLines(pki), `cafile ${pki.clientCa.path}`, 'require_certificate true'];
}

/** Where the distribution put Mosquitto's dynamic-security plugin. */
export function dynsecPlugin(): string {
  const name = 'mosquitto_dynamic_security.so';
  const candidates = [
    ...readdirSync('/usr/lib', { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join('/usr/lib', d.name, name)),
    join('/usr/lib', name),
    join('/usr/local/lib', name),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${name} is not installed (Debian: part of the mosquitto package)`);
  return found;
}

/**
 * Mosquitto's acl_file never refuses a SUBSCRIBE (2.0.11 grants it and filters delivery), so a
 * refused subscription needs the dynamic-security plugin: `user` may subscribe to `allowed` only
 * (its default for subscriptions is deny). The password hash comes from `mosquitto_ctrl dynsec init`.
 */
export function dynsecLines(dir: string, user: string, password: string, allowed: string[]): string[] {
  const folder = join(dir, `dynsec-${Math.random().toString(16).slice(2, 8)}`);
  mkdirSync(folder);
  const path = join(folder, 'dynamic-security.json');
  execFileSync('mosquitto_ctrl', ['dynsec', 'init', path, user, password], { stdio: 'ignore' });
  const config = JSON.parse(readFileSync(path, 'utf8')) as {
    roles: { rolename: string; acls: unknown[] }[];
  };
  for (const role of config.roles) {
    role.acls = allowed.flatMap((topic) => [
      { acltype: 'subscribePattern', topic, allow: true },
      { acltype: 'publishClientSend', topic, allow: true },
      { acltype: 'publishClientReceive', topic, allow: true },
    ]);
  }
  writeFileSync(path, JSON.stringify(config));
  return ['allow_anonymous false', `plugin ${dynsecPlugin()}`, `plugin_opt_config_file ${path}`];
}
