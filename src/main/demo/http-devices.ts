/**
 * Simulated Shelly plugs that are not on MQTT: each answers its local HTTP API on its own
 * loopback port (Gen2+ `/rpc/<Method>` with digest authentication, Gen1 `/shelly`, `/status` and
 * `/settings` with basic authentication), from the same simulated meters and counters the fleet
 * uses. The demo console polls two of them (README "Devices not on MQTT") and has a third waiting
 * to be added ("Add a Shelly"): told an MQTT server (Gen2+ `MQTT.SetConfig`, Gen1
 * `/settings?mqtt_…`) and restarted, a plug joins that broker as a device of its own.
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
import { joinBroker, type DeviceMqttSession } from './device-mqtt';
import type { SimDevice } from './types';
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
  /** Once on a broker (commissioned): wall time between two updates. */
  tickMs?: number;
  /** Where a commissioned plug's MQTT failures go; it keeps retrying, as a device does. */
  onError?: (error: Error) => void;
}

/** What the plug does about MQTT: off until commissioned, as a device fresh out of its box. */
export interface PlugMqttState {
  enabled: boolean;
  server: string | null;
  user: string | null;
  /** Gen2+ `topic_prefix`; Gen1 `shellies/<mqtt id>`. */
  topicPrefix: string;
  /** Connected to that server now. */
  connected: boolean;
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
  /** Its MQTT settings and whether it is on that broker now. */
  readonly mqtt: PlugMqttState;
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

/** RPC parameters from a query string, as Shelly reads them (`?id=0&on=true&config={"enable":true}`). */
function queryParams(search: URLSearchParams): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, text] of search) {
    if (text.startsWith('{') || text.startsWith('[')) params[key] = parsedOrText(text);
    else if (text === 'true' || text === 'false') params[key] = text === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(text)) params[key] = Number(text);
    else params[key] = text;
  }
  return params;
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // A device takes a malformed object as text, and then refuses it as an invalid argument.
    return text;
  }
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
  let spec = specOf(options, seed);
  let device: SimDevice = buildDevice(spec, seed, clock());
  const onError = options.onError ?? ((error: Error) => console.error(`[demo plug ${options.name}]`, error));
  // Off, as out of the box; the topic prefix is where it would publish (Gen2+ default: its id).
  const mqtt = {
    enable: false,
    server: null as string | null,
    user: null as string | null,
    pass: null as string | null,
    /** Shelly's `ssl_ca`: null plain MQTT; `ca.pem` its built-in bundle; `user_ca.pem` one uploaded (none here). */
    sslCa: null as string | null,
    prefix: spec.prefix,
  };
  let session: DeviceMqttSession | null = null;
  let restarting: Promise<void> = Promise.resolve();
  /** A restart that applies what it was told: the prefix it files under, and its broker. */
  const restart = () => {
    restarting = restarting.then(async () => {
      await session?.stop();
      session = null;
      spec = { ...spec, prefix: mqtt.prefix };
      // Back up with its counter at 0, as the old firmware it simulates.
      device = buildDevice(spec, seed, clock());
      if (!mqtt.enable || mqtt.server === null) return;
      try {
        session = await joinBroker(
          device,
          { server: mqtt.server, user: mqtt.user, pass: mqtt.pass, sslCa: mqtt.sslCa },
          { tickMs: options.tickMs ?? 3000, clock, onError },
        );
      } catch (error) {
        onError(new Error(`could not reach the MQTT server ${mqtt.server}`, { cause: error }));
      }
    });
  };
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

  /** Gen2+ MQTT settings and restart, as the firmware answers them (`MQTT.SetConfig` needs a restart). */
  const mqttRpc = (method: string, params: Record<string, unknown>, res: ServerResponse) => {
    if (method === 'MQTT.GetConfig')
      return send(
        res,
        200,
        toJson({
          enable: mqtt.enable,
          server: mqtt.server,
          client_id: spec.id,
          user: mqtt.user,
          ssl_ca: mqtt.sslCa,
          topic_prefix: mqtt.prefix,
          rpc_ntf: true,
          status_ntf: false,
          use_client_cert: false,
          enable_control: true,
        }),
      );
    if (method === 'Shelly.Reboot') {
      send(res, 200, 'null');
      restart();
      return;
    }
    const config = params.config;
    if (typeof config !== 'object' || config === null || Array.isArray(config))
      return send(res, 400, toJson({ code: -103, message: "Invalid argument 'config'!" }));
    const c = config as Record<string, unknown>;
    const server = c.server === undefined ? mqtt.server : c.server;
    if (server !== null && (typeof server !== 'string' || !/^[^:\s]+:\d+$/.test(server)))
      return send(res, 400, toJson({ code: -103, message: "Invalid argument 'server'!" }));
    if (c.topic_prefix !== undefined && (typeof c.topic_prefix !== 'string' || /[#+]/.test(c.topic_prefix)))
      return send(res, 400, toJson({ code: -103, message: "Invalid argument 'topic_prefix'!" }));
    if (typeof c.enable === 'boolean') mqtt.enable = c.enable;
    mqtt.server = server;
    if (c.user !== undefined) mqtt.user = typeof c.user === 'string' ? c.user : null;
    if (c.pass !== undefined) mqtt.pass = typeof c.pass === 'string' ? c.pass : null;
    if (c.ssl_ca !== undefined) mqtt.sslCa = typeof c.ssl_ca === 'string' ? c.ssl_ca : null;
    if (typeof c.topic_prefix === 'string') mqtt.prefix = c.topic_prefix;
    send(res, 200, toJson({ restart_required: true }));
  };

  /** Gen1 `/settings`: read, or changed by its query (`mqtt_enable`, `mqtt_server`, …). */
  const gen1Settings = (search: URLSearchParams, res: ServerResponse) => {
    const server = search.get('mqtt_server');
    if (server !== null && !/^[^:\s]+:\d+$/.test(server)) return send(res, 400, 'Bad mqtt_server!');
    if (search.has('mqtt_enable')) mqtt.enable = ['true', '1'].includes(search.get('mqtt_enable') ?? '');
    if (server !== null) mqtt.server = server;
    if (search.has('mqtt_user')) mqtt.user = search.get('mqtt_user') || null;
    if (search.has('mqtt_pass')) mqtt.pass = search.get('mqtt_pass') || null;
    const id = search.get('mqtt_id');
    if (id) mqtt.prefix = `shellies/${id}`;
    send(
      res,
      200,
      toJson({
        device: { type: GEN1_PLUG_MODEL, mac: spec.mac, hostname: spec.id },
        name: spec.name,
        fw: GEN1_FIRMWARE,
        mqtt: {
          enable: mqtt.enable,
          server: mqtt.server ?? '192.168.33.3:1883',
          user: mqtt.user ?? '',
          id: mqtt.prefix.slice('shellies/'.length),
          clean_session: true,
          retain: false,
          qos: 0,
          update_period: 30,
        },
      }),
    );
  };

  const gen2 = (path: string, search: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const g2 = device as Gen2Device;
    const m = /^\/rpc\/([\w.]+)$/.exec(path);
    const method = m?.[1];
    if (path === '/shelly' || m?.[1] === 'Shelly.GetDeviceInfo')
      // Unprotected on a real device too: it says whether the rest needs a password.
      return send(
        res,
        200,
        toJson({ ...g2.deviceInfo(), auth_en: digest !== null, auth_domain: digest ? spec.id : null }),
      );
    if (!m) return send(res, 404, 'Not Found');
    if (!authorised(req, res)) return;
    if (method === 'MQTT.GetConfig' || method === 'MQTT.SetConfig' || method === 'Shelly.Reboot')
      return mqttRpc(method, queryParams(search), res);
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

  const gen1 = (path: string, search: URLSearchParams, req: IncomingMessage, res: ServerResponse) => {
    const relay = device as Gen1Relay;
    if (path === '/shelly')
      return send(
        res,
        200,
        toJson({ type: GEN1_PLUG_MODEL, mac: spec.mac, auth: basic !== null, fw: GEN1_FIRMWARE }),
      );
    if (path !== '/status' && path !== '/settings' && path !== '/reboot') return send(res, 404, 'Not Found');
    if (!authorised(req, res)) return;
    if (path === '/settings') return gen1Settings(search, res);
    if (path === '/reboot') {
      send(res, 200, toJson({ ok: true }));
      restart();
      return;
    }
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
    else gen1(pathname, searchParams, req, res);
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
    get prefix() {
      return spec.prefix;
    },
    get mqtt() {
      return {
        enabled: mqtt.enable,
        server: mqtt.server,
        user: mqtt.user,
        topicPrefix: mqtt.prefix,
        connected: session?.isConnected ?? false,
      };
    },
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
    stop: async () => {
      await restarting;
      await session?.stop();
      await new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}

export interface DemoHttpDevices {
  plugs: HttpPlug[];
  /** What the demo console polls. */
  targets: PollTarget[];
  /** Plugs on no broker and not polled, waiting to be added from the console ("Add a Shelly"). */
  waiting: HttpPlug[];
  /** Their addresses, which the demo console's LAN scans also ask (they answer on loopback ports). */
  scanAddresses: string[];
  stop(): Promise<void>;
}

/** The demo's plug waiting to be added asks for this password (README "Add a Shelly"). */
export const DEMO_PLUG_PASSWORD = 'kilowatch';

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
  const waiting = [
    await startHttpPlug({
      generation: 2,
      name: 'CoffeeMachine',
      password: DEMO_PLUG_PASSWORD,
      load: { peakW: 1200, idleW: 2, curve: 'office', noise: 0.2 },
      ...(seed !== undefined && { seed }),
    }),
  ];
  return {
    plugs,
    targets: plugs.map((p) => ({
      url: p.url,
      prefix: p.prefix,
      generation: p.generation,
      intervalMs: DEMO_POLL_INTERVAL_MS,
    })),
    waiting,
    scanAddresses: waiting.map((p) => new URL(p.url).host),
    stop: async () => {
      await Promise.all([...plugs, ...waiting].map((p) => p.stop()));
    },
  };
}
