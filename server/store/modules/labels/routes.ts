// Runs in: node. The URL a label's QR code opens: genuine labels get the shopper app, which then
// adds the product; anything else gets a clear refusal and changes nothing.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { verifyLabel } from '../../../protocol/label.js';
import type { RendererPages } from '../../plugins/pages.js';

export const labelRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext; pages: RendererPages }> = async (
  app,
  { ctx, pages },
) => {
  app.get(
    '/q/:storeId/:sku',
    {
      schema: {
        tags: ['shopper'],
        summary: 'Product label landing page',
        params: Type.Object({ storeId: Type.String({ maxLength: 64 }), sku: Type.String({ maxLength: 128 }) }),
        querystring: Type.Object({ s: Type.Optional(Type.String({ maxLength: 64 })) }),
      },
    },
    async (request, reply) => {
      const { storeId, sku } = request.params;
      const check = verifyLabel(ctx.labelKey, ctx.config.storeId, { storeId, sku, sig: request.query.s });
      let refusal: AppError | undefined;
      if (!check.ok) refusal = new AppError(400, check.code, check.message);
      else if (!ctx.catalogue.get(sku)) {
        refusal = new AppError(404, 'product_not_found', 'This product is not sold here any more.');
      }
      const wantsHtml = (request.headers.accept ?? '').includes('text/html');
      if (!wantsHtml) {
        if (refusal) throw refusal;
        return { ok: true, storeId, sku };
      }
      // The shopper app reads the label from the address bar, asks the API, and shows the
      // (translated) refusal itself; the status code tells crawlers and scripts the truth.
      return pages.send(reply, 'shopper', refusal?.statusCode ?? 200);
    },
  );
};
