// Runs in: node. The central payment service as a Fastify app: plugins and routes, no
// listening, so tests build it (several instances on one database, if they like) and call
// app.inject(). server.ts puts it on a port.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import fastifySwagger from '@fastify/swagger';
import { Type } from 'typebox';
import { AppError, ErrorBody, frameworkErrors, installErrorHandling } from '../http/errors.js';
import { systemClock, type Clock } from '../store/clock.js';
import type { Acquirer } from './acquirer/types.js';
import { createCentralContext, type CentralContext, type LeaseOptions } from './context.js';
import type { CentralDb } from './db/index.js';
import { findCardData } from './pan.js';
import { Payment } from './modules/payments/schemas.js';
import { paymentRoutes } from './modules/payments/routes.js';
import { reportRoutes } from './modules/reports/routes.js';
import { storeRoutes } from './modules/stores/routes.js';
import { syncRoutes } from './modules/sync/routes.js';
import { profileRoutes } from './modules/profiles/routes.js';

export interface CentralAppOptions {
  db: CentralDb;
  acquirer: Acquirer;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Sets (replaces) the admin token; without it the one already in the database holds. */
  adminToken?: string;
  /** How long to wait for the acquirer before reversing and answering 504. */
  acquirerTimeoutMs?: number;
  /** How often this instance purges expired idempotency keys and nonces; 0 turns it off. */
  purgeEveryMs?: number;
  /** Central's profile key (secrets.ts); without it approval profiles answer 503. */
  profileKey?: Buffer;
  /** Lease length and heartbeat period (server/central/lease.ts) and a retry's wait for the first request; the defaults suit production. */
  leases?: LeaseOptions;
}

export type CentralApp = FastifyInstance & { central: CentralContext };

/** Far beyond any event a station writes; a JSON nesting bomb stops here with a 400. */
export const MAX_BODY_DEPTH = 64;

/** Iterative, so the check itself cannot overflow the stack it protects. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (!item || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

export async function buildCentralApp(options: CentralAppOptions): Promise<CentralApp> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 64 * 1024,
    requestTimeout: 30_000,
    // Refuse unknown fields instead of silently dropping them (as the store server does), and
    // take types as sent: "100" is not an amount.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A bad URL or an over-long path parameter is refused by the router: in the shared shape too.
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const ctx = createCentralContext({
    db: options.db.db,
    dialect: options.db.dialect,
    clock: options.clock ?? systemClock,
    acquirer: options.acquirer,
    acquirerTimeoutMs: options.acquirerTimeoutMs ?? 10_000,
    log: app.log,
    profileKey: options.profileKey ?? null,
    ...(options.leases ? { leases: options.leases } : {}),
  });
  app.decorate('central', ctx);
  app.decorateRequest('storeId', undefined);
  app.decorateRequest('rawBody', undefined);
  installErrorHandling(app, { internalMessage: 'Something went wrong at the central payment service. Please try again.' });
  if (options.adminToken !== undefined) await ctx.stores.setAdminToken(options.adminToken);

  // Stations sign the bytes they send, so the exact body is kept beside the parsed one.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    request.rawBody = raw as Buffer;
    parseJson(request, (raw as Buffer).toString('utf8'), done);
  });
  // Card data never enters central, whichever field it hides in (after auth and validation).
  app.addHook('preHandler', async (request) => {
    // Free-form event payloads could nest deeper than the recursive scan (and JSON.stringify) can go.
    if (nestedDeeperThan(request.body, MAX_BODY_DEPTH)) {
      throw new AppError(400, 'body_too_deep', `Request bodies nest at most ${MAX_BODY_DEPTH} levels deep.`);
    }
    const where = findCardData(request.body);
    if (where !== null) {
      request.log.warn({ refusal: 'card_data_refused', field: where, storeId: request.storeId }, 'request refused');
      throw new AppError(400, 'card_data_refused', `Card numbers and card secrets are never accepted (field ${where}); send an acquirer token.`);
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'omnistation central payment service', version: '1' },
      components: {
        securitySchemes: {
          admin: { type: 'http', scheme: 'bearer', description: 'the central admin token' },
          storeSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Omni-Signature',
            description: 'with X-Omni-Store, X-Omni-Timestamp and X-Omni-Nonce; see docs/central-api.md',
          },
        },
      },
    },
  });
  for (const schema of [ErrorBody, Payment]) app.addSchema(schema);

  app.get(
    '/health',
    { schema: { tags: ['ops'], response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
    async () => ({ ok: true }),
  );
  app.get('/docs/json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(storeRoutes, { ctx });
  await app.register(paymentRoutes, { ctx });
  await app.register(syncRoutes, { ctx });
  await app.register(reportRoutes, { ctx });
  await app.register(profileRoutes, { ctx });

  // A closed instance renews no lease, as a dead one would not.
  app.addHook('onClose', async () => ctx.leases.stop());
  const purgeEveryMs = options.purgeEveryMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  if (purgeEveryMs > 0) {
    app.addHook('onReady', async () => {
      timer = setInterval(() => {
        ctx.purgeExpired().catch((error: unknown) => app.log.error({ err: error }, 'purge of expired keys failed'));
        ctx.payments
          .settleAbandoned()
          .then((settled) => settled > 0 && app.log.warn({ settled }, 'settled payments an instance left pending mid-call'))
          .catch((error: unknown) => app.log.error({ err: error }, 'settling abandoned payments failed'));
      }, purgeEveryMs);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  }
  return app as unknown as CentralApp;
}
