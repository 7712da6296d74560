// Runs in: node (tests). Every shopper and kiosk screen in a real browser, in Korean and English:
// the shopper app at 360×640 and on a larger phone, the kiosk in portrait and landscape. Each
// screen is saved as a screenshot artefact (test-results/screenshots/screens-*.png, for people
// to look at), checked with axe-core (no serious or critical violation) and for sideways
// overflow (nothing wider than the screen). One browser, one page per app, reused throughout.
// The station runs with both gates on, a live central and a deterministic approval judge, so
// the held-for-approval, pick-up and delivery orders are real ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { VirtualHidHub } from '../../server/store/devices/hid/virtual-reader.js';
import { FakeJudge } from '../helpers/approval.js';
import { launchBrowser, screenshot } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

const KIOSK = 'K-1';
const READER = 'virtual-reader-1';
const RAMEN_TAG = 'E2801160600002040000A1B2';
const CONTACT = '010-5555-1234';
const LANGS = ['ko', 'en'] as const;
type Lang = (typeof LANGS)[number];
const PHONES = {
  small: { width: 360, height: 640 },
  large: { width: 412, height: 915 },
} as const;
const KIOSK_VIEWS = {
  portrait: { width: 1080, height: 1920 },
  landscape: { width: 1920, height: 1080 },
} as const;

let server: E2eStation;
let browser: Browser;
const readers = new VirtualHidHub();
let kioskToken: string;

/** A shopper made through the API (as the app would), so the browser can take over its session. */
interface ApiShopper {
  deviceId: string;
  token: string;
  headers: Record<string, string>;
}

/** What the phone has by the time its screens are shown. */
const orders = { pickup: '', delivery: '', approval: '' };

