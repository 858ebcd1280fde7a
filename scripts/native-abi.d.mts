// Types for scripts/native-abi.mjs (a plain Node script, so package.json can run it without a build).
export const MODULE: 'better-sqlite3';
export const ELECTRON_NEEDS_NODE: string;
export class NativeAbiError extends Error {}
export type Runtime = 'node' | 'electron';
export interface WantedRuntime {
  runtime: Runtime;
  abi: number;
  label: string;
  version?: string;
}
export type Rebuilder = (root: string, wanted: WantedRuntime) => Promise<void>;
export function modulePath(root: string): string;
export function binaryPath(root: string): string;
export function abiOfBinary(file: string): number | 'node-api' | null;
export function wantedRuntime(root: string, runtime: Runtime): WantedRuntime;
export function isAtLeast(version: string, minimum: string): boolean;
export function useRuntime(options: {
  root: string;
  runtime: Runtime;
  nodeVersion?: string;
  rebuilders?: Record<Runtime, Rebuilder>;
  log?: (line: string) => void;
}): Promise<{ action: 'kept' | 'restored' | 'rebuilt'; wanted: WantedRuntime }>;
