// Runs in: node. `omnistation serve --data DIR --port N [--central URL]`: the headless store server.
import { CliError, parsePort, parseCommandArgs, requireOption } from '../args.js';
import { generateStoreId, initStation, isStation } from '../../store/station.js';
import { productionLogger, startStoreServer } from '../../store/server.js';
import { untilSignal } from '../signals.js';

export const summary = 'run the headless store server';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    central: { type: 'string' },
    'log-level': { type: 'string' },
  });
  const dataDir = requireOption(values.data, '--data');
  const port = parsePort(values.port, 8080);
  if (values.central !== undefined && !/^https?:\/\/[^\s/]+/.test(values.central)) {
    throw new CliError(`--central must be an http(s) URL, not "${values.central}"`);
  }
  if (!isStation(dataDir)) {
    const { station, pin } = initStation({ dataDir, storeId: generateStoreId() });
    process.stdout.write(`initialised store ${station.config.storeId} in ${station.dataDir}\nstaff PIN: ${pin}\n`);
    station.close();
  }
  const server = await startStoreServer({
    dataDir,
    port,
    host: values.host,
    logger: productionLogger(values['log-level'] ?? 'info'),
    centralUrl: values.central,
  });
  process.stdout.write(`store ${server.station.config.storeId} listening on ${server.url}\n`);
  await untilSignal();
  await server.close();
  return 0;
}
