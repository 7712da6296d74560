// Runs in: node. Everything a central route needs, built once per app. It holds no state of its
// own beyond the database handle: several instances on one database behave as one.
import type { FastifyBaseLogger } from 'fastify';
import type { Acquirer } from './acquirer/types.js';
import type { CentralKysely, Dialect } from './db/index.js';
import type { Clock } from '../store/clock.js';
import { Idempotency } from './plugins/idempotency.js';
import { LEASE_MS, LeaseKeeper, RENEW_EVERY_MS } from './lease.js';
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
  /** This instance's heartbeat for the leases it holds; stopped when the app closes. */
  leases: LeaseKeeper;
  /** Deletes expired idempotency keys and nonces; every instance runs it now and then. */
  purgeExpired(now?: number): Promise<{ idempotencyKeys: number; nonces: number }>;
}

export interface LeaseOptions {
  leaseMs?: number;
  renewEveryMs?: number;
  /** How long a retry waits (real time) for a running first request before its 409. */
  waitForFirstMs?: number;
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
  /** Tests run the heartbeat faster (in real time) than the leases' length (on their clock). */
  leases?: LeaseOptions;
}): CentralContext {
  const { db, clock } = options;
  const leaseMs = options.leases?.leaseMs ?? LEASE_MS;
  const leases = new LeaseKeeper(options.leases?.renewEveryMs ?? RENEW_EVERY_MS, options.log);
  const idempotency = new Idempotency(db, clock, leases, { leaseMs, waitForFirstMs: options.leases?.waitForFirstMs, log: options.log });
  return {
    db,
    dialect: options.dialect,
    clock,
    stores: new StoreService(db),
    payments: new PaymentService({ ...options, leases, leaseMs }),
    sync: new SyncService(db, clock),
    reports: new ReportService(db),
    profiles: new ProfileService(db, clock, options.profileKey ?? null),
    idempotency,
    leases,
    async purgeExpired(now = clock.now()) {
      const idempotencyKeys = await idempotency.purgeExpired(now);
      const nonces = await db.deleteFrom('request_nonces').where('expires_at', '<', now).executeTakeFirst();
      return { idempotencyKeys, nonces: Number(nonces.numDeletedRows) };
    },
  };
}
