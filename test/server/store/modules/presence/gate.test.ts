// Runs in: node (tests). The device-match gate (DESIGN.md "Presence", claim 5) with a live
// central: no proof holds the order; a kiosk pairing, a loyalty tap or a staff override (audited)
// lets it be charged; proofs older than 10 minutes do not count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startLiveCentral, type LiveCentral } from '../../../../helpers/central.js';
import { checkoutBody, createTestStation, startShopper, staffCookie, TEST_STORE_ID, type Shopper, type TestStation } from '../../../../helpers/station.js';
import type { KioskEvent } from '../../../../../server/store/modules/presence/kiosks.js';
import type { HidTap } from '../../../../../server/store/devices/hid/types.js';

let central: LiveCentral;
let t: TestStation;
let cookie: string;

beforeEach(async () => {
  central = await startLiveCentral();
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    payments: { settings: { timeoutMs: 1_000 } },
    presence: { gate: true },
  });
  cookie = await staffCookie(t.app);
});
afterEach(async () => {
  await t.close();
  await central.close();
});

async function checkout(shopper: Shopper, token = 'tok_visa') {
  await t.app.inject({ method: 'POST', url: '/api/cart/items', headers: shopper.headers, payload: { sku: 'MILK-1' } });
  const body = checkoutBody({ payment: { method: 'card', token } });
  const response = await t.app.inject({ method: 'POST', url: '/api/orders', headers: shopper.headers, payload: body });
  return { orderId: body.orderId, response };
}

async function staffOrder(orderId: string) {
  return (await t.app.inject({ url: `/api/staff/orders/${orderId}`, headers: { cookie } })).json();
}

async function enrolKiosk(id = 'K1', readerIds = ['reader-1']) {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/staff/kiosks',
    headers: { cookie },
    payload: { id, name: 'Entrance kiosk', readerIds },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { link: string };
}

/** The code the kiosk screen shows now, as its event stream delivers it. */
function pairingCode(kioskId = 'K1'): { nonce: string; events: KioskEvent[]; stop: () => void } {
  const events: KioskEvent[] = [];
  const stop = t.app.station.kiosks.subscribe(kioskId, (event) => events.push(event));
  const pairing = events.find((e) => e.type === 'pairing')!;
  const url = (pairing.data as { url: string }).url;
  return { nonce: url.split('/').pop()!, events, stop };
}

function pair(shopper: Shopper, nonce: string, kioskId = 'K1') {
  return t.app.inject({ method: 'POST', url: '/api/presence/pair', headers: shopper.headers, payload: { kioskId, nonce } });
}

function tap(tag: string, readerId = 'reader-1'): HidTap {
  const event = { readerId, text: tag, tag, at: t.clock.now() };
  t.app.station.kiosks.tap(event);
  return event;
}

async function settled(orderId: string, state: string) {
  for (let i = 0; i < 100; i++) {
    const order = await staffOrder(orderId);
    if (order.paymentState === state) return order;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`order ${orderId} never became ${state}`);
}

