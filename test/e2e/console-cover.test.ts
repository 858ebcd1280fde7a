/// <reference lib="dom" />
/**
 * Covers against the demo fleet, whose blinds (a Plus 2PM in cover mode) obey Cover.* and report
 * their movement: the details panel shows state and position, each command stays pending until
 * the device confirms the movement, and the page ends where the device says it is. No console
 * errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverStatus } from '../../src/shared/contract';
import { openConsole, poll, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole } from '../support/e2e-demo';

const DEVICE = 'device:Aurora/Lisbon/MeetingRoom/Blinds';
const CHANNEL = 'channel:Aurora/Lisbon/MeetingRoom/Blinds|cover:0';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

async function coreCover(): Promise<CoverStatus | undefined> {
  return findNode(await coreTree(demo.headless.url), CHANNEL)?.cover;
}

/**
 * The control's state, position and pending command, as the page shows them, read in one script:
 * read one attribute at a time, a reply landing in between would pair the old state with the
 * cleared pending command.
 */
async function shown(): Promise<{ state: string | null; position: string | null; pending: string | null }> {
  const control = c.page.locator(`[data-testid="cover-control"][data-channel-id="${CHANNEL}"]`);
  return control.evaluate((el) => ({
    state: el.getAttribute('data-state'),
    position: el.getAttribute('data-position'),
    pending: el.getAttribute('data-pending'),
  }));
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

describe('a cover', () => {
  it('shows the demo blinds open and calibrated, as the device reports them', async () => {
    const { page } = c;
    // The console asks the blinds for their status: their energy notices do not say calibration.
    await poll(coreCover, (cover) => cover?.isCalibrated === true, 15_000, 'the blinds in the core');
    expect(await coreCover()).toEqual({ state: 'open', positionPct: 100, isCalibrated: true });
    await selectNode(page, DEVICE);
    await poll(shown, (v) => v.state === 'open', 5000, 'the blinds on the page');
    expect(await shown()).toEqual({ state: 'open', position: '100', pending: null });
    const bar = page.getByTestId('cover-position');
    await expect(bar.getAttribute('role')).resolves.toBe('meter');
    await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('100');
    await expect(page.getByTestId('cover-state').textContent()).resolves.toBe('Open · 100 % open');
    await expect(page.getByTestId('cover-target').count()).resolves.toBe(1);
    expect(c.errors).toEqual([]);
  });

  it('closes: pending until the device reports closing, then follows it to closed', async () => {
    const { page } = c;
    // Every pending state the control goes through, however briefly.
    await page.evaluate((channel) => {
      const control = document.querySelector(`[data-testid="cover-control"][data-channel-id="${channel}"]`)!;
      const seen: Array<string | null> = [];
      (window as unknown as { pendingSeen: typeof seen }).pendingSeen = seen;
      new MutationObserver(() => seen.push(control.getAttribute('data-pending'))).observe(control, {
        attributes: true,
        attributeFilter: ['data-pending'],
      });
    }, CHANNEL);
    await page.getByTestId('cover-close').click();
    const confirmed = await poll(shown, (v) => v.pending === null, 10_000, 'the close to be confirmed');
    expect(['closing', 'closed']).toContain(confirmed.state);
    await expect(
      page.evaluate(() => (window as unknown as { pendingSeen: Array<string | null> }).pendingSeen),
    ).resolves.toEqual(['close', null]);
    await expect(page.locator('[data-testid="cover-error"]').count()).resolves.toBe(0);
    const closed = await poll(shown, (v) => v.state === 'closed', 30_000, 'the blinds to close');
    expect(closed).toEqual({ state: 'closed', position: '0', pending: null });
    expect(await coreCover()).toEqual({ state: 'closed', positionPct: 0, isCalibrated: true });
    expect(c.errors).toEqual([]);
  });

  it('goes to a position chosen on the slider, and stops where the device says', async () => {
    const { page } = c;
    await page.getByTestId('cover-target').fill('50');
    const go = page.getByTestId('cover-go');
    await expect(go.textContent()).resolves.toBe('Go to 50 %');
    await go.click();
    const confirmed = await poll(shown, (v) => v.pending === null, 10_000, 'the move to be confirmed');
    expect(['opening', 'stopped']).toContain(confirmed.state);
    const there = await poll(shown, (v) => v.state === 'stopped', 30_000, 'the blinds at 50 %');
    expect(there).toEqual({ state: 'stopped', position: '50', pending: null });
    await expect(page.getByTestId('cover-position').getAttribute('aria-valuenow')).resolves.toBe('50');

    // Open, then stop on the way: the page shows the position the device stopped at.
    await page.getByTestId('cover-open').click();
    await poll(shown, (v) => v.pending === null && v.state === 'opening', 10_000, 'the blinds opening');
    await page.getByTestId('cover-stop').click();
    const stopped = await poll(shown, (v) => v.pending === null, 10_000, 'the stop to be confirmed');
    const core = await coreCover();
    expect(core?.state).toBe(stopped.state);
    expect(String(core?.positionPct)).toBe(stopped.position);
    expect(['stopped', 'open']).toContain(stopped.state);
    expect(c.errors).toEqual([]);
  });
});
