// Runs in: node. Staff sign-in (PIN, rate limited), the order board and its live event stream.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { isStored, type StationEvent } from '../../events.js';
import { requireStaff, STAFF_COOKIE } from '../../plugins/auth.js';
import { PIN_PATTERN } from '../../pin.js';
import { batchedPerLoopTurn, inOrder, streamsClosedOnShutdown } from '../../plugins/streams.js';
import { eventForStaffScreens, forStaffScreens } from '../orders/masking.js';
import { STAFF_SESSION_MS } from './repository.js';
import { storageHealth } from '../../storage-health.js';
import { CancelBody, OrderIdParams, OrderListQuery } from '../orders/schemas.js';

const SignedIn = Type.Object({ signedIn: Type.Boolean() });

export const staffRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext; pinPerMinute: number }> = async (
  app,
  { ctx, pinPerMinute },
) => {
  app.post(
    '/api/staff/session',
    {
      config: { rateLimit: { max: pinPerMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['staff'],
        summary: 'Sign in with the staff PIN',
        body: Type.Object({ pin: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false }),
        response: { 200: SignedIn },
      },
    },
    async (request, reply) => {
      const token = PIN_PATTERN.test(request.body.pin) ? await ctx.staff.signIn(request.body.pin, ctx.clock.now()) : null;
      if (!token) {
        request.log.warn('staff sign-in refused');
        throw new AppError(401, 'pin_wrong', 'That PIN is not right.');
      }
      reply.setCookie(STAFF_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        maxAge: STAFF_SESSION_MS / 1000,
      });
      return { signedIn: true };
    },
  );

  const streams = streamsClosedOnShutdown(app);

  app.register(async (scope) => {
    const staff = scope.withTypeProvider<TypeBoxTypeProvider>();
    staff.addHook('onRequest', requireStaff(ctx));
    const staffOrderRef = Type.Ref('StaffOrder');

    staff.get(
      '/api/staff/session',
      { schema: { tags: ['staff'], response: { 200: SignedIn } } },
      async () => ({ signedIn: true }),
    );

    staff.delete('/api/staff/session', { schema: { tags: ['staff'] } }, async (request, reply) => {
      const token = request.cookies[STAFF_COOKIE];
      if (token) ctx.staff.signOut(token);
      reply.clearCookie(STAFF_COOKIE, { path: '/' });
      return reply.code(204).send();
    });

    staff.get(
      '/api/staff/status',
      {
        schema: {
          tags: ['staff'],
          summary: 'Station health for the monitor: central sync state, outbox backlog, offline payments',
          response: {
            200: Type.Object({
              storeId: Type.String(),
              sync: Type.Object({
                central: Type.Union([Type.String(), Type.Null()]),
                state: Type.Union([
                  Type.Literal('not_registered'),
                  Type.Literal('idle'),
                  Type.Literal('sending'),
                  Type.Literal('retrying'),
                  Type.Literal('stopped'),
                ]),
                backlog: Type.Integer(),
                lastSeq: Type.Integer(),
                ackedSeq: Type.Integer(),
                oldestPendingAt: Type.Union([Type.String(), Type.Null()]),
                lastAckAt: Type.Union([Type.String(), Type.Null()]),
                lastError: Type.Union([Type.String(), Type.Null()]),
                clockOffsetMs: Type.Union([Type.Integer(), Type.Null()], {
                  description: "this station's clock minus central's at central's last answer; central refuses beyond ±5 min",
                }),
              }),
              payments: Type.Object({
                /** False while the store is not registered with central: orders stay pending. */
                enabled: Type.Boolean(),
                offline: Type.Object({
                  count: Type.Integer(),
                  outstanding: Type.Integer({ description: 'minor units, accepted offline and not yet confirmed by central' }),
                  currency: Type.String(),
                  maxPerPayment: Type.Integer(),
                  maxOutstanding: Type.Integer(),
                  expiresAfterHours: Type.Number(),
                  oldestAcceptedAt: Type.Union([Type.String(), Type.Null()]),
                }),
                forwarder: Type.Object({
                  state: Type.Union([
                    Type.Literal('not_registered'),
                    Type.Literal('idle'),
                    Type.Literal('working'),
                    Type.Literal('retrying'),
                    Type.Literal('stopped'),
                  ]),
                  lastError: Type.Union([Type.String(), Type.Null()]),
                  nextRetryAt: Type.Union([Type.String(), Type.Null()]),
                }),
              }),
              storage: Type.Object(
                {
                  state: Type.Union([Type.Literal('ok'), Type.Literal('full'), Type.Literal('read_only'), Type.Literal('io_error')]),
                  code: Type.Union([Type.String(), Type.Null()]),
                  since: Type.Union([Type.String(), Type.Null()]),
                  lastFailureAt: Type.Union([Type.String(), Type.Null()]),
                },
                { description: 'The last storage failure a request met, until a write succeeds again' },
              ),
            }),
          },
        },
      },
      async () => {
        const worker = ctx.sync?.status;
        const forwarder = ctx.forwarder?.status;
        return {
          storeId: ctx.config.storeId,
          sync: {
            central: ctx.config.centralUrl,
            state: worker?.state ?? ('not_registered' as const),
            ...ctx.outbox.status(),
            lastAckAt: worker?.lastAckAt ?? null,
            lastError: worker?.lastError ?? null,
            clockOffsetMs: ctx.central?.clockOffsetMs ?? null,
          },
          payments: {
            enabled: ctx.forwarder !== null,
            offline: ctx.payments.offlineStatus(),
            forwarder: {
              state: forwarder?.state ?? ('not_registered' as const),
              lastError: forwarder?.lastError ?? null,
              nextRetryAt: forwarder?.nextRetryAt ?? null,
            },
          },
          storage: storageHealth(ctx.db).status(),
        };
      },
    );

    staff.get(
      '/api/staff/orders',
      {
        schema: {
          tags: ['staff'],
          querystring: OrderListQuery,
          response: {
            200: Type.Object({ orders: Type.Array(staffOrderRef), lastEventId: Type.Integer() }),
          },
        },
      },
      async (request) => {
        // Read the id first: an event that lands between the two reads is then replayed, not lost.
        const lastEventId = ctx.hub.lastId();
        return { orders: ctx.orders.listForStaff(request.query.state, request.query.limit ?? 500).map(forStaffScreens), lastEventId };
      },
    );

    staff.get(
      '/api/staff/orders/:id',
      { schema: { tags: ['staff'], params: OrderIdParams, response: { 200: staffOrderRef } } },
      async (request) => forStaffScreens(ctx.orders.forStaff(request.params.id)),
    );

    staff.post(
      '/api/staff/orders/:id/hand-over',
      {
        schema: { tags: ['staff'], summary: 'Hand over a paid order (paid or paid_offline)', params: OrderIdParams, response: { 200: staffOrderRef } },
      },
      async (request) => forStaffScreens(await ctx.orders.transition(request.params.id, 'hand_over')),
    );

    staff.post(
      '/api/staff/orders/:id/cancel',
      {
        schema: { tags: ['staff'], params: OrderIdParams, body: CancelBody, response: { 200: staffOrderRef } },
      },
      // Through payments: a paid order is refunded at central before it is cancelled.
      async (request) => forStaffScreens(await ctx.payments.cancel(request.params.id, request.body?.reason)),
    );

    staff.get(
      '/api/staff/events',
      {
        sse: { kind: 'only', heartbeat: true },
        schema: {
          tags: ['staff'],
          summary: 'Live order events (text/event-stream); resumes after Last-Event-ID or ?after=',
          querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0 })) }),
        },
      },
      async (request, reply) => {
        const headerId = Number(reply.sse.lastEventId ?? Number.NaN);
        let cursor = Number.isInteger(headerId) && headerId >= 0 ? headerId : (request.query.after ?? ctx.hub.lastId());
        // Events that arrive while the backlog is being sent wait here, so order is kept.
        const pending: StationEvent[] = [];
        let replaying = true;
        const send = async (event: StationEvent): Promise<void> => {
          if (isStored(event)) {
            if (event.id <= cursor) return;
            cursor = event.id;
            await reply.sse.send({ id: String(event.id), event: event.type, data: eventForStaffScreens(event.data) });
          } else {
            await reply.sse.send({ event: event.type, data: eventForStaffScreens(event.data) });
          }
        };
        const live = inOrder(send);
        const batch = batchedPerLoopTurn(reply);
        const unsubscribe = ctx.hub.subscribe((event) => {
          if (replaying) pending.push(event);
          else {
            batch();
            live(event);
          }
        });
        streams.hold(reply, unsubscribe);
        // The first frame commits the headers at once and tells EventSource to retry quickly.
        await reply.sse.send({ event: 'stream.ready', data: { after: cursor }, retry: 2000 });
        for (;;) {
          const backlog = ctx.hub.after(cursor);
          for (const event of backlog) await send(event);
          if (backlog.length < 1000) break;
        }
        replaying = false;
        for (const event of pending.splice(0)) live(event);
      },
    );
  });
};
