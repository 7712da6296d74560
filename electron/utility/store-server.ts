// Runs in: utility process. Entry of the process that hosts the store server; everything it does
// is in store-host.ts, which tests drive with a fake parent port.
import { generateStoreId, initStation, isStation } from '../../server/store/station.js';
import { productionLogger, startStoreServer } from '../../server/store/server.js';
import { runStoreHost, type ParentPortLike } from './store-host.js';

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
