// Runs in: renderer (DOM); the parser is pure and also unit-tested in node. Server-sent events
// read with fetch() (EventSource cannot send the shopper's Authorization and X-Device-Id
// headers): a text/event-stream parser and one connection attempt.
import { ApiError, NETWORK_ERROR } from './http';

export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Feeds text chunks as they arrive; answers the complete messages (spec: html.spec.whatwg.org, "event stream"). */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  private sawData = false;

  feed(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (match === null) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = this.line(line);
      if (message !== null) out.push(message);
    }
    return out;
  }

  private line(line: string): SseMessage | null {
    if (line === '') {
      if (!this.sawData) {
        this.event = '';
        return null;
      }
      const message: SseMessage = { event: this.event || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) message.id = this.id;
      this.event = '';
      this.data = [];
      this.sawData = false;
      return message;
    }
    if (line.startsWith(':')) return null; // a comment (heartbeat)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        this.sawData = true;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        break; // retry and unknown fields: the caller keeps its own backoff
    }
    return null;
  }
}

/**
 * Opens the stream and calls `onMessage` for each event until the server ends it, the network
 * drops it (both resolve) or `signal` aborts. A refusal (non-2xx) throws an ApiError.
 */
export async function readEventStream(
  url: string,
  headers: Record<string, string>,
  onMessage: (message: SseMessage) => void,
  signal: AbortSignal,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { ...headers, Accept: 'text/event-stream' },
      credentials: 'same-origin',
      signal,
    });
  } catch (cause) {
    throw new ApiError(0, NETWORK_ERROR, cause instanceof Error ? cause.message : String(cause));
  }
  if (!response.ok || response.body === null) {
    let code = response.status >= 500 ? 'internal' : 'bad_response';
    try {
      const parsed = (await response.json()) as { error?: { code?: unknown } };
      if (typeof parsed.error?.code === 'string') code = parsed.error.code;
    } catch {
      // no JSON body
    }
    throw new ApiError(response.status, code, response.statusText);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const message of parser.feed(value)) onMessage(message);
    }
  } catch {
    // dropped (network or abort): the caller decides whether to reconnect
  } finally {
    reader.releaseLock();
  }
}

/** Waits after the nth failure in a row: 1, 2, 5, 10, then 20 s, with ±20 % jitter. */
export const RETRY_MS = [1000, 2000, 5000, 10_000, 20_000] as const;

export function retryDelay(failures: number, random: () => number = Math.random): number {
  const base = RETRY_MS[Math.min(Math.max(failures, 0), RETRY_MS.length - 1)] ?? 20_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}
