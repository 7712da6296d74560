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
import { PaymentRepository } from './modules/payments/repository.js';
import { PaymentService, type CentralRequester } from './modules/payments/service.js';
import { readPaymentSettings, type PaymentSettings } from './modules/payments/settings.js';
import { SyncWorker, type SyncTransport } from './sync/worker.js';
import { RetryLoop, type RetryLoopOptions } from './sync/retry-loop.js';
import { outageLog, type OutageLogger } from './sync/outage-log.js';
import { clockDriftLog } from './sync/clock-drift.js';
import { PresenceRepository } from './modules/presence/repository.js';
import { PresenceService } from './modules/presence/service.js';
import { KioskService } from './modules/presence/kiosks.js';
import { readSetting } from './station.js';
import { ApprovalRepository } from './modules/approval/repository.js';
import { ApprovalService } from './modules/approval/service.js';
import { ApprovalGate, readApprovalPolicy, type ApprovalPolicy } from './modules/approval/gate.js';
import { CentralProfileDirectory, type ProfileDirectory } from './modules/approval/directory.js';
import { engineJudge, type AnswerJudge } from './modules/approval/judge.js';

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
  payments: PaymentService;
  /** Sends the outbox to central; null while the store is not registered with one. */
  sync: SyncWorker | null;
  /** Forwards offline payments to central; null while the store is not registered with one. */
  forwarder: RetryLoop | null;
  /** The signed client for central's API; null while the store is not registered with one. */
  central: CentralRequester | null;
  presence: PresenceService;
  kiosks: KioskService;
  approval: ApprovalService;
  approvalGate: ApprovalGate;
  approvalRepo: ApprovalRepository;
  /** The engine (or a test's fake) that scores answers; warm it at start-up. */
  judge: AnswerJudge;
}

export interface PresenceOptions {
  /** The device-match gate (DESIGN.md "Presence"). Default: the station's `presence_gate`
   * setting, on unless set to "off". */
  gate?: boolean;
}

export interface ApprovalOptions {
  /** The approval gate (issue 5, item 6). Default: the station's `approval_gate` setting ("on"
   * or "off"), else whatever the presence gate is. */
  gate?: boolean;
  unenrolledMaxAmount?: ApprovalPolicy['unenrolledMaxAmount'];
  /** Scores answers; default: the approval engine, loaded lazily. */
  judge?: AnswerJudge;
  /** Where profiles live; default: central through the signed client. */
  directory?: ProfileDirectory;
  /** Shuffles and decoys (tests make them deterministic). */
  random?: () => number;
}

export interface PaymentOptions {
  /** Over the settings stored in the station. */
  settings?: Partial<PaymentSettings>;
  /** The forwarder's pacing. */
  forwarder?: Omit<RetryLoopOptions, 'clock'>;
}

export interface ContextOptions extends Pick<StationContext, 'db' | 'config' | 'labelKey' | 'clock'> {
  /** The server's log: central outages of sync and forwarding, refused undos, clock drift. */
  log?: OutageLogger;
  syncTransport?: SyncTransport;
  central?: CentralRequester;
  payments?: PaymentOptions;
  presence?: PresenceOptions;
  approval?: ApprovalOptions;
}

export function createContext({ db, config, labelKey, clock, log, syncTransport, central, payments: paymentOptions = {}, presence: presenceOptions = {}, approval: approvalOptions = {} }: ContextOptions): StationContext {
  const outages = (name: string) => (log ? outageLog(name, log, clock) : {});
  const hub = new EventHub(db);
  const carts = new CartRepository(db);
  const catalogue = new CatalogueRepository(db);
  const outbox = new OutboxRepository(db);
  const paymentRows = new PaymentRepository(db);
  const orders = new OrderService(db, carts, hub, outbox, paymentRows, clock);
  const sync = syncTransport ? new SyncWorker({ outbox, transport: syncTransport, clock, ...outages('sync') }) : null;
  // Order events and outbox rows are written together, so a stored event means work for sync.
  if (sync) hub.subscribe((event) => 'id' in event && sync.nudge());
  let forwarder: RetryLoop | null = null;
  const presenceRepo = new PresenceRepository(db);
  const presence = new PresenceService({
    db,
    repo: presenceRepo,
    orders,
    hub,
    clock,
    gate: presenceOptions.gate ?? readSetting(db, 'presence_gate') !== 'off',
  });
  const kiosks = new KioskService({
    db,
    clock,
    carts,
    catalogue,
    presence: presenceRepo,
    publicUrl: config.publicUrl,
    onProof: (proof) => presence.prove(proof),
    onTap: (tap, result, kioskId) => presence.noteTap(tap, result, kioskId),
  });
  // Approval (issue 5) composes with presence: presence first, then the identity decision.
  const approvalRepo = new ApprovalRepository(db);
  const directory = approvalOptions.directory ?? new CentralProfileDirectory(central ?? null, clock);
  const judge = approvalOptions.judge ?? engineJudge();
  const approval = new ApprovalService({ repo: approvalRepo, orders, directory, judge, hub, clock, random: approvalOptions.random });
  const approvalGate = new ApprovalGate({
    presence,
    approval,
    repo: approvalRepo,
    orders,
    directory,
    clock,
    policy: readApprovalPolicy(db, config.currency, presence.gateEnabled, { enabled: approvalOptions.gate, unenrolledMaxAmount: approvalOptions.unenrolledMaxAmount }),
  });
  const payments = new PaymentService({
    db,
    payments: paymentRows,
    orders,
    hub,
    outbox,
    clock,
    central: central ?? null,
    settings: readPaymentSettings(db, paymentOptions.settings),
    currency: config.currency,
    onOfflineAccepted: () => forwarder?.nudge(),
    gate: approvalGate,
    log,
  });
  // A proof (or an override) lifts the hold: the order is charged then, not at the next checkout.
  presence.onRelease = (orderId) => void payments.afterCheckout(orderId).catch(() => undefined);
  // A decided dialogue charges the order (passed) or shows it denied (failed) at once.
  approval.onDecided = (orderId) => payments.afterCheckout(orderId);
  // Offline payments wait for central far longer than outbox events do; a slower idle poll is enough.
  if (central) forwarder = new RetryLoop(() => payments.forwardDue(), { idlePollMs: 30_000, ...outages('payment forwarding'), ...paymentOptions.forwarder, clock });
  // Central refuses a clock more than 5 min off; the log says so from 1 min, while there is time.
  if (log) central?.onClockOffset?.(clockDriftLog(log));
  // A payment that went through proves central is back: the outbox and the offline payments
  // follow at once instead of when their backoff (up to a minute) runs out.
  central?.onAnswer?.(() => {
    sync?.retryNow();
    forwarder?.retryNow();
  });
  return {
    db,
    config,
    labelKey,
    clock,
    hub,
    catalogue,
    sessions: new SessionRepository(db),
    carts,
    orders,
    staff: new StaffSessions(db),
    outbox,
    payments,
    sync,
    forwarder,
    central: central ?? null,
    presence,
    kiosks,
    approval,
    approvalGate,
    approvalRepo,
    judge,
  };
}
