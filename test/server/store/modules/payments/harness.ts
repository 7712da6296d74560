// Runs in: node (tests). A station registered with a live, in-process central (test/helpers/
// central.ts), shoppers who check out and pay, and staff who act on their orders.
import type { LightMyRequestResponse } from 'fastify';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from '../../../../helpers/station.js';
import type { PaymentSettings } from '../../../../../server/store/modules/payments/settings.js';
import type { Clock } from '../../../../../server/store/clock.js';
import type { AppOptions } from '../../../../../server/store/app.js';
import type { CentralClient } from '../../../../../server/store/sync/central-client.js';

export interface Harness {
  central: LiveCentral;
  /** The station's signed client for central (undefined when not registered). */
  client: CentralClient | undefined;
  t: TestStation;
  readonly cookie: string;
  /** A new staff session, after the test clock moved past the last one's 12 hours. */
  signInAgain(): Promise<void>;
  /** Fills a new shopper's cart and places it with a token; the shopper and order come back. */
  checkout(token: string, lines?: { sku: string; quantity: number }[]): Promise<Checkout>;
  /** The same checkout request again, as a phone that lost the answer sends it. */
  retry(checkout: Checkout): Promise<LightMyRequestResponse>;
  pay(checkout: Checkout, token: string, shopper?: Shopper): Promise<LightMyRequestResponse>;
  staff(action: 'hand-over' | 'cancel', orderId: string): Promise<LightMyRequestResponse>;
  order(orderId: string): Promise<Record<string, unknown>>;
  outboxTypes(): string[];
  close(): Promise<void>;
}

export interface Checkout {
  shopper: Shopper;
  orderId: string;
  body: ReturnType<typeof checkoutBody>;
  response: LightMyRequestResponse;
}

export async function createHarness(
  options: {
    settings?: Partial<PaymentSettings>;
    acquirerTimeoutMs?: number;
    acquirerLatencyMs?: number;
    registered?: boolean;
    /** The clock the station signs its requests to central with (default the system's). */
    signingClock?: Clock;
    logger?: AppOptions['logger'];
  } = {},
): Promise<Harness> {
  const central = await startLiveCentral({ acquirerTimeoutMs: options.acquirerTimeoutMs, acquirerLatencyMs: options.acquirerLatencyMs });
  const client = options.registered === false ? undefined : await central.registerStore(TEST_STORE_ID, options.signingClock);
  const t = await createTestStation({
    central: client,
    payments: {
      settings: { timeoutMs: 1_000, ...options.settings },
      forwarder: { baseDelayMs: 20, maxDelayMs: 100, idlePollMs: 50 },
    },
    logger: options.logger,
  });
  let cookie = await staffCookie(t.app);
  const app = t.app;
  return {
    central,
    client,
    t,
    get cookie() {
      return cookie;
    },
    async signInAgain() {
      cookie = await staffCookie(app);
    },
    async checkout(token, lines = [{ sku: 'MILK-1', quantity: 1 }]) {
      const shopper = await startShopper(app);
      for (const line of lines) {
        await app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: line });
      }
      const body = checkoutBody({ payment: { method: 'card', token } });
      const response = await app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
      return { shopper, orderId: body.orderId, body, response };
    },
    retry(checkout) {
      return app.inject({ method: 'POST', url: '/api/orders', headers: checkout.shopper.headers, payload: checkout.body });
    },
    pay(checkout, token, shopper = checkout.shopper) {
      return app.inject({
        method: 'POST',
        url: `/api/orders/${checkout.orderId}/pay`,
        headers: shopper.headers,
        payload: { payment: { method: 'card', token } },
      });
    },
    staff(action, orderId) {
      return app.inject({ method: 'POST', url: `/api/staff/orders/${orderId}/${action}`, headers: { cookie }, payload: {} });
    },
    async order(orderId) {
      return (await app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json();
    },
    outboxTypes() {
      return t.app.station.outbox.pending(1000).map((event) => event.type);
    },
    async close() {
      await t.close();
      await central.close();
    },
  };
}
