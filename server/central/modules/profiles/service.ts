// Runs in: node. Shoppers' approval profiles, chain-wide (issue 5, item 1): stored sealed per
// shopper reference, opened only to answer the station that runs a dialogue, and the failed
// dialogues that lock approval for 24 h whichever store they happened in.
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../http/errors.js';
import { lockoutState, normaliseContact } from '../../../protocol/approval.js';
import type { Clock } from '../../../store/clock.js';
import type { CentralKysely } from '../../db/index.js';
import { iso } from '../../schemas.js';
import { deriveProfileKeys, open, seal, shopperRef, type ProfileKeys } from './seal.js';

export interface EnrolledAnswer {
  questionId: string;
  text?: string;
  salt: string;
  hash: string;
  embedding: string;
  answer: string;
}

/** The part of a profile that is sealed: all of it but who enrolled where and when. */
export interface SealedProfile {
  lang: 'ko' | 'en';
  deviceHash: string;
  questions: EnrolledAnswer[];
}

export interface PurchasedItem {
  sku: string;
  name: string;
  nameEn?: string;
}

/** History questions ask about the last 30 days. */
const PURCHASE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
const PURCHASE_ORDERS = 50;

export interface LockoutView {
  locked: boolean;
  until: string | null;
  failures: { at: string; storeId: string }[];
}

export class ProfileService {
  private readonly keys: ProfileKeys | null;

  constructor(
    private readonly db: CentralKysely,
    private readonly clock: Clock,
    profileKey: Buffer | null,
  ) {
    this.keys = profileKey ? deriveProfileKeys(profileKey) : null;
  }

  async enrol(storeId: string, contact: string, profile: SealedProfile): Promise<{ enrolledAt: string }> {
    const { keys, ref } = this.reference(contact);
    const now = this.clock.now();
    const inserted = await this.db
      .insertInto('shopper_profiles')
      .values({ ref, sealed: seal(keys, JSON.stringify(profile), ref), enrol_store_id: storeId, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('ref').doNothing())
      .returning('ref')
      .executeTakeFirst();
    // Replacing a profile from a shopper app would let whoever knows a contact take it over.
    if (!inserted) throw new AppError(409, 'profile_exists', 'This contact already has an approval profile.');
    return { enrolledAt: iso(now) };
  }

  async lookup(contact: string): Promise<{
    profile: (SealedProfile & { enrolledAt: string; enrolStoreId: string }) | null;
    lockout: LockoutView;
    purchases: (PurchasedItem & { at: string; storeId: string })[];
  }> {
    const { keys, ref } = this.reference(contact);
    const row = await this.db.selectFrom('shopper_profiles').selectAll().where('ref', '=', ref).executeTakeFirst();
    const profile = row
      ? { ...(JSON.parse(open(keys, row.sealed, ref)) as SealedProfile), enrolledAt: iso(row.created_at), enrolStoreId: row.enrol_store_id }
      : null;
    const purchases = row ? await this.purchasesOf(keys, ref) : [];
    return { profile, lockout: await this.lockoutOf(ref), purchases };
  }

  /** Records an enrolled shopper's paid order (once per store and order); others are not kept. */
  async recordPurchase(storeId: string, contact: string, orderId: string, items: PurchasedItem[]): Promise<{ recorded: boolean }> {
    const { keys, ref } = this.reference(contact);
    const enrolled = await this.db.selectFrom('shopper_profiles').select('ref').where('ref', '=', ref).executeTakeFirst();
    if (!enrolled) return { recorded: false };
    await this.db
      .insertInto('shopper_purchases')
      .values({ ref, store_id: storeId, order_id: orderId, sealed: seal(keys, JSON.stringify(items), ref), at: this.clock.now() })
      .onConflict((oc) => oc.columns(['store_id', 'order_id']).doNothing())
      .execute();
    return { recorded: true };
  }

  private async purchasesOf(keys: ProfileKeys, ref: string) {
    const rows = await this.db
      .selectFrom('shopper_purchases')
      .select(['sealed', 'store_id', 'at'])
      .where('ref', '=', ref)
      .where('at', '>', this.clock.now() - PURCHASE_WINDOW_MS)
      .orderBy('at', 'desc')
      .limit(PURCHASE_ORDERS)
      .execute();
    return rows.flatMap((r) => (JSON.parse(open(keys, r.sealed, ref)) as PurchasedItem[]).map((item) => ({ ...item, at: iso(r.at), storeId: r.store_id })));
  }

  async lockout(contact: string): Promise<LockoutView> {
    return this.lockoutOf(this.reference(contact).ref);
  }

  /** Records a failed dialogue once per order (a retried report changes nothing). */
  async recordFailure(storeId: string, contact: string, orderId: string): Promise<LockoutView> {
    const { ref } = this.reference(contact);
    await this.db
      .insertInto('approval_failures')
      .values({ id: randomUUID(), ref, store_id: storeId, order_id: orderId, at: this.clock.now() })
      .onConflict((oc) => oc.columns(['store_id', 'order_id']).doNothing())
      .execute();
    return this.lockoutOf(ref);
  }

  private async lockoutOf(ref: string): Promise<LockoutView> {
    const now = this.clock.now();
    const rows = await this.db
      .selectFrom('approval_failures')
      .select(['at', 'store_id'])
      .where('ref', '=', ref)
      .where('at', '>', now - 24 * 60 * 60 * 1000)
      .orderBy('at', 'desc')
      .execute();
    const state = lockoutState(
      rows.map((r) => r.at),
      now,
    );
    return {
      locked: state.locked,
      until: state.until === null ? null : iso(state.until),
      failures: rows.filter((r) => r.at <= now).map((r) => ({ at: iso(r.at), storeId: r.store_id })),
    };
  }

  private reference(contact: string): { keys: ProfileKeys; ref: string } {
    if (!this.keys) throw new AppError(503, 'profiles_unavailable', 'Central has no profile key configured; approval profiles cannot be used.');
    const normalised = normaliseContact(contact);
    if (!normalised) throw new AppError(400, 'contact_invalid', 'Give a phone number or an e-mail address.');
    return { keys: this.keys, ref: shopperRef(this.keys, normalised) };
  }
}
