// Runs in: node. One error shape for every refusal of both servers (CONTRACT.md "HTTP"); 5xx
// details stay in the log.
import type { FastifyError, FastifyInstance } from 'fastify';
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
}

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
      const code = FRAMEWORK_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'invalid_request');
      return reply.code(status).send(body(code, error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('internal', options.internalMessage));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(body('not_found', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}

export function body(code: string, message: string) {
  return { error: { code, message } };
}
