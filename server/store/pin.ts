// Runs in: node. Staff PINs are kept only as salted scrypt hashes.
import { randomBytes, randomInt, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

export const PIN_PATTERN = /^[0-9]{4,12}$/;

/** Set-up only (init, the wizard): nothing else is waiting on the station then. */
export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/**
 * Checks a PIN against its stored hash. scrypt is deliberately slow (~60 ms here): it runs in
 * libuv's pool, so a staff sign-in (or someone guessing PINs) does not stall every shopper's
 * scan for that long.
 */
export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    scrypt(pin, Buffer.from(salt, 'base64'), expected.length, (error, key) => (error ? reject(error) : resolve(key))),
  );
  return timingSafeEqual(expected, actual);
}

export function generatePin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
