// Runs in: node (vitest). Answers and contacts of the approval unit never reach the station's
// request log (debug level, production redaction), refusals included.
import { logSink } from '../../../../helpers/log-sink.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildApp, type StoreApp } from '../../../../../server/store/app.js';
import { productionLogger } from '../../../../../server/store/server.js';
import { initStation, type Station } from '../../../../../server/store/station.js';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { FakeJudge } from '../../../../helpers/approval.js';
import { checkoutBody, insertProducts, SAMPLE_PRODUCTS, startShopper, TEST_PIN } from '../../../../helpers/station.js';

let app: StoreApp | undefined;
let station: Station | undefined;
let central: LiveCentral | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  station?.close();
  await central?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('keeps answers and contacts out of the request log', async () => {
  dir = mkdtempSync(join(tmpdir(), 'omni-approval-log-'));
  station = initStation({ dataDir: join(dir, 'd'), storeId: 'LOGS-2', pin: TEST_PIN }).station;
  insertProducts(station, SAMPLE_PRODUCTS);
  central = await startLiveCentral();
  const { stream: sink, lines } = logSink();
  app = await buildApp({
    station,
    logger: productionLogger('debug', sink),
    central: await central.registerStore('LOGS-2'),
    presence: { gate: false },
    approval: { gate: true, judge: new FakeJudge() },
  });
  const shopper = await startShopper(app);
  const contact = 'secret.shopper@example.org';
  const enrolled = await app.inject({
    method: 'POST',
    url: '/api/approval/profile',
    headers: shopper.headers,
    payload: { contact, lang: 'ko', questions: [{ id: 'q.birth_city', answer: 'Gwangju-answer' }, { id: 'q.first_pet', answer: 'Bori-answer' }, { text: 'My own question?', answer: 'Mokpo-answer' }] },
  });
  expect(enrolled.statusCode).toBe(201);
  await app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
  const body = checkoutBody({ orderer: { name: 'Hong', contact } });
  const order = await app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  expect(order.json()).toMatchObject({ hold: 'approval_pending' });
  const open = (await app.inject({ method: 'POST', url: `/api/orders/${body.orderId}/approval`, headers: shopper.headers })).json();
  const tooLong = await app.inject({ method: 'POST', url: `/api/orders/${body.orderId}/approval/answer`, headers: shopper.headers, payload: { questionId: open.question.id, answer: `Wrong-answer-${'x'.repeat(300)}` } });
  expect(tooLong.statusCode).toBe(400);
  const wrong = await app.inject({ method: 'POST', url: `/api/orders/${body.orderId}/approval/answer`, headers: shopper.headers, payload: { questionId: open.question.id, answer: 'Wrong-answer' } });
  expect(wrong.statusCode).toBe(200);

  const log = lines.join('');
  expect(log).toContain('/approval/answer');
  for (const secret of ['Gwangju-answer', 'Bori-answer', 'Mokpo-answer', 'gwangju', 'Wrong-answer', 'wrong-answer', contact, 'My own question']) {
    expect(log, secret).not.toContain(secret);
  }
});
