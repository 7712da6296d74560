// Runs in: node. Staff PINs are kept only as salted scrypt hashes.
import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';

export const PIN_PATTERN = /^[0-9]{4,12}$/;

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = scryptSync(pin, Buffer.from(salt, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
}

export function generatePin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
