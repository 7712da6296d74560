// Runs in: node. The Z-report (end-of-day report) of one business day, read from the orders and
// payments tables. A "sale" is an order placed that day whose payment was captured (paid, paid
// offline, or refunded since): every breakdown of sales adds up to gross. Refunds and
// cancellations count on the day they happened, as a till counts them, so net is what the day
// took in.
import type { Db } from '../../db.js';
import type { Clock } from '../../clock.js';
import type { StationConfig } from '../../station.js';
import type { PaymentStateName, ZReport } from './schemas.js';
import { dayBounds, localDay, localHour, stationTimeZone } from './zone.js';

const PAYMENT_STATES: PaymentStateName[] = ['pending', 'paid', 'paid_offline', 'declined', 'failed', 'refunded'];
const CAPTURED = new Set<string>(['paid', 'paid_offline', 'refunded']);
// The orders_state index answers "created in [start, end)" per state, so a day is read without
// scanning every order the station ever took.
const ALL_STATES = "('placed', 'handed_over', 'cancelled')";
/**
 * Orders cancelled in [start, end): a cancelled order's updated_at is its cancellation. Named
 * index: without statistics SQLite would pick orders_state and read every cancelled order.
 */
export const CANCELLED_BETWEEN = `SELECT o.total, o.currency, p.state AS payment_state, p.amount
    FROM orders o INDEXED BY orders_cancelled_at LEFT JOIN payments p ON p.order_id = o.id
   WHERE o.state = 'cancelled' AND o.updated_at >= ? AND o.updated_at < ?`;
const TOP_PRODUCTS = 10;

interface DayOrderRow {
  id: string;
  state: 'placed' | 'handed_over' | 'cancelled';
  total: number;
  currency: string;
  fulfilment: 'pickup' | 'delivery';
  created_at: number;
  method: string;
  payment_state: PaymentStateName | null;
}

interface CancelledRow {
  total: number;
  currency: string;
  payment_state: PaymentStateName | null;
  amount: number | null;
}

interface ProductRow {
  sku: string;
  name: string;
  quantity: number;
  amount: number;
}

