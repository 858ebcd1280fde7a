/// <reference lib="dom" />
/**
 * A relay whose state nobody knows (its device reports energy but never answers a status
 * request) is never toggled blindly: a click or a key asks "Switch on / Switch off", and only the
 * chosen command reaches the device, through a real Mosquitto. No console errors allowed.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, poll, row, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { energyFrame, publish, type FixtureDevice } from '../support/e2e-fixtures';
import { startHeadless, type Headless } from '../support/headless';
import { startMosquitto, type Mosquitto } from '../support/mosquitto';
import { testClient } from '../support/mqtt-client';
import { tempDir } from '../support/temp-dir';

const RELAY: FixtureDevice = { prefix: 'Choice/HQ/Desk/Heater', src: 'shellyplus1pm-c4c000000001' };
const DEVICE = `device:${RELAY.prefix}`;
const CHANNEL = `channel:${RELAY.prefix}|switch:0`;
const IN_DETAILS = `[data-testid="node-details"] [role="switch"][data-channel-id="${CHANNEL}"]`;

let mosquitto: Mosquitto;
let headless: Headless;
let device: MqttClient;
let c: ConsolePage;
const dir = tempDir();
/** The methods that reached the device, in order. */
const methods: string[] = [];
/** The `on` of each Switch.Set, in order. */
const switched: boolean[] = [];

beforeAll(async () => {
  mosquitto = await startMosquitto();
  headless = await startHeadless([
    '--broker',
    mosquitto.url,
    '--port',
    '0',
    '--db',
    join(dir.path, 'choice.db'),
  ]);
  device = await testClient(mosquitto.url, 'fake-heater');
  // The device confirms Switch.Set and never answers Shelly.GetStatus: its state stays unknown.
  device.on('message', (_topic, payload) => {
    const request = JSON.parse(payload.toString('utf8')) as {
      id: number;
      src: string;
      method: string;
      params?: { on?: boolean };
    };
    // Its names and identity are asked for too (Shelly.GetConfig, Shelly.GetDeviceInfo); this test
    // watches the state and the commands.
    if (request.method === 'Shelly.GetConfig' || request.method === 'Shelly.GetDeviceInfo') return;
    methods.push(request.method);
    if (request.method !== 'Switch.Set' || typeof request.params?.on !== 'boolean') return;
    const on = request.params.on;
    switched.push(on);
    void device
      .publishAsync(
        `${request.src}/rpc`,
        JSON.stringify({ id: request.id, src: RELAY.src, dst: request.src, result: { was_on: !on } }),
      )
      .then(() =>
        device.publishAsync(
          `${RELAY.prefix}/events/rpc`,
          JSON.stringify({
            src: RELAY.src,
            dst: `${RELAY.prefix}/events`,
            method: 'NotifyStatus',
            params: { ts: Date.now() / 1000, 'switch:0': { id: 0, output: on } },
          }),
        ),
      );
  });
  await device.subscribeAsync(`${RELAY.prefix}/rpc`, { qos: 1 });
  c = await openConsole(headless.url);
  const minuteTsS = Math.floor(Date.now() / 60_000) * 60;
  await publish(device, `${RELAY.prefix}/events/rpc`, energyFrame(RELAY, { minuteTsS, totalWh: 500 }));
  await waitForRows(c.page, 'room:Choice/HQ/Desk');
  // The console asked for the state and got no answer.
  await poll(
    async () => methods.join(),
    (m) => m === 'Shelly.GetStatus',
    10_000,
    'the status request',
  );
});

afterAll(async () => {
  await c?.browser.close();
  await device?.endAsync();
  expect(await headless?.stop()).toBe(0);
  await mosquitto?.stop();
  dir.remove();
});

describe('a relay in an unknown state', () => {
  it('asks which way on a click, sends nothing until chosen, and cancels with Escape', async () => {
    const { page } = c;
    await selectNode(page, DEVICE);
    const toggle = page.locator(IN_DETAILS);
    await expect(toggle.getAttribute('data-state')).resolves.toBe('unknown');
    await expect(page.locator('[data-testid="node-details"] .relay-word').textContent()).resolves.toBe(
      'Unknown',
    );

    await toggle.click();
    const choice = page.locator('[data-testid="node-details"] [data-testid="relay-choice"]');
    await choice.waitFor();
    await expect(choice.getAttribute('role')).resolves.toBe('group');
    const switchLabel = await toggle.getAttribute('aria-label');
    await expect(choice.getAttribute('aria-label')).resolves.toBe(
      `${switchLabel}: state unknown, switch it on or off?`,
    );
    await expect(choice.getByRole('button').allTextContents()).resolves.toEqual(['Switch on', 'Switch off']);
    // Focus moves into the choice, on its first button.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Switch on');
    await expect(toggle.getAttribute('data-state')).resolves.toBe('unknown');

    await page.keyboard.press('Escape');
    await choice.waitFor({ state: 'detached' });
    await expect(page.evaluate(() => document.activeElement?.getAttribute('role'))).resolves.toBe('switch');
    // Nothing but the status request ever reached the device.
    expect(methods).toEqual(['Shelly.GetStatus']);
    expect(c.errors).toEqual([]);
  });

  it('switches the way chosen with the keyboard, then toggles like any known relay', async () => {
    const { page } = c;
    const toggle = page.locator(IN_DETAILS);
    await toggle.focus();
    await page.keyboard.press('Enter');
    const choice = page.locator('[data-testid="node-details"] [data-testid="relay-choice"]');
    await choice.waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Switch off');
    await page.keyboard.press('Enter');
    await choice.waitFor({ state: 'detached' });
    const off = await poll(
      () => toggle.getAttribute('data-state'),
      (s) => s !== 'pending' && s !== 'unknown',
      10_000,
      'the confirmed state',
    );
    expect(off).toBe('off');
    expect(switched).toEqual([false]);
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe('false');

    // Known now: a click toggles without asking.
    await toggle.click();
    const on = await poll(
      () => toggle.getAttribute('data-state'),
      (s) => s !== 'pending' && s !== 'off',
      10_000,
      'the confirmed state',
    );
    expect(on).toBe('on');
    await expect(page.locator('[data-testid="relay-choice"]').count()).resolves.toBe(0);
    expect(switched).toEqual([false, true]);
    // The tree row shows the same state.
    await row(page, DEVICE).locator('.twisty').click();
    await expect(row(page, CHANNEL).getByRole('switch').getAttribute('aria-checked')).resolves.toBe('true');
    expect(methods).toEqual(['Shelly.GetStatus', 'Switch.Set', 'Switch.Set']);
    expect(c.errors).toEqual([]);
  });
});
