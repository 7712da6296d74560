// Runs in: node (store server, CLI). The catalogue in the station database: products and the
// RFID tags that point at them. No Fastify here: the CLI importer and the routes share it.
import type { Db } from '../../db.js';
import { systemClock, type Clock } from '../../clock.js';
import {
  NAME_EN_FIELD,
  normaliseTag,
  validateProduct,
  type CatalogueIssue,
  type CatalogueRow,
} from './validate.js';
import { CatalogueSearchIndex, type SearchableProduct } from './search-index.js';

export interface Product {
  sku: string;
  name: string;
  nameEn?: string;
  /** Minor units (won, cents). */
  price: number;
  currency: string;
  image?: string;
  rfid: string[];
  extra: Record<string, unknown>;
}

/** What a caller may hand in: a parsed row, or a product built in code. */
export type ProductInput = Omit<CatalogueRow, 'extra'> & { extra?: Record<string, unknown> };

export interface ImportSummary {
  products: number;
  tags: number;
  created: number;
  updated: number;
}

export interface TagConflict {
  tag: string;
  sku: string;
  /** The product that owns the tag today and is not part of this import. */
  ownerSku: string;
  row?: number;
}

/** Refusal of a whole import or upsert; nothing was written. */
export class CatalogueError extends Error {
  constructor(
    message: string,
    readonly issues: CatalogueIssue[],
  ) {
    super(message);
  }
}

export class TagConflictError extends CatalogueError {
  constructor(readonly conflicts: TagConflict[]) {
    super(
      conflicts.length === 1
        ? `tag ${conflicts[0]!.tag} already belongs to ${conflicts[0]!.ownerSku}`
        : `${conflicts.length} tags already belong to other products`,
      conflicts.map((c) => ({
        row: c.row ?? null,
        field: 'rfid',
        message: `tag ${c.tag} already belongs to product ${c.ownerSku}, which is not in this file`,
      })),
    );
  }
}

interface ProductRow {
  sku: string;
  name: string;
  price: number;
  currency: string;
  image: string | null;
  extra: string;
  tags: string | null;
}

// Exact and prefix SKU hits first; @exact, @prefix and @limit are bound by search().
const SEARCH_ORDER = `
  ORDER BY (p.sku = @exact COLLATE NOCASE) DESC, (p.sku LIKE @prefix ESCAPE '\\') DESC, p.name, p.sku
  LIMIT @limit`;

// group_concat's order is unspecified, so tags are sorted after reading.
const SELECT_PRODUCT = `
  SELECT p.sku, p.name, p.price, p.currency, p.image, p.extra,
         (SELECT group_concat(t.tag, '|') FROM product_tags t WHERE t.sku = p.sku) AS tags
  FROM products p`;

