// Types for scripts/make-icons.mjs (a plain Node script that draws and writes the icon set).
export function renderIcon(size: number): Buffer;
export function encodePng(size: number, rgba: Buffer): Buffer;
export function encodeIco(images: Array<{ size: number; png: Buffer }>): Buffer;
export function encodeIcns(pngBySize: Map<number, Buffer>): Buffer;
export const ICNS_TYPES: Array<[string, number]>;
export const LINUX_SIZES: number[];
export const ICO_SIZES: number[];
export function writeIcons(resources: string): void;
