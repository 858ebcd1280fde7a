/// <reference lib="dom" />
/**
 * Relay control against the demo fleet, whose relays obey Switch.Set and report their new state:
 * a toggle (mouse, Space, Enter; in the details panel and in the tree row) ends in the state the
 * device confirmed, and "All off" names how many relays it switches before it does. No console
 * errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, poll, row, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole, switchableBelow } from '../support/e2e-demo';
import { api } from '../support/headless';
import type { SiteNode } from '../../src/shared/contract';

const DEVICE = 'device:Aurora/Lisbon/Reception/Light1';
const CHANNEL = 'channel:Aurora/Lisbon/Reception/Light1|switch:0';
const ROOM = 'room:Aurora/Lisbon/Reception';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

async function coreOutput(id: string): Promise<boolean | null | undefined> {
  return findNode(await coreTree(demo.headless.url), id)?.output;
}

/** The core's relay state agrees with what the page shows (the page may trail by a snapshot). */
async function expectCoreToShow(id: string, checked: string | null): Promise<void> {
  await poll(
    () => coreOutput(id),
    (output) => String(output === true) === checked,
    5000,
    `${id} in the core`,
  );
}

/** Waits until the switch settles (not pending) and returns its aria-checked and state. */
async function settled(selector: string): Promise<{ checked: string | null; state: string | null }> {
  const toggle = c.page.locator(selector).first();
  // Both read in one step: read apart, a reply landing between them pairs the old checked state
  // with the settled one (a torn read, as console-cover had).
  return poll(
    () =>
      toggle.evaluate((el) => ({
        checked: el.getAttribute('aria-checked'),
        state: el.getAttribute('data-state'),
      })),
    (v) => v.state !== 'pending',
    15_000,
    `${selector} to settle`,
  );
}

