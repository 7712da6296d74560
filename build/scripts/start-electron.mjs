#!/usr/bin/env node
// Runs in: node (tooling). `npm start`: opens the desktop station when Electron can run here,
// and otherwise says plainly what to use instead.
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../..', import.meta.url));

function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const mainEntry = `${root}out/main/index.js`;
const binary = electronBinary();
if (!binary) {
  console.error(
    'omnistation: the Electron runtime is not installed on this machine (its binary download needs\n' +
      'internet, so npm skipped the optional electron package). The headless station runs anyway:\n' +
      '  npm run demo                                   # demo store with simulated shoppers\n' +
      '  npx omnistation serve --data DIR --port 8080   # a real store server',
  );
  process.exit(1);
}
if (!existsSync(`${root}dist/renderer/monitor/index.html`)) {
  console.error('omnistation: the station apps are not built; run npm run build first.');
  process.exit(1);
}
// The shell's bundles are cheap to build (a few seconds): always start from the current sources.
const built = spawnSync(process.execPath, [`${root}node_modules/electron-vite/bin/electron-vite.js`, 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0 || !existsSync(mainEntry)) {
  console.error('omnistation: building the desktop shell (electron-vite build) failed; see above.');
  process.exit(1);
}
const child = spawn(binary, [mainEntry], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
