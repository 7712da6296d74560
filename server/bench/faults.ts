// Runs in: node (bench process and fault tests). The kit shared by the kill -9 and outage fault
// scenarios (issue 3, items 8 and 9): simulated shoppers over real HTTP that resend what got no
// answer, a seeded PRNG for reproducible fault moments, and readers of the station's and central's
// SQLite files that count what each side really holds, with the exactly-once check over them.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

// The seeded PRNG of the load generator, re-exported: the fault scenarios replay from a seed.
export { seededRandom } from './load.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// HTTP

/** A fetch that gave no HTTP answer at all (refused, reset mid-request, timed out). */
export class NoAnswer extends Error {}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = unknown>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer<T>> {
  const { json, ...rest } = init;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      ...rest,
      headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...(rest.headers as Record<string, string> | undefined) },
      body: json === undefined ? rest.body : JSON.stringify(json),
      signal: AbortSignal.timeout(15_000),
    });
    text = await response.text();
  } catch (error) {
    throw new NoAnswer((error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message, { cause: error });
  }
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
}

export interface Shopper {
  deviceId: string;
  headers: Record<string, string>;
}

export async function newShopper(stationUrl: string, n: number): Promise<Shopper> {
  const deviceId = `fault-device-${String(n).padStart(4, '0')}`;
  const answer = await call<{ token: string }>(`${stationUrl}/api/sessions`, { method: 'POST', json: { deviceId } });
  if (answer.status !== 201) throw new Error(`session: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { deviceId, headers: { authorization: `Bearer ${answer.body.token}`, 'x-device-id': deviceId } };
}

export function checkoutBody(orderId: string, token = 'tok_visa') {
  return {
    orderId,
    orderer: { name: '김민지', contact: '010-1234-5678' },
    fulfilment: { type: 'pickup' },
    payment: { method: 'card', token },
  };
}

export interface OrderAnswer {
  id: string;
  total: number;
  currency: string;
  paymentState: string;
  declineCode?: string;
}

export async function staffSignIn(stationUrl: string, pin: string): Promise<string> {
  const answer = await call(`${stationUrl}/api/staff/session`, { method: 'POST', json: { pin } });
  const cookie = answer.headers.get('set-cookie')?.split(';')[0];
  if (answer.status !== 200 || !cookie) throw new Error(`staff sign-in: ${answer.status}`);
  return cookie;
}

// ---------------------------------------------------------------------------------------------
// Shoppers

/** Closed while the station is being killed and restarted; shoppers without an answer wait on it. */
export class Gate {
  private waiting: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  close(): void {
    if (this.release) return;
    this.waiting = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.release = undefined;
  }

  wait(): Promise<void> {
    return this.waiting;
  }
}

export interface Acknowledged {
  orderId: string;
  status: number;
  paymentState: string;
  total: number;
  /** How many times the checkout was sent before an answer came. */
  sends: number;
}

export interface ShoppingLog {
  /** Checkouts answered 2xx: what the shoppers saw acknowledged. */
  acknowledged: Acknowledged[];
  /** Requests that got no HTTP answer (cut by a kill, or refused while the station was down). */
  noAnswer: number;
  /** Checkouts that had to be sent again because a send got no answer. */
  resent: number;
  /** Any answer the scenario does not allow. */
  unexpected: string[];
}

export function newLog(): ShoppingLog {
  return { acknowledged: [], noAnswer: 0, resent: 0, unexpected: [] };
}

async function untilAnswered<T>(log: ShoppingLog, gate: Gate, send: () => Promise<Answer<T>>): Promise<{ answer: Answer<T>; sends: number }> {
  for (let sends = 1; ; sends++) {
    try {
      return { answer: await send(), sends };
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error;
      log.noAnswer++;
      if (sends >= 200) throw new Error(`no answer after ${sends} sends: ${error.message}`, { cause: error });
      await gate.wait();
      await sleep(10);
    }
  }
}

export interface CheckoutOptions {
  stationUrl: string;
  shopper: Shopper;
  gate: Gate;
  log: ShoppingLog;
  /** Payment states a 2xx may carry in this scenario. */
  allowedStates: readonly string[];
}

export interface ShopOptions extends CheckoutOptions {
  skus: readonly string[];
  random: () => number;
  /** Shops until this returns false (checked before each new order). */
  keepGoing: () => boolean;
  pauseMs?: number;
}

/**
 * One shopper's loop: add a product, check out, note what the station answered. A request that
 * gets no answer is sent again once the gate opens — a checkout with the same orderId, as the
 * shopper app does — and only a 2xx counts as acknowledged.
 */
export async function shop(o: ShopOptions): Promise<void> {
  while (o.keepGoing()) {
    const sku = o.skus[Math.floor(o.random() * o.skus.length)]!;
    const add = await untilAnswered(o.log, o.gate, () =>
      call(`${o.stationUrl}/api/cart/items`, { method: 'POST', headers: o.shopper.headers, json: { sku, quantity: 1 } }),
    );
    if (add.answer.status !== 200) o.log.unexpected.push(`cart add ${sku}: ${add.answer.status} ${JSON.stringify(add.answer.body)}`);
    await checkout(o, randomUUID());
    if (o.pauseMs) await sleep(o.pauseMs);
  }
}

export async function checkout(o: CheckoutOptions, orderId: string, token = 'tok_visa'): Promise<Acknowledged | null> {
  const body = checkoutBody(orderId, token);
  const { answer, sends } = await untilAnswered(o.log, o.gate, () =>
    call<OrderAnswer>(`${o.stationUrl}/api/orders`, { method: 'POST', headers: o.shopper.headers, json: body }),
  );
  if (sends > 1) o.log.resent++;
  // 200 is the answer to a resend whose earlier send had committed the order.
  if ((answer.status !== 201 && answer.status !== 200) || answer.body.id !== orderId) {
    o.log.unexpected.push(`checkout ${orderId}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return null;
  }
  if (answer.status === 200 && sends === 1) o.log.unexpected.push(`checkout ${orderId}: 200 on its first send`);
  if (!o.allowedStates.includes(answer.body.paymentState)) {
    o.log.unexpected.push(`checkout ${orderId}: paymentState ${answer.body.paymentState} (${answer.body.declineCode ?? ''})`);
  }
  const seen = { orderId, status: answer.status, paymentState: answer.body.paymentState, total: answer.body.total, sends };
  o.log.acknowledged.push(seen);
  return seen;
}

