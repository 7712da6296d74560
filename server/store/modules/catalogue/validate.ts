// Runs in: node (store server, CLI). The one set of rules a catalogue product must meet,
// shared by the file importer and the repository so no path can store a product they refuse.
import { isSku } from '../../../protocol/label.js';

/** Columns/fields with a meaning of their own; everything else is kept in `extra`. */
export const KNOWN_FIELDS = ['sku', 'name', 'price', 'currency', 'rfid', 'image'] as const;
export const REQUIRED_CSV_COLUMNS = ['sku', 'name', 'price', 'currency'] as const;
export const NAME_MAX_LENGTH = 200;
/** Extra field surfaced as `nameEn` by the repository and printed on labels. */
export const NAME_EN_FIELD = 'name_en';

const CURRENCY_PATTERN = /^[A-Z]{3}$/;
// Tag ids are byte strings (ISO 14443 UIDs are 4, 7 or 10 bytes; EPCs 96 bits and up), so an
// odd digit count or fewer than 4 bytes is a typing mistake rather than a real tag.
const TAG_PATTERN = /^(?:[0-9A-F]{2}){4,32}$/;
const DIGITS = /^[0-9]+$/;

/** A product as the catalogue stores it; `row` says where in the file it came from. */
export interface CatalogueRow {
  sku: string;
  name: string;
  price: number;
  currency: string;
  rfid: string[];
  image?: string;
  extra: Record<string, unknown>;
  /** CSV line number (1 = header) or JSON array index; only for error messages. */
  row?: number;
}

export interface CatalogueIssue {
  /** CSV line number or JSON array index; null for a problem with the file as a whole. */
  row: number | null;
  /** Column/field name, or null when the whole row (or file) is at fault. */
  field: string | null;
  message: string;
}

/** Shows a cell value in a message: quoted, and short enough for one terminal line. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const clipped = [...text].length > 40 ? `${[...text].slice(0, 39).join('')}…` : text;
  return JSON.stringify(clipped);
}

export function normaliseTag(value: string): string {
  return value.trim().toUpperCase();
}

export function isTag(value: string): boolean {
  return TAG_PATTERN.test(value);
}

export interface ValidationResult {
  product?: CatalogueRow;
  issues: CatalogueIssue[];
  /** The sku and tags that are valid on their own, for file-wide duplicate checks. */
  sku?: string;
  tags: string[];
}

/**
 * Checks one product record and returns it normalised, or the issues found (all of them, so a
 * person fixing a file sees every problem of the row at once). `source` decides how loosely
 * values are read: CSV cells are all strings, JSON values carry their own types.
 */
