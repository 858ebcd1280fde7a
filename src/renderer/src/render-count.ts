/**
 * A render counter for checking that live totals re-render only what changed. Off unless a test
 * (or a developer in the console) sets `window.__kilowatchRenders = {}` before the app starts;
 * then each counted component adds one per render under its name.
 */
declare global {
  interface Window {
    __kilowatchRenders?: Record<string, number>;
  }
}

export function countRender(name: string): void {
  const counts = window.__kilowatchRenders;
  if (counts) counts[name] = (counts[name] ?? 0) + 1;
}
