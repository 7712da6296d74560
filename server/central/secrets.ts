// Runs in: node. Central's own secrets: the profile key that seals shoppers' approval profiles
// and derives their references. It lives outside the database (a 0600 file in the data folder,
// or an environment variable), so a copy of the database alone opens nothing.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CENTRAL_SECRETS_FILE = 'central-secrets.json';
/**
 * Several central instances on one PostgreSQL must share the key (each has its own data folder):
 * give them all the same value here (32 bytes, base64url) instead of the generated file.
 */
export const PROFILE_KEY_ENV = 'OMNI_CENTRAL_PROFILE_KEY';

export interface CentralSecrets {
  /** 32 random bytes; never stored in the database. */
  profileKey: Buffer;
}

function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length !== 32) throw new Error(`the profile key in ${where} must be 32 bytes in base64url`);
  return key;
}

/** The environment's key, or the data folder's file, made on first start. */
export function loadCentralSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): CentralSecrets {
  const fromEnv = env[PROFILE_KEY_ENV];
  if (fromEnv) return { profileKey: decodeKey(fromEnv, PROFILE_KEY_ENV) };
  const file = join(dataDir, CENTRAL_SECRETS_FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { profileKey?: string };
    if (!stored.profileKey) throw new Error(`${file} holds no profileKey`);
    return { profileKey: decodeKey(stored.profileKey, file) };
  }
  const profileKey = randomBytes(32);
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify({ profileKey: profileKey.toString('base64url') }, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  try {
    // link() never replaces: of two instances starting on one data folder, one key wins and
    // the other reads it, so both seal and open alike.
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadCentralSecrets(dataDir, env);
  } finally {
    unlinkSync(tmp);
  }
  return { profileKey };
}
