// Runs in: node. Reports for the chain's back office: the payments ledger, refunds, and the
// reconciliation of what stations say they took (synced payment.* events) against central.
import { AppError } from '../../../http/errors.js';
import type { Kysely, Selectable } from 'kysely';
import type { CentralKysely } from '../../db/index.js';
import type { CentralDatabase } from '../../db/schema.js';
import { iso } from '../../schemas.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_RANGE_DAYS = 92;
/** How long after acceptance a station may forward an offline payment (its 24 h limit, with slack). */
const OFFLINE_FORWARD_MS = 2 * DAY_MS;

export function dayStart(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(ms) || iso(ms).slice(0, 10) !== day) throw new AppError(400, 'invalid_date', `${day} is not a calendar date.`);
  return ms;
}

function dayOf(ms: number): string {
  return iso(ms).slice(0, 10);
}

export function range(from: string, to: string): { start: number; end: number } {
  const start = dayStart(from);
  const end = dayStart(to) + DAY_MS;
  if (end <= start) throw new AppError(400, 'invalid_date', '"to" is before "from".');
  if (end - start > MAX_RANGE_DAYS * DAY_MS) throw new AppError(400, 'range_too_long', `A report covers at most ${MAX_RANGE_DAYS} days.`);
  return { start, end };
}

export interface LedgerPayment {
  date: string;
  id: string;
  orderId: string;
  state: string;
  currency: string;
  amount: number;
  amountCaptured: number;
  amountRefunded: number;
  brand: string | null;
  maskedPan: string | null;
  declineCode: string | null;
  offline: boolean;
  createdAt: string;
}

export interface LedgerDay {
  date: string;
  currency: string;
  payments: number;
  declined: number;
  authorized: number;
  captured: number;
  refunded: number;
  net: number;
}

export interface RefundLine {
  date: string;
  id: string;
  paymentId: string;
  orderId: string;
  currency: string;
  amount: number;
  createdAt: string;
}

interface Side {
  captured: number;
  refunded: number;
}

export interface Mismatch {
  orderId: string;
  currency: string;
  reason: 'missing_at_central' | 'missing_at_station' | 'amount_differs';
  station: Side;
  central: Side;
}

export interface Reconciliation {
  storeId: string;
  date: string;
  balanced: boolean;
  totals: { currency: string; station: Side & { net: number }; central: Side & { net: number } }[];
  mismatches: Mismatch[];
  /** Synced payment events without a readable orderId, amount and currency. */
  unreadableEvents: string[];
}

const STATION_PAYMENT_EVENTS = ['payment.captured', 'payment.offline_accepted', 'payment.declined', 'payment.refunded'];

export class ReportService {
  constructor(private readonly db: CentralKysely) {}

  private async requireStore(storeId: string): Promise<void> {
    const row = await this.db.selectFrom('stores').select('store_id').where('store_id', '=', storeId).executeTakeFirst();
    if (!row) throw new AppError(404, 'store_not_found', `No store ${storeId} is registered.`);
  }

  /** A store's rows of one table created in a day range, oldest first. */
  private async createdIn<T extends 'payments' | 'refunds'>(table: T, storeId: string, from: string, to: string): Promise<Selectable<CentralDatabase[T]>[]> {
    const { start, end } = range(from, to);
    await this.requireStore(storeId);
    // One query for both tables; Kysely cannot type a table chosen at run time, hence the cast.
    const rows = await (this.db as unknown as Kysely<Pick<CentralDatabase, 'payments'>>)
      .selectFrom(table as 'payments')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows as unknown as Selectable<CentralDatabase[T]>[];
  }

  async ledger(storeId: string, from: string, to: string): Promise<{ storeId: string; from: string; to: string; days: LedgerDay[]; payments: LedgerPayment[] }> {
    const rows = await this.createdIn('payments', storeId, from, to);
    const payments = rows.map<LedgerPayment>((r) => ({
      date: dayOf(r.created_at),
      id: r.id,
      orderId: r.order_id,
      state: r.state,
      currency: r.currency,
      amount: r.amount,
      amountCaptured: r.amount_captured,
      amountRefunded: r.amount_refunded,
      brand: r.brand,
      maskedPan: r.masked_pan,
      declineCode: r.decline_code,
      offline: r.offline_accepted_at !== null,
      createdAt: iso(r.created_at),
    }));
    const days = new Map<string, LedgerDay>();
    for (const p of payments) {
      const key = `${p.date} ${p.currency}`;
      const day = days.get(key) ?? { date: p.date, currency: p.currency, payments: 0, declined: 0, authorized: 0, captured: 0, refunded: 0, net: 0 };
      day.payments++;
      if (p.state === 'declined') day.declined++;
      if (!['declined', 'failed', 'pending'].includes(p.state)) day.authorized += p.amount;
      day.captured += p.amountCaptured;
      day.refunded += p.amountRefunded;
      day.net = day.captured - day.refunded;
      days.set(key, day);
    }
    return { storeId, from, to, days: [...days.values()], payments };
  }

