// Runs in: node. One error shape for every refusal of both servers (CONTRACT.md "HTTP"); 5xx
// details stay in the log.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const ErrorBody = Type.Object(
  {
    error: Type.Object({ code: Type.String(), message: Type.String() }),
  },
  { $id: 'ErrorBody' },
);

/** Codes for Fastify's own 4xx errors, so clients can branch on something stable. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_VALIDATION: 'invalid_request',
};

export interface ErrorHandlingOptions {
  /** What a client reads on a 500; it names the server so people know whom to call. */
  internalMessage: string;
  /** Told of every storage failure, so a status route can show it (the station's monitor). */
  onStorageError?: (problem: StorageProblem, error: Error) => void;
  /** What a client reads on that 503. */
  storageMessage?: string;
}

export type StorageProblem = 'full' | 'read_only' | 'io_error';

/**
 * A full disk, a database turned read-only or an I/O error is the machine's problem, not a bug:
 * SQLite rolls the transaction back and nothing is half-written, so the client is told to try
 * again later (503) and the operator is told why, instead of an anonymous 500.
 */
export function storageProblemOf(error: unknown): StorageProblem | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code === 'SQLITE_FULL') return 'full';
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return 'read_only';
  if (code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_')) return 'io_error';
  return null;
}

const STORAGE_MESSAGE = 'The server cannot save anything right now (its storage is full or read-only). Please try again in a moment.';

/**
 * SQLite's lock contention: another connection (a second process on the file, a backup, a
 * checkpoint that needed the lock) held it past busy_timeout. The transaction was rolled back
 * whole and the disk is fine, so unlike a storage problem it is not shown to the operator as a
 * failing disk; the client is told to retry shortly (503 with Retry-After), never a 500.
 */
export function storageBusyOf(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED' || code.startsWith('SQLITE_LOCKED_');
}

const BUSY_MESSAGE = 'The server is busy saving other changes; nothing was saved. Please try again in a moment.';
/** Seconds; lock waits are milliseconds long, a second is ample and keeps retry storms slow. */
const BUSY_RETRY_AFTER_S = 1;

export function installErrorHandling(app: FastifyInstance, options: ErrorHandlingOptions): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.statusCode).send(body(error.code, error.message));
    }
    const status = error.statusCode ?? 500;
    if (error.validation) {
      return reply.code(400).send(body('invalid_request', error.message));
    }
    if (status >= 400 && status < 500) {
      // @fastify/rate-limit throws what its errorResponseBuilder made: a plain object already in shape.
      const built = (error as { error?: { code?: unknown; message?: unknown } }).error;
      if (typeof built?.code === 'string' && typeof built.message === 'string') return reply.code(status).send(body(built.code, built.message));
      const code = FRAMEWORK_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'invalid_request');
      return reply.code(status).send(body(code, error.message));
    }
    const problem = storageProblemOf(error);
    if (problem) {
      request.log.error({ err: error, storage: problem }, 'storage unavailable');
      options.onStorageError?.(problem, error);
      return reply.code(503).send(body('storage_unavailable', options.storageMessage ?? STORAGE_MESSAGE));
    }
    if (storageBusyOf(error)) {
      request.log.warn({ err: error }, 'database busy');
      return reply.code(503).header('retry-after', String(BUSY_RETRY_AFTER_S)).send(body('storage_busy', BUSY_MESSAGE));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('internal', options.internalMessage));
  });

  // Ajv's type coercion turns "Infinity" or "1e999" in a query string into Infinity and then
  // skips minimum/maximum for it (they only test finite numbers): refuse it here, after
  // validation, before a handler hands it to SQLite as a LIMIT.
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const [name, value] of Object.entries(query)) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        throw new AppError(400, 'invalid_request', `querystring/${name} must be a finite number`);
      }
    }
  });

  // Plugins that answer a refusal themselves (@fastify/sse's 406 to a client that refuses
  // text/event-stream) use Fastify's default {statusCode, error, message}: put it in shape.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string' || !payload.startsWith('{"statusCode"')) return payload;
    try {
      const parsed = JSON.parse(payload) as { statusCode?: unknown; error?: unknown; message?: unknown };
      if (typeof parsed.error !== 'string') return payload;
      return JSON.stringify(body(reply.statusCode === 406 ? 'not_acceptable' : 'invalid_request', String(parsed.message ?? parsed.error)));
    } catch {
      return payload;
    }
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(body('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}

/**
 * Fastify's router answers a malformed URL (`/v1/payments/%zz`) or an over-long path parameter
 * itself, before any error handler, in a shape of its own: pass this as the `frameworkErrors`
 * option of Fastify() so those refusals keep the shared shape too.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  reply.code(status).send(body(status === 414 ? 'uri_too_long' : 'invalid_request', error.message));
}

export function body(code: string, message: string) {
  return { error: { code, message } };
}
