// Runs in: node (electron-vite build tool). Builds the desktop shell into out/: the main process
// and the utility process that hosts the store server (out/main, ESM), and the sandboxed preload
// (out/preload, CommonJS: a sandboxed preload cannot be an ES module). The pages are not built
// here: `vite build --config renderer/vite.config.ts` puts them in dist/renderer, which the store
// server serves; the shell's own static screens ship as electron/pages.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = import.meta.dirname;
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
// electron-vite reads Electron's version from node_modules/electron to pick the Node/Chrome
// targets and ESM support; where the binary could not be installed, take it from package.json.
process.env.ELECTRON_MAJOR_VER ??= /(\d+)/.exec(pkg.optionalDependencies?.electron ?? '')?.[1] ?? '41';

/**
 * electron-vite prepends `const require = createRequire(import.meta.url)` to an ES bundle that
 * calls require(); a server module that declares its own top-level `require` the same way
 * (labels/fonts.ts, approval/use-lite-encoder.ts) then becomes a second top-level `require` in the
 * bundle — a SyntaxError when the utility process loads it. Renaming that module's own binding
 * before bundling keeps both; the packaging check runs `node --check` on every bundle.
 */
const ownRequireRenamed: Plugin = {
  name: 'omnistation:own-require-renamed',
  enforce: 'pre',
  transform(code, id) {
    if (id.includes('node_modules') || !/^(?:const|let|var) require = createRequire\(/m.test(code)) return null;
    return { code: code.replace(/\brequire\b/g, '__moduleRequire'), map: null };
  },
};

export default defineConfig({
  main: {
    plugins: [ownRequireRenamed],
    build: {
      outDir: resolve(root, 'out/main'),
      // Dependencies stay in node_modules inside the asar (native ones unpacked beside it).
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          'store-server': resolve(root, 'electron/utility/store-server.ts'),
          // The approval model's worker thread: a bundle of its own, named to the engine by
          // OMNISTATION_APPROVAL_WORKER (electron/utility/store-server.ts).
          'approval-worker': resolve(root, 'server/approval/worker.ts'),
        },
        // Names the main process refers to (index.ts forks store-server.js); package.json's
        // "type": "module" makes .js ES modules here.
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // Sandboxed: no require() of anything but electron, so everything is bundled in.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
});
