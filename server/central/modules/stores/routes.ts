// Runs in: node. IT registers stores; the store key is shown once, in the 201 answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { CentralContext } from '../../context.js';
import { requireAdmin } from '../../plugins/auth.js';
import { StoreId, Timestamp } from '../../schemas.js';

const StoreView = Type.Object({ storeId: StoreId, name: Type.String(), address: Type.String(), createdAt: Timestamp, keyIssuedAt: Timestamp });
const StoreWithKey = Type.Object({
  storeId: StoreId,
  name: Type.String(),
  address: Type.String(),
  createdAt: Timestamp,
  keyIssuedAt: Timestamp,
  storeKey: Type.String({ description: '32 random bytes, base64url: shown once, keep it as a secret on the station' }),
});

export const storeRoutes: FastifyPluginAsyncTypebox<{ ctx: CentralContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAdmin(ctx));

  app.post(
    '/admin/stores',
    {
      schema: {
        tags: ['admin'],
        security: [{ admin: [] }],
        summary: 'Register a store; its key is returned once',
        body: Type.Object(
          {
            storeId: StoreId,
            name: Type.String({ minLength: 1, maxLength: 120 }),
            address: Type.String({ minLength: 1, maxLength: 300 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: StoreWithKey },
      },
    },
    async (request, reply) => reply.code(201).send(await ctx.stores.create(request.body, ctx.clock.now())),
  );

  app.post(
    '/admin/stores/:storeId/key',
    {
      schema: {
        tags: ['admin'],
        security: [{ admin: [] }],
        summary: 'Issue a new store key (the old one stops working); returned once',
        params: Type.Object({ storeId: StoreId }, { additionalProperties: false }),
        response: { 201: StoreWithKey },
      },
    },
    async (request, reply) => reply.code(201).send(await ctx.stores.rotateKey(request.params.storeId, ctx.clock.now())),
  );

  app.get(
    '/admin/stores',
    { schema: { tags: ['admin'], security: [{ admin: [] }], response: { 200: Type.Object({ stores: Type.Array(StoreView) }) } } },
    async () => ({ stores: await ctx.stores.list() }),
  );
};
