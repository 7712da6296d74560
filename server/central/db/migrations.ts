// Runs in: node. Central's schema history, written with Kysely's schema builder so the same
// steps run on SQLite and PostgreSQL. Append new steps; never edit one that has shipped.
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

// Migrations see the database as it was when they were written, not today's typed schema.
type AnyDb = Kysely<unknown>;

const initial: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('settings')
      .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('stores')
      .addColumn('store_id', 'varchar(32)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(120)', (c) => c.notNull())
      .addColumn('address', 'varchar(300)', (c) => c.notNull())
      .addColumn('signing_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('key_issued_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('request_nonces')
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('nonce', 'varchar(128)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('request_nonces_pk', ['store_id', 'nonce'])
      .execute();
    await db.schema.createIndex('request_nonces_expiry').on('request_nonces').column('expires_at').execute();

    await db.schema
      .createTable('idempotency_keys')
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('idem_key', 'varchar(255)', (c) => c.notNull())
      .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('response_body', 'text')
      .addColumn('locked_until', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_keys_pk', ['store_id', 'idem_key'])
      .execute();
    await db.schema.createIndex('idempotency_keys_expiry').on('idempotency_keys').column('expires_at').execute();

    await db.schema
      .createTable('payments')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull().references('stores.store_id'))
      .addColumn('order_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('state', 'varchar(24)', (c) => c.notNull())
      .addColumn('amount_captured', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('token_ref', 'varchar(128)', (c) => c.notNull())
      .addColumn('brand', 'varchar(24)')
      .addColumn('masked_pan', 'varchar(24)')
      .addColumn('decline_code', 'varchar(48)')
      .addColumn('failure_code', 'varchar(48)')
      .addColumn('acquirer_ref', 'varchar(128)')
      .addColumn('offline_accepted_at', 'bigint')
      .addColumn('idempotency_key', 'varchar(255)')
      .addColumn('busy_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('captured_at', 'bigint')
      // The database itself refuses impossible money, whatever code runs against it.
      .addCheckConstraint('payments_captured_le_amount', sql`amount_captured >= 0 and amount_captured <= amount`)
      .addCheckConstraint('payments_refunded_le_captured', sql`amount_refunded >= 0 and amount_refunded <= amount_captured`)
      .execute();
    await db.schema.createIndex('payments_store_created').on('payments').columns(['store_id', 'created_at']).execute();
    await db.schema.createIndex('payments_store_order').on('payments').columns(['store_id', 'order_id']).execute();
    await db.schema.createIndex('payments_store_idempotency').on('payments').columns(['store_id', 'idempotency_key']).execute();

    await db.schema
      .createTable('refunds')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('payment_id', 'varchar(36)', (c) => c.notNull().references('payments.id'))
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('order_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('currency', 'varchar(3)', (c) => c.notNull())
      .addColumn('acquirer_ref', 'varchar(128)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('refunds_store_created').on('refunds').columns(['store_id', 'created_at']).execute();
    await db.schema.createIndex('refunds_payment').on('refunds').column('payment_id').execute();

    await db.schema
      .createTable('sync_events')
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull().references('stores.store_id'))
      .addColumn('id', 'varchar(36)', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull().check(sql`seq > 0`))
      .addColumn('type', 'varchar(64)', (c) => c.notNull())
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('content_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      // Exactly once lives here: an event id and a sequence number each exist once per store.
      .addPrimaryKeyConstraint('sync_events_pk', ['store_id', 'id'])
      .addUniqueConstraint('sync_events_store_seq', ['store_id', 'seq'])
      .execute();
    await db.schema.createIndex('sync_events_store_type_time').on('sync_events').columns(['store_id', 'type', 'occurred_at']).execute();

    await db.schema
      .createTable('sync_state')
      .addColumn('store_id', 'varchar(32)', (c) => c.primaryKey().references('stores.store_id'))
      .addColumn('ack_seq', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: AnyDb) {
    for (const table of ['sync_state', 'sync_events', 'refunds', 'payments', 'idempotency_keys', 'request_nonces', 'stores', 'settings']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

// Approval profiles (issue 5): sealed per shopper reference, and the failed dialogues that lock
// approval chain-wide. Only references, store and order ids and times are readable here.
const approvalProfiles: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('shopper_profiles')
      .addColumn('ref', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('enrol_store_id', 'varchar(32)', (c) => c.notNull().references('stores.store_id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('approval_failures')
      .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
      .addColumn('ref', 'varchar(64)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull().references('stores.store_id'))
      .addColumn('order_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      // A station that retries the report of one failed dialogue records it once.
      .addUniqueConstraint('approval_failures_store_order', ['store_id', 'order_id'])
      .execute();
    await db.schema.createIndex('approval_failures_ref_at').on('approval_failures').columns(['ref', 'at']).execute();

    // What an enrolled shopper bought, chain-wide, for the dialogue's history questions: the
    // items are sealed like profiles; only the reference, ids and time are readable.
    await db.schema
      .createTable('shopper_purchases')
      .addColumn('ref', 'varchar(64)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(32)', (c) => c.notNull().references('stores.store_id'))
      .addColumn('order_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('shopper_purchases_pk', ['store_id', 'order_id'])
      .execute();
    await db.schema.createIndex('shopper_purchases_ref_at').on('shopper_purchases').columns(['ref', 'at']).execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('shopper_purchases').execute();
    await db.schema.dropTable('approval_failures').execute();
    await db.schema.dropTable('shopper_profiles').execute();
  },
};

// Leases are short and renewed by their holder (issue 8 follow-up, server/central/lease.ts):
// each claim gets an owner token, so an instance whose lease was taken over can neither renew,
// answer for nor free the key or payment another instance now holds.
const leaseOwners: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable('idempotency_keys').addColumn('lease_owner', 'varchar(36)').execute();
    await db.schema.alterTable('payments').addColumn('busy_owner', 'varchar(36)').execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable('payments').dropColumn('busy_owner').execute();
    await db.schema.alterTable('idempotency_keys').dropColumn('lease_owner').execute();
  },
};

// Every instance looks for payments left pending mid-call once a minute (PaymentService
// .settleAbandoned): without this the look is a scan of the whole ledger. Partial, so it holds
// only the few payments pending at any moment.
const pendingPayments: Migration = {
  async up(db: AnyDb) {
    await db.schema.createIndex('payments_pending').on('payments').column('created_at').where(sql.ref('state'), '=', 'pending').execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex('payments_pending').execute();
  },
};

export const centralMigrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_approval_profiles': approvalProfiles,
  '0003_lease_owners': leaseOwners,
  '0004_pending_payments': pendingPayments,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return centralMigrations;
  },
};