describe('device-match gate', () => {
  it('holds an order without a proof: nothing is charged and staff see presence mismatch', async () => {
    const shopper = await startShopper(t.app);
    const { orderId, response } = await checkout(shopper);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ state: 'placed', paymentState: 'pending', hold: 'presence_mismatch' });
    expect(await central.paymentsFor(orderId)).toEqual([]);
    expect(await staffOrder(orderId)).toMatchObject({ hold: 'presence_mismatch', paymentState: 'pending' });
    const evidence = (await t.app.inject({ url: `/api/staff/orders/${orderId}/presence`, headers: { cookie } })).json();
    expect(evidence).toEqual({ gate: true, proven: false, proofs: [], overrides: [], rssiTrend: [] });
    // A retry with another card is refused the same way, still charging nothing.
    const pay = await t.app.inject({ method: 'POST', url: `/api/orders/${orderId}/pay`, headers: shopper.headers, payload: { payment: { method: 'card', token: 'tok_mastercard' } } });
    expect(pay.statusCode).toBe(409);
    expect(pay.json().error.code).toBe('presence_required');
    expect(await central.paymentsFor(orderId)).toEqual([]);
  });

  it('charges a held order as soon as the shopper pairs at the kiosk, and shows the evidence', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const { orderId } = await checkout(shopper);
    const code = pairingCode();
    const paired = await pair(shopper, code.nonce);
    expect(paired.statusCode).toBe(200);
    expect(paired.json()).toMatchObject({ kiosk: { id: 'K1' }, presence: { proven: true, lastProof: { kind: 'kiosk' } } });
    const order = await settled(orderId, 'paid');
    expect(order).not.toHaveProperty('hold');
    expect(await central.paymentsFor(orderId)).toMatchObject([{ state: 'captured' }]);
    const evidence = (await t.app.inject({ url: `/api/staff/orders/${orderId}/presence`, headers: { cookie } })).json();
    expect(evidence).toMatchObject({ proven: true, proofs: [{ kind: 'kiosk', source: 'K1', rssi: null }] });
    expect(code.events.map((e) => e.type)).toEqual(['pairing', 'pairing', 'paired']);
    code.stop();
  });

  it('pays at once when the device proved presence within 10 minutes, and not after', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    expect((await pair(shopper, code.nonce)).statusCode).toBe(200);
    code.stop();
    t.clock.advance(9 * 60_000);
    const first = await checkout(shopper);
    expect(first.response.json()).toMatchObject({ paymentState: 'paid' });
    t.clock.advance(2 * 60_000);
    const second = await checkout(shopper);
    expect(second.response.json()).toMatchObject({ paymentState: 'pending', hold: 'presence_mismatch' });
  });

  it('does not count another device’s proof', async () => {
    await enrolKiosk();
    const other = await startShopper(t.app);
    const code = pairingCode();
    await pair(other, code.nonce);
    code.stop();
    const shopper = await startShopper(t.app);
    const { response } = await checkout(shopper);
    expect(response.json()).toMatchObject({ hold: 'presence_mismatch' });
  });

  it('lets staff override a hold with their name and reason, audited, and charges the order', async () => {
    const shopper = await startShopper(t.app);
    const { orderId } = await checkout(shopper);
    const incomplete = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${orderId}/override`,
      headers: { cookie },
      payload: { hold: 'presence_mismatch', staffName: '  ', reason: 'checked' },
    });
    expect(incomplete.statusCode).toBe(400);
    expect((await staffOrder(orderId)).hold).toBe('presence_mismatch');
    const anonymous = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${orderId}/override`,
      payload: { hold: 'presence_mismatch', staffName: 'Kim', reason: 'x' },
    });
    expect(anonymous.statusCode).toBe(401);

    const override = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${orderId}/override`,
      headers: { cookie },
      payload: { hold: 'presence_mismatch', staffName: 'Kim Jisoo', reason: 'Shopper at the counter, phone shown' },
    });
    expect(override.statusCode).toBe(200);
    expect(override.json()).toMatchObject({ paymentState: 'paid' });
    expect(override.json()).not.toHaveProperty('hold');
    const evidence = (await t.app.inject({ url: `/api/staff/orders/${orderId}/presence`, headers: { cookie } })).json();
    expect(evidence.overrides).toEqual([
      { hold: 'presence_mismatch', staffName: 'Kim Jisoo', reason: 'Shopper at the counter, phone shown', at: new Date(t.clock.now()).toISOString() },
    ]);
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/staff/orders/${orderId}/override`,
      headers: { cookie },
      payload: { hold: 'presence_mismatch', staffName: 'Kim', reason: 'again' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('not_held');
  });
});

