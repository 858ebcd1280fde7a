import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { HtmlTagDescriptor, Plugin } from 'vite';
import { MIGRATION_FILES } from './src/main/core/store/migration-files';

// The migration SQL files, inlined into the bundle (see src/main/core/store/migrations.ts).
const MIGRATIONS_DIR = resolve(__dirname, 'src/main/core/store/migrations');
const migrations = MIGRATION_FILES.map((file) => readFileSync(resolve(MIGRATIONS_DIR, file), 'utf8'));

/**
 * The page's first script (main.tsx) imports the console's own code dynamically, so that it can
 * open the event stream before that code has loaded. Found only once the first script has run,
 * the code was asked for a round trip later than the page itself; a modulepreload link in the
 * page asks for it (and what it imports) at once, and the browser parses it as it arrives.
 */
function preloadConsoleCode(): Plugin {
  return {
    name: 'kilowatch-preload-console-code',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return [];
        // The page's own script is already in the page.
        const files = new Set<string>([chunk.fileName]);
        const add = (file: string): void => {
          const imported = bundle[file];
          if (files.has(file) || !imported || imported.type !== 'chunk') return;
          files.add(file);
          imported.imports.forEach(add);
        };
        chunk.dynamicImports.forEach(add);
        return [...files].slice(1).map((file): HtmlTagDescriptor => ({
          tag: 'link',
          attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` },
          injectTo: 'head',
        }));
      },
    },
  };
}

export default defineConfig({
  main: {
    define: { __KILOWATCH_MIGRATIONS__: JSON.stringify(migrations) },
    build: {
      rollupOptions: {
        // The Electron app and the headless bridge share the core; only the first ever loads
        // electron.
        input: {
          index: resolve(__dirname, 'src/main/electron/index.ts'),
          headless: resolve(__dirname, 'src/main/headless/serve.ts'),
          // The core's worker thread (src/main/worker/core-host.ts starts it), for both.
          'core-worker': resolve(__dirname, 'src/main/worker/core-worker.ts'),
          'store-writer': resolve(__dirname, 'src/main/worker/store-writer.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // electron-vite leaves the renderer unminified: the page's first code was 1.5 MB for Chromium
      // to parse and compile before the first screen, 0.7 MB minified.
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react(), preloadConsoleCode()],
  },
});
