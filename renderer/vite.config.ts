// Runs in: node (Vite build tool). Multi-page build of the renderer apps into dist/renderer.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string): string => fileURLToPath(new URL(`./${name}/index.html`, import.meta.url));
const station = 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [vue()],
  define: {
    // Vue and vue-i18n compile-time flags: Composition API only, no devtools in production.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The zxing .wasm must stay a file served by the station (never inlined, never a CDN).
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: {
        shopper: page('shopper'),
        monitor: page('monitor'),
        kiosk: page('kiosk'),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: station, changeOrigin: false },
      '/q': { target: station, changeOrigin: false },
      '/health': { target: station, changeOrigin: false },
    },
  },
});
