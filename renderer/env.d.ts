// Runs in: type checker only. Ambient types for the renderer: Vite client and .vue modules.
/// <reference types="vite/client" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
