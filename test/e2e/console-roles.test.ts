/// <reference lib="dom" />
/**
 * Issue #13, item 3, as a person sees it in the demo: each office's PlantRoom MainBoard is its main
 * meter and the balcony inverter is solar. The tree marks them; the office's details say how much
 * the sub-meters do not account for (never negative in the demo: its main meters measure what
 * their office draws) and what the solar produced; a staff member changes a role from the details
 * and the tree follows. No console errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeTotals } from '../../src/shared/contract';
import { api } from '../support/headless';
import {
  openConsole,
  poll,
  row,
  scrollToRow,
  selectNode,
  waitForRows,
  type ConsolePage,
} from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole } from '../support/e2e-demo';

const MAINBOARD = 'device:Aurora/Lisbon/PlantRoom/MainBoard';
const PV = 'device:Aurora/Lisbon/Roof/BalconyPV';
const HEATPUMP = 'device:Aurora/Lisbon/PlantRoom/HeatPumpMeter';
const LISBON = 'office:Aurora/Lisbon';

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

beforeAll(async () => {
  demo = await startDemoConsole({ KILOWATCH_DEMO_HISTORY: 'on' });
  c = await openConsole(demo.headless.url);
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

async function liveTotals(id: string): Promise<NodeTotals | undefined> {
  const reply = await api(demo.headless.url, 'site.tree', {});
  return (reply.body.value as { totals: NodeTotals[] }).totals.find((t) => t.id === id);
}

describe('main meters and solar in the demo', () => {
  it('marks the main meter and the inverter, and shows the office’s unmetered rest', async () => {
    const tree = await coreTree(demo.headless.url);
    expect(findNode(tree, MAINBOARD)?.role).toEqual({ role: 'main', scope: 'office', source: 'console' });
    expect(findNode(tree, PV)?.role).toEqual({ role: 'generation', source: 'console' });
    expect(await scrollToRow(c.page, MAINBOARD)).toBe(true);
    await expect(row(c.page, MAINBOARD).getByTestId('role-badge').textContent()).resolves.toBe('Main');

    // Wait until the live fleet has counted a few minutes under the roles.
    const office = await poll(
      () => liveTotals(LISBON),
      (t) => t?.hasMain === true && (t.unmeteredWh ?? 0) > 1,
      60_000,
      'Lisbon counted under its main meter',
    );
    expect(office?.unmeteredWh).toBeGreaterThan(0);
    // The backfilled history follows the roles too: over the last 30 days the office's main meter
    // accounts for its sub-meters plus the demo's tenth of unmetered draw.
    await poll(
      async () => demo.headless.output(),
      (out) => /demo history: backfilled/.test(out),
      120_000,
      'the demo history backfill',
    );
    const now = Date.now();
    const history = await api(demo.headless.url, 'history.query', {
      node: LISBON,
      from: new Date(now - 30 * 86_400_000).toISOString(),
      to: new Date(now).toISOString(),
      resolution: 'day',
    });
    const total = (history.body.value as { total: { energyWh: number; unmeteredWh?: number } }).total;
    expect(total.energyWh).toBeGreaterThan(100_000);
    const share = (total.unmeteredWh ?? Number.NaN) / total.energyWh;
    expect(share).toBeGreaterThan(0.05);
    expect(share).toBeLessThan(0.12);
    await selectNode(c.page, LISBON);
    const unmetered = Number(await c.page.getByTestId('supply-unmetered').getAttribute('data-value'));
    expect(unmetered).toBeGreaterThan(0);
    await expect(c.page.getByTestId('supply-negative').count()).resolves.toBe(0);
  });

  it('changes a meter’s role from its details, from now on, and the tree follows', async () => {
    await selectNode(c.page, HEATPUMP);
    await c.page.getByTestId('meter-role-select').selectOption('generation');
    await c.page.getByTestId('meter-role-save').click();
    await expect(c.page.getByTestId('meter-role-message').textContent()).resolves.toContain(
      'applies from now on',
    );
    await poll(
      () => row(c.page, HEATPUMP).getByTestId('role-badge').count(),
      (n) => n === 1,
      10_000,
      'the Solar badge on the heat pump meter',
    );
    const tree = await coreTree(demo.headless.url);
    expect(findNode(tree, HEATPUMP)?.role).toEqual({ role: 'generation', source: 'console' });
    // And back: the ledger keeps both changes.
    await c.page.getByTestId('meter-role-select').selectOption('load');
    await c.page.getByTestId('meter-role-save').click();
    await poll(
      () => row(c.page, HEATPUMP).getByTestId('role-badge').count(),
      (n) => n === 0,
      10_000,
      'no badge once it is a load again',
    );
    const ledger = await api(demo.headless.url, 'ledger.query', { node: HEATPUMP, limit: 100 });
    const entries = (ledger.body.value as { entries: Array<{ kind: string; reason?: string }> }).entries;
    expect(entries.filter((e) => e.kind === 'role').map((e) => e.reason)).toEqual([
      'generation → load, set in the console',
      'generation → load, set in the console',
      'load → generation, set in the console',
      'load → generation, set in the console',
    ]);
    expect(c.errors).toEqual([]);
  });
});
