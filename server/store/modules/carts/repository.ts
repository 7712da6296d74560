// Runs in: node. A shopper's cart: one row per SKU, priced from the live catalogue.
import type { Db } from '../../db.js';
import { AppError } from '../../errors.js';
import type { Cart } from '../../schemas.js';

export const MAX_QUANTITY = 99;
export const MAX_LINES = 100;

/** sku, name, name_en, price, currency, quantity, added_at */
type CartRow = [string, string, string | null, number, string, number, number];

export class CartRepository {
  private readonly lines;
  private readonly addState;
  private readonly upsert;
  private readonly update;
  private readonly remove;
  private readonly listeners = new Set<(sessionId: string) => void>();

  constructor(private readonly db: Db) {
    this.lines = db.prepare(`
      SELECT c.sku, p.name, p.name_en, p.price, p.currency, c.quantity, c.added_at
      FROM cart_items c JOIN products p ON p.sku = c.sku
      WHERE c.session_id = ?`).raw(true);
    this.addState = db.prepare(`
      SELECT p.currency AS productCurrency,
        (SELECT quantity FROM cart_items WHERE session_id = @sessionId AND sku = @sku) AS current,
        (SELECT count(*) FROM cart_items WHERE session_id = @sessionId) AS lines,
        (SELECT cp.currency FROM cart_items ci JOIN products cp ON cp.sku = ci.sku
          WHERE ci.session_id = @sessionId LIMIT 1) AS cartCurrency
      FROM products p WHERE p.sku = @sku`);
    this.upsert = db.prepare(`
      INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (session_id, sku) DO UPDATE SET quantity = excluded.quantity`);
    this.update = db.prepare('UPDATE cart_items SET quantity = ? WHERE session_id = ? AND sku = ?');
    this.remove = db.prepare('DELETE FROM cart_items WHERE session_id = ? AND sku = ?');
  }

  /** Told after any change to a cart (a kiosk shows its paired shopper's cart live). */
  onChange(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(sessionId: string): void {
    for (const listener of this.listeners) listener(sessionId);
  }

  view(sessionId: string): Cart {
    // Raw rows: building row objects in better-sqlite3 cost more than the query itself.
    const rows = (this.lines.all(sessionId) as CartRow[]).sort(
      (a, b) => a[6] - b[6] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    );
    let total = 0;
    let count = 0;
    const items = rows.map(([sku, name, nameEn, unitPrice, currency, quantity]) => {
      const lineTotal = unitPrice * quantity;
      total += lineTotal;
      count += quantity;
      return { sku, name, ...(nameEn ? { nameEn } : {}), unitPrice, quantity, lineTotal, currency };
    });
    return { items, count, total, currency: rows[0]?.[4] ?? null };
  }

  /** Adds `quantity` of a product; refuses what would break the cart's limits. */
  add(sessionId: string, sku: string, quantity: number, now: number): void {
    // One read for every check, then one write: this is the hottest path of the station (a
    // scan), and both statements run without yielding, so no other request can slip between.
    const state = this.addState.get({ sessionId, sku }) as
      | { productCurrency: string; current: number | null; lines: number; cartCurrency: string | null }
      | undefined;
    if (!state) throw new AppError(404, 'product_not_found', `No product with code ${sku}.`);
    if (state.current === null) {
      if (state.lines >= MAX_LINES) {
        throw new AppError(409, 'cart_full', `A cart holds at most ${MAX_LINES} different products.`);
      }
      if (state.cartCurrency !== null && state.cartCurrency !== state.productCurrency) {
        throw new AppError(409, 'currency_mismatch', 'This product is priced in another currency.');
      }
    }
    const next = (state.current ?? 0) + quantity;
    if (next > MAX_QUANTITY) {
      throw new AppError(409, 'quantity_limit', `At most ${MAX_QUANTITY} of one product per order.`);
    }
    this.upsert.run(sessionId, sku, next, now);
    this.changed(sessionId);
  }

  setQuantity(sessionId: string, sku: string, quantity: number): void {
    if (quantity === 0) {
      this.removeItem(sessionId, sku);
      return;
    }
    const changes = this.update.run(quantity, sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
    this.changed(sessionId);
  }

  removeItem(sessionId: string, sku: string): void {
    const changes = this.remove.run(sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
    this.changed(sessionId);
  }

  clear(sessionId: string): void {
    this.db.prepare('DELETE FROM cart_items WHERE session_id = ?').run(sessionId);
    this.changed(sessionId);
  }
}
