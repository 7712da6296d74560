// Runs in: node (vitest). What the shopper_shell bench counts as the shell: the entry and its
// static imports, transitively, JS only; dynamic imports (and what only they import) are lazy.
import { describe, expect, it } from 'vitest';
import { shellFiles, type Manifest } from '../../../server/bench/shopper-shell.bench.js';

const manifest: Manifest = {
  'shopper/index.html': {
    file: 'assets/shopper-a.js',
    isEntry: true,
    imports: ['_vue.js', '_shared.js'],
    dynamicImports: ['shopper/views/ScannerView.vue', 'shopper/views/ApprovalView.vue'],
    css: ['assets/shopper-a.css'],
  },
  '_vue.js': { file: 'assets/vue-b.js' },
  '_shared.js': { file: 'assets/shared-c.js', imports: ['_vue.js'], css: ['assets/shared-c.css'] },
  'shopper/views/ScannerView.vue': { file: 'assets/ScannerView-d.js', imports: ['_vue.js'], dynamicImports: ['shopper/scanner/decoder.ts'] },
  'shopper/scanner/decoder.ts': { file: 'assets/decoder-e.js', imports: ['_wasm.wasm'] },
  '_wasm.wasm': { file: 'assets/zxing.wasm' },
  // Lazy here, but also a static import of the entry: it is in the shell, not lazy.
  'shopper/views/ApprovalView.vue': { file: 'assets/ApprovalView-f.js', imports: ['_approval.js', '_shared.js'] },
  '_approval.js': { file: 'assets/approval-g.js' },
  'monitor/index.html': { file: 'assets/monitor-h.js', isEntry: true, imports: ['_vue.js'] },
};

describe('shellFiles', () => {
  it('counts the entry and its static imports, lists the lazy chunks apart', () => {
    expect(shellFiles(manifest, 'shopper/index.html')).toEqual({
      initial: ['assets/shared-c.js', 'assets/shopper-a.js', 'assets/vue-b.js'],
      lazy: ['assets/ApprovalView-f.js', 'assets/ScannerView-d.js', 'assets/approval-g.js', 'assets/decoder-e.js'],
    });
  });

  it('never counts another page', () => {
    const { initial, lazy } = shellFiles(manifest, 'shopper/index.html');
    expect([...initial, ...lazy]).not.toContain('assets/monitor-h.js');
  });

  it('refuses an entry or an import the manifest does not have', () => {
    expect(() => shellFiles(manifest, 'kiosk/index.html')).toThrow(/no entry/);
    expect(() => shellFiles({ 'a.html': { file: 'a.js', imports: ['_gone.js'] } }, 'a.html')).toThrow(/_gone\.js/);
  });
});
