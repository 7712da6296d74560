// Runs in: node. The shopper's second try: pay an own order again with another token after a
// decline or a failure.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { requireShopper } from '../../plugins/auth.js';
import { OrderIdParams, PaymentInput } from '../orders/schemas.js';

export const PayBody = Type.Object({ payment: PaymentInput }, { additionalProperties: false });

export const paymentRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireShopper(ctx));

  app.post(
    '/api/orders/:id/pay',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Pay an own order again with another token after a decline or failure; refused once paid',
        params: OrderIdParams,
        body: PayBody,
        response: { 200: Type.Ref('Order') },
      },
    },
    async (request) => ctx.payments.pay(request.shopper!, request.params.id, request.body.payment),
  );
};
