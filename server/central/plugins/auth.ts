// Runs in: node. Who is calling central: IT with the admin token, or a station whose request is
// signed with its store key (docs/central-api.md). Refusals are 401s, logged without secrets.
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { MAX_CLOCK_SKEW_MS, readSignedHeaders, verifySignature } from '../../protocol/signing.js';
import { AppError } from '../../http/errors.js';
import type { CentralContext } from '../context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact JSON bytes received: what a station signed. */
    rawBody?: Buffer;
    /** Set once a signed request has been verified. */
    storeId?: string;
  }
}

// Checked against when the store is unknown, so both refusals take the same path.
const UNKNOWN_STORE_KEY = randomBytes(32);

export function requireAdmin(ctx: CentralContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token || !(await ctx.stores.isAdminToken(token))) {
      request.log.warn({ refusal: 'admin_required', url: request.url }, 'admin request refused');
      throw new AppError(401, 'admin_required', 'This needs the central admin token.');
    }
  };
}

/**
 * Runs after the body is parsed (the signature covers it) and before validation, so an
 * unsigned caller learns nothing about the shapes central accepts.
 */
export function requireStore(ctx: CentralContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const refuse = (status: number, code: string, message: string, storeId?: string): never => {
      request.log.warn({ refusal: code, storeId, method: request.method, url: request.url }, 'signed request refused');
      throw new AppError(status, code, message);
    };
    const read = readSignedHeaders(request.headers);
    if (!read.ok) return refuse(401, read.code, read.message);
    const headers = read.value;
    const now = ctx.clock.now();
    // Unknown stores get the same answer as wrong keys: the refusal does not tell which ids exist.
    const stored = await ctx.stores.signingKey(headers.storeId);
    const signingKey = stored ?? UNKNOWN_STORE_KEY;
    const verdict = verifySignature({ method: request.method, path: request.url, body: request.rawBody, headers, signingKey, now });
    if (!verdict.ok) return refuse(401, verdict.code, verdict.message, headers.storeId);
    if (!stored) return refuse(401, 'bad_signature', 'This request is not signed by a registered store.', headers.storeId);
    // Kept until its timestamp could no longer pass the freshness check anyway.
    if (!(await ctx.stores.useNonce(headers.storeId, headers.nonce, headers.timestamp + MAX_CLOCK_SKEW_MS + 60_000))) {
      return refuse(401, 'replayed_request', 'This request was already received once.', headers.storeId);
    }
    request.storeId = headers.storeId;
  };
}
