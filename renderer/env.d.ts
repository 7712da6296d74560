// Runs in: type checker only. Ambient types for the renderer: Vite client and .vue modules.
/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

// The desktop shell's preload bridge, present only inside the Electron station (type only: the
// renderer never imports Electron code).
import type { BridgeApi } from '../electron/shared/bridge-api.js';
declare global {
  interface Window {
    omnistation?: BridgeApi;
  }
}
