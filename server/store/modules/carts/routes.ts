// Runs in: node. Cart routes: scan a label, add by code, change quantities, remove.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { requireShopper } from '../../plugins/auth.js';
import { Cart, CartLine, Sku } from '../../schemas.js';
import { LabelReader } from './label-reader.js';
import { MAX_QUANTITY } from './repository.js';

const SkuParams = Type.Object({ sku: Sku });

export const cartRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireShopper(ctx));
  const cartRef = Type.Ref('Cart');
  const labels = new LabelReader(ctx.labelKey, ctx.config.storeId);

  app.get('/api/cart', { schema: { tags: ['shopper'], response: { 200: cartRef } } }, async (request) =>
    ctx.carts.view(request.shopper!.sessionId),
  );

  app.post(
    '/api/cart/scan',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Add one of the product a scanned label names',
        body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
        // The changed line and the new totals, not the whole cart: a scan is the station's
        // hottest request, and writing and parsing a full basket on every one cost the station
        // (and the phone) more than the rest of the scan. The phone patches its copy.
        response: {
          200: Type.Object({
            added: Type.Object({ sku: Type.String(), name: Type.String() }),
            line: CartLine,
            count: Type.Integer({ minimum: 0 }),
            total: Cart.properties.total,
            currency: Cart.properties.currency,
          }),
        },
      },
    },
    async (request) => {
      const shopper = request.shopper!;
      const check = labels.read(request.body.code);
      if (!check.ok) throw new AppError(400, check.code, check.message);
      const now = ctx.clock.now();
      ctx.carts.add(shopper.sessionId, check.label.sku, 1, now, 'shopper');
      const cart = ctx.carts.view(shopper.sessionId);
      const line = cart.items.find((item) => item.sku === check.label.sku)!;
      ctx.hub.publish({
        type: 'cart.activity',
        data: {
          session: shopper.sessionId.slice(0, 8),
          sku: line.sku,
          name: line.name,
          quantity: line.quantity,
          count: cart.count,
          total: cart.total,
          currency: cart.currency,
          at: new Date(now).toISOString(),
        },
      });
      return { added: { sku: line.sku, name: line.name }, line, count: cart.count, total: cart.total, currency: cart.currency };
    },
  );

  app.post(
    '/api/cart/items',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Add a product by its code (manual entry)',
        body: Type.Object(
          { sku: Sku, quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_QUANTITY })) },
          { additionalProperties: false },
        ),
        response: { 200: cartRef },
      },
    },
    async (request) => {
      const { sessionId } = request.shopper!;
      ctx.carts.add(sessionId, request.body.sku, request.body.quantity ?? 1, ctx.clock.now(), 'shopper');
      return ctx.carts.view(sessionId);
    },
  );

  app.put(
    '/api/cart/items/:sku',
    {
      schema: {
        tags: ['shopper'],
        params: SkuParams,
        body: Type.Object(
          { quantity: Type.Integer({ minimum: 0, maximum: MAX_QUANTITY }) },
          { additionalProperties: false },
        ),
        response: { 200: cartRef },
      },
    },
    async (request) => {
      const { sessionId } = request.shopper!;
      ctx.carts.setQuantity(sessionId, request.params.sku, request.body.quantity, 'shopper');
      return ctx.carts.view(sessionId);
    },
  );

  app.delete(
    '/api/cart/items/:sku',
    { schema: { tags: ['shopper'], params: SkuParams, response: { 200: cartRef } } },
    async (request) => {
      const { sessionId } = request.shopper!;
      ctx.carts.removeItem(sessionId, request.params.sku, 'shopper');
      return ctx.carts.view(sessionId);
    },
  );
};

export { Cart };
