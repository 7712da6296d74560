// Runs in: node. The store server's side of the shared error shape (server/http/errors.ts).
import type { FastifyInstance } from 'fastify';
import { installErrorHandling as install } from '../http/errors.js';
import type { Clock } from './clock.js';
import type { Db } from './db.js';
import { storageHealth } from './storage-health.js';

export { AppError, ErrorBody, body, frameworkErrors } from '../http/errors.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installErrorHandling(app: FastifyInstance): void {
  // app.ts decorates the station before it calls this; a bare app (tests) has no monitor to tell.
  const station = (app as FastifyInstance & { station?: { db: Db; clock: Clock } }).station;
  const health = station ? storageHealth(station.db) : undefined;
  install(app, {
    internalMessage: 'Something went wrong on the station. Please try again.',
    storageMessage: 'The station cannot save anything right now (its storage is full or read-only). Please try again in a moment or ask staff.',
    onStorageError: (problem, error) => {
      if (station) health?.failed(problem, String((error as { code?: unknown }).code), station.clock.now());
    },
  });
  if (health) {
    app.addHook('onResponse', async (request, reply) => {
      if (WRITES.has(request.method) && reply.statusCode >= 200 && reply.statusCode < 300) health.recovered();
    });
  }
}