beforeAll(async () => {
  server = await startE2eStation({
    central: true,
    presence: { gate: true },
    approval: { gate: true, judge: new FakeJudge() },
    devices: { readers },
  });
  readers.plug({ id: READER, product: 'Virtual RFID reader' });
  kioskToken = server.app.station.kiosks.create(KIOSK, '입구 키오스크', [READER]).token;
  // The scanner opens Chromium's fake camera (a test pattern; it has no torch).
  browser = await launchBrowser(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function api<T>(shopper: ApiShopper | null, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(shopper?.headers ?? {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

async function newShopper(): Promise<ApiShopper> {
  const deviceId = crypto.randomUUID();
  const { json } = await api<{ token: string }>(null, 'POST', '/api/sessions', { deviceId });
  return { deviceId, token: json.token, headers: { authorization: `Bearer ${json.token}`, 'x-device-id': deviceId } };
}

/** The kiosk's pairing code now (it rotates at once after every use). */
function pairingNonce(): string {
  let url = '';
  const stop = server.app.station.kiosks.subscribe(KIOSK, (event) => {
    if (event.type === 'pairing') url = (event.data as { url: string }).url;
  });
  stop();
  return new URL(url).pathname.split('/').at(-1)!;
}

async function pairByApi(shopper: ApiShopper): Promise<void> {
  const { status } = await api(shopper, 'POST', '/api/presence/pair', { kioskId: KIOSK, nonce: pairingNonce() });
  expect(status).toBe(200);
}

async function add(shopper: ApiShopper, sku: string, quantity = 1): Promise<void> {
  const { status } = await api(shopper, 'POST', '/api/cart/items', { sku, quantity });
  expect(status).toBeLessThan(300);
}

async function order(shopper: ApiShopper, fulfilment: object): Promise<{ id: string; paymentState: string; hold?: string }> {
  const { status, json } = await api<{ id: string; paymentState: string; hold?: string }>(shopper, 'POST', '/api/orders', {
    orderId: crypto.randomUUID(),
    orderer: { name: '김민지', contact: CONTACT },
    fulfilment,
    payment: { method: 'card', token: 'tok_test_visa_4242' },
  });
  expect(status).toBe(201);
  return json;
}


/** Elements that stick out sideways past the screen (cut text, a horizontal scroll bar). */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { clientWidth: number }; querySelectorAll(s: string): Iterable<unknown> } }).document;
    const width = doc.documentElement.clientWidth;
    const out: string[] = [];
    for (const node of doc.querySelectorAll('body *')) {
      const element = node as { getBoundingClientRect(): { left: number; right: number; width: number }; tagName: string; className: unknown; closest(s: string): unknown };
      const box = element.getBoundingClientRect();
      // Visually hidden text and the page's own off-screen parts (a sliding panel) are fine.
      if (box.width <= 1 || element.closest('.visually-hidden') !== null) continue;
      if (box.right > width + 1 || box.left < -1) out.push(`${element.tagName.toLowerCase()}.${String(element.className)} ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
    return out.slice(0, 5);
  });
}

type Win = { scrollY: number; innerHeight: number; scrollTo(x: number, y: number): void; document: { fonts: { ready: Promise<unknown> }; documentElement: { scrollHeight: number } } };

/** Waits until the page stops scrolling (a smooth scroll to a field, the router's scroll reset). */
async function settled(page: Page): Promise<void> {
  let last = -1;
  await expect
    .poll(async () => {
      const now = await page.evaluate(() => (globalThis as unknown as Win).scrollY);
      const still = now === last;
      last = now;
      return still;
    }, { interval: 100 })
    .toBe(true);
}

/**
 * Screenshot(s), axe and overflow of the screen as it is now; problems are collected, not thrown.
 * What a phone shows: the screen at the top and, for `long` screens, scrolled to the end (a
 * full-page capture would draw sticky bars in the middle of the page).
 */
async function check(page: Page, name: string, problems: Record<string, string[]>, options: { long?: boolean } = {}): Promise<void> {
  await page.evaluate(async () => {
    await (globalThis as unknown as Win).document.fonts.ready;
  });
  await settled(page);
  await screenshot(page, name, { fullPage: false });
  if (options.long) {
    await page.evaluate(() => {
      const win = globalThis as unknown as Win;
      win.scrollTo(0, win.document.documentElement.scrollHeight);
    });
    await settled(page);
    await screenshot(page, `${name}-end`, { fullPage: false });
  }
  const found = [...(await seriousViolations(page)), ...(await overflow(page)).map((o) => `overflow: ${o}`)];
  if (found.length > 0) problems[name] = found;
}

/** The tap message has finished popping in (the picture shows it whole, the flash still on). */
async function popped(page: Page): Promise<void> {
  await page.getByTestId('kiosk-tap').evaluate(async (element) => {
    const animated = element as unknown as { getAnimations(): { finished: Promise<unknown> }[] };
    await Promise.all(animated.getAnimations().map((animation) => animation.finished));
  });
}

async function setLang(page: Page, lang: Lang): Promise<void> {
  if ((await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)) !== lang) {
    await page.getByTestId('lang-switch').first().click();
  }
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe(lang);
}

/**
 * Opens a page of the built apps. Another `npm run build` on this machine empties dist/ for a
 * moment (the station then answers 500): ask again rather than fail on someone else's build.
 */
async function open(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const response = await page.goto(url);
    if (response === null || response.status() < 500 || attempt === 5) return;
    await page.waitForTimeout(1000);
  }
}

/** Every shopper screen in both languages at both phone sizes, on one reused page. */
async function shopperScreens(phone: Page, base: string, problems: Record<string, string[]>): Promise<void> {
  for (const lang of LANGS) {
    await setLang(phone, lang);
    for (const [size, viewport] of Object.entries(PHONES)) {
      await phone.setViewportSize(viewport);
      const shot = (screen: string, options?: { long?: boolean }) => check(phone, `screens-shopper-${screen}-${lang}-${size}`, problems, options);

      await open(phone, `${base}/`);
      await expect.poll(() => phone.getByTestId('cart-item').count()).toBe(3);
      await shot('cart', { long: true });

      // The scanner on the fake camera: scanning, and no torch button (the fake camera has none).
      await open(phone, `${base}/scan`);
      await expect.poll(() => phone.getByTestId('scanner').getAttribute('data-state'), { timeout: 10_000 }).toBe('scanning');
      expect(await phone.getByTestId('torch-toggle').count()).toBe(0);
      await shot('scanner', { long: true });

      // Checkout submitted empty, with delivery chosen: every field says what is wrong.
      await open(phone, `${base}/checkout`);
      await phone.getByTestId('fulfilment-delivery').check();
      await phone.getByTestId('orderer-contact').fill('010-12');
      await phone.getByTestId('place-order').click();
      await expect.poll(() => phone.locator('[aria-invalid="true"]').count()).toBe(3);
      // The first marked field has the focus, in sight (not under the sticky header).
      expect(await phone.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('co-name');
      await settled(phone);
      const box = await phone.getByTestId('orderer-name').boundingBox();
      const header = await phone.locator('header').boundingBox();
      expect(box!.y).toBeGreaterThanOrEqual(header!.y + header!.height);
      expect(box!.y + box!.height).toBeLessThanOrEqual((await phone.evaluate(() => (globalThis as unknown as Win).innerHeight)) - 80);
      await shot('checkout-errors', { long: true });

      await open(phone, `${base}/orders/${orders.approval}/approval`);
      await phone.getByTestId('approval-composer').waitFor();
      await shot('approval', { long: true });

      await open(phone, `${base}/orders/${orders.approval}`);
      await phone.getByTestId('approval-hold').waitFor();
      await shot('receipt-held', { long: true });

      await open(phone, `${base}/orders/${orders.pickup}`);
      await expect.poll(() => phone.getByTestId('receipt-fulfilment-status').getAttribute('data-status')).toBe('ready');
      expect(await phone.getByTestId('receipt-fulfilment').getAttribute('data-type')).toBe('pickup');
      await shot('receipt-pickup', { long: true });

      await open(phone, `${base}/orders/${orders.delivery}`);
      await expect.poll(() => phone.getByTestId('receipt-fulfilment').getAttribute('data-type')).toBe('delivery');
      await shot('receipt-delivery', { long: true });

      await open(phone, `${base}/orders`);
      await expect.poll(() => phone.getByTestId('my-order').count()).toBe(3);
      await shot('orders', { long: true });

      await open(phone, `${base}/approval/setup`);
      await phone.getByTestId('enrol-form').waitFor();
      await shot('enrol', { long: true });

      // A fresh kiosk code pairs and lands on the cart with the notice; a used one is refused.
      const nonce = pairingNonce();
      await open(phone, `${base}/pair/${KIOSK}/${nonce}`);
      await phone.getByTestId('paired-notice').waitFor();
      await shot('pair');
      await open(phone, `${base}/pair/${KIOSK}/${nonce}`);
      await phone.getByTestId('pair-failed').waitFor();
      await shot('pair-refused');
    }
  }
}

describe('every screen in both languages and sizes', () => {
  it('shopper: scanner, cart, checkout with errors, approval, receipts, orders, enrol, pair', { timeout: 180_000 }, async () => {
    // The phone's history, made through the API as the app would make it: two paid orders (pick-up
    // and delivery), then enrolment, then an order held for the identity questions.
    const shopper = await newShopper();
    await pairByApi(shopper);
    await add(shopper, 'MILK-1', 2);
    const pickup = await order(shopper, { type: 'pickup' });
    expect(pickup.paymentState).toBe('paid');
    await add(shopper, 'SNK-2');
    await add(shopper, 'RAMEN-3', 3);
    const delivery = await order(shopper, { type: 'delivery', address: '서울특별시 강남구 테헤란로 152, 강남파이낸스센터 12층 (역삼동)' });
    expect(delivery.paymentState).toBe('paid');
    const enrolled = await api(shopper, 'POST', '/api/approval/profile', {
      contact: CONTACT,
      lang: 'ko',
      questions: [
        { id: 'q.birth_city', answer: '부산' },
        { id: 'q.first_pet', answer: '초코' },
        { id: 'q.favourite_food', answer: '김치찌개' },
      ],
    });
    expect(enrolled.status).toBeLessThan(300);
    await add(shopper, 'RAMEN-3');
    const held = await order(shopper, { type: 'pickup' });
    expect(held.hold).toBe('approval_pending');
    Object.assign(orders, { pickup: pickup.id, delivery: delivery.id, approval: held.id });
    // A cart to show: Korean names, a long one, quantities.
    await add(shopper, 'MILK-1', 2);
    await add(shopper, 'SNK-2');
    await add(shopper, 'RAMEN-3', 12);

    const context: BrowserContext = await browser.newContext({
      viewport: PHONES.small,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'ko-KR',
      permissions: ['camera'],
    });
    // The browser takes over the API shopper's device and session.
    await context.addInitScript(
      ([deviceId, token]) => {
        const storage = (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void; getItem(k: string): string | null } }).localStorage;
        if (storage.getItem('omnistation.deviceId') === null) {
          storage.setItem('omnistation.deviceId', deviceId!);
          storage.setItem('omnistation.token', token!);
        }
      },
      [shopper.deviceId, shopper.token],
    );
    const phone = await context.newPage();
    const problems: Record<string, string[]> = {};
    const base = `${server.url}/shop`;

    await open(phone, `${base}/`);
    await phone.locator('[data-testid="cart-item"][data-sku="RAMEN-3"]').waitFor();

    // A failure leaves a picture of the screen it stopped on.
    await shopperScreens(phone, base, problems).catch(async (error: unknown) => {
      await screenshot(phone, 'screens-shopper-failure', { fullPage: false }).catch(() => undefined);
      throw error;
    });
    await context.close();
    expect(problems).toEqual({});
  });

  it('scanner torch: shown only for a camera that has one, its state pressed and announced', { timeout: 60_000 }, async () => {
    // Chromium's fake camera has no torch (the screens above show no button). Here the page's
    // camera tracks claim one, as a phone's back camera does; the switch is recorded.
    const context = await browser.newContext({ viewport: PHONES.small, isMobile: true, hasTouch: true, locale: 'en-US', permissions: ['camera'] });
    await context.addInitScript(() => {
      type Track = { kind: string; __torch?: boolean };
      const proto = (globalThis as unknown as { MediaStreamTrack: { prototype: Record<string, unknown> } }).MediaStreamTrack.prototype;
      const capabilities = proto.getCapabilities as (this: Track) => Record<string, unknown>;
      const settings = proto.getSettings as (this: Track) => Record<string, unknown>;
      const apply = proto.applyConstraints as (this: Track, c: unknown) => Promise<void>;
      const log: unknown[] = [];
      (globalThis as unknown as { torchLog: unknown[] }).torchLog = log;
      proto.getCapabilities = function (this: Track) {
        return { ...capabilities.call(this), ...(this.kind === 'video' ? { torch: true } : {}) };
      };
      proto.getSettings = function (this: Track) {
        return { ...settings.call(this), ...(this.kind === 'video' ? { torch: this.__torch === true } : {}) };
      };
      proto.applyConstraints = async function (this: Track, constraints: unknown) {
        const torch = (constraints as { advanced?: { torch?: boolean }[] }).advanced?.find((set) => 'torch' in set)?.torch;
        if (torch === undefined) return apply.call(this, constraints);
        log.push(torch);
        this.__torch = torch;
      };
    });
    const phone = await context.newPage();
    await open(phone, `${server.url}/shop/scan`);
    await expect.poll(() => phone.getByTestId('scanner').getAttribute('data-state'), { timeout: 10_000 }).toBe('scanning');
    const torch = phone.getByRole('button', { name: 'Torch' });
    await torch.waitFor();
    expect(await torch.getAttribute('aria-pressed')).toBe('false');
    await torch.click();
    await expect.poll(() => torch.getAttribute('aria-pressed')).toBe('true');
    expect(await phone.getByTestId('torch-status').textContent()).toBe('Torch on');
    const problems: Record<string, string[]> = {};
    await check(phone, 'screens-shopper-scanner-torch-on-en-small', problems);
    await torch.click();
    await expect.poll(() => torch.getAttribute('aria-pressed')).toBe('false');
    expect(await phone.getByTestId('torch-status').textContent()).toBe('Torch off');
    expect(await phone.evaluate(() => (globalThis as unknown as { torchLog: unknown[] }).torchLog)).toEqual([true, false]);
    await context.close();
    expect(problems).toEqual({});
  });

  it('kiosk: attract with the pairing code, paired cart, tap flash, in portrait and landscape', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: KIOSK_VIEWS.landscape, hasTouch: true, locale: 'ko-KR' });
    const kiosk = await context.newPage();
    const problems: Record<string, string[]> = {};
    // The shopper screens paired phones with this kiosk; it starts from its attract screen.
    server.app.station.kiosks.unpair(KIOSK);
    await open(kiosk, `${server.url}/kiosk/#token=${kioskToken}`);
    await kiosk.getByTestId('kiosk-attract').waitFor();
    await kiosk.getByTestId('qr-code').waitFor();

    const each = async (screen: string, lang: Lang, ready: () => Promise<void>) => {
      for (const [orientation, viewport] of Object.entries(KIOSK_VIEWS)) {
        await kiosk.setViewportSize(viewport);
        await ready();
        await check(kiosk, `screens-kiosk-${screen}-${lang}-${orientation}`, problems);
      }
    };

    for (const lang of LANGS) {
      await setLang(kiosk, lang);
      await each('attract', lang, () => kiosk.getByTestId('qr-code').waitFor());

      // A shopper pairs (as the phone would): the kiosk shows their cart.
      const shopper = await newShopper();
      await add(shopper, 'MILK-1', 2);
      await add(shopper, 'SNK-2');
      await pairByApi(shopper);
      await kiosk.getByTestId('kiosk-paired').waitFor();
      await expect.poll(() => kiosk.getByTestId('kiosk-line').count()).toBe(2);
      await each('paired', lang, async () => undefined);

      // A tap on the reader: the product lands in the cart with a flash.
      await each('tap', lang, async () => {
        expect(readers.tap(READER, RAMEN_TAG)).not.toBeNull();
        await expect.poll(() => kiosk.getByTestId('kiosk-tap').getAttribute('data-result')).toBe('added');
        await popped(kiosk);
      });
      await each('tap-unknown', lang, async () => {
        readers.tap(READER, '0000DEADBEEF');
        await expect.poll(() => kiosk.getByTestId('kiosk-tap').getAttribute('data-result')).toBe('unknown');
        await popped(kiosk);
      });

      // Done: back to the attract screen with a thank-you.
      await kiosk.getByTestId('kiosk-tap').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
      await kiosk.getByTestId('kiosk-done').click();
      await kiosk.getByTestId('kiosk-farewell').waitFor();
      await each('farewell', lang, async () => undefined);
    }
    await context.close();
    expect(problems).toEqual({});
  });
});