describe('kiosk pairing', () => {
  it('accepts a code once; the screen gets a fresh one at once', async () => {
    await enrolKiosk();
    const a = await startShopper(t.app);
    const b = await startShopper(t.app);
    const code = pairingCode();
    expect((await pair(a, code.nonce)).statusCode).toBe(200);
    const reused = await pair(b, code.nonce);
    expect(reused.statusCode).toBe(409);
    expect(reused.json().error.code).toBe('pairing_code_invalid');
    const fresh = code.events.filter((e) => e.type === 'pairing').at(-1)!;
    expect((fresh.data as { url: string }).url).not.toContain(code.nonce);
    code.stop();
  });

  it('accepts a code for 20 s after it rotated, and refuses it later', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    code.stop();
    t.clock.advance(21_000);
    pairingCode().stop(); // the screen asks again: the code rotates
    expect((await pair(shopper, code.nonce)).statusCode).toBe(200);

    const late = pairingCode();
    late.stop();
    t.clock.advance(21_000);
    pairingCode().stop();
    t.clock.advance(20_000);
    expect((await pair(shopper, late.nonce)).statusCode).toBe(409);
  });

  it('honours the code on the screen after a pairing, however the rotation timer is phased', async () => {
    await enrolKiosk();
    const first = await startShopper(t.app);
    const next = await startShopper(t.app);
    const code = pairingCode();
    t.clock.advance(7_000);
    expect((await pair(first, code.nonce)).statusCode).toBe(200);
    // The screen now shows the code made at the pairing; the next shopper scans it 25 s later,
    // before any timer rotated it.
    const shown = (code.events.filter((e) => e.type === 'pairing').at(-1)!.data as { url: string }).url.split('/').pop()!;
    code.stop();
    t.clock.advance(25_000);
    expect((await pair(next, shown)).statusCode).toBe(200);
  });

  it('refuses forged codes, unknown kiosks, and shoppers without a session', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    expect((await pair(shopper, 'A'.repeat(22))).statusCode).toBe(409);
    expect((await pair(shopper, code.nonce, 'K2')).statusCode).toBe(409);
    const bad = await pair(shopper, 'not a nonce!');
    expect(bad.statusCode).toBe(400);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/presence/pair', payload: { kioskId: 'K1', nonce: code.nonce } });
    expect(anonymous.statusCode).toBe(401);
    expect(t.station.db.prepare('SELECT count(*) AS n FROM presence_proofs').get()).toEqual({ n: 0 });
    code.stop();
  });

  it('enrols the kiosk screen by its link and streams only to a valid cookie', async () => {
    const { link } = await enrolKiosk();
    const token = link.split('#token=')[1]!;
    expect((await t.app.inject({ url: '/api/kiosk/session' })).statusCode).toBe(401);
    const wrong = await t.app.inject({ method: 'POST', url: '/api/kiosk/session', payload: { token: 'x'.repeat(43) } });
    expect(wrong.statusCode).toBe(401);
    const enrol = await t.app.inject({ method: 'POST', url: '/api/kiosk/session', payload: { token } });
    expect(enrol.statusCode).toBe(200);
    const kioskCookie = enrol.cookies.find((c) => c.name === 'omni_kiosk')!;
    expect(kioskCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const me = await t.app.inject({ url: '/api/kiosk/session', headers: { cookie: `omni_kiosk=${kioskCookie.value}` } });
    expect(me.json()).toEqual({ id: 'K1', name: 'Entrance kiosk', readerIds: ['reader-1'], paired: false });
    // A staff cookie is not a kiosk, and a revoked kiosk's cookie stops working.
    expect((await t.app.inject({ url: '/api/kiosk/session', headers: { cookie } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/staff/kiosks/K1', headers: { cookie } })).statusCode).toBe(204);
    expect((await t.app.inject({ url: '/api/kiosk/session', headers: { cookie: `omni_kiosk=${kioskCookie.value}` } })).statusCode).toBe(401);
  });
});

describe('RFID taps at the kiosk', () => {
  it('adds a tagged product to the paired cart, and refuses when nobody is paired', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    expect(t.app.station.kiosks.tap({ readerId: 'reader-1', text: 'x', tag: 'E2801160600002040000A1B2', at: t.clock.now() })).toEqual({ result: 'not_paired' });
    await pair(shopper, code.nonce);
    tap('E2801160600002040000A1B2');
    const cart = (await t.app.inject({ url: '/api/cart', headers: shopper.headers })).json();
    expect(cart.items).toMatchObject([{ sku: 'RAMEN-3', quantity: 1 }]);
    // The screen answers every tap: first "pair your phone first", then the product added.
    expect(code.events.map((e) => e.type)).toEqual(['pairing', 'tap', 'pairing', 'paired', 'cart', 'tap']);
    expect(code.events[1]!.data).toMatchObject({ result: 'not_paired' });
    expect(code.events.at(-1)!.data).toMatchObject({ result: 'added', sku: 'RAMEN-3', name: '신라면' });
    // A reader of no kiosk adds nothing to anybody's cart.
    expect(t.app.station.kiosks.tap({ readerId: 'elsewhere', text: 'x', tag: 'E2801160600002040000A1B2', at: t.clock.now() })).toEqual({ result: 'not_paired' });
    code.stop();
  });

  it('returns to the attract screen when idle: taps then add nothing', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    await pair(shopper, code.nonce);
    t.clock.advance(121_000);
    expect(t.app.station.kiosks.tap({ readerId: 'reader-1', text: 'x', tag: 'E2801160600002040000A1B2', at: t.clock.now() })).toEqual({ result: 'not_paired' });
    expect(code.events.slice(-2).map((e) => e.type)).toEqual(['unpaired', 'tap']);
    expect(code.events.at(-2)).toEqual({ type: 'unpaired', data: { reason: 'idle' } });
    expect((await t.app.inject({ url: '/api/cart', headers: shopper.headers })).json().items).toEqual([]);
    code.stop();
  });

  it('links an unknown card to the paired phone; its later tap proves presence and releases held orders', async () => {
    await enrolKiosk();
    const shopper = await startShopper(t.app);
    const code = pairingCode();
    await pair(shopper, code.nonce);
    // A product tag the catalogue does not know (12-byte EPC) is no card: nothing is linked.
    tap('E28011606000020400009999');
    expect(code.events.at(-1)!.data).toMatchObject({ result: 'unknown' });
    tap('04A1B2C3D4E5F6');
    expect(code.events.at(-1)!.data).toMatchObject({ result: 'loyalty_linked' });
    code.stop();

    t.clock.advance(11 * 60_000);
    const { orderId, response } = await checkout(shopper);
    expect(response.json()).toMatchObject({ hold: 'presence_mismatch' });
    expect(t.app.station.kiosks.tap({ readerId: 'reader-1', text: '', tag: '04A1B2C3D4E5F6', at: t.clock.now() })).toEqual({ result: 'loyalty', recognised: true });
    await settled(orderId, 'paid');
    const evidence = (await t.app.inject({ url: `/api/staff/orders/${orderId}/presence`, headers: { cookie } })).json();
    expect(evidence.proofs.map((p: { kind: string }) => p.kind)).toEqual(['loyalty', 'kiosk']);
  });
});
