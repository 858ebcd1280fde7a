#!/usr/bin/env node
// Draws Kilowatch's icon (a lightning bolt on a rounded square) and writes the set electron-builder
// packs, with nothing but Node: resources/icon.png (512), resources/icons/<n>x<n>.png (Linux),
// resources/icon.ico (Windows) and resources/icon.icns (macOS). Each size is drawn from the
// shapes, not scaled from another, so the small ones stay sharp. Run it after changing the
// drawing: `node scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

/** The bolt, clockwise, in units of the icon's width. */
const BOLT = [
  [0.52, 0.1],
  [0.7, 0.1],
  [0.57, 0.41],
  [0.73, 0.41],
  [0.37, 0.9],
  [0.46, 0.53],
  [0.29, 0.53],
];
const INSET = 0.06;
const RADIUS = 0.2;
const TOP = [30, 58, 95];
const BOTTOM = [15, 23, 42];
const BOLT_TOP = [253, 224, 71];
const BOLT_BOTTOM = [245, 158, 11];
/** Samples per pixel side: 4 × 4 per pixel smooths the edges. */
const SUPERSAMPLE = 4;

function insideRoundedSquare(x, y) {
  const lo = INSET + RADIUS;
  const hi = 1 - INSET - RADIUS;
  const dx = Math.max(lo - x, 0, x - hi);
  const dy = Math.max(lo - y, 0, y - hi);
  return x >= INSET && x <= 1 - INSET && y >= INSET && y <= 1 - INSET && dx * dx + dy * dy <= RADIUS * RADIUS;
}

function insideBolt(x, y) {
  let inside = false;
  for (let i = 0, j = BOLT.length - 1; i < BOLT.length; j = i++) {
    const [xi, yi] = BOLT[i];
    const [xj, yj] = BOLT[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** The icon at `size` × `size`, as straight (not premultiplied) RGBA rows. */
export function renderIcon(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++) {
    const t = py / Math.max(size - 1, 1);
    const back = mix(TOP, BOTTOM, t);
    const bolt = mix(BOLT_TOP, BOLT_BOTTOM, t);
    for (let px = 0; px < size; px++) {
      let square = 0;
      let lit = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++)
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          if (insideRoundedSquare(x, y)) {
            square++;
            if (insideBolt(x, y)) lit++;
          }
        }
      const at = (py * size + px) * 4;
      const color = square === 0 ? back : mix(back, bolt, lit / square);
      rgba[at] = Math.round(color[0]);
      rgba[at + 1] = Math.round(color[1]);
      rgba[at + 2] = Math.round(color[2]);
      rgba[at + 3] = Math.round((255 * square) / n);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** An 8-bit RGBA PNG: every row unfiltered (filter byte 0), one zlib stream. */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Windows .ico whose entries are PNGs (read by Windows since Vista, and by NSIS). */
export function encodeIco(images) {
  const directory = Buffer.alloc(6 + 16 * images.length);
  directory.writeUInt16LE(1, 2); // type: icon
  directory.writeUInt16LE(images.length, 4);
  let offset = directory.length;
  images.forEach(({ size, png }, i) => {
    const entry = 6 + 16 * i;
    directory.writeUInt8(size >= 256 ? 0 : size, entry); // 0 means 256
    directory.writeUInt8(size >= 256 ? 0 : size, entry + 1);
    directory.writeUInt16LE(1, entry + 4); // colour planes
    directory.writeUInt16LE(32, entry + 6); // bits per pixel
    directory.writeUInt32LE(png.length, entry + 8);
    directory.writeUInt32LE(offset, entry + 12);
    offset += png.length;
  });
  return Buffer.concat([directory, ...images.map(({ png }) => png)]);
}

/** The PNG-holding .icns types, by the pixel size each holds (the @2x ones for Retina screens). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

/** A macOS .icns: the 'icns' header and one chunk per type, each a PNG. */
export function encodeIcns(pngBySize) {
  const chunks = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

export function writeIcons(resources) {
  const sizes = [...new Set([...LINUX_SIZES, ...ICO_SIZES, ...ICNS_TYPES.map(([, size]) => size)])];
  const png = new Map(sizes.map((size) => [size, encodePng(size, renderIcon(size))]));
  mkdirSync(join(resources, 'icons'), { recursive: true });
  writeFileSync(join(resources, 'icon.png'), png.get(512));
  for (const size of LINUX_SIZES)
    writeFileSync(join(resources, 'icons', `${size}x${size}.png`), png.get(size));
  writeFileSync(
    join(resources, 'icon.ico'),
    encodeIco(ICO_SIZES.map((size) => ({ size, png: png.get(size) }))),
  );
  writeFileSync(join(resources, 'icon.icns'), encodeIcns(png));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  writeIcons(join(dirname(fileURLToPath(import.meta.url)), '..', 'resources'));
