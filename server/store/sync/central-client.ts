// Runs in: node. The station's signed HTTP client for central (docs/central-api.md): every
// request carries the store's HMAC signature, a fresh nonce and the current time.
import { signRequest } from '../../protocol/signing.js';
import type { Clock } from '../clock.js';
import type { OutboxEvent } from '../modules/outbox/repository.js';
import type { SyncTransport } from './worker.js';

export class CentralError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
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
  constructor(private readonly options: CentralClientOptions) {}

  async sendBatch(events: readonly OutboxEvent[]): Promise<{ ackSeq: number }> {
    return (await this.request('POST', '/v1/sync/batches', { storeId: this.options.storeId, events })) as { ackSeq: number };
  }

  async syncState(): Promise<{ ackSeq: number }> {
    return (await this.request('GET', '/v1/sync/state')) as { ackSeq: number };
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = signRequest({
      method,
      path,
      body: text,
      storeId: this.options.storeId,
      key: this.options.storeKey,
      now: this.options.clock.now(),
    });
    const response = await fetch(new URL(path, this.options.baseUrl), {
      method,
      headers: { ...(text === undefined ? {} : { 'content-type': 'application/json' }), ...signed, ...headers },
      body: text,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
    });
    const payload = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) {
      throw new CentralError(
        response.status,
        payload.error?.code ?? 'central_error',
        `central answered ${response.status} ${payload.error?.code ?? ''}: ${payload.error?.message ?? ''}`.trim(),
      );
    }
    return payload;
  }
}
