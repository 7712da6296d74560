// Runs in: node. The store server as a Fastify app: plugins and routes, no listening, so tests
// build it and call app.inject(). server.ts puts it on a port.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySse from '@fastify/sse';
import fastifySwagger from '@fastify/swagger';
import { Type } from 'typebox';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { createContext, type ApprovalOptions, type PaymentOptions, type PresenceOptions, type StationContext } from './context.js';
import { body, ErrorBody, frameworkErrors, installErrorHandling } from './errors.js';
import type { Station } from './station.js';
import type { SyncTransport } from './sync/worker.js';
import type { CentralRequester } from './modules/payments/service.js';
import { Cart, Order, Product, StaffOrder } from './schemas.js';
import { registerPages } from './plugins/pages.js';
import { installSecurityHeaders } from './plugins/security-headers.js';
import { sessionRoutes } from './modules/sessions/routes.js';
import { cartRoutes } from './modules/carts/routes.js';
import { orderRoutes } from './modules/orders/routes.js';
import { orderStaffRoutes } from './modules/orders/staff-routes.js';
import { paymentRoutes } from './modules/payments/routes.js';
import { staffRoutes } from './modules/staff/routes.js';
import { labelRoutes } from './modules/labels/routes.js';
import { catalogueRoutes } from './modules/catalogue/routes.js';
import { presenceRoutes } from './modules/presence/routes.js';
import { approvalRoutes } from './modules/approval/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { shopperStreamRoutes } from './modules/sessions/stream.js';
import type { BleScanner } from './devices/radio/types.js';
import type { HidReaderHub } from './devices/hid/types.js';

export interface AppOptions {
  station: Pick<Station, 'db' | 'config' | 'labelKey'>;
  clock?: Clock;
  /** Folder of the built Vue apps (dist/renderer); without it the pages answer 503. */
  rendererDir?: string;
  logger?: FastifyServerOptions['logger'];
  rateLimits?: { sessionsPerMinute?: number; pinAttemptsPerMinute?: number };
  /** Where the outbox goes; without it the station sells and keeps its outbox. */
  syncTransport?: SyncTransport;
  /** Central's payments API (the signed client); without it orders stay pending (nothing can pay). */
  central?: CentralRequester;
  payments?: PaymentOptions;
  presence?: PresenceOptions;
  /** The identity approval gate, its judge and profile directory (issue 5). */
  approval?: ApprovalOptions;
  /** The station's devices; whoever made them starts and stops them (startStoreServer does). */
  devices?: StationDevices;
}

export interface StationDevices {
  radio?: BleScanner;
  readers?: HidReaderHub;
}

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  upgradeInsecureRequests: null,
};

export type StoreApp = FastifyInstance & { station: StationContext };

export async function buildApp(options: AppOptions): Promise<StoreApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024,
    // Phones retry on flaky Wi-Fi; an idle socket should not pin a worker forever.
    requestTimeout: 30_000,
    // Refuse unknown fields instead of silently dropping them: with anyOf schemas, ajv's
    // removeAdditional would strip fields while trying the wrong branch.
    ajv: { customOptions: { removeAdditional: false } },
    // The router's own refusals (a malformed %-escape, an over-long parameter) in the shared shape.
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx = createContext({
    db: options.station.db,
    config: options.station.config,
    labelKey: options.station.labelKey,
    clock: options.clock ?? systemClock,
    log: app.log,
    syncTransport: options.syncTransport,
    central: options.central,
    payments: options.payments,
    presence: options.presence,
    approval: options.approval,
  });
  // Stop after the work in flight; whatever is not acknowledged stays in the outbox, and offline
  // payments stay to be forwarded.
  app.addHook('onClose', async () => {
    ctx.kiosks.close();
    ctx.presence.close();
    await ctx.judge.close?.();
    await Promise.all([ctx.sync?.stop(), ctx.forwarder?.stop()]);
  });
  if (options.devices?.readers) ctx.presence.attachReaders(options.devices.readers, (tap) => ctx.kiosks.tap(tap));
  if (options.devices?.radio) ctx.presence.attachRadio(options.devices.radio, { stationId: ctx.config.storeId });
  app.decorate('station', ctx);
  app.decorateRequest('shopper', null);
  app.decorateRequest('kiosk', null);
  installErrorHandling(app);

  // External plugins first.
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'omnistation store server', version: '1' },
      components: {
        securitySchemes: {
          shopper: { type: 'http', scheme: 'bearer', description: 'with X-Device-Id' },
          staff: { type: 'apiKey', in: 'cookie', name: 'omni_staff' },
          kiosk: { type: 'apiKey', in: 'cookie', name: 'omni_kiosk' },
        },
      },
    },
  });
  installSecurityHeaders(
    app,
    { contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY }, crossOriginEmbedderPolicy: false },
    // Camera for the label scanner on the same origin, nothing else.
    { 'permissions-policy': 'camera=(self), microphone=(), geolocation=(), payment=()' },
  );
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      ...body('rate_limited', `Too many attempts. Try again in ${Math.ceil(context.ttl / 1000)} s.`),
    }),
  });
  await app.register(fastifyCookie);
  await app.register(fastifySse, { heartbeatInterval: 15_000 });

  for (const schema of [ErrorBody, Product, Cart, Order, StaffOrder]) app.addSchema(schema);

  // Routes.
  app.get(
    '/health',
    { schema: { tags: ['ops'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/api/store',
    {
      schema: {
        tags: ['shopper'],
        response: { 200: Type.Object({ storeId: Type.String(), name: Type.String(), currency: Type.String() }) },
      },
    },
    async () => ({ storeId: ctx.config.storeId, name: ctx.config.name, currency: ctx.config.currency }),
  );
  const limits = options.rateLimits ?? {};
  await app.register(sessionRoutes, { ctx, perMinute: limits.sessionsPerMinute ?? 30 });
  await app.register(catalogueRoutes, { ctx });
  await app.register(cartRoutes, { ctx });
  await app.register(orderRoutes, { ctx });
  await app.register(orderStaffRoutes, { ctx });
  await app.register(paymentRoutes, { ctx });
  await app.register(staffRoutes, { ctx, pinPerMinute: limits.pinAttemptsPerMinute ?? 5 });
  await app.register(presenceRoutes, { ctx });
  await app.register(approvalRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(shopperStreamRoutes, { ctx });
  const pages = await registerPages(app, options.rendererDir);
  await app.register(labelRoutes, { ctx, pages });

  return app as unknown as StoreApp;
}
