/// <reference lib="dom" />
/**
 * Issue #13, item 6, on screen: the demo's main board is a Pro 3EM, and its details show a table
 * of its three phases with the voltage, current, power and power factor the core holds for each,
 * following them live. No console errors allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Electrical } from '../../src/shared/contract';
import { openConsole, poll, selectNode, waitForRows, type ConsolePage } from '../support/e2e-console';
import { coreTree, findNode, startDemoConsole } from '../support/e2e-demo';

const KEY = 'Aurora/Lisbon/PlantRoom/MainBoard';
const DEVICE = `device:${KEY}`;
const PHASES = ['a', 'b', 'c'].map((p) => `channel:${KEY}|emdata:0/${p}`);

let demo: Awaited<ReturnType<typeof startDemoConsole>>;
let c: ConsolePage;

async function corePhases(): Promise<Array<Electrical | undefined>> {
  const nodes = await coreTree(demo.headless.url);
  return PHASES.map((id) => findNode(nodes, id)?.electrical);
}

/** Each row's figures as the page holds them (data-value), in the order shown. */
async function shownPhases(): Promise<Array<{ id: string | null; values: Array<number | null> }>> {
  return c.page.$$eval('[data-testid="phase-row"]', (rows) =>
    rows.map((row) => ({
      id: row.getAttribute('data-node-id'),
      values: ['phase-voltage', 'phase-current', 'phase-power', 'phase-pf'].map((testId) => {
        const raw = row.querySelector(`[data-testid="${testId}"]`)?.getAttribute('data-value') ?? '';
        return raw === '' ? null : Number(raw);
      }),
    })),
  );
}

const asRow = (e: Electrical | undefined): Array<number | null> => [
  e?.voltageV ?? null,
  e?.currentA ?? null,
  e?.powerW ?? null,
  e?.powerFactor ?? null,
];

beforeAll(async () => {
  demo = await startDemoConsole();
  c = await openConsole(demo.headless.url);
  await waitForRows(c.page, 'room:', 3);
});

afterAll(async () => {
  await c?.browser.close();
  expect(await demo?.stop()).toBe(0);
});

describe('a three-phase meter in the details', () => {
  it('shows each phase with the voltage, current, power and power factor the core holds', async () => {
    await poll(corePhases, (p) => p.every((e) => e?.voltageV != null), 20_000, 'the phases in the core');
    await selectNode(c.page, DEVICE);
    await c.page.getByTestId('phase-table').waitFor({ timeout: 10_000 });
    // The demo meter changes every few seconds: wait for a moment the page and the core agree.
    const agreed = await poll(
      async () => ({ core: (await corePhases()).map(asRow), page: await shownPhases() }),
      ({ core, page }) =>
        page.length === 3 && page.every((row, i) => JSON.stringify(row.values) === JSON.stringify(core[i])),
      20_000,
      'the page to show the core’s phase figures',
    );
    expect(agreed.page.map((r) => r.id)).toEqual(PHASES);
    for (const row of agreed.page) {
      const [voltageV, currentA, powerW, powerFactor] = row.values;
      // The demo's mains: about 230 V on each phase; a power factor is at most 1 either way.
      expect(voltageV).toBeGreaterThan(200);
      expect(voltageV).toBeLessThan(260);
      expect(typeof currentA).toBe('number');
      expect(typeof powerW).toBe('number');
      expect(Math.abs(powerFactor ?? 2)).toBeLessThanOrEqual(1);
    }
    // Read as people read it: volts with one decimal, then amps, watts and the factor.
    const first = c.page.getByTestId('phase-row').first();
    await expect(first.getByTestId('phase-voltage').textContent()).resolves.toMatch(/^\d{3}\.\d\u00a0V$/);
    await expect(first.getByTestId('phase-current').textContent()).resolves.toMatch(/\u00a0A$/);
    await expect(first.getByTestId('phase-pf').textContent()).resolves.toMatch(/^-?[01]\.\d\d$/);
    expect(c.errors).toEqual([]);
  });

  it('follows the phases live while the details stay open', async () => {
    const before = await shownPhases();
    const changed = await poll(
      shownPhases,
      (now) => JSON.stringify(now) !== JSON.stringify(before),
      20_000,
      'a phase figure to change on the page',
    );
    expect(changed).toHaveLength(3);
    expect(c.errors).toEqual([]);
  });
});
