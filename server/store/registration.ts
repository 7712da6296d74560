// Runs in: node. Registers a station's store with central once: IT's admin token creates the
// store there, and the store key central returns (shown once) goes into the secret store.
import type { Station } from './station.js';
import { writeSetting } from './station.js';

export class RegistrationError extends Error {}

export interface RegisterOptions {
  centralUrl: string;
  adminToken: string;
  /** The store's postal address, as central lists it. */
  address: string;
}

export async function registerWithCentral(station: Station, options: RegisterOptions): Promise<{ storeId: string }> {
  let base: URL;
  try {
    base = new URL(options.centralUrl);
  } catch {
    throw new RegistrationError(`"${options.centralUrl}" is not a URL`);
  }
  if (station.secrets.get('storeKey')) {
    throw new RegistrationError(`store ${station.config.storeId} is already registered with ${station.config.centralUrl ?? 'central'}`);
  }
  let response: Response;
  try {
    response = await fetch(new URL('/admin/stores', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.adminToken}` },
      body: JSON.stringify({
        storeId: station.config.storeId,
        name: station.config.name,
        address: options.address,
      }),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new RegistrationError(`central at ${base.origin} cannot be reached: ${(error as Error).message}`);
  }
  const payload = (await response.json().catch(() => ({}))) as { storeKey?: string; error?: { code?: string; message?: string } };
  if (!response.ok || typeof payload.storeKey !== 'string') {
    throw new RegistrationError(
      `central refused the registration (${response.status} ${payload.error?.code ?? ''}): ${payload.error?.message ?? 'no store key returned'}`,
    );
  }
  station.secrets.set('storeKey', Buffer.from(payload.storeKey, 'base64url'));
  writeSetting(station.db, 'central_url', base.origin);
  station.config.centralUrl = base.origin;
  return { storeId: station.config.storeId };
}
