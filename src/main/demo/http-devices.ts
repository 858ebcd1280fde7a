/**
 * Simulated Shelly plugs that are not on MQTT: each answers its local HTTP API on its own
 * loopback port (Gen2+ `/rpc/<Method>` with digest authentication, Gen1 `/shelly` and `/status`
 * with basic authentication), from the same simulated meters and counters the fleet uses. The demo
 * console polls two of them (README "Devices not on MQTT"); the polling test drives them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { PollTarget } from '../core/polling/poll-targets';
import type { LoadSpec } from './load';
import { buildDevice } from './build-device';
import { Gen1Relay } from './gen1-devices';
import type { Gen2Device } from './gen2-device';
import { handleRpc } from './gen2-rpc';
import { toJson } from './json';
import { MODELS } from './models';
import { createPrng, deriveSeed } from './prng';
import type { DeviceSpec } from './site-plan';

export interface HttpPlugOptions {
  generation: 1 | 2;
  /** Gen2+: the topic prefix it is filed under; Gen1: ignored (`shellies/<id>`). */
  prefix?: string;
  /** Seeds its id, MAC and noise: the same name gives the same plug. */
  name: string;
  /** What is plugged in (default: 60–180 W, noisy). */
  load?: LoadSpec;
  /** Protects it: Gen2+ digest (user `admin`), Gen1 basic (user `username`, default `admin`). */
  password?: string;
  username?: string;
  seed?: number;
  clock?: () => number;
}

export interface HttpPlug {
  readonly url: string;
  readonly id: string;
  readonly generation: 1 | 2;
  /** Where a console files it: the Gen2+ prefix, or `shellies/<id>`. */
  readonly prefix: string;
  /** Every request that reached it: answered, refused, or cut while unplugged. */
  readonly requests: number;
  /** When each of those arrived (epoch ms). */
  readonly requestTimes: readonly number[];
  /** Status answers given (GetStatus, `/status`). */
  readonly statusReads: number;
  /** The counter as each status answer printed it: Gen2+ `aenergy.total` (Wh), Gen1 `total` (watt-minutes). */
  readonly served: readonly number[];
  /** Restarts it; its counter starts again from 0 (old Plus firmware; every Gen1). */
  reboot(): void;
  /** Off the network: every connection is cut at once (and counted) until plugged in again. */
  setUnplugged(isUnplugged: boolean): void;
  stop(): Promise<void>;
}

/** A Plug S model code for Gen1 (`/shelly` `type`); the 1PM's simulation meters it the same. */
const GEN1_PLUG_MODEL = 'SHPLG-S';
const GEN1_FIRMWARE = '20230913-112234/v1.14.0-gcb84623';

function specOf(options: HttpPlugOptions, seed: number): DeviceSpec {
  const prng = createPrng(deriveSeed(seed, `http-plug:${options.name}`));
  const family = options.generation === 1 ? 'gen1-1pm' : 'plusplugs';
  const mac = (MODELS[family].oui + prng.hex(6)).toUpperCase();
  const id = options.generation === 1 ? `shellyplug-s-${mac}` : `shellyplusplugs-${mac.toLowerCase()}`;
  return {
    id,
    mac,
    family,
    prefix:
      options.generation === 1 ? `shellies/${id}` : (options.prefix ?? `Demo/HTTP/Plugs/${options.name}`),
    name: options.name,
    loads: [options.load ?? { peakW: 180, idleW: 60, curve: 'flat', noise: 0.3 }],
    // Loses its counter on every restart, as early Plus Plug S firmware and every Gen1 do.
    isOldFirmware: true,
    ip: '127.0.0.1',
  };
}

/** RPC parameters from a query string, as Shelly reads them (`?id=0&on=true`). */
function queryParams(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, text] of search) {
    if (text === 'true' || text === 'false') params[key] = text === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(text)) params[key] = Number(text);
    else params[key] = text;
  }
  return params;
}

/** Digest (RFC 7616, SHA-256, qop auth) checked on the device's side, independently of the client. */
class DigestGuard {
  private readonly nonces = new Set<string>();

  constructor(
    private readonly realm: string,
    private readonly password: string,
  ) {}

  challenge(): string {
    const nonce = randomBytes(12).toString('hex');
    if (this.nonces.size > 100) this.nonces.clear();
    this.nonces.add(nonce);
    return `Digest qop="auth", realm="${this.realm}", nonce="${nonce}", algorithm=SHA-256`;
  }

  accepts(header: string | undefined, method: string): boolean {
    if (!header?.startsWith('Digest ')) return false;
    const f = new Map<string, string>();
    for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]*))/g))
      f.set(m[1] as string, m[2] ?? m[3] ?? '');
    const nonce = f.get('nonce') ?? '';
    if (f.get('username') !== 'admin' || f.get('realm') !== this.realm || !this.nonces.has(nonce))
      return false;
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const ha1 = sha(`admin:${this.realm}:${this.password}`);
    const ha2 = sha(`${method}:${f.get('uri') ?? ''}`);
    const expected = sha(`${ha1}:${nonce}:${f.get('nc') ?? ''}:${f.get('cnonce') ?? ''}:auth:${ha2}`);
    return f.get('qop') === 'auth' && f.get('response') === expected;
  }
}

