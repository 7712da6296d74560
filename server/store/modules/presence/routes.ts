// Runs in: node. Presence routes: the shopper's presence status and kiosk pairing, the kiosk
// screen's enrolment and event stream, and staff's kiosks, device panel, order evidence and
// overrides of held orders.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StationContext } from '../../context.js';
import { AppError } from '../../errors.js';
import { KIOSK_COOKIE, requireKiosk, requireShopper, requireStaff } from '../../plugins/auth.js';
import { inOrder, streamsClosedOnShutdown } from '../../plugins/streams.js';
import { OrderHold } from '../../schemas.js';
import { forStaffScreens } from '../orders/masking.js';
import { OrderIdParams } from '../orders/schemas.js';
import { kioskEnrolmentLink, type Kiosk, type KioskEvent } from './kiosks.js';

const KioskId = Type.String({ pattern: '^[A-Za-z0-9-]{1,32}$' });
const Nonce = Type.String({ pattern: '^[A-Za-z0-9_-]{16,64}$' });
const ReaderId = Type.String({ minLength: 1, maxLength: 200 });
const KIOSK_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

const PresenceStatus = Type.Object({
  proximityUuid: Type.String({ description: 'the store iBeacon proximity UUID' }),
  secret: Type.String({ description: 'base64url, 32 bytes: major/minor = first 4 bytes of HMAC-SHA256(secret, window)' }),
  windowSeconds: Type.Integer(),
  proven: Type.Boolean({ description: 'a proof from this store within the last 10 minutes' }),
  lastProof: Type.Optional(Type.Object({ kind: Type.String(), at: Type.String({ format: 'date-time' }) })),
});

const KioskView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  readerIds: Type.Array(Type.String()),
  paired: Type.Boolean(),
});

