// Runs in: node. Shopper-facing order routes: place, list own, read own.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { requireShopper } from '../../plugins/auth.js';
import { CheckoutBody, OrderIdParams } from './schemas.js';

export const orderRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireShopper(ctx));
  const orderRef = Type.Ref('Order');

  app.post(
    '/api/orders',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Place the cart as an order and pay it; retrying with the same orderId never makes a second order or payment',
        body: CheckoutBody,
        response: { 200: orderRef, 201: orderRef },
      },
    },
    async (request, reply) => {
      const { id, created } = await ctx.orders.checkout(request.shopper!, request.body);
      // The order is committed before central is asked, so a lost answer never loses the order.
      await ctx.payments.afterCheckout(id);
      return reply.code(created ? 201 : 200).send(ctx.orders.forShopper(request.shopper!, id));
    },
  );

  app.get(
    '/api/orders',
    { schema: { tags: ['shopper'], response: { 200: Type.Object({ orders: Type.Array(orderRef) }) } } },
    async (request) => ({ orders: ctx.orders.listForShopper(request.shopper!) }),
  );

  app.get(
    '/api/orders/:id',
    { schema: { tags: ['shopper'], params: OrderIdParams, response: { 200: orderRef } } },
    async (request) => ctx.orders.forShopper(request.shopper!, request.params.id),
  );
};
