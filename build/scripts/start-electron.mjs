#!/usr/bin/env node
// Runs in: node (tooling). `npm start`: opens the desktop station when Electron can run here,
// and otherwise says plainly what to use instead.
import { existsSync } from 'node:fs';
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
if (!existsSync(mainEntry)) {
  console.error(
    'omnistation: the desktop shell (electron/main) is not part of this build yet; it lands with\n' +
      'the Electron issue. Use npm run demo or npx omnistation serve meanwhile.',
  );
  process.exit(1);
}
const { spawn } = await import('node:child_process');
const child = spawn(binary, [mainEntry], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
