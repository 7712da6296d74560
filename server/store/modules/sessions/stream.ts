// Runs in: node. The shopper's own live feed (text/event-stream over fetch, since the phone
// authenticates with headers): its cart as a kiosk tap changes it, its orders as they are held,
// released and paid, its presence as proofs arrive, and its kiosk pairing ({kiosk: null} when
// the kiosk went back to its attract screen). Nothing of other shoppers passes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StationContext } from '../../context.js';
import type { StaffOrder } from '../../schemas.js';
import { requireShopper } from '../../plugins/auth.js';
import { inOrder, streamsClosedOnShutdown } from '../../plugins/streams.js';

export const shopperStreamRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  const streams = streamsClosedOnShutdown(app);
  app.addHook('onRequest', requireShopper(ctx));

  app.get(
    '/api/shopper/events',
    {
      sse: { kind: 'only', heartbeat: true },
      schema: { tags: ['shopper'], summary: 'Live cart, order and presence changes of this shopper (text/event-stream)' },
    },
    async (request, reply) => {
      const shopper = request.shopper!;
      const write = inOrder((frame: { event: string; data: unknown }) => reply.sse.send(frame));
      const send = (event: string, data: unknown) => write({ event, data });
      // The phone's own changes come back in the answers to its requests; sending the whole cart
      // again here doubled what every scan wrote. Changes made for it elsewhere (a kiosk tap) are news.
      const unsubscribeCart = ctx.carts.watch(shopper.sessionId, (source) => {
        if (source === 'shopper') return;
        send('cart', { cart: ctx.carts.view(shopper.sessionId) });
      });
      const unsubscribeHub = ctx.hub.subscribeDevice(shopper.deviceId, (event) => {
        if (event.type === 'order.placed' || event.type === 'order.updated') {
          // Null for an order of another session of the same phone: not this session's to see.
          const order = ctx.orders.eventForShopper(shopper, event.data as StaffOrder);
          if (order) send('order', { order });
        } else if (event.type === 'presence.proof') {
          const status = ctx.presence.shopperStatus(shopper.sessionId, shopper.deviceId);
          send('presence', { proven: status.proven, lastProof: status.lastProof });
        }
      });
      const unsubscribeKiosk = ctx.kiosks.onPairingChange((sessionId, kiosk) => {
        if (sessionId === shopper.sessionId) send('kiosk', { kiosk });
      });
      // While the phone listens its BLE codes stay resolved, however long it sits idle.
      const releasePresence = ctx.presence.holdWhileOpen(shopper.sessionId, shopper.deviceId);
      streams.hold(reply, unsubscribeKiosk, unsubscribeCart, unsubscribeHub, releasePresence);
      await reply.sse.send({ event: 'stream.ready', data: { cart: ctx.carts.view(shopper.sessionId) }, retry: 2000 });
    },
  );
};
