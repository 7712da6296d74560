// Runs in: node. `omnistation init --data DIR --store-id ID [--name NAME]`
import { CliError, parseCommandArgs, requireOption } from '../args.js';
import { initStation, StationError } from '../../store/station.js';

export const summary = 'create a store data folder (database, keys)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    'store-id': { type: 'string' },
    name: { type: 'string' },
    currency: { type: 'string' },
    'public-url': { type: 'string' },
    pin: { type: 'string' },
  });
  try {
    const { station, pin } = initStation({
      dataDir: requireOption(values.data, '--data'),
      storeId: requireOption(values['store-id'], '--store-id'),
      name: values.name,
      currency: values.currency,
      publicUrl: values['public-url'],
      pin: values.pin,
    });
    process.stdout.write(
      `initialised store ${station.config.storeId} in ${station.dataDir}\nstaff PIN: ${pin}\n`,
    );
    station.close();
    return 0;
  } catch (error) {
    if (error instanceof StationError) throw new CliError(error.message, 1);
    throw error;
  }
}