  async refunds(storeId: string, from: string, to: string): Promise<{ storeId: string; from: string; to: string; refunds: RefundLine[] }> {
    const rows = await this.createdIn('refunds', storeId, from, to);
    return {
      storeId,
      from,
      to,
      refunds: rows.map((r) => ({
        date: dayOf(r.created_at),
        id: r.id,
        paymentId: r.payment_id,
        orderId: r.order_id,
        currency: r.currency,
        amount: r.amount,
        createdAt: iso(r.created_at),
      })),
    };
  }

  /**
   * Money is dated by when it moved: a capture by its capture time, an offline payment by when
   * the station accepted it, a refund by its own time; the station's side reads the same from
   * its payment events (last capture/offline/decline event of an order wins, refunds add up).
   */
  async reconciliation(storeId: string, date: string): Promise<Reconciliation> {
    const start = dayStart(date);
    const end = start + DAY_MS;
    await this.requireStore(storeId);
    const inDay = (ms: number) => ms >= start && ms < end;
    const key = (orderId: string, currency: string) => `${currency} ${orderId}`;
    const station = new Map<string, Side>();
    const central = new Map<string, Side>();
    const side = (map: Map<string, Side>, k: string) => map.get(k) ?? map.set(k, { captured: 0, refunded: 0 }).get(k)!;

    const captures = await this.db
      .selectFrom('payments')
      .select(['order_id', 'currency', 'amount_captured', 'captured_at', 'offline_accepted_at'])
      .where('store_id', '=', storeId)
      .where('captured_at', '>=', start)
      .where('captured_at', '<', end + OFFLINE_FORWARD_MS)
      .execute();
    for (const p of captures) {
      if (p.amount_captured > 0 && inDay(p.offline_accepted_at ?? p.captured_at!)) side(central, key(p.order_id, p.currency)).captured += p.amount_captured;
    }
    const refunds = await this.db
      .selectFrom('refunds')
      .select(['order_id', 'currency', 'amount'])
      .where('store_id', '=', storeId)
      .where('created_at', '>=', start)
      .where('created_at', '<', end)
      .execute();
    for (const r of refunds) side(central, key(r.order_id, r.currency)).refunded += r.amount;

    const events = await this.db
      .selectFrom('sync_events')
      .select(['id', 'type', 'occurred_at', 'payload'])
      .where('store_id', '=', storeId)
      .where('type', 'in', STATION_PAYMENT_EVENTS)
      .where('occurred_at', '>=', start)
      .where('occurred_at', '<', end + OFFLINE_FORWARD_MS)
      .orderBy('seq')
      .execute();
    const unreadableEvents: string[] = [];
    const capturedByAttempt = new Map<string, Map<number | null, number>>();
    for (const e of events) {
      const payload = JSON.parse(e.payload) as Record<string, unknown>;
      const { orderId, amount, currency } = payload;
      if (typeof orderId !== 'string' || typeof currency !== 'string' || !Number.isSafeInteger(amount) || (amount as number) < 0) {
        unreadableEvents.push(e.id);
        continue;
      }
      const acceptedAt = typeof payload.offlineAcceptedAt === 'string' ? Date.parse(payload.offlineAcceptedAt) : NaN;
      const movedAt = e.type !== 'payment.refunded' && Number.isFinite(acceptedAt) ? acceptedAt : e.occurred_at;
      if (!inDay(movedAt)) continue;
      const k = key(orderId, currency);
      const s = side(station, k);
      if (e.type === 'payment.refunded') s.refunded += amount as number;
      else {
        // Within one attempt the latest event says what it took (accepted offline, then captured or
        // declined); an order paid again after a refunded attempt took money under both.
        const attempt = typeof payload.attempt === 'number' ? payload.attempt : null;
        const attempts = capturedByAttempt.get(k) ?? capturedByAttempt.set(k, new Map()).get(k)!;
        attempts.set(attempt, e.type === 'payment.declined' ? 0 : (amount as number));
      }
    }
    for (const [k, attempts] of capturedByAttempt) side(station, k).captured = [...attempts.values()].reduce((sum, n) => sum + n, 0);

    const mismatches: Mismatch[] = [];
    const totals = new Map<string, Reconciliation['totals'][number]>();
    for (const k of [...new Set([...station.keys(), ...central.keys()])].sort()) {
      const [currency, ...rest] = k.split(' ');
      const orderId = rest.join(' ');
      const s = station.get(k) ?? { captured: 0, refunded: 0 };
      const c = central.get(k) ?? { captured: 0, refunded: 0 };
      const t = totals.get(currency!) ?? { currency: currency!, station: { captured: 0, refunded: 0, net: 0 }, central: { captured: 0, refunded: 0, net: 0 } };
      t.station.captured += s.captured;
      t.station.refunded += s.refunded;
      t.central.captured += c.captured;
      t.central.refunded += c.refunded;
      t.station.net = t.station.captured - t.station.refunded;
      t.central.net = t.central.captured - t.central.refunded;
      totals.set(currency!, t);
      if (s.captured === c.captured && s.refunded === c.refunded) continue;
      const reason = !station.has(k) || (s.captured === 0 && s.refunded === 0) ? 'missing_at_station' : !central.has(k) || (c.captured === 0 && c.refunded === 0) ? 'missing_at_central' : 'amount_differs';
      mismatches.push({ orderId, currency: currency!, reason, station: s, central: c });
    }
    return { storeId, date, balanced: mismatches.length === 0, totals: [...totals.values()], mismatches, unreadableEvents };
  }
}
