// Runs in: node. `omnistation register --data DIR --central URL --admin-token TOKEN --address A`
import { CliError, openStationOrFail, parseCommandArgs, requireOption } from '../args.js';
import { registerWithCentral, RegistrationError } from '../../store/registration.js';

export const summary = 'register this store with the central payment service (once)';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    data: { type: 'string' },
    central: { type: 'string' },
    'admin-token': { type: 'string' },
    address: { type: 'string' },
  });
  const adminToken = values['admin-token'] ?? process.env.OMNI_CENTRAL_ADMIN_TOKEN;
  if (!adminToken) throw new CliError('--admin-token (or OMNI_CENTRAL_ADMIN_TOKEN) is required');
  const station = openStationOrFail(requireOption(values.data, '--data'));
  try {
    const { storeId } = await registerWithCentral(station, {
      centralUrl: requireOption(values.central, '--central'),
      adminToken,
      address: requireOption(values.address, '--address'),
    });
    process.stdout.write(`store ${storeId} registered with ${station.config.centralUrl}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RegistrationError) throw new CliError(error.message, 1);
    throw error;
  } finally {
    station.close();
  }
}
