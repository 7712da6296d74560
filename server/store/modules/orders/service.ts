// Runs in: node. Orders: placed from a cart exactly once per client order id, then handed over
// (once paid) or cancelled by staff. Every change writes its monitor event in the same transaction.
// Paying is the payments module's work; an order only carries its payment row and shows it.
import { createHash } from 'node:crypto';
import { durableCommit, statement, type Db } from '../../db.js';
import { AppError } from '../../errors.js';
import type { EventHub, StoredEvent } from '../../events.js';
import type { Clock } from '../../clock.js';
import type { Order, OrderHold, OrderState, StaffOrder } from '../../schemas.js';
import type { CartRepository } from '../carts/repository.js';
import type { ShopperIdentity } from '../sessions/repository.js';
import type { OutboxRepository } from '../outbox/repository.js';
import type { PaymentRepository, PaymentRow } from '../payments/repository.js';
import type { CheckoutBody } from './schemas.js';

const PHONE = /^\+?[0-9][0-9 ()-]{5,19}$/;
const EMAIL = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
// A run of 13-19 digits is what a card number looks like: such a "token" is refused, never stored.
const PAN_LIKE = /[0-9]{13,19}/;

interface OrderRow {
  id: string;
  number: number;
  session_id: string;
  device_id: string;
  state: OrderState;
  total: number;
  currency: string;
  orderer_name: string;
  orderer_contact: string;
  fulfilment: 'pickup' | 'delivery';
  delivery_address: string | null;
  payment_method: string;
  request_hash: string;
  cancel_reason: string | null;
  hold: OrderHold | null;
  held_at: number | null;
  created_at: number;
  updated_at: number;
}

interface ItemRow {
  sku: string;
  name: string;
  unit_price: number;
  quantity: number;
}

export type OrderAction = 'hand_over' | 'cancel';

const TRANSITIONS: Record<OrderAction, { from: OrderState[]; to: OrderState }> = {
  hand_over: { from: ['placed'], to: 'handed_over' },
  cancel: { from: ['placed'], to: 'cancelled' },
};

