// Runs in: node (bench process). The shopper app shell's weight (issue 6): the gzipped JS a
// phone downloads before the first screen (the entry chunk and everything it imports statically,
// read from the Vite build manifest of a build made in this run with the project's config); lazy
// chunks (scanner, decoder, approval chat, enrolment) are excluded and listed. The baseline is a
// bare app of the same runtime (Vue + vue-router + Pinia + vue-i18n, one route, one message)
// built in the same run with the same Vite settings, so the ratio is what our own code adds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ratio, roundSignificant } from './stats.js';
import type { Benchmark } from './types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RENDERER_CONFIG = join(ROOT, 'renderer', 'vite.config.ts');
const SHOPPER_ENTRY = 'shopper/index.html';
const GOAL_KB = 150;

/** One chunk of Vite's `.vite/manifest.json`. */
export interface ManifestChunk {
  file: string;
  src?: string;
  name?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}
export type Manifest = Record<string, ManifestChunk>;

export interface ShellFiles {
  /** JS files fetched for the first screen (entry + static imports, transitively). */
  initial: string[];
  /** JS files only fetched later (dynamic imports not already in `initial`). */
  lazy: string[];
}

/** Walks the manifest from an entry: static imports are the shell, dynamic ones load later. */
export function shellFiles(manifest: Manifest, entry: string): ShellFiles {
  const start = manifest[entry];
  if (!start) throw new Error(`the build manifest has no entry ${entry}`);
  const initial = new Set<string>();
  const staticKeys = new Set<string>();
  const visit = (key: string): void => {
    if (staticKeys.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) throw new Error(`the build manifest names ${key} but has no such chunk`);
    staticKeys.add(key);
    if (chunk.file.endsWith('.js')) initial.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entry);
  const lazy = new Set<string>();
  const lazyKeys = new Set<string>();
  const visitLazy = (key: string): void => {
    if (staticKeys.has(key) || lazyKeys.has(key)) return;
    const chunk = manifest[key];
    if (!chunk) return;
    lazyKeys.add(key);
    if (chunk.file.endsWith('.js')) lazy.add(chunk.file);
    for (const imported of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visitLazy(imported);
  };
  for (const key of staticKeys) for (const dynamic of manifest[key]!.dynamicImports ?? []) visitLazy(dynamic);
  return { initial: [...initial].sort(), lazy: [...lazy].sort() };
}

/** Bytes on the wire with gzip at its highest level (what a static server precompresses). */
export function gzippedSize(file: string): number {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

interface BuiltShell {
  bytes: number;
  files: ShellFiles;
  sizes: Map<string, number>;
}

function measure(outDir: string, entry: string): BuiltShell {
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
  const files = shellFiles(manifest, entry);
  const sizes = new Map<string, number>();
  for (const file of [...files.initial, ...files.lazy]) sizes.set(file, gzippedSize(join(outDir, file)));
  const bytes = files.initial.reduce((sum, file) => sum + sizes.get(file)!, 0);
  return { bytes, files, sizes };
}

// The bare app: what any Vue + router + store + i18n phone app ships before its own code.
const BASELINE_HTML = `<!doctype html><html lang="ko"><head><meta charset="UTF-8" /><title>baseline</title>
<script type="module" src="./main.js"></script></head><body><div id="app"></div></body></html>`;
const BASELINE_MAIN = `import { createApp, h } from 'vue';
import { createPinia, defineStore } from 'pinia';
import { createRouter, createWebHistory, RouterView } from 'vue-router';
import { createI18n, useI18n } from 'vue-i18n';
const useCount = defineStore('count', { state: () => ({ n: 0 }) });
const Home = { setup() { const { t } = useI18n(); const count = useCount(); return () => h('h1', t('hello', { n: count.n })); } };
const router = createRouter({ history: createWebHistory('/shop/'), routes: [{ path: '/', component: Home }] });
const i18n = createI18n({ legacy: false, locale: 'ko', messages: { ko: { hello: '안녕 {n}' }, en: { hello: 'Hello {n}' } } });
createApp({ render: () => h(RouterView) }).use(createPinia()).use(router).use(i18n).mount('#app');
`;

export const benchmark: Benchmark = {
  group: 'shopper_shell',
  baseline: 'a bare Vue + vue-router + Pinia + vue-i18n app (one route, one message) built with the same Vite settings in the same run',
  rows: [
    {
      name: 'shopper_shell_js_gzip_kb',
      unit: 'kB',
      better: 'lower',
      goal: { text: `≤ ${GOAL_KB} kB gzipped JS before the first screen`, met: (row) => row.value <= GOAL_KB },
    },
  ],
  async run(ctx) {
    const vite = await import('vite');
    // Inside node_modules so the bare app resolves the project's own vue, pinia, ... packages.
    const cache = join(ROOT, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(join(cache, 'omnistation-shell-bench-'));
    try {
      const appOut = join(work, 'app');
      ctx.log('shopper_shell: building the renderer apps with the project config');
      await vite.build({
        configFile: RENDERER_CONFIG,
        logLevel: 'silent',
        build: { outDir: appOut, emptyOutDir: true, manifest: true, copyPublicDir: false },
      });
      const app = measure(appOut, SHOPPER_ENTRY);

      // The same compile-time flags and target as the apps, without their chunking rules.
      const loaded = await vite.loadConfigFromFile({ command: 'build', mode: 'production' }, RENDERER_CONFIG, undefined, 'silent');
      const baseDir = join(work, 'baseline');
      mkdirSync(baseDir);
      writeFileSync(join(baseDir, 'index.html'), BASELINE_HTML);
      writeFileSync(join(baseDir, 'main.js'), BASELINE_MAIN);
      ctx.log('shopper_shell: building the bare baseline app');
      await vite.build({
        configFile: false,
        root: baseDir,
        logLevel: 'silent',
        define: loaded?.config.define,
        build: { outDir: join(work, 'baseline-out'), emptyOutDir: true, manifest: true, target: loaded?.config.build?.target ?? 'es2022' },
      });
      const base = measure(join(work, 'baseline-out'), 'index.html');

      const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
      for (const file of app.files.initial) ctx.log(`  shell  ${kb(app.sizes.get(file)!).padStart(9)}  ${file}`);
      for (const file of app.files.lazy) ctx.log(`  lazy   ${kb(app.sizes.get(file)!).padStart(9)}  ${file}`);
      ctx.log(`  shell ${kb(app.bytes)} gzipped JS (${app.files.initial.length} files); bare runtime ${kb(base.bytes)}`);
      const value = roundSignificant(app.bytes / 1000, 4);
      const baseline = roundSignificant(base.bytes / 1000, 4);
      return [{ name: 'shopper_shell_js_gzip_kb', value, unit: 'kB', baseline, ratio: roundSignificant(ratio(value, baseline), 4) }];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};
