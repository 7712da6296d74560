// Runs in: node (tests). Every monitor screen not covered by monitor-board.test.ts and
// reports.test.ts, in Korean and English at 1920×1080 and 1366×768, each with a screenshot and
// axe-core (no serious violation): order detail of a paid order, of an order held for presence
// (with the override dialog) and of one with approval reasons; the device panel with the demo's
// virtual radio and reader and an enrolled kiosk; the storage alert; central unreachable with
// the sync backlog count; an offline-accepted payment declined later (the payment alert); the
// store server unreachable; and the PIN screen, a wrong PIN and the rate limit (last: it locks
// this address out of sign-in for a minute). One browser; the board page is signed in once and
// reused, switching size and language in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { VirtualHidHub } from '../../server/store/devices/hid/virtual-reader.js';
import { VirtualRadio } from '../../server/store/devices/radio/virtual-radio.js';
import { seedOrders } from '../../server/bench/monitor-orders.js';
import type { LiveCentral } from '../helpers/central.js';
import { FakeJudge } from '../helpers/approval.js';
import { SAMPLE_PRODUCTS, TEST_PIN } from '../helpers/station.js';
import { launchBrowser, screenshot, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

/** A loaded shared machine can take seconds for a render or a stream to open. */
const WAIT = { timeout: 15_000 };
const SIZES = [
  ['1920', STAFF_PC.viewport],
  ['1366', { width: 1366, height: 768 }],
] as const;
const LANGS = ['ko', 'en'] as const;
const READER = 'virtual-reader-1';
/** Above it an unenrolled shopper's order is held for an ID check (reasons on the monitor). */
const UNENROLLED_MAX = 5000;

let server: E2eStation & { central: LiveCentral };
let browser: Browser;
let boardContext: BrowserContext;
let board: Page;
const readers = new VirtualHidHub();
const radio = new VirtualRadio();

beforeAll(async () => {
  server = await startE2eStation({
    central: true,
    products: SAMPLE_PRODUCTS.filter((p) => p.currency === undefined),
    presence: { gate: false },
    approval: { gate: true, judge: new FakeJudge(), unenrolledMaxAmount: UNENROLLED_MAX },
    devices: { readers, radio },
  });
  readers.plug({ id: READER, product: 'Virtual RFID reader' });
  browser = await launchBrowser();
  boardContext = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR' });
  board = await boardContext.newPage();
  await board.goto(`${server.url}/monitor/`);
  await board.getByTestId('pin-input').fill(TEST_PIN);
  await board.getByTestId('pin-submit').click();
  await live(board);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function live(page: Page): Promise<void> {
  await page.locator('[data-testid="live-indicator"][data-status="live"]').waitFor(WAIT);
}

/** The language the page shows now (the switch names the other one). */
async function shownLang(page: Page): Promise<string> {
  const other = await page.getByTestId('lang-switch').locator('span').getAttribute('lang');
  return other === 'en' ? 'ko' : 'en';
}

async function setLang(page: Page, lang: string): Promise<void> {
  if ((await shownLang(page)) !== lang) await page.getByTestId('lang-switch').click();
  await expect.poll(() => shownLang(page)).toBe(lang);
}


/** Text in `selector` that its box cuts off (ellipsis aside, which shows it is cut). */
function clipped(page: Page, selector: string): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((el) => el.offsetParent !== null && getComputedStyle(el).textOverflow !== 'ellipsis'
      && (el.scrollWidth > el.clientWidth + 1) && getComputedStyle(el).overflowX !== 'visible')
    .map((el) => (el.getAttribute('data-testid') || el.className) + ': ' + el.textContent.trim().slice(0, 60))`) as Promise<string[]>;
}

/**
 * The same screen in both sizes and languages: a screenshot each, nothing wider than the window,
 * no clipped text in `region`, no serious axe violation, and `check` (what must be shown).
 */
async function everyVariant(
  page: Page,
  name: string,
  region: string,
  check: (lang: string) => Promise<void>,
  modal?: { open(): Promise<void>; close(): Promise<void> },
): Promise<void> {
  for (const [size, viewport] of SIZES) {
    await page.setViewportSize(viewport);
    for (const lang of LANGS) {
      // A modal dialog keeps the language switch out of reach: closed for the switch.
      await setLang(page, lang);
      await modal?.open();
      await check(lang);
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
      expect(overflow, `${name} ${size} ${lang}: wider than the window`).toBeLessThanOrEqual(0);
      expect(await clipped(page, `${region} :is(h2, h3, h4, button, strong, dt, dd, label, p):not(.visually-hidden)`), `${name} ${size} ${lang}`).toEqual([]);
      await screenshot(page, `monitor-${name}-${size}-${lang}`, { fullPage: false });
      expect(await seriousViolations(page), `${name} ${size} ${lang}`).toEqual([]);
      await modal?.close();
    }
  }
}

interface Shopper {
  headers: Record<string, string>;
}

async function shopper(): Promise<Shopper> {
  const deviceId = `screens-${randomUUID()}`;
  const response = await server.app.inject({ method: 'POST', url: '/api/sessions', payload: { deviceId } });
  const { token } = response.json() as { token: string };
  return { headers: { authorization: `Bearer ${token}`, 'x-device-id': deviceId } };
}

/** Checks out `quantity` × `sku` through the real routes; answers the order as the shopper sees it. */
async function order(sku: string, quantity: number, token = 'tok_test_visa_4242'): Promise<{ id: string; number: number; paymentState: string }> {
  const s = await shopper();
  await server.app.inject({ method: 'POST', url: '/api/cart/items', headers: s.headers, payload: { sku, quantity } });
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/orders',
    headers: s.headers,
    payload: {
      orderId: randomUUID(),
      orderer: { name: '김민지', contact: '010-2345-6789' },
      fulfilment: { type: 'pickup' },
      payment: { method: 'card', token },
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; number: number; paymentState: string };
}

const cardOf = (page: Page, id: string) => page.locator(`[data-testid="order-card"][data-order-id="${id}"]`);

async function openDetail(page: Page, id: string): Promise<void> {
  await cardOf(page, id).locator('button.open').click();
  await expect.poll(() => page.getByTestId('order-detail').getAttribute('data-order-id'), WAIT).toBe(id);
}

describe('monitor screens in both languages and sizes', () => {
  it('order detail of a paid order', async () => {
    const [id] = await seedOrders(server.app, 1, { skus: ['MILK-1'] });
    await expect.poll(() => cardOf(board, id!).getAttribute('data-payment-state'), WAIT).toBe('paid');
    await openDetail(board, id!);
    const detail = board.getByTestId('order-detail');
    await everyVariant(board, 'detail-paid', '[data-testid="order-detail"]', async () => {
      expect(await detail.getByTestId('hand-over').isEnabled()).toBe(true);
      expect(await detail.getByTestId('detail-payment').getAttribute('data-payment-state')).toBe('paid');
      expect(await detail.locator('dl.facts').textContent()).toContain('4242');
    });
    // The detail says whether central has the order's changes yet (the station syncs to a live central).
    const sync = detail.getByTestId('order-sync');
    await expect.poll(() => sync.getAttribute('data-pending'), { timeout: 15_000 }).toBe('0');
    expect(await sync.textContent()).toMatch(/Central has every change|본사에 전달/);
  }, 60_000);

  it('order detail of an order held for presence, with the override dialog', async () => {
    const [id] = await seedOrders(server.app, 1, { skus: ['RAMEN-3'] });
    // As the presence gate leaves it: not charged, held until staff check the shopper.
    server.station.db.prepare("UPDATE payments SET state = 'pending' WHERE order_id = ?").run(id);
    server.app.station.orders.setHold(id!, 'presence_mismatch');
    await expect.poll(() => cardOf(board, id!).getAttribute('data-hold'), WAIT).toBe('presence_mismatch');
    await openDetail(board, id!);
    await board.getByTestId('presence-held').waitFor();
    await everyVariant(board, 'detail-presence-held', '[data-testid="order-detail"]', async () => {
      expect(await board.getByTestId('hand-over').isEnabled()).toBe(false);
      expect(await board.getByTestId('hand-over-blocked').getAttribute('data-reason')).toBe('presence_mismatch');
    });
    const dialog = board.locator('dialog[aria-labelledby="override-title"]');
    await everyVariant(
      board,
      'detail-override-dialog',
      'dialog[aria-labelledby="override-title"]',
      async () => {
        // Sent empty: the name is asked for, in place.
        expect(await board.locator('#override-name[aria-invalid="true"]').count()).toBe(1);
        expect(await board.getByTestId('override-confirm').isVisible()).toBe(true);
      },
      {
        async open() {
          await board.getByTestId('override-open').click();
          await dialog.waitFor();
          await board.getByTestId('override-reason').fill('Shopper showed the phone at the counter / 매장에서 휴대폰 확인');
          await board.getByTestId('override-confirm').click();
        },
        async close() {
          await board.keyboard.press('Escape');
          await dialog.waitFor({ state: 'hidden' });
        },
      },
    );
    expect(server.app.station.orders.forStaff(id!).hold).toBe('presence_mismatch');
  }, 90_000);

  it('order detail of an order held for an ID check, with the approval reasons', async () => {
    // 5 × ₩1,800 is above what an unenrolled shopper may pay without questions.
    const held = await order('SNK-2', 5);
    await expect.poll(() => cardOf(board, held.id).getAttribute('data-hold'), WAIT).toBe('step_up');
    await openDetail(board, held.id);
    await expect.poll(() => board.getByTestId('approval-decision').getAttribute('data-outcome'), WAIT).toBe('step_up');
    await everyVariant(board, 'detail-approval', '[data-testid="order-detail"]', async () => {
      // The reasons are what this screen is for: in view in the screenshot.
      await board.getByTestId('approval-decision').scrollIntoViewIfNeeded();
      const codes = await board.getByTestId('approval-reason').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
      expect(codes).toContain('above_limit');
      expect(await board.locator('[data-testid="approval-reason"][data-code="above_limit"]').textContent()).toMatch(/5,000|5000/);
    });
    await board.locator('[data-testid="order-detail"] button.close').click();
  }, 60_000);

  it('device panel: the virtual radio and reader, and an enrolled kiosk', async () => {
    await board.getByTestId('devices-toggle').click();
    const panel = board.getByTestId('device-panel');
    await panel.waitFor();
    await expect.poll(() => board.locator(`[data-testid="device-reader"][data-reader-id="${READER}"]`).count(), WAIT).toBe(1);
    await board.getByTestId('kiosk-add-open').click();
    await board.getByTestId('kiosk-id').fill('K-1');
    await board.getByTestId('kiosk-name').fill('입구 키오스크 (정문 옆 계산대)');
    await board.getByTestId('kiosk-readers').fill(READER);
    await board.getByTestId('kiosk-add-submit').click();
    await board.getByTestId('kiosk-link-input').waitFor();
    await expect.poll(() => board.locator('[data-testid="kiosk-row"][data-kiosk-id="K-1"]').count(), WAIT).toBe(1);
    expect(readers.tap(READER, 'E2801160600002040000A1B2')).not.toBeNull();
    await expect.poll(() => board.getByTestId('device-last-tap').getAttribute('data-result'), WAIT).not.toBeNull();
    await everyVariant(board, 'devices', '[data-testid="device-panel"]', async (lang) => {
      expect(await board.getByTestId('device-radio').textContent()).toMatch(lang === 'ko' ? /스캔|수신/ : /scanning/i);
      expect(await board.getByTestId('kiosk-row').first().textContent()).toContain('K-1');
      // Radio, readers and kiosks all in view without scrolling the panel.
      const shown = await panel.boundingBox();
      for (const part of ['device-radio', 'device-readers', 'kiosk-row']) {
        const box = await board.getByTestId(part).first().boundingBox();
        expect(box!.y + box!.height, part).toBeLessThanOrEqual(shown!.y + shown!.height);
      }
    });
    await board.getByTestId('devices-toggle').click();
    await panel.waitFor({ state: 'detached' });
  }, 60_000);

  it('storage alert: a read-only database is shown on the status strip', async () => {
    // The health check notices when a write fails: one refused checkout.
    server.station.db.pragma('query_only = ON');
    try {
      const s = await shopper();
      await server.app.inject({ method: 'POST', url: '/api/cart/items', headers: s.headers, payload: { sku: 'MILK-1' } });
      await board.reload();
      await live(board);
      const alert = board.getByTestId('status-storage');
      await alert.waitFor(WAIT);
      await everyVariant(board, 'storage-alert', '[data-testid="status-strip"]', async () => {
        expect(await alert.getAttribute('data-state')).toBe('read_only');
      });
    } finally {
      server.station.db.pragma('query_only = OFF');
    }
    // The next write that goes through clears it.
    await order('MILK-1', 1);
    await board.reload();
    await live(board);
    await board.getByTestId('status-central').waitFor();
    await expect.poll(() => board.getByTestId('status-storage').count(), WAIT).toBe(0);
  }, 60_000);

  it("clock drift: the station's clock against central's, before and after central's limit", async () => {
    // The offset comes from central's Date header; here the station's real answer is shifted.
    let offsetMs = 3 * 60_000 + 12_000;
    await board.route('**/api/staff/status', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, sync: { ...body.sync, clockOffsetMs: offsetMs } } });
    });
    try {
      await board.reload();
      await live(board);
      const clock = board.getByTestId('status-clock');
      await clock.waitFor(WAIT);
      await everyVariant(board, 'clock-ahead', '[data-testid="status-strip"]', async (lang) => {
        expect(await clock.textContent()).toMatch(lang === 'ko' ? /중앙 서버보다 3분 빠름.*5분을 넘으면/ : /3 min ahead of central.*stop past 5 min/);
      });
      offsetMs = -(7 * 60_000);
      await board.reload();
      await live(board);
      await expect.poll(async () => (await clock.getAttribute('data-offset-ms')) === String(offsetMs), WAIT).toBe(true);
      await setLang(board, 'en');
      expect(await clock.textContent()).toMatch(/7 min behind central.*offline until the station PC’s time is set/);
      expect(await clock.getAttribute('class')).toContain('danger');
      await screenshot(board, 'monitor-clock-behind-1366-en', { fullPage: false });
    } finally {
      await board.unroute('**/api/staff/status');
    }
    await board.reload();
    await live(board);
    await board.getByTestId('status-central').waitFor(WAIT);
    expect(await board.getByTestId('status-clock').count()).toBe(0);
  }, 90_000);

  it('central unreachable: the link retrying and the sync backlog count; then a payment accepted offline that central declines', async () => {
    await server.central.stop();
    // Accepted offline (within the limits); its events wait in the outbox.
    const offline = await order('RAMEN-3', 1, 'tok_decline_insufficient_funds');
    expect(offline.paymentState).toBe('paid_offline');
    const backlog = server.app.station.outbox.status().backlog;
    expect(backlog).toBeGreaterThan(0);
    await board.reload();
    await live(board);
    await expect.poll(() => board.getByTestId('status-central').getAttribute('data-kind'), { timeout: 25_000 }).toBe('retrying');
    await expect.poll(async () => Number(await board.getByTestId('status-backlog').getAttribute('data-backlog')), WAIT).toBeGreaterThan(0);
    await everyVariant(board, 'central-offline', '[data-testid="status-strip"]', async (lang) => {
      const shown = Number(await board.getByTestId('status-backlog').getAttribute('data-backlog'));
      expect(await board.getByTestId('status-backlog').textContent()).toContain(String(shown));
      expect(await board.getByTestId('status-backlog').textContent()).toMatch(lang === 'ko' ? /건|개/ : /event/);
    });

    // What the forwarder records when central declines the payment it accepted offline (the
    // decline itself is central's business, tested in payments.test.ts): the order's new state
    // and the alert, on the stream.
    const ctx = server.app.station;
    const now = Date.now();
    server.station.db.prepare("UPDATE payments SET state = 'declined', decline_code = 'insufficient_funds' WHERE order_id = ?").run(offline.id);
    ctx.hub.publish(ctx.hub.record('order.updated', offline.id, ctx.orders.forStaff(offline.id), now));
    ctx.hub.publish(
      ctx.hub.record(
        'alert.offline_declined',
        offline.id,
        {
          orderId: offline.id,
          number: offline.number,
          amount: 950,
          currency: 'KRW',
          paymentState: 'declined',
          declineCode: 'insufficient_funds',
          message: `Order ${offline.number}: a payment of 950 KRW accepted offline was not confirmed by the payment service (insufficient_funds).`,
          offlineAcceptedAt: new Date(now - 60_000).toISOString(),
          at: new Date(now).toISOString(),
        },
        now,
      ),
    );
    const alert = board.locator(`[data-testid="payment-alert"][data-order-id="${offline.id}"]`);
    await alert.waitFor(WAIT);
    await everyVariant(board, 'payment-alert', '[data-testid="payment-alerts"]', async () => {
      expect(await alert.textContent()).toContain(`#${offline.number}`);
      expect(await alert.textContent()).toContain('₩950');
    });
    await board.getByTestId('payment-alert-dismiss').click();
    expect(await alert.count()).toBe(0);
  }, 90_000);

  it('store server unreachable: the board says it is reconnecting and the status is unknown', async () => {
    // Every request of this page fails from now on, as with the station's PC switched off.
    await board.route(`${server.url}/api/**`, (route) => route.abort('connectionrefused'));
    server.app.server.closeAllConnections();
    await expect.poll(() => board.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('reconnecting');
    // The strip learns it at its next poll (every 10 s).
    await board.getByTestId('status-strip').locator('.stale').waitFor({ timeout: 15_000 });
    await everyVariant(board, 'store-offline', '.board-page > header', async (lang) => {
      expect(await board.getByTestId('live-indicator').textContent()).toMatch(lang === 'ko' ? /재연결|연결/ : /reconnect/i);
    });
    await board.unroute(`${server.url}/api/**`);
    await live(board);
    await boardContext.close();
  }, 60_000);

  // Last: the rate limit shuts sign-in from this address for a minute.
  it('PIN screen: empty, a wrong PIN, then too many attempts', async () => {
    const context = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR' });
    const page = await context.newPage();
    await page.goto(`${server.url}/monitor/`);
    const input = page.getByTestId('pin-input');
    await input.waitFor(WAIT);
    await everyVariant(page, 'pin', 'main', async () => {
      expect(await page.getByTestId('pin-submit').isDisabled()).toBe(true);
    });

    await input.fill('0000');
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => input.getAttribute('aria-invalid'), WAIT).toBe('true');
    await everyVariant(page, 'pin-wrong', 'main', async () => {
      expect(await page.locator('#pin-message').isVisible()).toBe(true);
    });

    // The limit is five attempts a minute (one was the board's sign-in).
    let refused = false;
    for (let i = 0; i < 6 && !refused; i++) {
      await input.fill('0000');
      await page.getByTestId('pin-submit').click();
      await expect.poll(async () => (await input.inputValue()) === '', WAIT).toBe(true);
      refused = await page.getByTestId('pin-submit').isDisabled() && (await page.locator('#pin-message').textContent())!.match(/\d+\s*(s|초)/) !== null;
    }
    expect(refused).toBe(true);
    await everyVariant(page, 'pin-rate-limited', 'main', async (lang) => {
      expect(await page.locator('#pin-message').textContent()).toMatch(lang === 'ko' ? /초/ : /Try again in \d+ s/);
      // A right PIN cannot be sent while the server refuses.
      await input.fill(TEST_PIN);
      expect(await page.getByTestId('pin-submit').isDisabled()).toBe(true);
      await input.fill('');
    });
    await context.close();
  }, 90_000);
});
