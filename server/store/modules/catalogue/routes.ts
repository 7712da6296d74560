// Runs in: node. Catalogue look-ups for the shopper app (manual code entry, product pages).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { requireShopper } from '../../plugins/auth.js';
import { Sku } from '../../schemas.js';

export const catalogueRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireShopper(ctx));
  const productRef = Type.Ref('Product');

  app.get(
    '/api/products',
    {
      schema: {
        tags: ['shopper'],
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 100 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
        }),
        response: { 200: Type.Object({ products: Type.Array(productRef) }) },
      },
    },
    async (request) => ({ products: ctx.catalogue.search(request.query.q ?? '', request.query.limit ?? 20) }),
  );

  app.get(
    '/api/products/:sku',
    { schema: { tags: ['shopper'], params: Type.Object({ sku: Sku }), response: { 200: productRef } } },
    async (request) => {
      const product = ctx.catalogue.get(request.params.sku);
      if (!product) throw new AppError(404, 'product_not_found', `No product with code ${request.params.sku}.`);
      return product;
    },
  );
};
