// Runs in: node (tests). The station's two workers that talk to central (outbox sync, payment
// forwarding) share one signed client: central answering one of them may end the other's backoff,
// but a refusal must not, or the two wake each other without pause.
import { afterEach, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../helpers/central.js';
import { logSink } from '../../helpers/log-sink.js';
import { productionLogger } from '../../../server/store/server.js';
import { checkoutBody, createTestStation, staffCookie, startShopper, TEST_STORE_ID, type TestStation } from '../../helpers/station.js';

let central: LiveCentral | undefined;
let t: TestStation | undefined;
afterEach(async () => {
  await t?.close();
  await central?.close();
});

it('backs both workers off while central refuses the station\'s signature, instead of hammering it', async () => {
  central = await startLiveCentral();
  // The station's clock runs 10 minutes fast: central refuses every request it signs (401).
  const client = await central.registerStore(TEST_STORE_ID, { now: () => Date.now() + 10 * 60_000 });
  let calls = 0;
  const send = client.request.bind(client);
  client.request = (...args: Parameters<typeof send>) => {
    calls++;
    return send(...args);
  };
  const sink = logSink();
  t = await createTestStation({ central: client, syncTransport: client, logger: productionLogger('info', sink.stream) });
  // Work for both: an order to sync, and its payment accepted offline to forward.
  const shopper = await startShopper(t.app);
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
  const placed = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: checkoutBody({ payment: { method: 'card', token: 'tok_visa' } }) });
  expect(placed.json()).toMatchObject({ paymentState: 'paid_offline' });
  const before = calls;
  t.app.station.sync!.start();
  t.app.station.forwarder!.start();
  await expect.poll(() => t!.app.station.sync!.status.state).toBe('retrying');
  await expect.poll(() => t!.app.station.forwarder!.status.state).toBe('retrying');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  // With backoffs from half a second, a handful each; the workers woke each other thousands of times.
  expect(calls - before).toBeLessThan(40);
  expect(t.app.station.sync!.status.lastError).toMatch(/stale_request/);
  expect(t.app.station.outbox.status().backlog).toBeGreaterThan(0);
  // Staff see why: the station's clock against central's, from central's own answers.
  const status = await t.app.inject({ url: '/api/staff/status', headers: { cookie: await staffCookie(t.app) } });
  expect(Math.abs(status.json().sync.clockOffsetMs - 10 * 60_000)).toBeLessThan(2_000);
  // And IT reading the log: the drift once (not per answer), and each worker's outage once.
  const about = (prefix: string) => sink.entries().filter((e) => e.msg.startsWith(prefix));
  expect(about('station clock:')).toEqual([expect.objectContaining({ level: 40, msg: expect.stringContaining("10 min ahead of central's") })]);
  expect(about('sync: central did not take the work')).toHaveLength(1);
  expect(about('payment forwarding: central did not take the work')).toHaveLength(1);
});
