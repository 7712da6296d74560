// Runs in: node (CLI, store server). Reads a catalogue file (CSV or JSON, CONTRACT.md
// "Catalogue files") into validated rows, collecting every problem instead of stopping at one.
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse as csvParse, type CsvError } from 'csv-parse';
import {
  KNOWN_FIELDS,
  REQUIRED_CSV_COLUMNS,
  show,
  validateProduct,
  type CatalogueIssue,
  type CatalogueRow,
} from './validate.js';

export type CatalogueFormat = 'csv' | 'json';

export interface ParseProgress {
  rows: number;
  bytes: number;
  /** Size of the input when known (a file), else undefined. */
  totalBytes: number | undefined;
}

export interface ParseOptions {
  /** Overrides the choice by file extension / content. */
  format?: CatalogueFormat;
  onProgress?: (progress: ParseProgress) => void;
}

export interface ParseResult {
  format: CatalogueFormat;
  /** Valid rows only; import them only when `errors` is empty. */
  rows: CatalogueRow[];
  errors: CatalogueIssue[];
  /** Number of data rows/items read, valid or not. */
  rowCount: number;
  tagCount: number;
}

// A runaway quoted field (a missing closing quote) would otherwise swallow the rest of a large
// file into one record before failing.
const MAX_RECORD_BYTES = 1 << 20;
const PROGRESS_EVERY_ROWS = 1000;

export async function parseCatalogueFile(
  file: string,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const totalBytes = statSync(file).size;
  const format = options.format ?? formatOf(file) ?? sniffFormat(readHead(file));
  return parseCatalogueStream(createReadStream(file, { highWaterMark: 256 * 1024 }), {
    ...options,
    format,
    totalBytes,
  });
}

/** Parses text already in memory (tests, an upload); the format is sniffed when not given. */
export function parseCatalogueText(
  text: string | Uint8Array,
  options: ParseOptions = {},
): Promise<ParseResult> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  const format = options.format ?? sniffFormat(bytes.subarray(0, 4096));
  return parseCatalogueStream(Readable.from([bytes]), {
    ...options,
    format,
    totalBytes: bytes.length,
  });
}

export async function parseCatalogueStream(
  input: Readable,
  options: ParseOptions & { format: CatalogueFormat; totalBytes?: number },
): Promise<ParseResult> {
  const collector = new Collector(options.format, options.onProgress, options.totalBytes);
  const text = decodeUtf8(input, (n) => collector.addBytes(n));
  try {
    if (options.format === 'csv') await readCsv(text, collector);
    else await readJson(text, collector);
  } catch (error) {
    if (!(error instanceof NotUtf8Error)) throw error;
    collector.fileError(error.message);
  }
  collector.progress();
  return collector.result();
}

export function formatOf(file: string): CatalogueFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  return undefined;
}

/** JSON catalogues are arrays, so the first meaningful byte tells them from CSV. */
export function sniffFormat(head: Uint8Array): CatalogueFormat {
  const text = Buffer.from(head).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return text.startsWith('[') || text.startsWith('{') ? 'json' : 'csv';
}

/** "row 12, price: …" for people; JSON items are named by their array index. */
export function formatIssue(issue: CatalogueIssue, format: CatalogueFormat): string {
  const where =
    issue.row === null ? 'file' : format === 'csv' ? `row ${issue.row}` : `item ${issue.row}`;
  return issue.field === null ? `${where}: ${issue.message}` : `${where}, ${issue.field}: ${issue.message}`;
}

function readHead(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

class NotUtf8Error extends Error {}

/**
 * Decodes strictly: a Korean Excel "CSV" is often CP949, which a lenient decoder would turn
 * into U+FFFD silently and import as garbled names. The decoder also drops a leading BOM.
 */
async function* decodeUtf8(input: Readable, onBytes: (n: number) => void): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw new NotUtf8Error(
        `is not UTF-8 text (near byte ${offset}); save it as "CSV UTF-8" or UTF-8 JSON`,
      );
    }
    offset += bytes.length;
    onBytes(bytes.length);
    if (text !== '') yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } catch {
    throw new NotUtf8Error('is not UTF-8 text (it ends in the middle of a character)');
  }
}

/** Accumulates rows and issues, and enforces the file-wide rules (no duplicate sku or tag). */
class Collector {
  readonly rows: CatalogueRow[] = [];
  readonly errors: CatalogueIssue[] = [];
  private rowCount = 0;
  private tagCount = 0;
  private bytes = 0;
  private readonly skuRows = new Map<string, number>();
  private readonly tagRows = new Map<string, number>();

  constructor(
    readonly format: CatalogueFormat,
    private readonly onProgress: ParseOptions['onProgress'],
    private readonly totalBytes: number | undefined,
  ) {}

  addBytes(n: number): void {
    this.bytes += n;
    this.progress();
  }

  progress(): void {
    this.onProgress?.({ rows: this.rowCount, bytes: this.bytes, totalBytes: this.totalBytes });
  }

  fileError(message: string, row: number | null = null): void {
    this.errors.push({ row, field: null, message });
  }

  rowError(row: number, field: string | null, message: string): void {
    this.errors.push({ row, field, message });
  }

  /** A data row that could not even be split into fields still counts as read. */
  countRow(): void {
    this.rowCount++;
    if (this.rowCount % PROGRESS_EVERY_ROWS === 0) this.progress();
  }

