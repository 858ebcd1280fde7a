/**
 * electron-builder.yml, read by electron-builder's own loader and checked against its own schema
 * (app-builder-lib), then held to what `npm run dist` must make: NSIS, dmg, AppImage and deb, the
 * built app and nothing of the sources, better-sqlite3 rebuilt for Electron and unpacked from the
 * asar, no auto-update, and the icon set in resources/ (what scripts/make-icons.mjs draws). Its
 * file patterns are run through electron-builder's own matcher over this repository.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { FileMatcher } from 'app-builder-lib/out/fileMatcher';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ICNS_TYPES, ICO_SIZES, LINUX_SIZES, renderIcon } from '../../scripts/make-icons.mjs';

const REPO = resolve(__dirname, '../..');
let config: Configuration;

beforeAll(async () => {
  config = await getConfig(REPO, null, null);
  await validateConfiguration(config, new DebugLogger(false));
});

/** Every file under `dir`, relative to the repository, skipping what never ships from here. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(REPO, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/** electron-builder's own filter over the app's files, as it builds it from `files`. */
function appFilter(): (file: string) => boolean {
  const patterns = (config.files as Array<{ filter: string[] }>).flatMap((set) => set.filter);
  const filter = new FileMatcher(REPO, '/app', (p) => p, patterns).createFilter();
  return (file) => filter(join(REPO, file), statSync(join(REPO, file)) as Stats);
}

/** Which node_modules files survive the `files` exclusions (electron-builder uses only those there). */
function nodeModulesFilter(): (file: string) => boolean {
  const patterns = (config.files as Array<{ filter: string[] }>).flatMap((set) => set.filter);
  const matcher = new FileMatcher(
    REPO,
    '/app',
    (p) => p,
    patterns.filter((p) => p.startsWith('!')),
  );
  matcher.prependPattern('**/*');
  const filter = matcher.createFilter();
  return (file) => filter(join(REPO, file), statSync(join(REPO, file)) as Stats);
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema and names the app', () => {
    expect(config).toMatchObject({
      appId: 'app.kilowatch.console',
      productName: 'Kilowatch',
      directories: { output: 'dist', buildResources: 'resources' },
    });
  });

  it('builds NSIS for Windows, dmg for macOS, AppImage and deb for Linux', () => {
    const targets = (platform: 'win' | 'mac' | 'linux') =>
      (config[platform]?.target as Array<{ target: string; arch: string[] }>).map(
        (t) => `${t.target} ${t.arch}`,
      );
    expect(targets('win')).toEqual(['nsis x64']);
    expect(targets('mac')).toEqual(['dmg x64,arm64']);
    expect(targets('linux')).toEqual(['AppImage x64', 'deb x64']);
    expect(config.linux).toMatchObject({
      executableName: 'kilowatch',
      maintainer: 'Kilowatch',
      category: 'Utility',
    });
  });

  it('ships the built app and package.json, and nothing of the sources, tests or bench', () => {
    const ships = appFilter();
    const out = filesUnder('out');
    expect(out).toContain('out/main/index.js');
    expect(out).toContain('out/renderer/index.html');
    for (const file of out)
      expect({ file, ships: ships(file) }).toEqual({ file, ships: !file.endsWith('.map') });
    expect(ships('package.json')).toBe(true);
    for (const dir of ['src', 'test', 'bench', 'scripts', 'docs', 'deploy', 'resources'])
      for (const file of filesUnder(dir))
        expect({ file, ships: ships(file) }).toEqual({ file, ships: false });
    for (const file of [
      'README.md',
      'electron-builder.yml',
      'vitest.config.ts',
      'tsconfig.json',
      'package-lock.json',
    ])
      expect({ file, ships: ships(file) }).toEqual({ file, ships: false });
  });

  it('rebuilds better-sqlite3 for Electron, unpacks its addon, and leaves its sources out', () => {
    expect(config).toMatchObject({
      npmRebuild: true,
      nativeRebuilder: 'sequential',
      buildDependenciesFromSource: false,
    });
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    const unpack = new FileMatcher(REPO, '/app', (p) => p, config.asarUnpack as string[]).createFilter();
    expect(unpack(join(REPO, addon), statSync(join(REPO, addon)))).toBe(true);
    const lib = join(REPO, 'node_modules/better-sqlite3/lib/index.js');
    expect(unpack(lib, statSync(lib))).toBe(false);
    const kept = nodeModulesFilter();
    expect(kept(addon)).toBe(true);
    expect(kept('node_modules/better-sqlite3/lib/database.js')).toBe(true);
    expect(kept('node_modules/mqtt/package.json')).toBe(true);
    for (const file of [
      'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c',
      'node_modules/better-sqlite3/src/better_sqlite3.cpp',
      'node_modules/better-sqlite3/build/Release/test_extension.node',
      'node_modules/better-sqlite3/build/config.gypi',
    ])
      expect({ file, kept: kept(file) }).toEqual({ file, kept: false });
  });

  it('publishes nothing, so the app carries no update feed', () => {
    expect(config.publish).toBeNull();
  });
});

/** Width, height and RGBA pixels of an 8-bit RGBA PNG with unfiltered rows (what make-icons writes). */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  expect([png.readUInt8(24), png.readUInt8(25)]).toEqual([8, 6]);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const rows = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(rows[y * (width * 4 + 1)]).toBe(0);
    rows.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, rgba };
}

describe('the icon set in resources/', () => {
  const resources = join(REPO, 'resources');
  const size = (png: Buffer) => {
    const { width, height } = decodePng(png);
    return `${width}x${height}`;
  };

  it('has icon.png at 512 and the Linux sizes in icons/, each the drawing at that size', () => {
    expect(size(readFileSync(join(resources, 'icon.png')))).toBe('512x512');
    expect(readdirSync(join(resources, 'icons')).sort()).toEqual(
      LINUX_SIZES.map((n) => `${n}x${n}.png`).sort(),
    );
    for (const n of LINUX_SIZES)
      expect(size(readFileSync(join(resources, 'icons', `${n}x${n}.png`)))).toBe(`${n}x${n}`);
    for (const n of [16, 32, 256]) {
      const { rgba } = decodePng(readFileSync(join(resources, 'icons', `${n}x${n}.png`)));
      expect(rgba.equals(renderIcon(n)), `${n}x${n}`).toBe(true);
    }
  });

  it('has a Windows icon.ico holding PNGs of 16 to 256 pixels', () => {
    const ico = readFileSync(join(resources, 'icon.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => {
      const entry = 6 + 16 * i;
      const png = ico.subarray(
        ico.readUInt32LE(entry + 12),
        ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8),
      );
      const declared = ico.readUInt8(entry) || 256;
      expect(size(png)).toBe(`${declared}x${declared}`);
      return declared;
    });
    expect(sizes).toEqual(ICO_SIZES);
  });

  it('has a macOS icon.icns holding PNGs up to 1024 pixels', () => {
    const icns = readFileSync(join(resources, 'icon.icns'));
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: Array<[string, number]> = [];
    for (let at = 8; at < icns.length;) {
      const length = icns.readUInt32BE(at + 4);
      const { width } = decodePng(icns.subarray(at + 8, at + length));
      found.push([icns.toString('latin1', at, at + 4), width]);
      at += length;
    }
    expect(found).toEqual(ICNS_TYPES);
  });

  it('is the icon each platform section names', () => {
    expect([config.win?.icon, config.mac?.icon, config.linux?.icon]).toEqual([
      'resources/icon.ico',
      'resources/icon.icns',
      'resources/icons',
    ]);
  });
});
