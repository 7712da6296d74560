// Runs in: node. Everything a central route needs, built once per app. It holds no state of its
// own beyond the database handle: several instances on one database behave as one.
import type { FastifyBaseLogger } from 'fastify';
import type { Acquirer } from './acquirer/types.js';
import type { CentralKysely, Dialect } from './db/index.js';
import type { Clock } from '../store/clock.js';
import { Idempotency } from './plugins/idempotency.js';
import { StoreService } from './modules/stores/service.js';
import { PaymentService } from './modules/payments/service.js';
import { SyncService } from './modules/sync/service.js';
import { ReportService } from './modules/reports/service.js';
import { ProfileService } from './modules/profiles/service.js';

export interface CentralContext {
  db: CentralKysely;
  dialect: Dialect;
  clock: Clock;
  stores: StoreService;
  payments: PaymentService;
  sync: SyncService;
  reports: ReportService;
  profiles: ProfileService;
  idempotency: Idempotency;
  /** Deletes expired idempotency keys and nonces; every instance runs it now and then. */
  purgeExpired(now?: number): Promise<{ idempotencyKeys: number; nonces: number }>;
}

export function createCentralContext(options: {
  db: CentralKysely;
  dialect: Dialect;
  clock: Clock;
  acquirer: Acquirer;
  acquirerTimeoutMs: number;
  log: FastifyBaseLogger;
  /** Seals approval profiles; without it the profile routes answer 503. */
  profileKey?: Buffer | null;
}): CentralContext {
  const { db, clock } = options;
  const idempotency = new Idempotency(db, clock);
  return {
    db,
    dialect: options.dialect,
    clock,
    stores: new StoreService(db),
    payments: new PaymentService(options),
    sync: new SyncService(db, clock),
    reports: new ReportService(db),
    profiles: new ProfileService(db, clock, options.profileKey ?? null),
    idempotency,
    async purgeExpired(now = clock.now()) {
      const idempotencyKeys = await idempotency.purgeExpired(now);
      const nonces = await db.deleteFrom('request_nonces').where('expires_at', '<', now).executeTakeFirst();
      return { idempotencyKeys, nonces: Number(nonces.numDeletedRows) };
    },
  };
}
