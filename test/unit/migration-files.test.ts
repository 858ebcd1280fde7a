import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATION_FILES } from '../../src/main/core/store/migrations';

describe('migration files', () => {
  it('are listed, in order, in the store and in the build that inlines them', () => {
    const onDisk = readdirSync(resolve(__dirname, '../../src/main/core/store/migrations'))
      .filter((f) => f.endsWith('.sql'))
      .sort();
    expect([...MIGRATION_FILES]).toEqual(onDisk);
    expect(onDisk.map((f) => Number(f.slice(0, 4)))).toEqual(onDisk.map((_, i) => i + 1));
    const config = readFileSync(resolve(__dirname, '../../electron.vite.config.ts'), 'utf8');
    // The build inlines exactly the store's list: the config reads the same module.
    expect(config).toContain("import { MIGRATION_FILES } from './src/main/core/store/migration-files';");
    expect(config).toContain('const migrations = MIGRATION_FILES.map(');
  });
});
