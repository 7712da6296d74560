// Runs in: node. A shopper's cart: one row per SKU, priced from the live catalogue.
//
// The scan is the station's hottest path, and reading the cart back with a join on every scan
// cost more than the rest of the request. So carts are served from memory and written through:
// every change is written to SQLite first and the copy in memory is changed only once that
// write succeeded, so a refused or failed write leaves both as they were. This repository is the
// only writer of cart_items; products are cached beside the carts and dropped whenever the
// catalogue's version counter (bumped by a trigger on any write to products, from any
// connection) moves, so a price change is seen by the very next cart read.
import type { Db } from '../../db.js';
import { AppError } from '../../errors.js';
import type { Cart } from '../../schemas.js';

export const MAX_QUANTITY = 99;
export const MAX_LINES = 100;
/**
 * Carts kept in memory, least recently used dropped first; the rest are read back on demand.
 * Well above the shoppers a store has at once, and small enough that the cache (lines and the
 * priced view of each) stays a few MB: the soak saw the heap follow the day's sessions at 10,000.
 */
export const MAX_CACHED_CARTS = 2_000;
const MAX_CACHED_PRODUCTS = 50_000;
export const CATALOGUE_CHECK_MS = 250;

interface Line {
  sku: string;
  quantity: number;
  addedAt: number;
}

interface CachedCart {
  /** Ordered as the shopper added them: by time added, then SKU. */
  lines: Line[];
  /** The view built from `lines` and the catalogue version it was priced at. */
  view?: Cart;
  viewVersion?: number;
}

/**
 * Who made a change: the shopper's own request (their phone has the answer already), or the
 * station on their behalf (a tap at their paired kiosk), which their phone learns only live.
 */
export type CartChangeSource = 'shopper' | 'station';

/** name, name_en, price, currency */
type ProductRow = [string, string | null, number, string];

export class CartRepository {
  private readonly statements;
  private readonly listeners = new Set<(sessionId: string) => void>();
  private readonly watchers = new Map<string, Set<(source: CartChangeSource) => void>>();
  private readonly carts = new Map<string, CachedCart>();
  private readonly products = new Map<string, ProductRow>();
  private catalogueVersion = -1;
  private catalogueCheckedAt = Number.NEGATIVE_INFINITY;

  private readonly maxCachedCarts: number;

  constructor(
    private readonly db: Db,
    options: { maxCachedCarts?: number } = {},
  ) {
    this.maxCachedCarts = options.maxCachedCarts ?? MAX_CACHED_CARTS;
    this.statements = {
      lines: db.prepare('SELECT sku, quantity, added_at FROM cart_items WHERE session_id = ?').raw(true),
      product: db.prepare('SELECT name, name_en, price, currency FROM products WHERE sku = ?').raw(true),
      catalogueVersion: db.prepare('SELECT version FROM catalogue_version').pluck(),
      upsert: db.prepare(`
        INSERT INTO cart_items (session_id, sku, quantity, added_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (session_id, sku) DO UPDATE SET quantity = excluded.quantity`),
      update: db.prepare('UPDATE cart_items SET quantity = ? WHERE session_id = ? AND sku = ?'),
      remove: db.prepare('DELETE FROM cart_items WHERE session_id = ? AND sku = ?'),
      clear: db.prepare('DELETE FROM cart_items WHERE session_id = ?'),
    };
  }

  /** Told after any change to any cart (a kiosk shows its paired shopper's cart live). */
  onChange(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Told after a change to one session's cart (that shopper's phone stream). Keyed, so a scan
   * costs the same with five hundred phones connected as with none.
   */
  watch(sessionId: string, listener: (source: CartChangeSource) => void): () => void {
    let watchers = this.watchers.get(sessionId);
    if (!watchers) this.watchers.set(sessionId, (watchers = new Set()));
    watchers.add(listener);
    return () => {
      watchers.delete(listener);
      if (watchers.size === 0 && this.watchers.get(sessionId) === watchers) this.watchers.delete(sessionId);
    };
  }

  private changed(sessionId: string, source: CartChangeSource): void {
    for (const listener of this.listeners) listener(sessionId);
    const watchers = this.watchers.get(sessionId);
    if (watchers) for (const listener of [...watchers]) listener(source);
  }

  /** The cart priced at the current catalogue. Read-only: the same object is handed out until the cart or a price changes. */
  view(sessionId: string): Cart {
    const version = this.checkCatalogue();
    const cart = this.cart(sessionId);
    if (cart.view && cart.viewVersion === version) return cart.view;
    let total = 0;
    let count = 0;
    let currency: string | null = null;
    const items: Cart['items'] = [];
    for (const { sku, quantity } of cart.lines) {
      // Missing only if the product row went away; the old join dropped such a line too.
      const product = this.product(sku);
      if (!product) continue;
      const [name, nameEn, unitPrice, lineCurrency] = product;
      const lineTotal = unitPrice * quantity;
      total += lineTotal;
      count += quantity;
      currency ??= lineCurrency;
      items.push({ sku, name, ...(nameEn ? { nameEn } : {}), unitPrice, quantity, lineTotal, currency: lineCurrency });
    }
    const view: Cart = { items, count, total, currency };
    cart.view = view;
    cart.viewVersion = version;
    return view;
  }

