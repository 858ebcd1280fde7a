/// <reference lib="dom" />
/**
 * Who may switch building power, in the console itself: two browsers on one demo console. The
 * first sets a manager PIN; the second starts at the desk, is refused a relay (with words that say
 * how to unlock), unlocks with the PIN and switches it. The audit trail shows both attempts and
 * exports them as CSV. No console errors allowed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, poll, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { startDemoConsole } from '../support/e2e-demo';

const DEVICE = 'device:Aurora/Lisbon/Reception/Light1';
const CHANNEL = 'channel:Aurora/Lisbon/Reception/Light1|switch:0';
const PIN = '80516';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let first: ConsolePage;
let second: ConsolePage;

const access = (c: ConsolePage) =>
  c.page
    .getByTestId('access')
    .evaluate((el) => ({ role: el.getAttribute('data-role'), pin: el.getAttribute('data-pin') }));

const toggle = (c: ConsolePage) =>
  c.page.locator(`[data-testid="node-details"] [data-testid="relay-toggle"][data-channel-id="${CHANNEL}"]`);

/** The switch once it is no longer pending: its state, and what it says on hover. */
async function settled(c: ConsolePage): Promise<{ state: string | null; title: string | null }> {
  return poll(
    () =>
      toggle(c).evaluate((el) => ({ state: el.getAttribute('data-state'), title: el.getAttribute('title') })),
    (v) => v.state !== 'pending',
    15_000,
    'the relay to settle',
  );
}

beforeAll(async () => {
  demo = await startDemoConsole();
  first = await openConsole(demo.headless.url);
  second = await openConsole(demo.headless.url);
  await waitForRows(first.page, 'room:', 3);
  await waitForRows(second.page, 'room:', 3);
});

afterAll(async () => {
  await first?.browser.close();
  await second?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

describe('the manager PIN in the console', () => {
  it('says that anyone may switch power until a PIN is set, and sets one', async () => {
    const { page } = first;
    await expect(access(first)).resolves.toEqual({ role: 'manager', pin: 'unset' });
    await expect(page.getByTestId('access').textContent()).resolves.toContain('anyone here may switch power');
    await page.getByTestId('set-pin').click();
    await page.getByTestId('new-pin').fill(PIN);
    await page.getByTestId('new-pin-again').fill(PIN);
    await page.getByTestId('set-pin-submit').click();
    await poll(
      () => access(first),
      (a) => a.pin === 'set',
      5000,
      'the PIN to be set',
    );
    await expect(access(first)).resolves.toEqual({ role: 'manager', pin: 'set' });
    await expect(page.getByTestId('access-role').textContent()).resolves.toMatch(/^Manager until /);
    expect(first.errors).toEqual([]);
  });

  it('keeps another browser at the desk: a relay is refused until it unlocks, then it switches', async () => {
    const { page } = second;
    // It learns of the PIN when it asks again (a reload, or the stream reopening).
    await page.reload();
    await waitForRows(page, 'room:', 3);
    await poll(
      () => access(second),
      (a) => a.role === 'desk',
      5000,
      'the desk role',
    );
    await selectNode(page, DEVICE);
    const before = await settled(second);
    expect(['on', 'off']).toContain(before.state);
    await toggle(second).click();
    const refused = await settled(second);
    expect(refused.state).toBe('error');
    expect(refused.title).toMatch(/Only a manager may do this .*Unlock with the manager PIN/);

    await page.getByTestId('unlock').click();
    await page.getByTestId('pin-input').fill('1111');
    await page.getByTestId('unlock-submit').click();
    await expect(page.getByTestId('pin-error').textContent()).resolves.toBe('That is not the manager PIN.');
    await page.getByTestId('pin-input').fill(PIN);
    await page.getByTestId('unlock-submit').click();
    await poll(
      () => access(second),
      (a) => a.role === 'manager',
      5000,
      'the unlock',
    );

    await toggle(second).click();
    const switched = await settled(second);
    expect(switched.state).toBe(before.state === 'on' ? 'off' : 'on');
    // Expected: the refusal's failed request in the page's console is not an error of the page.
    expect(second.errors).toEqual([]);
  });

  it('shows both attempts in the audit trail, and exports it as CSV', async () => {
    const { page } = first;
    await page.getByTestId('open-audit').click();
    await page.getByTestId('audit-action').selectOption('relay.set');
    // The list shown before the filter's answer arrives is the unfiltered one: wait for the filter.
    const rows = await poll(
      () =>
        page.$$eval('[data-testid="audit-row"]', (els) =>
          els.map((el) => [
            el.getAttribute('data-outcome'),
            el.getAttribute('data-role'),
            el.getAttribute('data-action'),
          ]),
        ),
      (r) => r.length >= 3 && r.every((row) => row[2] === 'relay.set'),
      5000,
      'the relay attempts in the audit trail',
    );
    expect(rows).toEqual([
      ['confirmed', 'manager', 'relay.set'],
      ['requested', 'manager', 'relay.set'],
      ['denied', 'desk', 'relay.set'],
    ]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('audit-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^kilowatch-audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\r\n').filter((l) => l.includes(',relay.set,'))).toHaveLength(3);
    expect(first.errors).toEqual([]);
  });
});