export async function startHttpPlug(options: HttpPlugOptions): Promise<HttpPlug> {
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 20250310;
  const spec = specOf(options, seed);
  const device = buildDevice(spec, seed, clock());
  const digest =
    options.generation === 2 && options.password !== undefined
      ? new DigestGuard(spec.id, options.password)
      : null;
  const basic =
    options.generation === 1 && options.password !== undefined
      ? `Basic ${Buffer.from(`${options.username ?? 'admin'}:${options.password}`).toString('base64')}`
      : null;
  let requests = 0;
  const requestTimes: number[] = [];
  let statusReads = 0;
  let isUnplugged = false;
  const served: number[] = [];
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
  /** True when the request may go on; otherwise it was answered 401 as the device would. */
  const authorised = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (digest) {
      if (digest.accepts(req.headers.authorization, req.method ?? 'GET')) return true;
      send(res, 401, '', { 'www-authenticate': digest.challenge() });
      return false;
    }
    if (basic && req.headers.authorization !== basic) {
      send(res, 401, '401 Unauthorized', { 'www-authenticate': 'Basic realm="shelly"' });
      return false;
    }
    return true;
  };

  const gen2 = (path: string, search: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const g2 = device as Gen2Device;
    const m = /^\/rpc\/([\w.]+)$/.exec(path);
    if (path === '/shelly' || m?.[1] === 'Shelly.GetDeviceInfo')
      // Unprotected on a real device too: it says whether the rest needs a password.
      return send(
        res,
        200,
        toJson({ ...g2.deviceInfo(), auth_en: digest !== null, auth_domain: digest ? spec.id : null }),
      );
    if (!m) return send(res, 404, 'Not Found');
    if (!authorised(req, res)) return;
    const atMs = clock();
    g2.tick(atMs);
    const { outcome } = handleRpc(
      g2,
      { id: 1, src: 'http', method: m[1] as string, params: queryParams(search) },
      atMs,
    );
    if ('error' in outcome) return send(res, outcome.error.code === 404 ? 404 : 500, toJson(outcome));
    const body = toJson(outcome.result);
    if (m[1] === 'Shelly.GetStatus') {
      statusReads++;
      const status = JSON.parse(body) as { 'switch:0': { aenergy: { total: number } } };
      served.push(status['switch:0'].aenergy.total);
    }
    send(res, 200, body);
  };

  const gen1 = (path: string, req: IncomingMessage, res: ServerResponse) => {
    const relay = device as Gen1Relay;
    if (path === '/shelly')
      return send(
        res,
        200,
        toJson({ type: GEN1_PLUG_MODEL, mac: spec.mac, auth: basic !== null, fw: GEN1_FIRMWARE }),
      );
    if (path !== '/status') return send(res, 404, 'Not Found');
    if (!authorised(req, res)) return;
    const body = toJson(relay.httpStatus(clock()));
    statusReads++;
    served.push((JSON.parse(body) as { meters: Array<{ total: number }> }).meters[0]?.total ?? NaN);
    send(res, 200, body);
  };

  const server = createServer((req, res) => {
    requests++;
    requestTimes.push(Date.now());
    if (isUnplugged || device.isRebooting) return req.socket.destroy();
    const { pathname, searchParams } = new URL(req.url ?? '/', 'http://device');
    if (req.method !== 'GET') return send(res, 405, 'Method Not Allowed');
    if (options.generation === 2) gen2(pathname, searchParams, req, res);
    else gen1(pathname, req, res);
  });
  server.on('connection', (socket: Socket) => {
    if (isUnplugged) {
      requests++;
      requestTimes.push(Date.now());
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  if (device instanceof Gen1Relay === (options.generation === 2))
    throw new Error(`http plug ${options.name}: built the wrong generation`);

  return {
    url: `http://127.0.0.1:${port}`,
    id: spec.id,
    generation: options.generation,
    prefix: spec.prefix,
    get requests() {
      return requests;
    },
    requestTimes,
    get statusReads() {
      return statusReads;
    },
    served,
    reboot: () => {
      // The whole restart at once: metered up to now, down, and back with its counter at 0.
      const atMs = clock();
      device.tick(atMs);
      device.reboot(atMs);
      while (device.isRebooting) device.tick(atMs);
    },
    setUnplugged: (value) => {
      isUnplugged = value;
      if (value) for (const s of sockets) s.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface DemoHttpDevices {
  plugs: HttpPlug[];
  /** What the demo console polls. */
  targets: PollTarget[];
  stop(): Promise<void>;
}

/** Polled often enough to look alive in the demo, rarely enough to be a real site's setting. */
const DEMO_POLL_INTERVAL_MS = 10_000;

/**
 * The demo's two plugs not on MQTT: a Plus Plug S under Lisbon's kitchen water cooler (a small,
 * steady draw, well inside the tenth of unmetered draw the office's main meter sees beyond its
 * sub-meters, so the demo's figures keep adding up) and an old Gen1 Plug S waiting to be placed.
 */
export async function startDemoHttpDevices(seed?: number): Promise<DemoHttpDevices> {
  const plugs = [
    await startHttpPlug({
      generation: 2,
      name: 'WaterCooler',
      prefix: 'Aurora/Lisbon/Kitchen/WaterCooler',
      load: { peakW: 90, idleW: 30, curve: 'flat', noise: 0.3 },
      ...(seed !== undefined && { seed }),
    }),
    await startHttpPlug({ generation: 1, name: 'DeskFan', ...(seed !== undefined && { seed }) }),
  ];
  return {
    plugs,
    targets: plugs.map((p) => ({
      url: p.url,
      prefix: p.prefix,
      generation: p.generation,
      intervalMs: DEMO_POLL_INTERVAL_MS,
    })),
    stop: async () => {
      await Promise.all(plugs.map((p) => p.stop()));
    },
  };
}
