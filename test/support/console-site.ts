/**
 * A site for integration tests: its own Mosquitto, a real SQLite file, a publisher, and consoles
 * opened on that file with a clock the test sets. `send` publishes and waits until the console
 * has handled the message, so what the test asks next includes it.
 */
import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import type { KilowatchConsole } from '../../src/main/core/console';
import { openConsole, type OpenOptions } from '../../src/main/core/open-console';
import { startMosquitto } from './mosquitto';
import { testClient, waitFor } from './mqtt-client';
import { tempDir } from './temp-dir';

export interface SiteConsole {
  core: KilowatchConsole;
  /** Closes the console and its database (also done after the test). */
  close(): Promise<void>;
}

export interface ConsoleSite {
  mosquittoUrl: string;
  dbPath: string;
  publisher: MqttClient;
  nowMs(): number;
  setNow(ms: number): void;
  /** A console on the site's database, connected and subscribed to `subscribe`. */
  open(extra?: Partial<OpenOptions>): Promise<SiteConsole>;
  /** Publishes at QoS 1 and waits until the open console has handled a message on that topic. */
  send(topic: string, payload: string): Promise<void>;
}

export async function consoleSite(
  cleanups: Array<() => Promise<void> | void>,
  options: { startMs: number; timeZone: string; subscribe: string[] },
): Promise<ConsoleSite> {
  const mosquitto = await startMosquitto();
  cleanups.push(() => mosquitto.stop());
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const publisher = await testClient(mosquitto.url);
  cleanups.push(() => publisher.endAsync());
  const dbPath = `${dir.path}/kw.db`;
  let nowMs = options.startMs;
  // Per topic: the console also hears its own requests to the devices it subscribes to.
  const handled = new Map<string, number>();
  return {
    mosquittoUrl: mosquitto.url,
    dbPath,
    publisher,
    nowMs: () => nowMs,
    setNow: (ms) => void (nowMs = ms),
    async open(extra = {}) {
      const opened = openConsole({
        dbPath,
        outPrefix: 'kilowatch',
        publishIntervalS: 3600,
        clock: () => nowMs,
        timeZone: options.timeZone,
        observe: (topic) => void handled.set(topic, (handled.get(topic) ?? 0) + 1),
        ...extra,
      });
      if (!opened.ok) throw new Error(opened.error.message);
      const { console: core, store } = opened.value;
      let isClosed = false;
      const close = async () => {
        if (isClosed) return;
        isClosed = true;
        await core.close();
        store.close();
      };
      cleanups.push(close);
      expect(
        await core.connect({
          name: 't',
          url: mosquitto.url,
          protocolVersion: 4,
          keepaliveS: 30,
          subscribe: options.subscribe,
        }),
      ).toBeNull();
      return { core, close };
    },
    async send(topic, payload) {
      const before = handled.get(topic) ?? 0;
      await publisher.publishAsync(topic, payload, { qos: 1 });
      await waitFor(() => (handled.get(topic) ?? 0) > before, 5000, `delivery on ${topic}`);
    },
  };
}
