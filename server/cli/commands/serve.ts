// Runs in: node. `omnistation serve --data DIR --port N [--central URL] [--presence-gate on|off]
// [--approval-gate on|off]`: the headless store server. The gates default to the station's
// settings (presence on; approval follows presence).
import { CliError, parsePort, parseCommandArgs, requireOption } from '../args.js';
import { generateStoreId, initStation, isStation } from '../../store/station.js';
import { productionLogger, startStoreServer } from '../../store/server.js';
import { untilSignal } from '../signals.js';
import { realDevices } from '../device-options.js';

export const summary = 'run the headless store server';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    central: { type: 'string' },
    'log-level': { type: 'string' },
    'presence-gate': { type: 'string' },
    'approval-gate': { type: 'string' },
    radio: { type: 'string' },
    reader: { type: 'string', multiple: true },
  });
  const dataDir = requireOption(values.data, '--data');
  const port = parsePort(values.port, 8080);
  if (values.central !== undefined && !/^https?:\/\/[^\s/]+/.test(values.central)) {
    throw new CliError(`--central must be an http(s) URL, not "${values.central}"`);
  }
  const gate = values['presence-gate'];
  if (gate !== undefined && gate !== 'on' && gate !== 'off') {
    throw new CliError(`--presence-gate is on or off, not "${gate}"`);
  }
  const approvalGate = values['approval-gate'];
  if (approvalGate !== undefined && approvalGate !== 'on' && approvalGate !== 'off') {
    throw new CliError(`--approval-gate is on or off, not "${approvalGate}"`);
  }
  const devices = await realDevices(values.radio, values.reader ?? []);
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
    ...(gate ? { presence: { gate: gate === 'on' } } : {}),
    ...(approvalGate ? { approval: { gate: approvalGate === 'on' } } : {}),
    devices,
  });
  process.stdout.write(`store ${server.station.config.storeId} listening on ${server.url}\n`);
  await untilSignal();
  await server.close();
  return 0;
}
