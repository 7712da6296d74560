// Runs in: node. The station's signed HTTP client for central (docs/central-api.md): every
// request carries the store's HMAC signature, a fresh nonce and the current time. On undici's
// request API over a keep-alive pool rather than fetch: fetch's WHATWG streams cost the station
// ~0.5 ms of main-thread CPU per call (every checkout's charge and every sync batch), undici's
// request ~0.08 ms (measured side by side, same server, same signed body).
import { Agent, request } from 'undici';
import { signRequest } from '../../protocol/signing.js';
import type { Clock } from '../clock.js';
import type { OutboxEvent } from '../modules/outbox/repository.js';
import type { SyncTransport } from './worker.js';

export class CentralError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** How long central asked us to wait before trying again (its Retry-After), if it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from `now`; anything else is ignored. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the IMF-fixdate senders must use: Date.parse would take "-1" for a year.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * What a failed call to central means for a change it carried. `refused`: central answered and
 * said no for good (retrying the same request gets the same no). `unavailable`: central is away
 * or busy; `maybeDone` says whether the request may have been carried out all the same (it left
 * the station and no answer came back), so only the same Idempotency-Key may be tried again.
 */
export type CentralFailure =
  | { kind: 'refused'; status: number; code: string; message: string }
  | { kind: 'unavailable'; maybeDone: boolean; message: string };

// Errors from connecting: the request never left the station.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// Answers that mean "not now" rather than "no".
const BUSY = new Set(['request_in_progress', 'payment_busy']);

export function classifyFailure(error: unknown): CentralFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CentralError) {
    // Central reverses at the acquirer before it answers this, so nothing was charged.
    if (error.code === 'acquirer_unavailable') return { kind: 'unavailable', maybeDone: false, message };
    if (error.status >= 500 || error.status === 429 || BUSY.has(error.code)) return { kind: 'unavailable', maybeDone: true, message };
    // Central's signature check turned the request away before anything ran: the station's clock
    // is off or its store key is no longer known. That is no answer about the payment it carried
    // (an offline payment forwarded now would be lost as "refused"): the station waits, and says
    // why, until IT mends it. Only a replay refusal means the same request may have arrived before.
    if (error.status === 401) return { kind: 'unavailable', maybeDone: error.code === 'replayed_request', message };
    return { kind: 'refused', status: error.status, code: error.code, message };
  }
  // undici reports a socket error's code on the error itself; fetch wrapped it in `cause`.
  const failed = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = failed?.code ?? failed?.cause?.code;
  return { kind: 'unavailable', maybeDone: !(typeof code === 'string' && NOT_SENT.has(code)), message };
}

export interface CentralRequestOptions {
  /** Overrides the client's timeout for this call (checkout waits less than the sync worker). */
  timeoutMs?: number;
}

export interface CentralClientOptions {
  baseUrl: string;
  storeId: string;
  /** The store key central issued at registration (base64url). */
  storeKey: string;
  clock: Clock;
  timeoutMs?: number;
}

export class CentralClient implements SyncTransport {
  /**
   * This station's clock minus central's, read from the Date header of central's last answer
   * (refusals too); null before the first. Central refuses signatures more than 5 minutes off
   * (`stale_request`), so staff and IT should see a drift coming before payments stop.
   */
  clockOffsetMs: number | null = null;
  private readonly answerListeners = new Set<() => void>();
  private readonly clockListeners = new Set<(offsetMs: number) => void>();
  // undici keeps an idle connection as long as central's Keep-Alive header says, less a margin.
  private readonly pool = new Agent();

  constructor(private readonly options: CentralClientOptions) {}

  /** Ends the kept-alive connections (idle ones never hold the process open). */
  async close(): Promise<void> {
    await this.pool.destroy();
  }

  /**
   * Called whenever central carries a request out (2xx): proof that it is back and takes this
   * station's work, so workers waiting out a backoff may go at once. Not on a refusal: a station
   * whose signature central refuses (401) or that it rate-limits (429) woke its other worker with
   * every failure, and the two woke each other, thousands of requests a second.
   */
  onAnswer(listener: () => void): void {
    this.answerListeners.add(listener);
  }

  /** Called with each clock offset read off central's answers (see clockOffsetMs). */
  onClockOffset(listener: (offsetMs: number) => void): void {
    this.clockListeners.add(listener);
  }

  async sendBatch(events: readonly OutboxEvent[]): Promise<{ ackSeq: number }> {
    return (await this.request('POST', '/v1/sync/batches', { storeId: this.options.storeId, events })) as { ackSeq: number };
  }

  async syncState(): Promise<{ ackSeq: number }> {
    return (await this.request('GET', '/v1/sync/state')) as { ackSeq: number };
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    options: CentralRequestOptions = {},
  ): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const sentAt = this.options.clock.now();
    const signed = signRequest({
      method,
      path,
      body: text,
      storeId: this.options.storeId,
      key: this.options.storeKey,
      now: sentAt,
    });
    const response = await request(new URL(path, this.options.baseUrl), {
      method,
      headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...signed, ...headers },
      body: text,
      dispatcher: this.pool,
      signal: AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs ?? 10_000),
    });
    const status = response.statusCode;
    this.noteClock(response.headers.date, sentAt);
    if (status >= 200 && status < 300) for (const listener of this.answerListeners) listener();
    const payload = (await response.body.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (status < 200 || status >= 300) {
      throw new CentralError(
        status,
        payload.error?.code ?? 'central_error',
        `central answered ${status} ${payload.error?.code ?? ''}: ${payload.error?.message ?? ''}`.trim(),
        parseRetryAfter(response.headers['retry-after'], this.options.clock.now()),
      );
    }
    return payload;
  }

  private noteClock(date: string | string[] | undefined, sentAt: number): void {
    const central = Date.parse(Array.isArray(date) ? date[0]! : (date ?? ''));
    if (!Number.isFinite(central)) return;
    // The header is cut to the second, so central's time was within the second after it; and it
    // was read somewhere between sending and now: the middle of both is the best guess.
    const offset = Math.round((sentAt + this.options.clock.now()) / 2 - (central + 500));
    this.clockOffsetMs = offset;
    for (const listener of this.clockListeners) listener(offset);
  }
}