export function validateProduct(
  record: Record<string, unknown>,
  source: 'csv' | 'json',
  row: number | null = null,
): ValidationResult {
  const issues: CatalogueIssue[] = [];
  const fail = (field: string, message: string) => issues.push({ row, field, message });

  const sku = readString(record.sku);
  if (sku === undefined) fail('sku', 'must be a string');
  else if (sku === '') fail('sku', 'is required');
  else if (!isSku(sku)) {
    fail('sku', `${show(sku)} is not a valid SKU (1-64 characters of A-Z a-z 0-9 . _ -)`);
  }

  const name = readString(record.name);
  if (name === undefined) fail('name', 'must be a string');
  else if (name === '') fail('name', 'is required');
  else if (codePoints(name) > NAME_MAX_LENGTH) {
    fail('name', `is ${codePoints(name)} characters long; the limit is ${NAME_MAX_LENGTH}`);
  }

  const price = readPrice(record.price);
  if (typeof price === 'string') fail('price', price);

  const currency = readString(record.currency);
  if (currency === undefined) fail('currency', 'must be a string');
  else if (currency === '') fail('currency', 'is required');
  else if (!CURRENCY_PATTERN.test(currency)) {
    fail('currency', `${show(currency)} is not a currency code (3 upper-case letters, e.g. KRW)`);
  }

  const rfid = readTags(record.rfid, source);
  if (typeof rfid === 'string') fail('rfid', rfid);
  else {
    const seen = new Set<string>();
    for (const tag of rfid) {
      if (!isTag(tag)) {
        fail('rfid', `${show(tag)} is not a tag id (8-64 hex digits, an even number)`);
      } else if (seen.has(tag)) {
        fail('rfid', `tag ${tag} is listed twice in this row`);
      }
      seen.add(tag);
    }
  }

  let image: string | undefined;
  if (record.image !== undefined && record.image !== null) {
    const value = readString(record.image);
    if (value === undefined) fail('image', 'must be a string');
    else if (value !== '') {
      if (isImageRef(value)) image = value;
      else {
        fail(
          'image',
          `${show(value)} must be a relative path (no "..", no leading /) or an https:// URL`,
        );
      }
    }
  }

  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if ((KNOWN_FIELDS as readonly string[]).includes(key)) continue;
    // A blank spreadsheet cell means "no value", not "the empty string".
    if (source === 'csv' && value === '') continue;
    if (value === undefined) continue;
    extra[key] = value;
  }
  const nameEn = extra[NAME_EN_FIELD];
  if (nameEn !== undefined && nameEn !== null) {
    if (typeof nameEn !== 'string') fail(NAME_EN_FIELD, 'must be a string');
    else if (codePoints(nameEn) > NAME_MAX_LENGTH) {
      fail(NAME_EN_FIELD, `is ${codePoints(nameEn)} characters long; the limit is ${NAME_MAX_LENGTH}`);
    } else {
      const trimmed = nameEn.trim();
      if (trimmed === '') delete extra[NAME_EN_FIELD];
      else extra[NAME_EN_FIELD] = trimmed;
    }
  }

  const validSku = issues.some((i) => i.field === 'sku') ? undefined : sku;
  const validTags = typeof rfid === 'string' ? [] : [...new Set(rfid.filter(isTag))];
  if (issues.length > 0) return { issues, sku: validSku, tags: validTags };
  const product: CatalogueRow = {
    sku: sku!,
    name: name!,
    price: price as number,
    currency: currency!,
    rfid: rfid as string[],
    extra,
  };
  if (image !== undefined) product.image = image;
  if (row !== null) product.row = row;
  return { product, issues, sku: validSku, tags: validTags };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Trimmed string, '' for a missing value, undefined for a value of the wrong type. */
function readString(value: unknown): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return undefined;
  return value.trim();
}

/** The price in minor units, or the message saying why it is refused. */
function readPrice(value: unknown): number | string {
  if (value === undefined || value === null || value === '') return 'is required';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return `${value} is not a whole number of minor units`;
    if (value < 0) return `${value} must not be negative`;
    if (!Number.isSafeInteger(value)) return `${value} is too large`;
    return value;
  }
  if (typeof value !== 'string') return 'must be a whole number of minor units';
  const text = value.trim();
  if (text === '') return 'is required';
  if (/^-[0-9.]+$/.test(text)) return `${show(value)} must not be negative`;
  // Only plain digits: "12.50", "1e3" or "1,500" would each be a guess at what was meant.
  if (!DIGITS.test(text)) return `${show(value)} is not a whole number of minor units`;
  const price = Number(text);
  if (!Number.isSafeInteger(price)) return `${show(value)} is too large`;
  return price;
}

function readTags(value: unknown, source: 'csv' | 'json'): string[] | string {
  if (value === undefined || value === null || value === '') return [];
  if (source === 'csv' || typeof value === 'string') {
    if (typeof value !== 'string') return 'must be tag ids separated by |';
    return value
      .split('|')
      .map(normaliseTag)
      .filter((tag) => tag !== '');
  }
  if (!Array.isArray(value)) return 'must be an array of tag ids';
  const tags: string[] = [];
  for (const tag of value) {
    if (typeof tag !== 'string') return `${show(tag)} is not a tag id (tag ids are strings)`;
    tags.push(normaliseTag(tag));
  }
  return tags;
}

function isImageRef(value: string): boolean {
  if (/^https:\/\//i.test(value)) {
    try {
      new URL(value);
      return true;
    } catch {
      return false;
    }
  }
  // A relative path stays inside the catalogue's folder: no scheme, root, drive or "..".
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('/') || value.includes('\\')) {
    return false;
  }
  return !value.split('/').some((part) => part === '..' || part === '');
}