  /** Adds `quantity` of a product; refuses what would break the cart's limits. */
  add(sessionId: string, sku: string, quantity: number, now: number, source: CartChangeSource = 'station'): void {
    this.checkCatalogue();
    const product = this.product(sku);
    if (!product) throw new AppError(404, 'product_not_found', `No product with code ${sku}.`);
    const cart = this.cart(sessionId);
    const current = cart.lines.find((line) => line.sku === sku);
    if (!current) {
      if (cart.lines.length >= MAX_LINES) {
        throw new AppError(409, 'cart_full', `A cart holds at most ${MAX_LINES} different products.`);
      }
      const first = cart.lines[0] && this.product(cart.lines[0].sku);
      if (first && first[3] !== product[3]) {
        throw new AppError(409, 'currency_mismatch', 'This product is priced in another currency.');
      }
    }
    const next = (current?.quantity ?? 0) + quantity;
    if (next > MAX_QUANTITY) {
      throw new AppError(409, 'quantity_limit', `At most ${MAX_QUANTITY} of one product per order.`);
    }
    this.statements.upsert.run(sessionId, sku, next, now);
    this.written(sessionId, source, cart, (lines) => {
      if (current) current.quantity = next;
      else insertInOrder(lines, { sku, quantity: next, addedAt: now });
    });
  }

  setQuantity(sessionId: string, sku: string, quantity: number, source: CartChangeSource = 'station'): void {
    if (quantity === 0) {
      this.removeItem(sessionId, sku, source);
      return;
    }
    const changes = this.statements.update.run(quantity, sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
    this.written(sessionId, source, this.carts.get(sessionId), (lines) => {
      const line = lines.find((l) => l.sku === sku);
      if (line) line.quantity = quantity;
    });
  }

  removeItem(sessionId: string, sku: string, source: CartChangeSource = 'station'): void {
    const changes = this.statements.remove.run(sessionId, sku).changes;
    if (changes === 0) throw new AppError(404, 'cart_item_not_found', `${sku} is not in your cart.`);
    this.written(sessionId, source, this.carts.get(sessionId), (lines) => {
      const index = lines.findIndex((l) => l.sku === sku);
      if (index >= 0) lines.splice(index, 1);
    });
  }

  clear(sessionId: string, source: CartChangeSource = 'station'): void {
    this.statements.clear.run(sessionId);
    this.written(sessionId, source, this.carts.get(sessionId), (lines) => lines.splice(0));
  }

  /**
   * After a successful write: change the copy in memory to match, then tell the listeners.
   * Inside a transaction the write may still roll back, so the copy is dropped instead and read
   * again from the database once the transaction is over.
   */
  private written(sessionId: string, source: CartChangeSource, cart: CachedCart | undefined, apply: (lines: Line[]) => void): void {
    if (cart) {
      if (this.db.inTransaction) {
        this.carts.delete(sessionId);
      } else {
        apply(cart.lines);
        cart.view = undefined;
      }
    }
    this.changed(sessionId, source);
  }

  private cart(sessionId: string): CachedCart {
    const cached = this.carts.get(sessionId);
    if (cached) {
      // Map order is insertion order: moving the entry to the end keeps it least recently used last.
      this.carts.delete(sessionId);
      this.carts.set(sessionId, cached);
      return cached;
    }
    const rows = this.statements.lines.all(sessionId) as [string, number, number][];
    const lines = rows.map(([sku, quantity, addedAt]) => ({ sku, quantity, addedAt }));
    lines.sort(byAddedThenSku);
    const cart: CachedCart = { lines };
    // What a transaction reads may roll back with it: only a committed state is kept.
    if (!this.db.inTransaction) {
      if (this.carts.size >= this.maxCachedCarts) this.carts.delete(this.carts.keys().next().value!);
      this.carts.set(sessionId, cart);
    }
    return cart;
  }

  private product(sku: string): ProductRow | undefined {
    let product = this.products.get(sku);
    if (product) return product;
    product = this.statements.product.get(sku) as ProductRow | undefined;
    if (product && !this.db.inTransaction) {
      if (this.products.size >= MAX_CACHED_PRODUCTS) this.products.clear();
      this.products.set(sku, product);
    }
    return product;
  }

  /**
   * Drops cached products (and so every cart's priced view) when the catalogue changed. Reading
   * the counter is a read transaction of its own, a tenth of a scan's cost, so outside a
   * transaction it is read at most every CATALOGUE_CHECK_MS: a price changed by an import shows
   * in the carts that much later. Inside one (an order being placed) it is always read, so an
   * order is never priced from a stale cache.
   */
  private checkCatalogue(): number {
    const inTransaction = this.db.inTransaction;
    const at = performance.now();
    if (!inTransaction && at - this.catalogueCheckedAt < CATALOGUE_CHECK_MS) return this.catalogueVersion;
    if (!inTransaction) this.catalogueCheckedAt = at;
    const version = this.statements.catalogueVersion.get() as number;
    if (version !== this.catalogueVersion) {
      this.products.clear();
      this.catalogueVersion = version;
    }
    return version;
  }
}

function byAddedThenSku(a: Line, b: Line): number {
  return a.addedAt - b.addedAt || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);
}

/** Lines arrive in time order almost always; a clock step back still lands in its place. */
function insertInOrder(lines: Line[], line: Line): void {
  let index = lines.length;
  while (index > 0 && byAddedThenSku(lines[index - 1]!, line) > 0) index--;
  lines.splice(index, 0, line);
}
