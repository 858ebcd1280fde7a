/// <reference lib="dom" />
/**
 * Placing unassigned devices: the demo's Gen1 Shelly 1PM waits under "Unassigned"; assigned to a
 * new room with the dialog, its next counter rises count in that room. The Gen1 EM is dragged onto
 * a room row. A rename changes the name shown. No console errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openConsole,
  poll,
  row,
  rowTodayWh,
  scrollToRow,
  search,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole } from '../support/e2e-demo';
import { api } from '../support/headless';
import { noonZone } from '../support/pinned-zone';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
/** A room's "today" is checked: about noon where the console and the browser run, no midnight resets it meanwhile. */
const zone = noonZone();
let c: ConsolePage;
const NEW_ROOM = 'room:Aurora/Lisbon/FrontDesk';

beforeAll(async () => {
  demo = await startDemoConsole({ TZ: zone.name });
  c = await openConsole(demo.headless.url, { timezoneId: zone.name });
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

async function unassignedIds(): Promise<string[]> {
  return (findNode(await coreTree(demo.headless.url), 'unassigned')?.children ?? []).map((n) => n.id);
}

describe('assigning devices to rooms', () => {
  it('assigns the Gen1 1PM to a new room, where its future energy then counts', async () => {
    const { page } = c;
    const device = (await unassignedIds()).find((id) => id.startsWith('device:shellies/shelly1pm-'));
    expect(device).toBeDefined();
    const id = device as string;

    await search(page, 'shelly1pm');
    await expect(row(page, id).getAttribute('class')).resolves.toMatch(/is-waiting/);
    await expect(row(page, 'unassigned').count()).resolves.toBe(1);
    await row(page, id).getByTestId('row-assign').click();
    const dialog = page.getByTestId('assign-dialog');
    await dialog.waitFor();
    await dialog.getByTestId('assign-new').check();
    await dialog.getByTestId('assign-company').fill('Aurora');
    await dialog.getByTestId('assign-office').fill('Lisbon');
    await dialog.getByTestId('assign-room-name').fill('FrontDesk');
    await dialog.getByTestId('assign-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.getByTestId('tree-notice').textContent()).resolves.toContain(
      'Aurora / Lisbon / FrontDesk',
    );
    await search(page, '');

    // The core placed it; the tree shows it inside the new room, selected.
    expect(await unassignedIds()).not.toContain(id);
    expect(findNode(await coreTree(demo.headless.url), NEW_ROOM)?.children.map((n) => n.id)).toEqual([id]);
    expect(await scrollToRow(page, id)).toBe(true);
    await expect(row(page, id).getAttribute('aria-level')).resolves.toBe('4');
    await expect(row(page, id).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(row(page, id).getAttribute('class')).resolves.not.toMatch(/is-waiting/);

    // Its next counter rises count in the room (the room had nothing before it arrived).
    expect(await scrollToRow(page, NEW_ROOM)).toBe(true);
    const roomWh = await poll(
      () => rowTodayWh(page, NEW_ROOM),
      (wh) => wh > 0,
      45_000,
      'energy in the new room',
    );
    expect(roomWh).toBeGreaterThan(0);
    expect(c.errors).toEqual([]);
  });

  it('assigns a device dropped onto a room row', async () => {
    const { page } = c;
    const device = (await unassignedIds()).find((id) => id.startsWith('device:shellies/shellyem-'));
    expect(device).toBeDefined();
    const id = device as string;
    const target = 'room:Aurora/Porto/PlantRoom';
    // Close everything, then open only what the drag needs: Porto's rooms and Unassigned.
    await page.getByTestId('collapse-all').click();
    await row(page, 'company:Aurora').locator('.twisty').click();
    await row(page, 'office:Aurora/Porto').locator('.twisty').click();
    await row(page, 'unassigned').locator('.twisty').click();
    await row(page, id).dragTo(row(page, target));
    await poll(
      () => page.getByTestId('tree-notice').textContent(),
      (text) => (text ?? '').includes('now counts in Aurora / Porto / PlantRoom'),
      10_000,
      'the drop to be confirmed',
    );
    expect(await unassignedIds()).not.toContain(id);
    expect(findNode(await coreTree(demo.headless.url), target)?.children.map((n) => n.id)).toContain(id);
    await page.getByTestId('expand-places').click();
    expect(c.errors).toEqual([]);
  });

  it('renames a room through the rename dialog', async () => {
    const { page } = c;
    expect(await scrollToRow(page, NEW_ROOM)).toBe(true);
    await row(page, NEW_ROOM).locator('.node-name').click();
    await page.getByTestId('open-rename').click();
    const dialog = page.getByTestId('rename-dialog');
    await dialog.getByTestId('rename-input').fill('=Front desk');
    await expect(dialog.getByTestId('rename-submit').isDisabled()).resolves.toBe(true);
    await dialog.getByTestId('rename-input').fill('Front desk');
    await dialog.getByTestId('rename-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(row(page, NEW_ROOM).locator('.node-name').textContent()).resolves.toBe('Front desk');
    expect(findNode(await coreTree(demo.headless.url), NEW_ROOM)?.name).toBe('Front desk');
    expect(c.errors).toEqual([]);
  });

  it('sends the 1PM back to Unassigned; its emptied room stays, marked, with what it counted', async () => {
    const { page } = c;
    const id = findNode(await coreTree(demo.headless.url), NEW_ROOM)?.children[0]?.id as string;
    expect(id).toMatch(/^device:shellies\/shelly1pm-/);
    expect(await scrollToRow(page, id)).toBe(true);
    await row(page, id).locator('.node-name').click();
    await page.getByTestId('open-assign').click();
    const dialog = page.getByTestId('assign-dialog');
    await dialog.getByTestId('assign-unassigned').check();
    // No name goes with Unassigned: the field is gone.
    await expect(dialog.getByTestId('assign-name').count()).resolves.toBe(0);
    await dialog.getByTestId('assign-submit').click();
    await dialog.waitFor({ state: 'detached' });
    await expect(page.getByTestId('tree-notice').textContent()).resolves.toContain(
      'is Unassigned again; what it counted in Aurora / Lisbon / FrontDesk stays there.',
    );
    expect(await unassignedIds()).toContain(id);

    // The room has no device now but keeps its energy: still a row, marked, with its total.
    const room = findNode(await coreTree(demo.headless.url), NEW_ROOM);
    expect(room).toMatchObject({ former: true, children: [] });
    expect(await scrollToRow(page, NEW_ROOM)).toBe(true);
    await expect(row(page, NEW_ROOM).getAttribute('class')).resolves.toMatch(/is-former/);
    const { body } = await api(demo.headless.url, 'site.tree', {});
    const totals = (body.value as { totals: Array<{ id: string; energyWh: number }> }).totals;
    const roomWh = totals.find((t) => t.id === NEW_ROOM)?.energyWh ?? 0;
    expect(roomWh).toBeGreaterThan(0); // counted while the 1PM was there (the test above)
    const note = await poll(
      () => row(page, NEW_ROOM).getByTestId('former-note').textContent(),
      (text) => /^empty · .+ counted$/.test(text ?? ''),
      10_000,
      "the room's total on its row",
    );
    // The total as the row prints it (Wh to 0.1, or kWh to 3 decimals): the room's, not today's.
    const [, figure = '', unit] = /^empty · ([\d,.]+)\u00a0(k?Wh) counted$/.exec(note ?? '') ?? [];
    const shownWh = Number(figure.replace(/,/g, '')) * (unit === 'kWh' ? 1000 : 1);
    expect(Math.abs(shownWh - roomWh)).toBeLessThanOrEqual(unit === 'kWh' ? 0.5 : 0.05);
    expect(c.errors).toEqual([]);
  });
});