  add(record: Record<string, unknown>, row: number): void {
    this.countRow();
    const { product, issues, sku, tags } = validateProduct(record, this.format, row);
    this.errors.push(...issues);
    // Duplicates are checked on whatever parts of the row are valid, so a row with a bad price
    // and a duplicate sku reports both.
    let duplicate = false;
    if (sku !== undefined) {
      const first = this.skuRows.get(sku);
      if (first !== undefined) {
        this.rowError(row, 'sku', `${show(sku)} already appears in ${this.rowName(first)}`);
        duplicate = true;
      } else this.skuRows.set(sku, row);
    }
    for (const tag of tags) {
      const first = this.tagRows.get(tag);
      if (first !== undefined) {
        this.rowError(row, 'rfid', `tag ${tag} already appears in ${this.rowName(first)}`);
        duplicate = true;
      } else this.tagRows.set(tag, row);
    }
    if (product && !duplicate) {
      this.rows.push(product);
      this.tagCount += product.rfid.length;
    }
  }

  rowName(row: number): string {
    return this.format === 'csv' ? `row ${row}` : `item ${row}`;
  }

  result(): ParseResult {
    return {
      format: this.format,
      rows: this.rows,
      errors: this.errors,
      rowCount: this.rowCount,
      tagCount: this.tagCount,
    };
  }
}

async function readCsv(text: AsyncIterable<string>, out: Collector): Promise<void> {
  const parser = csvParse({
    // A header cell or a row may span lines inside quotes; `raw` lets us find the line a
    // record starts on, which is the number a person looks for in a spreadsheet.
    raw: true,
    info: true,
    skip_empty_lines: true,
    // Checked below instead, so a short row is one row error and reading goes on.
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // pipeline() tears the source down when we stop reading early, and hands a decoding error
  // to the parser, so it surfaces in the loop below.
  const records = pipeline(Readable.from(text), parser, () => {}) as unknown as AsyncIterable<{
    record: string[];
    raw: string;
    info: { lines: number };
  }>;

  let header: string[] | undefined;
  let sawHeader = false;
  try {
    for await (const item of records) {
      const body = item.raw.replace(/^(?:\r?\n)+/, '').replace(/\r?\n$/, '');
      const line = item.info.lines - (body.match(/\n/g)?.length ?? 0);
      if (!sawHeader) {
        sawHeader = true;
        header = readHeader(item.record, line, out);
        if (header === undefined) break;
        continue;
      }
      if (header === undefined) break;
      if (item.record.length !== header.length) {
        out.countRow();
        out.rowError(line, null, `has ${item.record.length} fields; the header has ${header.length}`);
        continue;
      }
      const record: Record<string, string> = {};
      header.forEach((name, i) => {
        record[name] = item.record[i]!;
      });
      out.add(record, line);
    }
  } catch (error) {
    if (error instanceof NotUtf8Error) throw error;
    const csvError = error as CsvError & { lines?: number };
    if (typeof csvError.code !== 'string' || !csvError.code.startsWith('CSV_')) throw error;
    out.fileError(csvMessage(csvError), csvError.lines ?? null);
    return;
  }
  if (!sawHeader) out.fileError('is empty: expected a header row sku,name,price,currency,rfid');
}

function readHeader(cells: string[], line: number, out: Collector): string[] | undefined {
  const header = cells.map((cell) => {
    const name = cell.trim();
    // Known columns are matched whatever their case; extra columns keep their spelling.
    const lower = name.toLowerCase();
    return (KNOWN_FIELDS as readonly string[]).includes(lower) ? lower : name;
  });
  let ok = true;
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name === '') {
      out.rowError(line, null, `header column ${i + 1} has no name`);
      ok = false;
    } else if (seen.has(name)) {
      out.rowError(line, name, 'the header names this column twice');
      ok = false;
    }
    seen.add(name);
  });
  const missing = REQUIRED_CSV_COLUMNS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    out.rowError(
      line,
      null,
      `the header has no ${missing.map((m) => `"${m}"`).join(', ')} column (expected sku,name,price,currency,rfid)`,
    );
    ok = false;
  }
  return ok ? header : undefined;
}

function csvMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a missing ")';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a character follows a closing quote; inside quotes write a quote as ""';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record is longer than ${MAX_RECORD_BYTES} bytes (a missing closing quote?)`;
    default:
      return `is not valid CSV: ${error.message}`;
  }
}

async function readJson(text: AsyncIterable<string>, out: Collector): Promise<void> {
  // JSON catalogues come from programs, not spreadsheets, and stay small enough to parse whole;
  // large imports use CSV, which streams.
  const parts: string[] = [];
  for await (const chunk of text) parts.push(chunk);
  let data: unknown;
  try {
    data = JSON.parse(parts.join(''));
  } catch (error) {
    out.fileError(`is not valid JSON: ${(error as Error).message}`);
    return;
  }
  parts.length = 0;
  if (!Array.isArray(data)) {
    out.fileError('must be a JSON array of products [{"sku","name","price","currency","rfid"}, …]');
    return;
  }
  data.forEach((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      out.rowError(index, null, 'is not an object');
      return;
    }
    out.add(item as Record<string, unknown>, index);
  });
}
