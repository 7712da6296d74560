// Runs in: node. A shopper's cart: one row per SKU, priced from the live catalogue.
import type { Db } from '../../db.js';
import { AppError } from '../../errors.js';
import type { Cart } from '../../schemas.js';

export const MAX_QUANTITY = 99;
export const MAX_LINES = 100;

interface CartRow {
  sku: string;
  name: string;
  nameEn: string | null;
  unitPrice: number;
  currency: string;
  quantity: number;
}

export class CartRepository {
  private readonly lines;
  private readonly product;
  private readonly quantityOf;
  private readonly upsert;
  private readonly update;
  private readonly remove;
  private readonly lineCount;
  private readonly cartCurrency;

  constructor(private readonly db: Db) {
    this.lines = db.prepare(`
      SELECT c.sku, p.name, json_extract(p.extra, '$.name_en') AS nameEn, p.price AS unitPrice,
             p.currency, c.quantity
      FROM cart_items c JOIN products p ON p.sku = c.sku
      WHERE c.session_id = ? ORDER BY c.added_at, c.sku`);
    this.product = db.prepare('SELECT sku, currency FROM products WHERE sku = ?');
    this.quantityOf = db.prepare('SELECT quantity FROM cart_items WHERE session_id = ? AND sku = ?');
    this.upsert = db.prepare(`
      INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (session_id, sku) DO UPDATE SET quantity = excluded.quantity`);
    this.update = db.prepare('UPDATE cart_items SET quantity = ? WHERE session_id = ? AND sku = ?');
    this.remove = db.prepare('DELETE FROM cart_items WHERE session_id = ? AND sku = ?');
    this.lineCount = db.prepare('SELECT count(*) AS n FROM cart_items WHERE session_id = ?');
    this.cartCurrency = db.prepare(`
      SELECT p.currency FROM cart_items c JOIN products p ON p.sku = c.sku
      WHERE c.session_id = ? LIMIT 1`);
  }

  view(sessionId: string): Cart {
    const rows = this.lines.all(sessionId) as CartRow[];
    let total = 0;
    let count = 0;
    const items = rows.map((row) => {
      const lineTotal = row.unitPrice * row.quantity;
      total += lineTotal;
      count += row.quantity;
      return {
        sku: row.sku,
        name: row.name,
        ...(row.nameEn ? { nameEn: row.nameEn } : {}),
        unitPrice: row.unitPrice,
        quantity: row.quantity,
        lineTotal,
        currency: row.currency,
      };
    });
    return { items, count, total, currency: rows[0]?.currency ?? null };
  }

  /** Adds `quantity` of a product; refuses what would break the cart's limits. */
  add(sessionId: string, sku: string, quantity: number, now: number): void {
    this.db.transaction(() => {
      const product = this.product.get(sku) as { sku: string; currency: string } | undefined;
      if (!product) throw new AppError(404, 'product_not_found', `No product with code ${sku}.`);
      const current = (this.quantityOf.get(sessionId, sku) as { quantity: number } | undefined)
        ?.quantity;
      if (current === undefined) {
        const lines = (this.lineCount.get(sessionId) as { n: number }).n;
        if (lines >= MAX_LINES) {
          throw new AppError(409, 'cart_full', `A cart holds at most ${MAX_LINES} different products.`);
        }
        const currency = (this.cartCurrency.get(sessionId) as { currency: string } | undefined)
          ?.currency;
        if (currency !== undefined && currency !== product.currency) {
          throw new AppError(409, 'currency_mismatch', 'This product is priced in another currency.');
        }
      }
      const next = (current ?? 0) + quantity;
      if (next > MAX_QUANTITY) {
        throw new AppError(409, 'quantity_limit', `At most ${MAX_QUANTITY} of one product per order.`);
      }
      this.upsert.run(sessionId, sku, next, now);
    })();
  }

  setQuantity(sessionId: string, sku: string, quantity: number): void {
    if (quantity === 0) {
      this.removeItem(sessionId, sku);
      return;
    }
    const changes = this.update.run(quantity, sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
  }

  removeItem(sessionId: string, sku: string): void {
    const changes = this.remove.run(sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
  }

  clear(sessionId: string): void {
    this.db.prepare('DELETE FROM cart_items WHERE session_id = ?').run(sessionId);
  }
}
