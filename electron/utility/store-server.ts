// Runs in: utility process. Entry of the process that hosts the store server; everything it does
// is in store-host.ts, which tests drive with a fake parent port.
import { generateStoreId, initStation, isStation } from '../../server/store/station.js';
import { productionLogger, startStoreServer } from '../../server/store/server.js';
import { runStoreHost, type ParentPortLike } from './store-host.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The approval worker is its own bundle beside this one; a packaged app keeps the models (and the
// calibration) in resources/models, outside the asar.
process.env.OMNISTATION_APPROVAL_WORKER ??= fileURLToPath(new URL('./approval-worker.js', import.meta.url));
const resources = (process as unknown as { resourcesPath?: string }).resourcesPath;
const checkoutModels = fileURLToPath(new URL('../../resources/models/', import.meta.url));
if (resources && existsSync(join(resources, 'models'))) process.env.OMNISTATION_MODELS_DIR ??= join(resources, 'models');
else if (existsSync(checkoutModels)) process.env.OMNISTATION_MODELS_DIR ??= checkoutModels;

const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!port) {
  process.stderr.write('store-server: no parent port; this entry runs only as an Electron utility process\n');
  process.exit(2);
}
const host = runStoreHost(
  port,
  // stdout is piped to the shell's rotating log by the main process.
  { isStation, initStation, generateStoreId, startStoreServer, logger: productionLogger('info') },
  (code) => process.exit(code),
);
// utilityProcess.kill() sends SIGTERM: close the server the same way as on a shutdown message.
process.once('SIGTERM', () => void host.shutdown());
