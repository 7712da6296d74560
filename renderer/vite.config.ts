// Runs in: node (Vite build tool). Multi-page build of the renderer apps into dist/renderer.
import { defineConfig, type Plugin } from 'vite';
import vue from '@vitejs/plugin-vue';

// Vite provides import.meta.dirname in config files (no node: imports in renderer/).
const root = import.meta.dirname;
const page = (name: string): string => `${root}/${name}/index.html`;
const station = 'http://127.0.0.1:8080';

/** Dev server only: the station serves the shopper app at /shop/, so the dev server does too. */
const shopPath: Plugin = {
  name: 'omnistation-shop-path',
  apply: 'serve',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url !== undefined && /^\/shop(\/[^.]*)?(\?.*)?$/.test(req.url)) req.url = '/shopper/index.html';
      next();
    });
  },
};

export default defineConfig({
  root,
  base: '/',
  plugins: [vue(), shopPath],
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
    outDir: `${root}/../dist/renderer`,
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
      output: {
        // Vue, Pinia and vue-i18n are shared by all three pages: one cacheable chunk. The
        // router stays with the shopper; zxing stays in the scanner's lazy chunk.
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](vue|@vue|pinia|vue-i18n|@intlify|nostics)[\\/]/ },
            { name: 'shared', test: /renderer[\\/]shared[\\/]/ },
          ],
        },
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
