// Runs in: node. Signed payment routes; every change goes through the idempotency ledger.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CentralContext } from '../../context.js';
import { requireStore } from '../../plugins/auth.js';
import { IDEMPOTENCY_HEADER } from '../../plugins/idempotency.js';
import { AttemptParams, CancelBody, CaptureBody, CreatePaymentBody, PaymentAttempt, PaymentParams, RefundBody } from './schemas.js';

const IdempotencyHeaders = Type.Object({ [IDEMPOTENCY_HEADER]: Type.String({ minLength: 1, maxLength: 255 }) });

export const paymentRoutes: FastifyPluginAsyncTypebox<{ ctx: CentralContext }> = async (app, { ctx }) => {
  app.addHook('preValidation', requireStore(ctx));
  const payment = Type.Ref('Payment');
  const common = { tags: ['payments'], security: [{ storeSignature: [] }] };

  app.post(
    '/v1/payments',
    {
      schema: {
        ...common,
        summary: 'Authorise (and with capture: true, capture) a payment; declines are 201 with state "declined"',
        headers: IdempotencyHeaders,
        body: CreatePaymentBody,
        response: { 201: payment },
      },
    },
    async (request, reply) =>
      ctx.idempotency.run(request, reply, async () => ({
        status: 201,
        body: await ctx.payments.create(request.storeId!, request.body, request.headers[IDEMPOTENCY_HEADER]),
      })),
  );

  app.post(
    '/v1/payments/:id/capture',
    { schema: { ...common, headers: IdempotencyHeaders, params: PaymentParams, body: CaptureBody, response: { 200: payment } } },
    async (request, reply) =>
      ctx.idempotency.run(request, reply, async () => ({
        status: 200,
        body: await ctx.payments.capture(request.storeId!, request.params.id, request.body.amount),
      })),
  );

  app.post(
    '/v1/payments/:id/cancel',
    {
      schema: { ...common, headers: IdempotencyHeaders, params: PaymentParams, body: CancelBody, response: { 200: payment } },
      // A cancel says everything in its path; a station may send no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) =>
      ctx.idempotency.run(request, reply, async () => ({ status: 200, body: await ctx.payments.cancel(request.storeId!, request.params.id) })),
  );

  app.post(
    '/v1/payments/:id/refunds',
    {
      schema: {
        ...common,
        summary: 'Refund part or all of what was captured',
        headers: IdempotencyHeaders,
        params: PaymentParams,
        body: RefundBody,
        response: { 201: payment },
      },
    },
    async (request, reply) =>
      ctx.idempotency.run(request, reply, async () => ({
        status: 201,
        body: await ctx.payments.refund(request.storeId!, request.params.id, request.body.amount, request.headers[IDEMPOTENCY_HEADER]),
      })),
  );

  app.get(
    '/v1/payment-attempts/:key',
    {
      schema: {
        ...common,
        summary: 'What became of a create call sent under this Idempotency-Key, without running or changing anything',
        params: AttemptParams,
        response: { 200: PaymentAttempt },
      },
    },
    async (request) => {
      const { key } = request.params;
      const state = await ctx.idempotency.standing(request.storeId!, key);
      // A payment outlives its key (keys expire after a day): what was booked is still the answer.
      const payment = state === 'in_progress' ? undefined : await ctx.payments.underKey(request.storeId!, key);
      if (payment) return { key, state: 'done' as const, payment };
      return { key, state };
    },
  );

  app.get(
    '/v1/payments/:id',
    { schema: { ...common, params: PaymentParams, response: { 200: payment } } },
    async (request) => ctx.payments.get(request.storeId!, request.params.id),
  );
};
