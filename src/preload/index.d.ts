import type { KilowatchBridge } from '../shared/contract';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the renderer is served by the headless bridge. */
    kilowatch?: KilowatchBridge;
  }
}

export {};
