// Runs in: main. The shell's log: one file per day of trouble at most a few MB, rotated by size
// so a station that runs for months never fills its disk. Synchronous appends: the volume is low
// and a crash must not lose the line that explains it.
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';

export interface RotatingLogOptions {
  dir: string;
  name?: string;
  maxBytes?: number;
  /** Rotated files kept besides the current one. */
  keep?: number;
  now?: () => Date;
}

export class RotatingLog {
  private readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private size: number;

  constructor(private readonly options: RotatingLogOptions) {
    mkdirSync(options.dir, { recursive: true });
    this.file = join(options.dir, `${options.name ?? 'station'}.log`);
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.now = options.now ?? (() => new Date());
    this.size = existsSync(this.file) ? statSync(this.file).size : 0;
  }

  get path(): string {
    return this.file;
  }

  write(level: LogLevel, source: string, message: string): void {
    // One line per entry, whatever the message holds, so the file stays greppable.
    const line = `${this.now().toISOString()} ${level.toUpperCase()} [${source}] ${message.replace(/\r?\n/g, '\\n')}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    appendFileSync(this.file, line, { mode: 0o600 });
    this.size += bytes;
  }

  /** A logger for one source, in the shape the other main-process modules take. */
  for(source: string): (level: LogLevel, message: string) => void {
    return (level, message) => this.write(level, source, message);
  }

  private rotated(index: number): string {
    return join(this.options.dir, `${this.options.name ?? 'station'}.${index}.log`);
  }

  private rotate(): void {
    rmSync(this.rotated(this.keep), { force: true });
    for (let index = this.keep - 1; index >= 1; index -= 1) {
      if (existsSync(this.rotated(index))) renameSync(this.rotated(index), this.rotated(index + 1));
    }
    if (this.keep >= 1) renameSync(this.file, this.rotated(1));
    else rmSync(this.file, { force: true });
    this.size = 0;
  }
}

/** Splits a child's output stream into lines for the log (pino writes one JSON object a line). */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.length > 0) onLine(line);
    },
    end() {
      if (rest.length > 0) onLine(rest);
      rest = '';
    },
  };
}
