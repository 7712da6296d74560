// Runs in: node. Shopper session start/resume. Rate limited: sessions are cheap to ask for.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { identifyShopper } from '../../plugins/auth.js';

export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9-]{8,64}$' });

export const sessionRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext; perMinute: number }> = async (
  app,
  { ctx, perMinute },
) => {
  app.post(
    '/api/sessions',
    {
      config: { rateLimit: { max: perMinute, timeWindow: '1 minute' } },
      schema: {
        tags: ['shopper'],
        summary: 'Start a shopper session, or resume the one whose token this device presents',
        body: Type.Object({ deviceId: DeviceId }, { additionalProperties: false }),
        response: {
          200: Type.Object({ sessionId: Type.String(), token: Type.String(), resumed: Type.Boolean() }),
          201: Type.Object({ sessionId: Type.String(), token: Type.String(), resumed: Type.Boolean() }),
        },
      },
    },
    async (request, reply) => {
      const current = identifyShopper(ctx, request);
      if (current && current.deviceId === request.body.deviceId) {
        const token = request.headers.authorization!.slice('Bearer '.length).trim();
        return reply.code(200).send({ sessionId: current.sessionId, token, resumed: true });
      }
      const created = ctx.sessions.create(request.body.deviceId, ctx.clock.now());
      return reply.code(201).send({ ...created, resumed: false });
    },
  );
};
