// Runs in: node (approval worker thread). A worker thread does not inherit the TypeScript loader
// its parent registered through tsx's API (bin/omnistation.js, vitest), so it registers its own
// before importing the worker. Plain JavaScript, so it loads with no loader at all.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
