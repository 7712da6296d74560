// Runs in: node. How central keeps approval profiles at rest (docs/approval.md): a shopper is
// known by an HMAC of their normalised contact, and everything else of a profile is one
// AES-256-GCM box bound to that reference, both under keys derived from central's profile key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const SEAL_INFO = 'omnistation approval profile seal v1';
const REF_INFO = 'omnistation shopper reference v1';
const VERSION = 'v1';

export interface ProfileKeys {
  seal: Buffer;
  ref: Buffer;
}

/** Two independent keys from one secret, so a leaked reference key opens no profile. */
export function deriveProfileKeys(profileKey: Buffer): ProfileKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', profileKey, Buffer.alloc(0), info, 32));
  return { seal: derive(SEAL_INFO), ref: derive(REF_INFO) };
}

/** The shopper's reference: the contact never sits in central's database, even hashed plainly. */
export function shopperRef(keys: ProfileKeys, normalisedContact: string): string {
  return createHmac('sha256', keys.ref).update(normalisedContact, 'utf8').digest('base64url');
}

/** `aad` (the shopper reference) binds the box to its row: a box copied to another row fails to open. */
export function seal(keys: ProfileKeys, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.seal, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function open(keys: ProfileKeys, sealed: string, aad: string): string {
  const [version, data] = sealed.split('.');
  if (version !== VERSION || !data) throw new Error('unknown profile box version');
  const raw = Buffer.from(data, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', keys.seal, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
