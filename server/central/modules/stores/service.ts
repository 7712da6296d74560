// Runs in: node. Registered stores and the admin token: central keeps only what it needs to
// check a credential (a SHA-256 of the admin token, the store's derived signing key).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { deriveSigningKey } from '../../../protocol/signing.js';
import { AppError } from '../../../http/errors.js';
import type { CentralKysely } from '../../db/index.js';
import type { StoreRow } from '../../db/schema.js';

const ADMIN_TOKEN_SETTING = 'admin_token_sha256';

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export interface StoreView {
  storeId: string;
  name: string;
  address: string;
  createdAt: string;
  keyIssuedAt: string;
}

function view(row: Pick<StoreRow, 'store_id' | 'name' | 'address' | 'created_at' | 'key_issued_at'>): StoreView {
  return {
    storeId: row.store_id,
    name: row.name,
    address: row.address,
    createdAt: new Date(row.created_at).toISOString(),
    keyIssuedAt: new Date(row.key_issued_at).toISOString(),
  };
}

export class StoreService {
  constructor(private readonly db: CentralKysely) {}

  /** Sets the admin token, replacing any earlier one. */
  async setAdminToken(token: string): Promise<void> {
    const value = sha256(token).toString('hex');
    await this.db
      .insertInto('settings')
      .values({ name: ADMIN_TOKEN_SETTING, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }

  /**
   * On first start there is no admin token: make one and return it, once. Several instances
   * starting together agree on one token through the primary key; the losers return nothing.
   */
  async ensureAdminToken(): Promise<string | undefined> {
    const existing = await this.db.selectFrom('settings').select('value').where('name', '=', ADMIN_TOKEN_SETTING).executeTakeFirst();
    if (existing) return undefined;
    const token = newSecret();
    const inserted = await this.db
      .insertInto('settings')
      .values({ name: ADMIN_TOKEN_SETTING, value: sha256(token).toString('hex') })
      .onConflict((oc) => oc.doNothing())
      .returning('name')
      .executeTakeFirst();
    return inserted ? token : undefined;
  }

  async isAdminToken(token: string): Promise<boolean> {
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', ADMIN_TOKEN_SETTING).executeTakeFirst();
    if (!row) return false;
    const expected = Buffer.from(row.value, 'hex');
    const given = sha256(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  async create(input: { storeId: string; name: string; address: string }, now: number): Promise<StoreView & { storeKey: string }> {
    const storeKey = newSecret();
    const row = {
      store_id: input.storeId,
      name: input.name,
      address: input.address,
      signing_key: deriveSigningKey(storeKey).toString('base64url'),
      created_at: now,
      key_issued_at: now,
    };
    const created = await this.db.transaction().execute(async (trx) => {
      const inserted = await trx.insertInto('stores').values(row).onConflict((oc) => oc.doNothing()).returning('store_id').executeTakeFirst();
      if (!inserted) return false;
      await trx.insertInto('sync_state').values({ store_id: input.storeId, ack_seq: 0 }).execute();
      return true;
    });
    if (!created) throw new AppError(409, 'store_exists', `Store ${input.storeId} is already registered.`);
    return { ...view(row), storeKey };
  }

  /** A new key for a store whose key was lost or leaked; the old one stops working at once. */
  async rotateKey(storeId: string, now: number): Promise<StoreView & { storeKey: string }> {
    const storeKey = newSecret();
    const row = await this.db
      .updateTable('stores')
      .set({ signing_key: deriveSigningKey(storeKey).toString('base64url'), key_issued_at: now })
      .where('store_id', '=', storeId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError(404, 'store_not_found', `No store ${storeId} is registered.`);
    return { ...view(row), storeKey };
  }

  async list(): Promise<StoreView[]> {
    const rows = await this.db.selectFrom('stores').selectAll().orderBy('store_id').execute();
    return rows.map(view);
  }

  async exists(storeId: string): Promise<boolean> {
    return (await this.db.selectFrom('stores').select('store_id').where('store_id', '=', storeId).executeTakeFirst()) !== undefined;
  }

  async signingKey(storeId: string): Promise<Buffer | undefined> {
    const row = await this.db.selectFrom('stores').select('signing_key').where('store_id', '=', storeId).executeTakeFirst();
    return row ? Buffer.from(row.signing_key, 'base64url') : undefined;
  }

  /** Records a nonce; false when it was seen before (the primary key decides, for every instance). */
  async useNonce(storeId: string, nonce: string, expiresAt: number): Promise<boolean> {
    const inserted = await this.db
      .insertInto('request_nonces')
      .values({ store_id: storeId, nonce, expires_at: expiresAt })
      .onConflict((oc) => oc.doNothing())
      .returning('nonce')
      .executeTakeFirst();
    return inserted !== undefined;
  }
}
