/** The headless console with `--demo` on a fresh database, for the console-*.test.ts files. */
import { join } from 'node:path';
import type { SiteNode } from '../../src/shared/contract';
import { api, startHeadless, type Headless } from './headless';
import { tempDir } from './temp-dir';

/**
 * `env` reaches the headless process (e.g. `TZ` to pin the site's time zone). The demo's history
 * backfill is off unless asked for (`KILOWATCH_DEMO_HISTORY: 'on'`): it costs seconds of CPU that
 * only the tests about history need (demo-console, console-roles).
 */
export async function startDemoConsole(env: NodeJS.ProcessEnv = {}): Promise<{
  headless: Headless;
  stop: () => Promise<number | null>;
}> {
  const dir = tempDir();
  const headless = await startHeadless(
    ['--demo', '--port', '0', '--db', join(dir.path, 'demo.db'), '--publish-interval', '1'],
    { KILOWATCH_DEMO_HISTORY: 'off', ...env },
  );
  return {
    headless,
    stop: async () => {
      const code = await headless.stop();
      dir.remove();
      return code;
    },
  };
}

/** The core's own site tree, to check what the page shows against it. */
export async function coreTree(url: string): Promise<SiteNode[]> {
  const { body } = await api(url, 'site.tree', {});
  if (body.ok !== true) throw new Error(`site.tree failed: ${JSON.stringify(body)}`);
  return (body.value as { nodes: SiteNode[] }).nodes;
}

export { findNode } from './find-node';

export function switchableBelow(node: SiteNode): SiteNode[] {
  const out: SiteNode[] = node.kind === 'channel' && node.switchable ? [node] : [];
  for (const child of node.children) out.push(...switchableBelow(child));
  return out;
}

/** The demo's embedded broker, as the headless console prints it at start. */
export function demoBrokerUrl(headless: Headless): string {
  const m = /broker: (mqtt:\/\/\S+) \(demo/.exec(headless.output());
  if (!m) throw new Error(`no demo broker in the output:\n${headless.output()}`);
  return m[1] as string;
}