export class CatalogueRepository {
  private readonly statements;
  /** Built on the first search and again after any change to the products (catalogue_version). */
  private index: { version: number; index: CatalogueSearchIndex } | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.statements = {
      exists: db.prepare('SELECT 1 FROM products WHERE sku = ?').pluck(),
      upsert: db.prepare(`
        INSERT INTO products (sku, name, name_en, price, currency, image, extra, updated_at)
        VALUES (@sku, @name, @nameEn, @price, @currency, @image, @extra, @updatedAt)
        ON CONFLICT (sku) DO UPDATE SET
          name = excluded.name, name_en = excluded.name_en, price = excluded.price,
          currency = excluded.currency, image = excluded.image, extra = excluded.extra,
          updated_at = excluded.updated_at`),
      deleteTags: db.prepare('DELETE FROM product_tags WHERE sku = ?'),
      tagOwner: db.prepare('SELECT sku FROM product_tags WHERE tag = ?').pluck(),
      insertTag: db.prepare('INSERT INTO product_tags (tag, sku) VALUES (?, ?)'),
      get: db.prepare(`${SELECT_PRODUCT} WHERE p.sku = ?`),
      byTag: db.prepare(`${SELECT_PRODUCT} JOIN product_tags bt ON bt.sku = p.sku WHERE bt.tag = ?`),
      count: db.prepare('SELECT count(*) FROM products').pluck(),
      list: db.prepare(`${SELECT_PRODUCT} ORDER BY p.sku`),
      search: db.prepare(`
        ${SELECT_PRODUCT}
        WHERE p.sku LIKE @prefix ESCAPE '\\'
           OR p.name LIKE @infix ESCAPE '\\'
           OR p.name_en LIKE @infix ESCAPE '\\'
        ${SEARCH_ORDER}`),
      // The same order over the best matches the search index chose.
      searchAmong: db.prepare(`
        ${SELECT_PRODUCT}
        WHERE p.sku IN (SELECT value FROM json_each(@skus))
        ${SEARCH_ORDER}`),
      searchable: db.prepare('SELECT sku, name, name_en AS nameEn FROM products'),
      version: db.prepare('SELECT version FROM catalogue_version').pluck(),
      first: db.prepare(`${SELECT_PRODUCT} ORDER BY p.sku LIMIT ?`),
    };
  }

  /**
   * Writes every row in one transaction, all or nothing. Rows replace the products and tag sets
   * of their SKUs; products not in `rows` stay as they are. A tag may move between products of
   * the same import, but a tag owned by a product outside it is refused, because silently
   * re-pointing a tag would make a shopper's tap ring up a different product.
   */
  importRows(rows: readonly ProductInput[]): ImportSummary {
    const s = this.statements;
    const now = this.clock.now();
    const run = this.db.transaction((): ImportSummary => {
      // Tags of every product in the import are released first, so a tag moving from a later
      // row to an earlier one is not mistaken for a conflict.
      for (const input of rows) {
        if (typeof input.sku === 'string') s.deleteTags.run(input.sku.trim());
      }
      const issues: CatalogueIssue[] = [];
      const conflicts: TagConflict[] = [];
      const seen = new Set<string>();
      let created = 0;
      let tags = 0;
      // Rows are validated here rather than up front so a large import is not copied.
      for (const input of rows) {
        const product = this.check(input, issues);
        if (!product) continue;
        if (seen.has(product.sku)) {
          issues.push({ row: input.row ?? null, field: 'sku', message: `${product.sku} is listed more than once` });
          continue;
        }
        seen.add(product.sku);
        if (!s.exists.get(product.sku)) created++;
        s.upsert.run(toDbRow(product, now));
        for (const tag of product.rfid) {
          const owner = s.tagOwner.get(tag) as string | undefined;
          if (owner !== undefined) {
            conflicts.push({ tag, sku: product.sku, ownerSku: owner, ...rowOf(product) });
            continue;
          }
          s.insertTag.run(tag, product.sku);
          tags++;
        }
      }
      // Throwing inside the transaction function rolls everything back.
      if (issues.length > 0) {
        throw new CatalogueError(
          issues.length === 1 ? `invalid product: ${issues[0]!.field}: ${issues[0]!.message}` : `${issues.length} problems in the products`,
          issues,
        );
      }
      if (conflicts.length > 0) throw new TagConflictError(conflicts);
      return { products: seen.size, tags, created, updated: seen.size - created };
    });
    return run.immediate();
  }

  /** Creates or replaces one product and its tags (same rules as an import of one row). */
  upsert(input: ProductInput): Product {
    this.importRows([input]);
    return this.get(input.sku)!;
  }

  get(sku: string): Product | undefined {
    const row = this.statements.get.get(sku) as ProductRow | undefined;
    return row && fromDbRow(row);
  }

  /** The product an RFID tag (EPC or UID, any case) belongs to. */
  findByTag(tag: string): Product | undefined {
    const row = this.statements.byTag.get(normaliseTag(tag)) as ProductRow | undefined;
    return row && fromDbRow(row);
  }

  /**
   * SKU prefix or a substring of the name / English name, case-insensitive (for ASCII; Hangul
   * has no case). Exact and prefix SKU hits come first. A blank query lists the first products.
   */
  search(query: string, limit = 20): Product[] {
    const n = Math.max(1, Math.min(Math.trunc(limit) || 20, 100));
    const q = query.trim();
    if (q === '') return (this.statements.first.all(n) as ProductRow[]).map(fromDbRow);
    const order = { exact: q, prefix: `${escapeLike(q)}%`, limit: n };
    const best = this.searchIndex().top(q, n);
    if (best?.length === 0) return [];
    const rows = best
      ? this.statements.searchAmong.all({ ...order, skus: JSON.stringify(best) })
      : this.statements.search.all({ ...order, infix: `%${escapeLike(q)}%` });
    return (rows as ProductRow[]).map(fromDbRow);
  }

  /** One read of the version per search; a change anywhere (an import by the CLI too) rebuilds. */
  private searchIndex(): CatalogueSearchIndex {
    const version = this.statements.version.get() as number;
    if (this.index?.version !== version) {
      this.index = { version, index: new CatalogueSearchIndex(this.statements.searchable.all() as SearchableProduct[]) };
    }
    return this.index.index;
  }

  count(): number {
    return this.statements.count.get() as number;
  }

  /**
   * Every product in SKU order, streamed so a large catalogue is not held twice. The connection
   * is busy until the iteration ends: consume it before running other statements.
   */
  *all(): IterableIterator<Product> {
    for (const row of this.statements.list.iterate() as IterableIterator<ProductRow>) {
      yield fromDbRow(row);
    }
  }

  private check(input: ProductInput, issues: CatalogueIssue[]): CatalogueRow | undefined {
    const result = validateProduct(
      { ...input.extra, ...withoutExtra(input) },
      'json',
      input.row ?? null,
    );
    issues.push(...result.issues);
    return result.product;
  }
}

function withoutExtra(input: ProductInput): Record<string, unknown> {
  const { extra: _extra, row: _row, ...rest } = input;
  return rest;
}

function rowOf(row: CatalogueRow): { row?: number } {
  return row.row === undefined ? {} : { row: row.row };
}

/** The text as a LIKE pattern that matches it literally (ESCAPE '\\'). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toDbRow(row: CatalogueRow, now: number) {
  return {
    sku: row.sku,
    name: row.name,
    nameEn: typeof row.extra[NAME_EN_FIELD] === 'string' && row.extra[NAME_EN_FIELD] !== '' ? row.extra[NAME_EN_FIELD] : null,
    price: row.price,
    currency: row.currency,
    image: row.image ?? null,
    extra: JSON.stringify(row.extra),
    updatedAt: now,
  };
}

function fromDbRow(row: ProductRow): Product {
  const extra = parseExtra(row.extra);
  const product: Product = {
    sku: row.sku,
    name: row.name,
    price: row.price,
    currency: row.currency,
    rfid: row.tags ? row.tags.split('|').sort() : [],
    extra,
  };
  const nameEn = extra[NAME_EN_FIELD];
  if (typeof nameEn === 'string' && nameEn !== '') product.nameEn = nameEn;
  if (row.image !== null) product.image = row.image;
  return product;
}

function parseExtra(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