beforeAll(async () => {
  demo = await startDemoConsole();
  c = await openConsole(demo.headless.url);
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

/** Every device node with relays, and those relays. */
function relayDevices(nodes: SiteNode[]): Array<{ device: SiteNode; relays: SiteNode[] }> {
  const out: Array<{ device: SiteNode; relays: SiteNode[] }> = [];
  const walk = (node: SiteNode): void => {
    if (node.kind === 'device') {
      const relays = switchableBelow(node);
      if (relays.length > 0) out.push({ device: node, relays });
      return;
    }
    node.children.forEach(walk);
  };
  nodes.forEach(walk);
  return out;
}

describe('relay state', () => {
  it('knows every demo relay’s state from its device, and the page shows none as Unknown', async () => {
    const { page } = c;
    // The demo notifies energy without `output` (as Shellies do); the console asks each relay.
    const nodes = await poll(
      () => coreTree(demo.headless.url),
      (tree) =>
        relayDevices(tree).length === 49 &&
        relayDevices(tree).every(({ relays }) => relays.every((r) => typeof r.output === 'boolean')),
      15_000,
      'every relay state in the core',
    );
    const devices = relayDevices(nodes);
    // The metered Plus 1PM/2PM/Plug S, the Gen1 1PM and the Gen1 EM's relay (40 devices, 51
    // relays), and, asked for their status once when first seen (#13 item 4), the unmetered Pro 3s
    // (6 × 3) and the Gen2 EMs' contactors (3): 49 devices, 72 relays.
    expect(devices.length).toBe(49);
    expect(devices.reduce((n, d) => n + d.relays.length, 0)).toBe(72);
    for (const { device, relays } of devices) {
      await selectNode(page, device.id);
      for (const relay of relays) {
        const toggle = page.locator(
          `[data-testid="node-details"] [role="switch"][data-channel-id="${relay.id}"]`,
        );
        const shown = await poll(
          () => toggle.getAttribute('data-state'),
          (state) => state !== 'unknown',
          5000,
          `${relay.id} on the page`,
        );
        expect(shown, relay.id).toBe(relay.output ? 'on' : 'off');
      }
    }
    await expect(page.locator('[data-testid="relay-toggle"][data-state="unknown"]').count()).resolves.toBe(0);
    expect(c.errors).toEqual([]);
  });
});

describe('relay control', () => {
  it('switches a demo relay and ends in the state the device confirmed', async () => {
    const { page } = c;
    await selectNode(page, DEVICE);
    const selector = `[data-testid="node-details"] [role="switch"][data-channel-id="${CHANNEL}"]`;
    const toggle = page.locator(selector);
    // The page shows what the core knows.
    const before = await poll(
      async () => ({
        page: await toggle.getAttribute('aria-checked'),
        core: String((await coreOutput(CHANNEL)) === true),
      }),
      (v) => v.page === v.core,
      10_000,
      'the page and the core to agree',
    ).then((v) => v.page);
    expect(before === 'true' || before === 'false').toBe(true);

    // Mouse.
    await toggle.click();
    let after = await settled(selector);
    expect(after).toEqual({
      checked: before === 'true' ? 'false' : 'true',
      state: before === 'true' ? 'off' : 'on',
    });
    await expectCoreToShow(CHANNEL, after.checked);
    await expect(
      page.locator('[data-testid="node-details"] [data-testid="relay-error"]').count(),
    ).resolves.toBe(0);

    // Keyboard: Space and Enter on the focused switch.
    await toggle.focus();
    await page.keyboard.press('Space');
    after = await settled(selector);
    expect(after.checked).toBe(before);
    await page.keyboard.press('Enter');
    after = await settled(selector);
    expect(after.checked).toBe(before === 'true' ? 'false' : 'true');
    await expectCoreToShow(CHANNEL, after.checked);

    // The same relay in its tree row (open the device to see its channels).
    await row(page, DEVICE).locator('.twisty').click();
    const inRow = row(page, CHANNEL).getByRole('switch');
    await expect(inRow.getAttribute('aria-checked')).resolves.toBe(after.checked);
    await inRow.click();
    const rowAfter = await settled(`[role="treeitem"][data-node-id="${CHANNEL}"] [role="switch"]`);
    expect(rowAfter.checked).toBe(before);
    await expect(toggle.getAttribute('aria-checked')).resolves.toBe(before);
    await expectCoreToShow(CHANNEL, before);
    expect(c.errors).toEqual([]);
  });

  it('offers no switch for channels that are not switchable relays', async () => {
    const { page } = c;
    const nodes = await coreTree(demo.headless.url);
    const meter = findNode(nodes, 'device:Aurora/Lisbon/PlantRoom/MainBoard');
    expect(meter).toBeDefined();
    expect(switchableBelow(meter!)).toEqual([]);
    await selectNode(page, 'device:Aurora/Lisbon/PlantRoom/MainBoard');
    await expect(page.locator('[data-testid="node-details"] [role="switch"]').count()).resolves.toBe(0);
    expect(c.errors).toEqual([]);
  });

  it('"All off" for a room names how many relays it switches, then switches them off', async () => {
    const { page } = c;
    // Every relay of the room on, so "All off" has all of them to switch.
    const room = findNode(await coreTree(demo.headless.url), ROOM);
    const relays = switchableBelow(room!);
    expect(relays.length).toBe(6);
    // One at a time, as the console itself does.
    for (const relay of relays) {
      const reply = await api(demo.headless.url, 'relay.set', { channel: relay.id, on: true });
      expect(reply.body, relay.id).toMatchObject({ ok: true });
    }

    await selectNode(page, ROOM);
    const dialog = page.getByTestId('all-off-dialog');
    const count = await poll(
      async () => {
        await page.getByTestId('open-all-off').click();
        await dialog.waitFor();
        const n = await dialog.getByTestId('all-off-summary').getAttribute('data-count');
        if (n !== '6') {
          await page.keyboard.press('Escape');
          await dialog.waitFor({ state: 'detached' });
        }
        return n;
      },
      (n) => n === '6',
      15_000,
      'the console to see all six relays on',
    );
    expect(count).toBe('6');
    await expect(dialog.getByRole('heading').textContent()).resolves.toBe('Switch off 6 relays?');
    await expect(dialog.getByTestId('confirm-all-off').textContent()).resolves.toBe('Switch off 6 relays');
    await dialog.getByTestId('confirm-all-off').click();
    const progress = dialog.getByTestId('all-off-progress');
    await poll(
      () => progress.getAttribute('data-done'),
      (done) => done === '6',
      30_000,
      'all relays',
    );
    expect(await progress.getAttribute('data-failed'), (await dialog.textContent()) ?? '').toBe('0');
    await expect(progress.textContent()).resolves.toMatch(/All 6 relays confirmed off/);
    const nowOn = switchableBelow(findNode(await coreTree(demo.headless.url), ROOM)!).filter(
      (ch) => ch.output !== false,
    );
    expect(nowOn.map((ch) => `${ch.id}=${String(ch.output)}`)).toEqual([]);
    await dialog.getByTestId('all-off-close').click();
    await dialog.waitFor({ state: 'detached' });
    // The room's relays now show off wherever they are shown.
    await selectNode(page, DEVICE);
    await expect(
      page
        .locator(`[data-testid="node-details"] [role="switch"][data-channel-id="${CHANNEL}"]`)
        .getAttribute('aria-checked'),
    ).resolves.toBe('false');
    expect(c.errors).toEqual([]);
  });
});
