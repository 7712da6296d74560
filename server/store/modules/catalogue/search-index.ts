// Runs in: node (store server, CLI); pure, no I/O. Finds a product search's best matches so the
// database reads only those, instead of testing every product with three LIKEs and sorting every
// hit (its tags read) to keep 20: on a 20,000-product catalogue that took 4–8 ms of the request
// thread per search (per pause in the shopper's typing), with every scan queued behind it.
//
// Matching is exactly the repository's LIKE semantics: a SKU prefix or a substring of the name or
// English name, ASCII letters folded to lower case and nothing else (SQLite's LIKE folds only
// ASCII; Hangul has no case). Substrings are found through an index of every two-character
// sequence (a bigram): a text containing the query contains each of the query's bigrams, so the
// shortest of their lists holds every candidate, and each is then checked for the substring
// itself. Korean product searches are often two syllables ("우유"), which is why bigrams and not
// SQLite's trigram index.

export interface SearchableProduct {
  sku: string;
  name: string;
  nameEn: string | null;
}

// With the u flag a pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;

export class CatalogueSearchIndex {
  private readonly skus: string[];
  private readonly names: string[];
  private readonly foldedSkus: string[];
  /** Positions in SKU order (folded), for prefix ranges. */
  private readonly skuOrder: number[];
  /** Name and English name, folded, in one text: a separator no query can contain keeps a match from spanning the two. */
  private readonly texts: string[];
  /** Positions of the texts holding each bigram (two UTF-16 units as one number), ascending. */
  private readonly bigrams = new Map<number, number[]>();

  constructor(products: readonly SearchableProduct[]) {
    this.skus = products.map((p) => p.sku);
    this.names = products.map((p) => p.name);
    this.foldedSkus = this.skus.map(foldAscii);
    this.skuOrder = this.skus.map((_, at) => at).sort((a, b) => byCodePoint(this.foldedSkus[a]!, this.foldedSkus[b]!));
    this.texts = products.map((p) => (p.nameEn === null ? foldAscii(p.name) : `${foldAscii(p.name)}\n${foldAscii(p.nameEn)}`));
    // Built on the request thread after each catalogue change, so without a string or a set per bigram.
    this.texts.forEach((text, at) => {
      for (let i = 0; i + 2 <= text.length; i++) {
        const gram = bigramAt(text, i);
        const list = this.bigrams.get(gram);
        if (!list) this.bigrams.set(gram, [at]);
        else if (list[list.length - 1] !== at) list.push(at);
      }
    });
  }

  /**
   * The SKUs of the `limit` best matches of `query` (trimmed, non-empty) in the repository's
   * order: exact SKU, then SKU prefix, then name and SKU. Null when the index cannot answer as the
   * database would (one character, a line break, or half a surrogate pair, which SQLite stores as
   * U+FFFD): the caller scans.
   */
  top(query: string, limit: number): string[] | null {
    const q = foldAscii(query);
    if (q.length < 2 || q.includes('\n') || LONE_SURROGATE.test(q)) return null;
    const best = new BestMatches(limit, (a, b) => this.compare(a, b, q));
    const byPrefix = new Set<number>();
    for (let i = this.firstWithPrefix(q); i < this.skuOrder.length && this.foldedSkus[this.skuOrder[i]!]!.startsWith(q); i++) {
      byPrefix.add(this.skuOrder[i]!);
      best.offer(this.skuOrder[i]!);
    }
    // A text containing the query contains each of its bigrams: the shortest list holds every
    // candidate, and the substring test settles each one.
    let shortest = this.bigrams.get(bigramAt(q, 0)) ?? [];
    for (let i = 1; i + 2 <= q.length; i++) {
      const list = this.bigrams.get(bigramAt(q, i)) ?? [];
      if (list.length < shortest.length) shortest = list;
    }
    for (const at of shortest) {
      if (!byPrefix.has(at) && this.texts[at]!.includes(q)) best.offer(at);
    }
    return best.ranked().map((at) => this.skus[at]!);
  }

  /** ORDER BY (sku = q COLLATE NOCASE) DESC, (sku LIKE q%) DESC, name, sku — BINARY is code-point order. */
  private compare(a: number, b: number, q: string): number {
    const exact = Number(this.foldedSkus[b] === q) - Number(this.foldedSkus[a] === q);
    if (exact !== 0) return exact;
    const prefix = Number(this.foldedSkus[b]!.startsWith(q)) - Number(this.foldedSkus[a]!.startsWith(q));
    if (prefix !== 0) return prefix;
    return byCodePoint(this.names[a]!, this.names[b]!) || byCodePoint(this.skus[a]!, this.skus[b]!);
  }

  private firstWithPrefix(prefix: string): number {
    let low = 0;
    let high = this.skuOrder.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (byCodePoint(this.foldedSkus[this.skuOrder[mid]!]!, prefix) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** The `limit` smallest items offered, kept sorted: one pass over the hits, no sort of them all. */
class BestMatches {
  private readonly kept: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly compare: (a: number, b: number) => number,
  ) {}

  offer(item: number): void {
    const kept = this.kept;
    if (kept.length === this.limit && this.compare(item, kept[kept.length - 1]!) >= 0) return;
    let at = kept.length;
    while (at > 0 && this.compare(item, kept[at - 1]!) < 0) at--;
    kept.splice(at, 0, item);
    if (kept.length > this.limit) kept.pop();
  }

  ranked(): number[] {
    return this.kept;
  }
}

/** Lower-cases A–Z only, as SQLite's LIKE and NOCASE compare. */
export function foldAscii(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}

function bigramAt(text: string, i: number): number {
  return text.charCodeAt(i) * 0x10000 + text.charCodeAt(i + 1);
}

/**
 * Code-point order, which is SQLite's BINARY order of UTF-8 text. UTF-16 code units differ from it
 * in one place: a surrogate (a character past U+FFFF) sorts below U+E000–U+FFFF, not above.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