export class OrderService {
  constructor(
    private readonly db: Db,
    private readonly carts: CartRepository,
    private readonly hub: EventHub,
    private readonly outbox: OutboxRepository,
    private readonly payments: PaymentRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Places the cart as an order. The same order id and body again answers the first result.
   * Resolves once the order is on disk: only then is it announced and acknowledged. Answers the
   * id, not the view: the caller shows the order after its payment, so a view built here would
   * be read and thrown away on every checkout.
   */
  async checkout(shopper: ShopperIdentity, body: CheckoutBody): Promise<{ id: string; created: boolean }> {
    validateCheckout(body);
    const requestHash = hashRequest(body);
    let event: StoredEvent | undefined;
    // The payment row is written with the order, so it commits durably too.
    const result = await durableCommit(this.db, () => {
      const existing = this.row(body.orderId);
      if (existing) {
        if (existing.session_id !== shopper.sessionId || existing.request_hash !== requestHash) {
          throw new AppError(409, 'order_id_conflict', 'This order id was already used for another order.');
        }
        return { id: existing.id, created: false };
      }
      const cart = this.carts.view(shopper.sessionId);
      if (cart.items.length === 0 || cart.currency === null) {
        throw new AppError(409, 'cart_empty', 'Your cart is empty.');
      }
      const now = this.clock.now();
      const number =
        (statement(this.db, 'SELECT coalesce(max(number), 0) + 1 AS n FROM orders').get() as { n: number }).n;
      statement(this.db,
          `INSERT INTO orders (id, number, session_id, device_id, state, total, currency,
             orderer_name, orderer_contact, fulfilment, delivery_address, payment_method,
             payment_token, request_hash, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          body.orderId,
          number,
          shopper.sessionId,
          shopper.deviceId,
          cart.total,
          cart.currency,
          body.orderer.name.trim(),
          body.orderer.contact.trim(),
          body.fulfilment.type,
          body.fulfilment.type === 'delivery' ? body.fulfilment.address.trim() : null,
          body.payment.method,
          body.payment.token,
          requestHash,
          now,
          now,
        );
      const insertItem = statement(this.db,
        'INSERT INTO order_items (order_id, line, sku, name, unit_price, quantity) VALUES (?, ?, ?, ?, ?, ?)',
      );
      cart.items.forEach((item, index) => {
        insertItem.run(body.orderId, index + 1, item.sku, item.name, item.unitPrice, item.quantity);
      });
      this.payments.create(
        { id: body.orderId, amount: cart.total, currency: cart.currency, method: body.payment.method, token: body.payment.token },
        now,
      );
      // The phone reloads its cart after placing the order: no need to tell it live.
      this.carts.clear(shopper.sessionId, 'shopper');
      const view = this.staffView(body.orderId);
      event = this.hub.record('order.placed', body.orderId, view, now);
      this.outbox.append('order.placed', syncPayload(view), now);
      return { id: body.orderId, created: true };
    });
    if (event) this.hub.publish(event);
    return result;
  }

  forShopper(shopper: ShopperIdentity, id: string): Order {
    const row = this.row(id);
    // Another shopper's order is answered exactly like a missing one: ids reveal nothing.
    if (!row || row.session_id !== shopper.sessionId) {
      throw new AppError(404, 'order_not_found', 'No such order.');
    }
    return shopperOrder(this.staffView(id, row));
  }

  /**
   * The shopper's copy of an order event's view, or null when the order is another session's (a
   * phone's feed hears every order of its device). The event carries the whole staff view as of
   * its commit, so only the owner is read, not the view's five queries again.
   */
  eventForShopper(shopper: ShopperIdentity, view: StaffOrder): Order | null {
    const owner = statement(this.db, 'SELECT session_id FROM orders WHERE id = ?').get(view.id) as { session_id: string } | undefined;
    return owner?.session_id === shopper.sessionId ? shopperOrder(view) : null;
  }

  listForShopper(shopper: ShopperIdentity): Order[] {
    const ids = statement(this.db, 'SELECT id FROM orders WHERE session_id = ? ORDER BY created_at DESC, number DESC LIMIT 100')
      .all(shopper.sessionId) as { id: string }[];
    return ids.map((row) => shopperOrder(this.staffView(row.id)));
  }

  /**
   * The board's snapshot: four queries for the whole page instead of four per order, since the
   * monitor's first paint waits on this list (500 open orders: issue 6's bench).
   */
  listForStaff(state: OrderState | undefined, limit: number): StaffOrder[] {
    const rows = (
      state
        ? statement(this.db, 'SELECT * FROM orders WHERE state = ? ORDER BY number DESC LIMIT ?').all(state, limit)
        : statement(this.db, 'SELECT * FROM orders ORDER BY number DESC LIMIT ?').all(limit)
    ) as OrderRow[];
    if (rows.length === 0) return [];
    const ids = JSON.stringify(rows.map((row) => row.id));
    const inPage = 'order_id IN (SELECT value FROM json_each(?))';
    const payments = new Map(
      (statement(this.db, `SELECT * FROM payments WHERE ${inPage}`).all(ids) as PaymentRow[]).map((p) => [p.order_id, p]),
    );
    const items = new Map<string, ItemRow[]>();
    for (const item of statement(this.db, `SELECT order_id, sku, name, unit_price, quantity FROM order_items WHERE ${inPage} ORDER BY order_id, line`)
      .all(ids) as (ItemRow & { order_id: string })[]) {
      const list = items.get(item.order_id);
      if (list) list.push(item);
      else items.set(item.order_id, [item]);
    }
    const overrides = new Map<string, OrderHold[]>();
    for (const o of statement(this.db, `SELECT DISTINCT order_id, hold FROM order_overrides WHERE ${inPage} ORDER BY order_id, hold`)
      .all(ids) as { order_id: string; hold: OrderHold }[]) {
      overrides.set(o.order_id, [...(overrides.get(o.order_id) ?? []), o.hold]);
    }
    const expired = rows.some((row) => row.hold === 'step_up')
      ? new Set(
          (statement(this.db, `SELECT order_id FROM approval_dialogues WHERE status = 'expired' AND ${inPage}`).all(ids) as { order_id: string }[]).map(
            (d) => d.order_id,
          ),
        )
      : new Set<string>();
    return rows.map((row) =>
      buildStaffView(row, payments.get(row.id), items.get(row.id) ?? [], overrides.get(row.id) ?? [], holdCause(row, expired.has(row.id))),
    );
  }

  forStaff(id: string): StaffOrder {
    return this.staffView(id);
  }

  /**
   * An order's number and state from its row alone: what payments decide on, without building the
   * whole view (items, holds, payment), which afterCheckout did on every checkout.
   */
  status(id: string): { number: number; state: OrderState } {
    const row = this.row(id);
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    return { number: row.number, state: row.state };
  }

  /** Refuses an action the order's state (or, for hand-over, its payment) does not allow. */
  check(id: string, action: OrderAction): void {
    const row = this.row(id);
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    if (!TRANSITIONS[action].from.includes(row.state)) {
      throw new AppError(409, 'order_state', `An order that is ${row.state} cannot be changed that way.`);
    }
    const payment = this.payments.forOrder(id)?.state ?? 'pending';
    if (action === 'hand_over' && payment !== 'paid' && payment !== 'paid_offline') {
      throw new AppError(409, 'payment_required', `This order is not paid (payment ${payment}); hand it over once it is paid.`);
    }
  }

  /**
   * `alongside` runs inside the same transaction before the view is taken (the payment's side of
   * a cancellation), which then commits durably as every payment change does.
   */
  async transition(id: string, action: OrderAction, reason?: string, alongside?: (now: number) => void): Promise<StaffOrder> {
    let event: StoredEvent | undefined;
    const change = () => {
      this.check(id, action);
      const now = this.clock.now();
      statement(this.db, 'UPDATE orders SET state = ?, cancel_reason = ?, updated_at = ? WHERE id = ?')
        .run(TRANSITIONS[action].to, action === 'cancel' ? (reason?.trim() || null) : null, now, id);
      alongside?.(now);
      const view = this.staffView(id);
      event = this.hub.record('order.updated', id, view, now);
      this.outbox.append('order.updated', syncPayload(view), now);
    };
    if (alongside) await durableCommit(this.db, change);
    else this.db.transaction(change)();
    if (event) this.hub.publish(event);
    return this.staffView(id);
  }

  /** The order's device and hold, for the payment gate. */
  gateView(id: string): { id: string; deviceId: string; sessionId: string; hold: OrderHold | null } {
    const row = this.row(id);
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    return { id: row.id, deviceId: row.device_id, sessionId: row.session_id, hold: row.hold };
  }

  /** Sets or clears (null) why a placed order waits before it is charged; a no-op when unchanged. */
  setHold(id: string, hold: OrderHold | null): void {
    let event: StoredEvent | undefined;
    this.db.transaction(() => {
      const now = this.clock.now();
      const changed = statement(this.db, 'UPDATE orders SET hold = ?, held_at = ?, updated_at = ? WHERE id = ? AND hold IS NOT ?')
        .run(hold, hold ? now : null, now, id, hold).changes;
      if (changed) event = this.hub.record('order.updated', id, this.staffView(id), now);
    })();
    if (event) this.hub.publish(event);
  }

  /** Placed orders of a device waiting for the given reason, oldest first. */
  heldFor(deviceId: string, hold: OrderHold): string[] {
    return (
      statement(this.db, "SELECT id FROM orders WHERE device_id = ? AND hold = ? AND state = 'placed' ORDER BY number")
        .all(deviceId, hold) as { id: string }[]
    ).map((row) => row.id);
  }

  /**
   * Staff lift a hold, audited (who, when, why): the override row and the cleared hold commit
   * together. Refused unless the order is placed and held for exactly that reason.
   */
  override(id: string, hold: OrderHold, staffName: string, reason: string): StaffOrder {
    let event: StoredEvent | undefined;
    this.db.transaction(() => {
      const row = this.row(id);
      if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
      if (row.state !== 'placed' || row.hold !== hold) {
        throw new AppError(409, 'not_held', `This order is not held for ${hold.replace('_', ' ')}; nothing to override.`);
      }
      const now = this.clock.now();
      statement(this.db, 'INSERT INTO order_overrides (order_id, hold, staff_name, reason, at) VALUES (?, ?, ?, ?, ?)')
        .run(id, hold, staffName, reason, now);
      statement(this.db, 'UPDATE orders SET hold = NULL, held_at = NULL, updated_at = ? WHERE id = ?').run(now, id);
      event = this.hub.record('order.updated', id, this.staffView(id), now);
    })();
    if (event) this.hub.publish(event);
    return this.staffView(id);
  }

  private row(id: string): OrderRow | undefined {
    return statement(this.db, 'SELECT * FROM orders WHERE id = ?').get(id) as OrderRow | undefined;
  }

  private staffView(id: string, row = this.row(id)): StaffOrder {
    if (!row) throw new AppError(404, 'order_not_found', 'No such order.');
    const items = statement(this.db, 'SELECT sku, name, unit_price, quantity FROM order_items WHERE order_id = ? ORDER BY line')
      .all(id) as ItemRow[];
    const overrides = (
      statement(this.db, 'SELECT DISTINCT hold FROM order_overrides WHERE order_id = ? ORDER BY hold').all(id) as { hold: OrderHold }[]
    ).map((o) => o.hold);
    const expired =
      row.hold === 'step_up' && statement(this.db, "SELECT 1 FROM approval_dialogues WHERE order_id = ? AND status = 'expired'").get(id) !== undefined;
    return buildStaffView(row, this.payments.forOrder(id), items, overrides, holdCause(row, expired));
  }
}

/** What the shopper sees of an order: the staff view without the device, the lifted holds and the hold's cause. */
function shopperOrder(view: StaffOrder): Order {
  const { deviceId: _deviceId, overrides: _overrides, holdCause: _holdCause, ...order } = view;
  return order;
}

/** An ID-check hold on an order whose identity questions expired unanswered (approval gate's expiredDecision). */
function holdCause(row: OrderRow, dialogueExpired: boolean): 'dialogue_expired' | undefined {
  return row.hold === 'step_up' && dialogueExpired ? 'dialogue_expired' : undefined;
}

/** An order as staff see it, from its rows (one order's, or a page's fetched together). */
function buildStaffView(
  row: OrderRow,
  payment: PaymentRow | undefined,
  items: ItemRow[],
  overrides: OrderHold[],
  cause: 'dialogue_expired' | undefined,
): StaffOrder {
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    items: items.map((item) => ({
      sku: item.sku,
      name: item.name,
      unitPrice: item.unit_price,
      quantity: item.quantity,
      lineTotal: item.unit_price * item.quantity,
    })),
    total: row.total,
    currency: row.currency,
    orderer: { name: row.orderer_name, contact: row.orderer_contact },
    fulfilment:
      row.fulfilment === 'delivery'
        ? { type: 'delivery', address: row.delivery_address ?? '' }
        : { type: 'pickup' },
    payment: {
      method: payment?.method ?? row.payment_method,
      ...(payment?.brand ? { brand: payment.brand } : {}),
      ...(payment?.masked_pan ? { maskedPan: payment.masked_pan } : {}),
    },
    paymentState: payment?.state ?? 'pending',
    ...(payment?.decline_code ? { declineCode: payment.decline_code } : {}),
    ...(payment?.decline_message ? { paymentMessage: payment.decline_message } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    ...(row.cancel_reason ? { cancelReason: row.cancel_reason } : {}),
    ...(row.hold ? { hold: row.hold, heldAt: new Date(row.held_at ?? row.updated_at).toISOString() } : {}),
    deviceId: row.device_id,
    ...(overrides.length > 0 ? { overrides } : {}),
    ...(cause ? { holdCause: cause } : {}),
  };
}

/** What central learns of an order: amounts and items for reconciliation, no orderer data. */
function syncPayload(order: StaffOrder) {
  return {
    orderId: order.id,
    number: order.number,
    state: order.state,
    total: order.total,
    currency: order.currency,
    items: order.items.map(({ sku, unitPrice, quantity }) => ({ sku, unitPrice, quantity })),
    fulfilment: order.fulfilment.type,
    paymentMethod: order.payment.method,
    paymentState: order.paymentState,
    ...(order.cancelReason ? { cancelReason: order.cancelReason } : {}),
  };
}

function validateCheckout(body: CheckoutBody): void {
  if (body.orderer.name.trim().length === 0) {
    throw new AppError(400, 'orderer_name_required', 'Please give the orderer name.');
  }
  const contact = body.orderer.contact.trim();
  if (!PHONE.test(contact) && !EMAIL.test(contact)) {
    throw new AppError(400, 'contact_invalid', 'Give a phone number or an e-mail address.');
  }
  if (body.fulfilment.type === 'delivery' && body.fulfilment.address.trim().length < 5) {
    throw new AppError(400, 'address_required', 'Give the delivery address.');
  }
  refusePanLike(body.payment.token);
}

export function refusePanLike(token: string): void {
  if (PAN_LIKE.test(token)) {
    throw new AppError(400, 'payment_token_invalid', 'Card numbers are never accepted; use a payment token.');
  }
}

function hashRequest(body: CheckoutBody): string {
  const { orderId: _orderId, ...rest } = body;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}

/** JSON with sorted keys, so the same body always hashes the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