// ---------------------------------------------------------------------------------------------
// What each side holds

/** Opens a live service's SQLite file read-only (WAL lets it read beside the writer). */
export function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return read(db);
  } finally {
    db.close();
  }
}

export interface StaffStatus {
  sync: { state: string; backlog: number; lastSeq: number; ackedSeq: number; lastError: string | null };
  payments: { offline: { count: number; outstanding: number }; forwarder: { state: string; lastError: string | null } };
}

/** The station as staff see it, plus what the monitor does not show: attempts still unanswered. */
export async function stationSettled(stationUrl: string, stationDb: string, cookie: string): Promise<{ settled: boolean; status: StaffStatus | null }> {
  let status: StaffStatus;
  try {
    const answer = await call<StaffStatus>(`${stationUrl}/api/staff/status`, { headers: { cookie } });
    if (answer.status !== 200) return { settled: false, status: null };
    status = answer.body;
  } catch (error) {
    if (error instanceof NoAnswer) return { settled: false, status: null };
    throw error;
  }
  const unanswered = readDb(stationDb, (db) => (db.prepare('SELECT count(*) AS n FROM payments WHERE attempts > settled_attempt').get() as { n: number }).n);
  const settled =
    status.sync.backlog === 0 && status.sync.ackedSeq === status.sync.lastSeq && status.payments.offline.count === 0 && unanswered === 0;
  return { settled, status };
}

/** Polls until the station's outbox and payments are all settled with central. */
export async function waitForDrain(stationUrl: string, stationDb: string, cookie: string, timeoutMs: number): Promise<StaffStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: StaffStatus | null = null;
  for (;;) {
    const { settled, status } = await stationSettled(stationUrl, stationDb, cookie);
    last = status ?? last;
    if (settled) return status!;
    if (Date.now() > deadline) throw new Error(`the station did not drain within ${timeoutMs} ms; last status: ${JSON.stringify(last)}`);
    await sleep(100);
  }
}

export interface CentralPaymentRow {
  id: string;
  state: string;
  amount: number;
  amount_captured: number;
  offline_accepted_at: number | null;
}

export interface CentralView {
  ackSeq: number;
  events: number;
  distinctEventIds: number;
  eventsByType: Record<string, number>;
  /** order id → how many order.placed events central holds for it. */
  placed: Map<string, number>;
  /** order id → how many payment.captured events central holds for it. */
  capturedEvents: Map<string, number>;
  /** order id → central's payment rows for it. */
  payments: Map<string, CentralPaymentRow[]>;
}

/** One store's events and payments in central's SQLite database. */
export function centralView(centralDb: string, storeId: string): CentralView {
  return readDb(centralDb, (db) => {
    const state = db.prepare('SELECT ack_seq FROM sync_state WHERE store_id = ?').get(storeId) as { ack_seq: number } | undefined;
    const counts = db.prepare('SELECT count(*) AS n, count(DISTINCT id) AS d FROM sync_events WHERE store_id = ?').get(storeId) as { n: number; d: number };
    const byType = db.prepare('SELECT type, count(*) AS n FROM sync_events WHERE store_id = ? GROUP BY type').all(storeId) as { type: string; n: number }[];
    const perOrder = (type: string) =>
      new Map(
        (
          db
            .prepare("SELECT json_extract(payload, '$.orderId') AS orderId, count(*) AS n FROM sync_events WHERE store_id = ? AND type = ? GROUP BY 1")
            .all(storeId, type) as { orderId: string; n: number }[]
        ).map((r) => [r.orderId, r.n]),
      );
    const payments = new Map<string, CentralPaymentRow[]>();
    const rows = db
      .prepare('SELECT order_id, id, state, amount, amount_captured, offline_accepted_at FROM payments WHERE store_id = ? ORDER BY created_at')
      .all(storeId) as (CentralPaymentRow & { order_id: string })[];
    for (const { order_id: orderId, ...payment } of rows) payments.set(orderId, [...(payments.get(orderId) ?? []), payment]);
    return {
      ackSeq: state?.ack_seq ?? 0,
      events: counts.n,
      distinctEventIds: counts.d,
      eventsByType: Object.fromEntries(byType.map((r) => [r.type, r.n])),
      placed: perOrder('order.placed'),
      capturedEvents: perOrder('payment.captured'),
      payments,
    };
  });
}

