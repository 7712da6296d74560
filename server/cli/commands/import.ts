// Runs in: node. `omnistation import --data DIR FILE`: validates a whole catalogue file first,
// then writes it in one transaction, so a store never sells from half a catalogue.
import { existsSync, statSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import { CliError, parseCommandArgs, requireOption, openStationOrFail } from '../args.js';
import type { Station } from '../../store/station.js';
import {
  formatIssue,
  parseCatalogueFile,
  type CatalogueFormat,
  type ParseProgress,
} from '../../store/modules/catalogue/parse.js';
import { CatalogueError, CatalogueRepository } from '../../store/modules/catalogue/repository.js';

export const summary = 'import a catalogue file (CSV or JSON) into a store, all or nothing';

// Below these a bar would flash by and only clutter the terminal.
const BAR_MIN_BYTES = 1024 * 1024;
const BAR_MIN_ROWS = 2000;
const DEFAULT_MAX_ERRORS = 100;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      data: { type: 'string' },
      format: { type: 'string' },
      'max-errors': { type: 'string' },
    },
    true,
  );
  const dataDir = requireOption(values.data, '--data');
  if (positionals.length !== 1) {
    throw new CliError('expected exactly one catalogue FILE: omnistation import --data DIR FILE');
  }
  const file = positionals[0]!;
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`${file}: no such file`, 1);
  const format = parseFormat(values.format);
  const maxErrors = parseMaxErrors(values['max-errors']);

  // Open the store before the (possibly long) parse, so a wrong --data fails at once.
  const station = openStationOrFail(dataDir);
  try {
    const progress = new ProgressBar(statSync(file).size);
    const parsed = await parseCatalogueFile(file, {
      ...(format ? { format } : {}),
      onProgress: (p) => progress.update(p),
    });
    progress.stop();

    if (parsed.errors.length > 0) {
      printIssues(file, parsed.format, parsed.errors, maxErrors);
      process.stderr.write(
        `nothing imported: ${count(parsed.errors.length, 'error')} in ${count(parsed.rowCount, 'row')}\n`,
      );
      return 1;
    }
    if (parsed.rows.length === 0) {
      throw new CliError(`${file} has no products: nothing imported`, 1);
    }

    warnOtherCurrencies(station, parsed.rows);
    if (progress.shown) process.stderr.write(`writing ${count(parsed.rows.length, 'product')}…\n`);
    const repository = new CatalogueRepository(station.db);
    let result;
    try {
      result = repository.importRows(parsed.rows);
    } catch (error) {
      if (!(error instanceof CatalogueError)) throw error;
      printIssues(file, parsed.format, error.issues, maxErrors);
      process.stderr.write('nothing imported\n');
      return 1;
    }
    // Plain digits on the summary line: scripts read it.
    process.stdout.write(
      `imported ${plural(result.products, 'product')} (${plural(result.tags, 'tag')})\n` +
        `store ${station.config.storeId}: ${result.created} new, ${result.updated} updated\n`,
    );
    return 0;
  } finally {
    station.close();
  }
}


function parseFormat(value: string | undefined): CatalogueFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'csv' || value === 'json') return value;
  throw new CliError(`--format must be csv or json, not "${value}"`);
}

function parseMaxErrors(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_ERRORS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new CliError(`--max-errors must be a whole number (0 = all), not "${value}"`);
  }
  return n === 0 ? Infinity : n;
}

function printIssues(
  file: string,
  format: CatalogueFormat,
  issues: readonly Parameters<typeof formatIssue>[0][],
  maxErrors: number,
): void {
  const lines = issues.slice(0, maxErrors).map((issue) => `${file}: ${formatIssue(issue, format)}`);
  if (issues.length > maxErrors) {
    lines.push(`… and ${issues.length - maxErrors} more (--max-errors 0 shows all)`);
  }
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** A cart holds one currency; a stray one is legal in the file but worth a word. */
function warnOtherCurrencies(station: Station, rows: readonly { currency: string }[]): void {
  const others = new Map<string, number>();
  for (const row of rows) {
    if (row.currency !== station.config.currency) {
      others.set(row.currency, (others.get(row.currency) ?? 0) + 1);
    }
  }
  for (const [currency, n] of others) {
    process.stderr.write(
      `warning: ${count(n, 'product')} priced in ${currency}; the store's currency is ${station.config.currency}\n`,
    );
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A bar on stderr only for a person at a terminal and only for a file that takes a while. */
class ProgressBar {
  private bar: SingleBar | undefined;
  shown = false;
  private readonly enabled = process.stderr.isTTY === true;

  constructor(private readonly totalBytes: number) {}

  update(p: ParseProgress): void {
    if (!this.enabled) return;
    if (!this.bar) {
      if (this.totalBytes <= BAR_MIN_BYTES && p.rows <= BAR_MIN_ROWS) return;
      this.bar = new SingleBar({
        stream: process.stderr,
        format: 'reading [{bar}] {percentage}% | {rows} rows | {done} / {size}',
        barCompleteChar: '█',
        barIncompleteChar: '░',
        hideCursor: true,
        clearOnComplete: false,
      });
      this.bar.start(this.totalBytes, 0, { rows: '0', done: '0', size: megabytes(this.totalBytes) });
      this.shown = true;
    }
    this.bar.update(Math.min(p.bytes, this.totalBytes), {
      rows: p.rows.toLocaleString('en-US'),
      done: megabytes(p.bytes),
      size: megabytes(this.totalBytes),
    });
  }

  stop(): void {
    this.bar?.stop();
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
