// Runs in: node (tests). A stream a server's pino logger writes to, kept in memory to be read.
import { Writable } from 'node:stream';

export interface LogSink {
  stream: Writable;
  /** Each chunk as written (one JSON line per log call). */
  lines: string[];
  /** The lines parsed: pino's level (30 info, 40 warn, 50 error), message and fields. */
  entries(): { level: number; msg: string; [field: string]: unknown }[];
}

export function logSink(): LogSink {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines,
    entries: () => lines.flatMap((chunk) => chunk.split('\n').filter(Boolean).map((line) => JSON.parse(line))),
  };
}