export class ReportService {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<StationConfig, 'storeId' | 'name' | 'currency'>,
    private readonly clock: Clock,
  ) {}

  /** The day's zone: the station's `time_zone` setting, else the machine's. */
  timeZone(): string {
    return stationTimeZone(this.db);
  }

  /** Today in the station's zone. */
  today(): string {
    return localDay(this.clock.now(), this.timeZone());
  }

  zReport(day?: string): ZReport {
    const zone = this.timeZone();
    const now = this.clock.now();
    const date = day ?? localDay(now, zone);
    const { start, end } = dayBounds(date, zone);
    const currency = this.config.currency;
    // A day without a clock change has local hours exactly one hour apart from its midnight, so
    // an order's hour is arithmetic; only a DST day asks Intl for each order.
    const steady = end - start === 24 * 3600_000;
    const hourOf = (ms: number) => (steady ? Math.floor((ms - start) / 3600_000) : localHour(ms, zone));

    const orders = this.db
      .prepare(
        `SELECT o.id, o.state, o.total, o.currency, o.fulfilment, o.created_at,
                coalesce(p.method, o.payment_method) AS method, p.state AS payment_state
           FROM orders o LEFT JOIN payments p ON p.order_id = o.id
          WHERE o.state IN ${ALL_STATES} AND o.created_at >= ? AND o.created_at < ?
          ORDER BY o.created_at, o.number`,
      )
      .all(start, end) as DayOrderRow[];
    // A refund commits with its cancellation, so both fall on the same day.
    const cancelled = this.db.prepare(CANCELLED_BETWEEN).all(start, end) as CancelledRow[];

    const counts = { total: orders.length, placed: 0, handedOver: 0, cancelled: 0 };
    const gross = { count: 0, amount: 0 };
    const byMethod = new Map<string, { count: number; amount: number }>();
    const byState = new Map(PAYMENT_STATES.map((state) => [state, { count: 0, amount: 0 }]));
    const byFulfilment = { pickup: { count: 0, amount: 0 }, delivery: { count: 0, amount: 0 } };
    const hourly = Array.from({ length: 24 }, (_, hour) => ({ hour, count: 0, amount: 0 }));
    const other = new Map<string, { currency: string; gross: { count: number; amount: number }; refunds: { count: number; amount: number } }>();
    const otherOf = (code: string) => {
      let entry = other.get(code);
      if (!entry) {
        entry = { currency: code, gross: { count: 0, amount: 0 }, refunds: { count: 0, amount: 0 } };
        other.set(code, entry);
      }
      return entry;
    };

    for (const order of orders) {
      if (order.state === 'placed') counts.placed++;
      else if (order.state === 'handed_over') counts.handedOver++;
      else counts.cancelled++;
      const paymentState = order.payment_state ?? 'pending';
      const captured = CAPTURED.has(paymentState);
      if (order.currency !== currency) {
        if (captured) add(otherOf(order.currency).gross, order.total);
        continue;
      }
      add(byState.get(paymentState)!, order.total);
      if (!captured) continue;
      add(gross, order.total);
      let method = byMethod.get(order.method);
      if (!method) byMethod.set(order.method, (method = { count: 0, amount: 0 }));
      add(method, order.total);
      add(byFulfilment[order.fulfilment], order.total);
      add(hourly[hourOf(order.created_at)]!, order.total);
    }

    const refunds = { count: 0, amount: 0 };
    const cancellations = { count: 0, amount: 0 };
    for (const row of cancelled) {
      const refunded = row.payment_state === 'refunded';
      if (row.currency !== currency) {
        if (refunded) add(otherOf(row.currency).refunds, row.amount ?? row.total);
        continue;
      }
      add(cancellations, row.total);
      if (refunded) add(refunds, row.amount ?? row.total);
    }

    const topProducts = (
      this.db
        .prepare(
          `SELECT i.sku, max(i.name) AS name, sum(i.quantity) AS quantity, sum(i.quantity * i.unit_price) AS amount
             FROM orders o
             JOIN payments p ON p.order_id = o.id
             JOIN order_items i ON i.order_id = o.id
            WHERE o.state IN ${ALL_STATES} AND o.created_at >= ? AND o.created_at < ?
              AND o.currency = ? AND p.state IN ('paid', 'paid_offline', 'refunded')
            GROUP BY i.sku
            ORDER BY amount DESC, quantity DESC, i.sku
            LIMIT ${TOP_PRODUCTS}`,
        )
        .all(start, end, currency) as ProductRow[]
    ).map((row) => ({ sku: row.sku, name: row.name, quantity: row.quantity, amount: row.amount }));

    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      reportNumber: `Z-${this.config.storeId}-${date.replaceAll('-', '')}`,
      storeId: this.config.storeId,
      storeName: this.config.name,
      date,
      timeZone: zone,
      from: iso(start),
      to: iso(end),
      closed: end <= now,
      generatedAt: iso(now),
      currency,
      orders: counts,
      gross,
      refunds,
      cancellations,
      net: gross.amount - refunds.amount,
      byPaymentMethod: [...byMethod.entries()]
        .map(([method, figure]) => ({ method, ...figure }))
        .sort((a, b) => b.amount - a.amount || a.method.localeCompare(b.method)),
      byPaymentState: PAYMENT_STATES.map((state) => ({ state, ...byState.get(state)! })),
      byFulfilment: (['pickup', 'delivery'] as const).map((type) => ({ type, ...byFulfilment[type] })),
      topProducts,
      hourly,
      firstOrderAt: orders.length > 0 ? iso(orders[0]!.created_at) : null,
      lastOrderAt: orders.length > 0 ? iso(orders[orders.length - 1]!.created_at) : null,
      otherCurrencies: [...other.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
    };
  }
}

function add(figure: { count: number; amount: number }, amount: number): void {
  figure.count += 1;
  figure.amount += amount;
}
