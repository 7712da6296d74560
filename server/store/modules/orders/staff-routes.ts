// Runs in: node. Staff-only order routes of the monitor's detail panel: the order's audit trail,
// and the orderer's contact and address shown on request (the look itself is audited).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { requireStaff } from '../../plugins/auth.js';
import { HISTORY_KINDS, OrderAudit, type HistoryKind } from './history.js';
import { OrderIdParams } from './schemas.js';

const HistoryEntry = Type.Object({
  at: Type.String({ format: 'date-time' }),
  kind: Type.Unsafe<HistoryKind>({ type: 'string', enum: [...HISTORY_KINDS] }),
  hold: Type.Optional(Type.String()),
  staffName: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

export const orderStaffRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireStaff(ctx));
  const audit = new OrderAudit(ctx.db, ctx.clock);

  app.get(
    '/api/staff/orders/:id/history',
    {
      schema: {
        tags: ['staff'],
        summary: "The order's audit trail, oldest first: placed, payments, holds, overrides, hand-over or cancellation, contact views",
        params: OrderIdParams,
        response: {
          200: Type.Object({
            entries: Type.Array(HistoryEntry),
            // Whether central has every change of this order yet: what is still in the outbox.
            sync: Type.Object({
              connected: Type.Boolean(),
              pending: Type.Integer({ minimum: 0 }),
              oldestPendingAt: Type.Optional(Type.String({ format: 'date-time' })),
            }),
          }),
        },
      },
    },
    async (request) => {
      const entries = audit.history(request.params.id);
      const { pending, oldest } = ctx.outbox.pendingFor(request.params.id);
      return {
        entries,
        sync: { connected: ctx.sync !== null && ctx.sync !== undefined, pending, ...(oldest === null ? {} : { oldestPendingAt: new Date(oldest).toISOString() }) },
      };
    },
  );

  app.post(
    '/api/staff/orders/:id/contact',
    {
      schema: {
        tags: ['staff'],
        summary: "The orderer's contact and delivery address, unmasked; each request is an audit row",
        params: OrderIdParams,
        body: Type.Optional(Type.Object({}, { additionalProperties: false })),
        response: {
          200: Type.Object({ name: Type.String(), contact: Type.String(), address: Type.Optional(Type.String()) }),
        },
      },
    },
    async (request) => audit.revealContact(request.params.id),
  );
};