const Proof = Type.Object({
  kind: Type.Union([Type.Literal('ble'), Type.Literal('kiosk'), Type.Literal('loyalty')]),
  source: Type.String(),
  rssi: Type.Union([Type.Number(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});

const DevicePanel = Type.Object({
  radio: Type.Union([
    Type.Object({
      state: Type.String({ description: 'starting, scanning, unavailable, powered-off or stopped' }),
      detail: Type.Union([Type.String(), Type.Null()]),
      advertsPerSecond: Type.Number(),
      adverts: Type.Integer(),
      resolved: Type.Integer(),
      replays: Type.Integer(),
      clones: Type.Integer(),
      present: Type.Integer({ description: 'sessions in range now' }),
    }),
    Type.Null(),
  ]),
  readers: Type.Array(
    Type.Object({ id: Type.String(), vendorId: Type.Integer(), productId: Type.Integer(), product: Type.Optional(Type.String()), mode: Type.String() }),
  ),
  lastTap: Type.Union([
    Type.Object({ readerId: Type.String(), kioskId: Type.Union([Type.String(), Type.Null()]), result: Type.String(), at: Type.String({ format: 'date-time' }) }),
    Type.Null(),
  ]),
  kiosks: Type.Array(KioskView),
});

export const presenceRoutes: FastifyPluginAsyncTypebox<{ ctx: StationContext }> = async (app, { ctx }) => {
  const streams = streamsClosedOnShutdown(app);
  const kioskView = (kiosk: Kiosk) => ({
    id: kiosk.id,
    name: kiosk.name,
    readerIds: kiosk.readerIds,
    paired: kiosk.pairedSessionId !== null,
  });

  // The shopper's phone.
  app.register(async (scope) => {
    const shopper = scope.withTypeProvider<TypeBoxTypeProvider>();
    shopper.addHook('onRequest', requireShopper(ctx));

    shopper.get(
      '/api/presence',
      { schema: { tags: ['shopper'], summary: 'Presence codes to advertise, and whether this phone is proven present', response: { 200: PresenceStatus } } },
      async (request) => ctx.presence.shopperStatus(request.shopper!.sessionId, request.shopper!.deviceId),
    );

    shopper.post(
      '/api/presence/pair',
      {
        schema: {
          tags: ['shopper'],
          summary: "Pair with a kiosk by its screen's code (single use): proves presence, taps fill this cart",
          body: Type.Object({ kioskId: KioskId, nonce: Nonce }, { additionalProperties: false }),
          response: { 200: Type.Object({ kiosk: Type.Object({ id: Type.String(), name: Type.String() }), presence: PresenceStatus }) },
        },
      },
      async (request) => {
        const identity = request.shopper!;
        const kiosk = ctx.kiosks.pair(identity, request.body.kioskId, request.body.nonce);
        return {
          kiosk: { id: kiosk.id, name: kiosk.name },
          presence: ctx.presence.shopperStatus(identity.sessionId, identity.deviceId),
        };
      },
    );
  });

  // The kiosk screen.
  app.post(
    '/api/kiosk/session',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['kiosk'],
        summary: "Enrol this screen as a kiosk with the token of the kiosk's link (sets a cookie)",
        body: Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: KioskView },
      },
    },
    async (request, reply) => {
      const kiosk = ctx.kiosks.authenticate(request.body.token);
      if (!kiosk) throw new AppError(401, 'kiosk_link_invalid', 'This kiosk link is not valid (revoked or mistyped). Ask staff for a new one.');
      reply.setCookie(KIOSK_COOKIE, request.body.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        path: '/',
        maxAge: KIOSK_COOKIE_MAX_AGE_S,
      });
      return kioskView(kiosk);
    },
  );

  app.register(async (scope) => {
    const kiosk = scope.withTypeProvider<TypeBoxTypeProvider>();
    kiosk.addHook('onRequest', requireKiosk(ctx));

    kiosk.get('/api/kiosk/session', { schema: { tags: ['kiosk'], response: { 200: KioskView } } }, async (request) =>
      kioskView(request.kiosk!),
    );

    kiosk.post(
      '/api/kiosk/unpair',
      {
        schema: {
          tags: ['kiosk'],
          summary: 'The kiosk went back to its attract screen: the shopper pressed Done, or it sat idle',
          body: Type.Object(
            { reason: Type.Optional(Type.Union([Type.Literal('done'), Type.Literal('idle')])) },
            { additionalProperties: false },
          ),
        },
        // A kiosk that sends no body at all (older screens) means the same as {}.
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request, reply) => {
        ctx.kiosks.unpair(request.kiosk!.id, request.body.reason ?? 'idle');
        return reply.code(204).send();
      },
    );

    kiosk.get(
      '/api/kiosk/events',
      {
        sse: { kind: 'only', heartbeat: true },
        schema: { tags: ['kiosk'], summary: 'Pairing codes, the paired cart and taps (text/event-stream)' },
      },
      async (request, reply) => {
        const send = inOrder((event: KioskEvent) => reply.sse.send({ event: event.type, data: event.data }));
        await reply.sse.send({ event: 'stream.ready', data: { kioskId: request.kiosk!.id }, retry: 2000 });
        streams.hold(reply, ctx.kiosks.subscribe(request.kiosk!.id, send));
      },
    );
  });

  // Staff.
  app.register(async (scope) => {
    const staff = scope.withTypeProvider<TypeBoxTypeProvider>();
    staff.addHook('onRequest', requireStaff(ctx));
    const kioskLink = (token: string) => kioskEnrolmentLink(ctx.config.publicUrl, token);

    staff.get(
      '/api/staff/kiosks',
      { schema: { tags: ['staff'], response: { 200: Type.Object({ kiosks: Type.Array(KioskView) }) } } },
      async () => ({ kiosks: ctx.kiosks.list().map(kioskView) }),
    );

    staff.post(
      '/api/staff/kiosks',
      {
        schema: {
          tags: ['staff'],
          summary: 'Enrol a kiosk: answers the link to open once on the kiosk screen',
          body: Type.Object(
            {
              id: KioskId,
              name: Type.String({ minLength: 1, maxLength: 60 }),
              readerIds: Type.Optional(Type.Array(ReaderId, { maxItems: 8 })),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ kiosk: KioskView, link: Type.String() }) },
        },
      },
      async (request, reply) => {
        const { kiosk, token } = ctx.kiosks.create(request.body.id, request.body.name.trim(), request.body.readerIds ?? []);
        return reply.code(201).send({ kiosk: kioskView(kiosk), link: kioskLink(token) });
      },
    );

    staff.post(
      '/api/staff/kiosks/:id/link',
      {
        schema: {
          tags: ['staff'],
          summary: "A new link for a kiosk; the old one stops working",
          params: Type.Object({ id: KioskId }),
          response: { 200: Type.Object({ link: Type.String() }) },
        },
      },
      async (request) => ({ link: kioskLink(ctx.kiosks.reissue(request.params.id)) }),
    );

    staff.delete(
      '/api/staff/kiosks/:id',
      { schema: { tags: ['staff'], params: Type.Object({ id: KioskId }) } },
      async (request, reply) => {
        ctx.kiosks.revoke(request.params.id);
        return reply.code(204).send();
      },
    );

    staff.get(
      '/api/staff/devices',
      {
        schema: {
          tags: ['staff'],
          summary: "The device panel: the BLE radio, the RFID readers, the last tap and the kiosks",
          response: { 200: DevicePanel },
        },
      },
      async () => ({ ...ctx.presence.deviceStatus(), kiosks: ctx.kiosks.list().map(kioskView) }),
    );

    staff.get(
      '/api/staff/orders/:id/presence',
      {
        schema: {
          tags: ['staff'],
          summary: "The order device's presence proofs and the overrides of its holds",
          params: OrderIdParams,
          response: {
            200: Type.Object({
              gate: Type.Boolean(),
              proven: Type.Boolean(),
              proofs: Type.Array(Proof),
              overrides: Type.Array(
                Type.Object({ hold: Type.String(), staffName: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) }),
              ),
              rssiTrend: Type.Array(Type.Object({ rssi: Type.Number(), at: Type.String({ format: 'date-time' }) }), {
                description: "the ordering session's smoothed RSSI, newest last, while the radio tracks it",
              }),
            }),
          },
        },
      },
      async (request) => ctx.presence.evidence(ctx.orders.gateView(request.params.id)),
    );

    staff.post(
      '/api/staff/orders/:id/override',
      {
        schema: {
          tags: ['staff'],
          summary: 'Lift a hold (audited: who, when, why); the order is charged at once',
          params: OrderIdParams,
          body: Type.Object(
            {
              hold: OrderHold,
              staffName: Type.String({ minLength: 1, maxLength: 60 }),
              reason: Type.String({ minLength: 1, maxLength: 500 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Ref('StaffOrder') },
        },
      },
      async (request) => {
        const staffName = request.body.staffName.trim();
        const reason = request.body.reason.trim();
        if (!staffName || !reason) throw new AppError(400, 'override_incomplete', 'Give your name and the reason for the override.');
        ctx.orders.override(request.params.id, request.body.hold, staffName, reason);
        await ctx.payments.afterCheckout(request.params.id);
        return forStaffScreens(ctx.orders.forStaff(request.params.id));
      },
    );
  });
};
