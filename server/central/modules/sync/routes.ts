// Runs in: node. Signed sync routes: stations push their outbox here (docs/central-api.md "Sync").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../../http/errors.js';
import type { CentralContext } from '../../context.js';
import { requireStore } from '../../plugins/auth.js';
import { SyncAck, SyncBatchBody } from './schemas.js';

/** 500 events with generous payloads; the rest of central keeps the small default. */
export const SYNC_BODY_LIMIT = 4 * 1024 * 1024;

export const syncRoutes: FastifyPluginAsyncTypebox<{ ctx: CentralContext }> = async (app, { ctx }) => {
  app.addHook('preValidation', requireStore(ctx));
  const common = { tags: ['sync'], security: [{ storeSignature: [] }] };

  app.post(
    '/v1/sync/batches',
    {
      bodyLimit: SYNC_BODY_LIMIT,
      schema: {
        ...common,
        summary: 'Store a batch of outbox events once each; answers the highest contiguous seq stored',
        body: SyncBatchBody,
        response: { 200: SyncAck },
      },
    },
    async (request) => {
      if (request.body.storeId !== request.storeId) {
        request.log.warn({ refusal: 'store_mismatch', storeId: request.storeId, bodyStoreId: request.body.storeId }, 'signed request refused');
        throw new AppError(403, 'store_mismatch', 'The batch names another store than the one that signed it.');
      }
      return { ackSeq: await ctx.sync.ingest(request.storeId, request.body.events) };
    },
  );

  app.get('/v1/sync/state', { schema: { ...common, response: { 200: SyncAck } } }, async (request) => ({
    ackSeq: await ctx.sync.advanceAck(request.storeId!),
  }));
};
