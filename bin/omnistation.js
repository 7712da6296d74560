#!/usr/bin/env node
// Runs in: node. Entry of the `omnistation` command; loads the TypeScript sources through tsx
// so the command always runs the code in the checkout, with nothing to rebuild.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
