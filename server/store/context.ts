// Runs in: node. Everything a route needs, built once per app from a station's database.
import type { Db } from './db.js';
import type { Clock } from './clock.js';
import { EventHub } from './events.js';
import type { StationConfig } from './station.js';
import { SessionRepository } from './modules/sessions/repository.js';
import { CartRepository } from './modules/carts/repository.js';
import { OrderService } from './modules/orders/service.js';
import { StaffSessions } from './modules/staff/repository.js';
import { CatalogueRepository } from './modules/catalogue/repository.js';
import { OutboxRepository } from './modules/outbox/repository.js';
import { SyncWorker, type SyncTransport } from './sync/worker.js';

export interface StationContext {
  db: Db;
  config: StationConfig;
  labelKey: Buffer;
  clock: Clock;
  hub: EventHub;
  catalogue: CatalogueRepository;
  sessions: SessionRepository;
  carts: CartRepository;
  orders: OrderService;
  staff: StaffSessions;
  outbox: OutboxRepository;
  /** Sends the outbox to central; null while the store is not registered with one. */
  sync: SyncWorker | null;
}

export function createContext(
  db: Db,
  config: StationConfig,
  labelKey: Buffer,
  clock: Clock,
  syncTransport?: SyncTransport,
): StationContext {
  const hub = new EventHub(db);
  const carts = new CartRepository(db);
  const outbox = new OutboxRepository(db);
  const sync = syncTransport ? new SyncWorker({ outbox, transport: syncTransport, clock }) : null;
  // Order events and outbox rows are written together, so a stored event means work for sync.
  if (sync) hub.subscribe((event) => 'id' in event && sync.nudge());
  return {
    db,
    config,
    labelKey,
    clock,
    hub,
    catalogue: new CatalogueRepository(db),
    sessions: new SessionRepository(db),
    carts,
    orders: new OrderService(db, carts, hub, outbox, clock),
    staff: new StaffSessions(db),
    outbox,
    sync,
  };
}
