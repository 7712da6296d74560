// Runs in: node. The central database as Kysely sees it: one shape for SQLite and PostgreSQL.
// Times are unix milliseconds and money is integer minor units, both bigint columns read back
// as safe JS integers; JSON is stored as text so both dialects treat it alike.
import type { Insertable, Selectable } from 'kysely';

export interface SettingsTable {
  name: string;
  value: string;
}

export interface StoresTable {
  store_id: string;
  name: string;
  address: string;
  /** deriveSigningKey(storeKey) in base64url: enough to check signatures, not the key itself. */
  signing_key: string;
  created_at: number;
  key_issued_at: number;
}

export interface RequestNoncesTable {
  store_id: string;
  nonce: string;
  expires_at: number;
}

export interface IdempotencyKeysTable {
  store_id: string;
  idem_key: string;
  request_hash: string;
  /** Null while the first request runs. */
  status_code: number | null;
  response_body: string | null;
  /** An unfinished first request whose lease ran out (its process died) may be taken over. */
  locked_until: number;
  /** Which claim holds the lease (a fresh token per claim); null in rows written before 0003. */
  lease_owner: string | null;
  created_at: number;
  expires_at: number;
}

export type PaymentState =
  | 'pending'
  | 'authorized'
  | 'captured'
  | 'declined'
  | 'cancelled'
  | 'refunded'
  | 'partially_refunded'
  | 'failed';

export interface PaymentsTable {
  id: string;
  store_id: string;
  order_id: string;
  amount: number;
  currency: string;
  state: PaymentState;
  amount_captured: number;
  amount_refunded: number;
  token_ref: string;
  brand: string | null;
  masked_pan: string | null;
  decline_code: string | null;
  failure_code: string | null;
  acquirer_ref: string | null;
  offline_accepted_at: number | null;
  /** The Idempotency-Key it was created under: a retry that takes over a dead request finds it. */
  idempotency_key: string | null;
  /** A lease that serialises operations on one payment across central instances. */
  busy_until: number | null;
  /** Which operation holds that lease (a fresh token per operation). */
  busy_owner: string | null;
  created_at: number;
  updated_at: number;
  captured_at: number | null;
}

export interface RefundsTable {
  id: string;
  payment_id: string;
  store_id: string;
  order_id: string;
  amount: number;
  currency: string;
  acquirer_ref: string | null;
  created_at: number;
}

export interface SyncEventsTable {
  store_id: string;
  id: string;
  seq: number;
  type: string;
  occurred_at: number;
  payload: string;
  /** SHA-256 over seq, type, occurredAt and payload: tells a duplicate from a conflicting reuse. */
  content_hash: string;
  received_at: number;
}

export interface SyncStateTable {
  store_id: string;
  ack_seq: number;
}

/** An approval profile: everything but the reference sealed (modules/profiles/seal.ts). */
export interface ShopperProfilesTable {
  /** HMAC of the normalised contact under central's reference key. */
  ref: string;
  sealed: string;
  enrol_store_id: string;
  created_at: number;
  updated_at: number;
}

export interface ApprovalFailuresTable {
  id: string;
  ref: string;
  store_id: string;
  order_id: string;
  at: number;
}

export interface ShopperPurchasesTable {
  ref: string;
  store_id: string;
  order_id: string;
  /** The order's items ({ sku, name, nameEn? }[]), sealed under the shopper reference. */
  sealed: string;
  at: number;
}

export interface CentralDatabase {
  settings: SettingsTable;
  stores: StoresTable;
  request_nonces: RequestNoncesTable;
  idempotency_keys: IdempotencyKeysTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  sync_events: SyncEventsTable;
  sync_state: SyncStateTable;
  shopper_profiles: ShopperProfilesTable;
  approval_failures: ApprovalFailuresTable;
  shopper_purchases: ShopperPurchasesTable;
}

export type PaymentRow = Selectable<PaymentsTable>;
export type NewPayment = Insertable<PaymentsTable>;
export type RefundRow = Selectable<RefundsTable>;
export type StoreRow = Selectable<StoresTable>;
export type SyncEventRow = Selectable<SyncEventsTable>;
