// Runs in: node. The store server's side of the shared error shape (server/http/errors.ts).
import type { FastifyInstance } from 'fastify';
import { installErrorHandling as install } from '../http/errors.js';

export { AppError, ErrorBody, body, frameworkErrors } from '../http/errors.js';

export function installErrorHandling(app: FastifyInstance): void {
  install(app, { internalMessage: 'Something went wrong on the station. Please try again.' });
}
