// Runs in: renderer (DOM). The typed fetch wrapper every app uses: JSON in, JSON out, and one
// error type (ApiError) carrying the server's {error:{code,message}} or a network failure.

/** Codes the client itself produces (the server's own codes come from its responses). */
export const NETWORK_ERROR = 'network_error';
export const TIMEOUT = 'timeout';
export const BAD_RESPONSE = 'bad_response';

export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived (offline, timeout). */
  readonly status: number;
  /** The server's snake_case code, or one of the client codes above. */
  readonly code: string;
  /** Seconds from a Retry-After header (rate limits), when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** True when the request may not have reached the server, so its outcome is unknown. */
  get outcomeUnknown(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds before the request is given up (default 15 s). */
  timeoutMs?: number;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs ?? 15_000);

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: controller.signal,
    });
  } catch (cause) {
    throw new ApiError(0, timedOut ? TIMEOUT : NETWORK_ERROR, cause instanceof Error ? cause.message : String(cause));
  } finally {
    clearTimeout(timer);
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as ErrorBody | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : response.status >= 500 ? 'internal' : BAD_RESPONSE;
    const message = typeof error?.message === 'string' ? error.message : response.statusText;
    throw new ApiError(response.status, code, message, retryAfterSeconds(response.headers.get('retry-after')));
  }
  if (parsed === undefined) throw new ApiError(response.status, BAD_RESPONSE, 'The server sent no JSON.');
  return parsed as T;
}

function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