export interface StationView {
  lastSeq: number;
  unacked: number;
  outboxByType: Record<string, number>;
  orders: { id: string; total: number; paymentState: string; offline: boolean }[];
}

export function stationView(stationDb: string): StationView {
  return readDb(stationDb, (db) => {
    const outbox = db.prepare('SELECT coalesce(max(seq), 0) AS last, sum(acked_at IS NULL) AS unacked FROM outbox').get() as { last: number; unacked: number | null };
    const byType = db.prepare('SELECT type, count(*) AS n FROM outbox GROUP BY type').all() as { type: string; n: number }[];
    const orders = db
      .prepare('SELECT o.id, o.total, p.state, p.offline_accepted_at FROM orders o JOIN payments p ON p.order_id = o.id ORDER BY o.number')
      .all() as { id: string; total: number; state: string; offline_accepted_at: number | null }[];
    return {
      lastSeq: outbox.last,
      unacked: outbox.unacked ?? 0,
      outboxByType: Object.fromEntries(byType.map((r) => [r.type, r.n])),
      orders: orders.map((o) => ({ id: o.id, total: o.total, paymentState: o.state, offline: o.offline_accepted_at !== null })),
    };
  });
}

/** Order ids that appear more than once in a per-order count. */
export function duplicates(counts: Map<string, number>): string[] {
  return [...counts].filter(([, n]) => n > 1).map(([id]) => id);
}

/**
 * The exactly-once check after a drain, for a scenario where every checkout is approved: each
 * acknowledged order has one `order.placed`, one `payment.captured` and one captured payment of
 * its total at central; nothing at central twice; every station order paid and at central; the
 * outbox acknowledged and exactly what central holds. Returns what is wrong (empty: all good).
 */
export function exactlyOnceProblems(acknowledged: readonly Acknowledged[], c: CentralView, s: StationView): string[] {
  const problems: string[] = [];
  for (const seen of acknowledged) {
    const payments = c.payments.get(seen.orderId) ?? [];
    if (c.placed.get(seen.orderId) !== 1) problems.push(`order ${seen.orderId}: ${c.placed.get(seen.orderId) ?? 0} order.placed at central`);
    if (c.capturedEvents.get(seen.orderId) !== 1) problems.push(`order ${seen.orderId}: ${c.capturedEvents.get(seen.orderId) ?? 0} payment.captured at central`);
    if (payments.length !== 1 || payments[0]!.state !== 'captured' || payments[0]!.amount_captured !== seen.total) {
      problems.push(`order ${seen.orderId} (${seen.total}): central payments ${JSON.stringify(payments.map((p) => [p.state, p.amount_captured]))}`);
    }
  }
  for (const id of duplicates(c.placed)) problems.push(`order ${id}: order.placed more than once at central`);
  for (const id of duplicates(c.capturedEvents)) problems.push(`order ${id}: payment.captured more than once at central`);
  for (const [id, rows] of c.payments) if (rows.length > 1) problems.push(`order ${id}: ${rows.length} payments at central`);
  if (c.distinctEventIds !== c.events) problems.push(`central holds ${c.events} events but ${c.distinctEventIds} ids`);
  for (const order of s.orders) {
    if (order.paymentState !== 'paid') problems.push(`station order ${order.id}: payment ${order.paymentState}`);
    if (c.placed.get(order.id) !== 1) problems.push(`station order ${order.id}: not at central`);
    if (c.payments.get(order.id)?.length !== 1) problems.push(`station order ${order.id}: ${c.payments.get(order.id)?.length ?? 0} payments at central`);
  }
  if (c.payments.size !== s.orders.length) problems.push(`central has payments for ${c.payments.size} orders, the station ${s.orders.length} orders`);
  if (s.unacked !== 0) problems.push(`${s.unacked} outbox events unacknowledged`);
  if (c.ackSeq !== s.lastSeq || c.events !== s.lastSeq) problems.push(`central ack ${c.ackSeq} with ${c.events} events; station last seq ${s.lastSeq}`);
  if (JSON.stringify(sorted(c.eventsByType)) !== JSON.stringify(sorted(s.outboxByType))) {
    problems.push(`events by type: central ${JSON.stringify(c.eventsByType)}, station ${JSON.stringify(s.outboxByType)}`);
  }
  return problems;
}

function sorted(record: Record<string, number>): [string, number][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1));
}
