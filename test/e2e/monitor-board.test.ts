// Runs in: node (tests). The monitor's order board with 500 open orders in a real browser:
// search and filters (kept in the address across a reload, counts per state of what they
// leave), the virtualised column (few cards in the DOM, keyboard and scrolling reach the 500th
// order, screen-reader position kept), in Korean and English at 1920×1080 and 1366×768 with
// screenshots, and axe-core with no serious violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedOrders } from '../../server/bench/monitor-orders.js';
import { SAMPLE_PRODUCTS, TEST_PIN } from '../helpers/station.js';
import { launchBrowser, screenshot, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

const ORDERS = 500;
/** A loaded shared machine can take seconds for a render or a stream to open. */
const WAIT = { timeout: 15_000 };
const SMALL_PC = { viewport: { width: 1366, height: 768 } };
/** Seeded holds: held for presence now (by order number), and one staff lifted. */
const HELD = [7, 123, 480];
const OVERRIDDEN = 42;
/** Seeded payments: most paid, every 10th still pending, every 50th declined. */
const paymentOf = (n: number): string =>
  HELD.includes(n) || n % 10 === 0 ? (n % 50 === 0 ? 'declined' : 'pending') : 'paid';

let server: E2eStation;
let browser: Browser;
let ids: string[];

beforeAll(async () => {
  server = await startE2eStation({
    products: SAMPLE_PRODUCTS.filter((p) => p.currency === undefined),
    presence: { gate: false },
    rateLimits: { sessionsPerMinute: 100_000, pinAttemptsPerMinute: 1000 },
  });
  ids = await seedOrders(server.app, ORDERS, { skus: ['MILK-1', 'SNK-2', 'RAMEN-3'] });
  // No central in this test: payment states are set as central's answers would have left them.
  const db = server.station.db;
  const setPayment = db.prepare("UPDATE payments SET state = ?, brand = 'visa', masked_pan = '424242******4242' WHERE order_id = ?");
  db.transaction(() => ids.forEach((id, i) => setPayment.run(paymentOf(i + 1), id)))();
  const orders = server.app.station.orders;
  orders.setHold(ids[OVERRIDDEN - 1]!, 'presence_mismatch');
  orders.override(ids[OVERRIDDEN - 1]!, 'presence_mismatch', '박매니저', 'Shopper seen at the counter');
  for (const n of HELD) orders.setHold(ids[n - 1]!, 'presence_mismatch');
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openMonitor(options: { locale: string; size?: typeof STAFF_PC; path?: string }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...(options.size ?? STAFF_PC), locale: options.locale });
  const page = await context.newPage();
  await page.goto(`${server.url}/monitor/${options.path ?? ''}`);
  await page.getByTestId('pin-input').fill(TEST_PIN);
  await page.getByTestId('pin-submit').click();
  await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');
  return { context, page };
}

const count = (page: Page, state: string): Promise<string | null> => page.getByTestId(`count-${state}`).textContent();
const placed = (page: Page) => page.locator('section.column.placed');
const cardNumbers = (page: Page): Promise<number[]> =>
  placed(page)
    .getByTestId('order-card')
    .evaluateAll((cards) => cards.map((c) => Number(c.querySelector('.open')?.textContent?.replace(/\D/g, ''))));

/** aria-posinset of the card that has keyboard focus (a string expression: no DOM types here). */
const focusedPosition = (page: Page): Promise<unknown> =>
  page.evaluate("document.activeElement?.closest('li')?.getAttribute('aria-posinset') ?? null");


describe('monitor board with 500 open orders', () => {
  it('renders a window of the placed column and reaches the 500th order by keyboard and by scrolling', async () => {
    const { context, page } = await openMonitor({ locale: 'en-US' });
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS));
    const scroller = placed(page).getByTestId('card-scroller');
    expect(await scroller.getAttribute('data-virtual')).toBe('true');
    const rendered = await placed(page).getByTestId('order-card').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(120);
    // Newest first; each card tells its place in the whole column.
    const first = placed(page).locator('li[aria-posinset="1"]');
    expect(await first.getAttribute('aria-setsize')).toBe(String(ORDERS));
    expect(await first.getByTestId('order-card').getAttribute('data-order-id')).toBe(ids[ORDERS - 1]);

    // Keyboard: the first card, then down a few, then End to the last (order #1, the 500th card).
    await first.locator('button.open').focus();
    await page.keyboard.press('ArrowDown');
    const lanes = Number(await focusedPosition(page)) - 1;
    expect(lanes).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('End');
    await expect.poll(() => focusedPosition(page), WAIT)
      .toBe(String(ORDERS));
    const last = placed(page).locator(`article[data-order-id="${ids[0]}"]`);
    await expect.poll(() => last.isVisible(), WAIT).toBe(true);
    expect(await last.locator('.open').textContent()).toContain('#1');
    // The DOM still holds a window, not the column.
    expect(await placed(page).getByTestId('order-card').count()).toBeLessThan(120);
    await page.keyboard.press('Home');
    await expect.poll(() => focusedPosition(page), WAIT)
      .toBe('1');

    // Scrolling (a wheel or a drag of the bar) renders the cards where it lands.
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect.poll(() => last.isVisible(), WAIT).toBe(true);
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await expect.poll(async () => (await cardNumbers(page)).some((n) => n > 200 && n < 300), WAIT).toBe(true);
    await context.close();
  }, 90_000);

  it('searches and filters, shows counts of what is left, and keeps them across a reload', async () => {
    const { context, page } = await openMonitor({ locale: 'en-US' });
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS));

    await page.getByTestId('filter-search').fill('#250');
    await expect.poll(() => cardNumbers(page), WAIT).toEqual([250]);
    expect(await page.getByTestId('filter-summary').textContent()).toContain(`1 of ${ORDERS} orders`);
    expect(await count(page, 'placed')).toBe('1');
    expect(await placed(page).getByTestId('card-scroller').getAttribute('data-virtual')).toBe('false');
    expect(new URL(page.url()).searchParams.get('q')).toBe('#250');

    // Item name: every order has 1–4 lines from three products; 신라면 is in most of them.
    await page.getByTestId('filter-search').fill('RAMEN-3');
    await expect.poll(async () => Number(await count(page, 'placed')), WAIT).toBeLessThan(ORDERS);

    await page.getByTestId('filter-clear').click();
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS));
    expect(new URL(page.url()).search).toBe('');

    // Presence: held, then overridden.
    await page.getByTestId('filter-presence-held').click();
    await expect.poll(async () => (await cardNumbers(page)).sort((a, b) => a - b), WAIT).toEqual(HELD);
    await page.getByTestId('filter-presence-held').click();
    await page.getByTestId('filter-presence-overridden').click();
    await expect.poll(() => cardNumbers(page), WAIT).toEqual([OVERRIDDEN]);
    await page.getByTestId('filter-presence-overridden').click();

    // Payment: declined ones (every 50th).
    await page.getByTestId('filter-payment-declined').click();
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS / 50));
    expect(await page.getByTestId('filter-payment-declined').getAttribute('aria-pressed')).toBe('true');
    // State: nothing is handed over yet, so handed-over AND declined leaves nothing.
    await page.getByTestId('filter-state-handed_over').click();
    await expect.poll(() => count(page, 'placed'), WAIT).toBe('0');
    await page.getByTestId('filter-state-handed_over').click();

    // Time: all orders are from the last hour; a range that ended yesterday keeps none.
    await page.getByTestId('filter-time').selectOption('hour');
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS / 50));
    await page.getByTestId('filter-time').selectOption('custom');
    await page.getByTestId('filter-to').fill('2020-01-01T00:00');
    await page.getByTestId('filter-to').dispatchEvent('change');
    await expect.poll(() => count(page, 'placed'), WAIT).toBe('0');
    await page.getByTestId('filter-time').selectOption('all');

    // Reload: the address carries the filter, and the board comes back filtered.
    await page.getByTestId('filter-search').fill('김');
    const before = await count(page, 'placed');
    await page.reload();
    await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');
    expect(await page.getByTestId('filter-search').inputValue()).toBe('김');
    expect(await page.getByTestId('filter-payment-declined').getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => count(page, 'placed'), WAIT).toBe(before);
    await context.close();
  }, 90_000);

  for (const [name, size] of [
    ['1920', STAFF_PC],
    ['1366', SMALL_PC],
  ] as const) {
    for (const locale of ['ko', 'en'] as const) {
      it(`fits ${name} wide in ${locale}: board usable, nothing cut off, no serious axe violation`, async () => {
        const { context, page } = await openMonitor({ locale: locale === 'ko' ? 'ko-KR' : 'en-US', size });
        await expect.poll(() => count(page, 'placed'), WAIT).toBe(String(ORDERS));
        // Nothing wider than the window, and the placed column shows cards above the fold.
        const overflow = (await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
        expect(overflow).toBeLessThanOrEqual(0);
        const box = await placed(page).getByTestId('card-scroller').boundingBox();
        expect(box!.height).toBeGreaterThan(size.viewport.height / 3);
        expect(box!.y + box!.height).toBeLessThanOrEqual(size.viewport.height);
        const bar = await page.getByTestId('filter-bar').boundingBox();
        expect(bar!.x + bar!.width).toBeLessThanOrEqual(size.viewport.width);
        await screenshot(page, `monitor-board-${name}-${locale}`, { fullPage: false });
        expect(await seriousViolations(page)).toEqual([]);
        await context.close();
      }, 90_000);
    }
  }
});

/** Counts the notes the monitor plays (WebAudio oscillators), without changing what they do. */
const COUNT_TONES = `
  window.__tones = 0;
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    createOscillator() { window.__tones += 1; return super.createOscillator(); }
  };`;
const tones = (page: Page): Promise<unknown> => page.evaluate('window.__tones');

describe('monitor alerts, order detail and undo', () => {
  it('sounds and shows a badge for a new order, never for replays, and stays muted across a reload', async () => {
    const context = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    await context.addInitScript({ content: COUNT_TONES });
    const page = await context.newPage();
    await page.goto(`${server.url}/monitor/`);
    await page.getByTestId('pin-input').fill(TEST_PIN);
    await page.getByTestId('pin-submit').click();
    await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');
    expect(await page.getByTestId('notice-badge').count()).toBe(0);
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('false');

    await seedOrders(server.app, 1, { skus: ['MILK-1'] });
    const badge = page.getByTestId('notice-badge');
    await expect.poll(() => badge.getAttribute('data-new-orders'), WAIT).toBe('1');
    expect(await badge.textContent()).toContain('1 new');
    await expect.poll(() => tones(page), WAIT).toBe(2);
    await screenshot(page, 'monitor-alert-badge-en', { fullPage: false });
    // Its own look: brand blue, never the amber of the "reconnecting" pill in the same bar.
    const colours = (await page.evaluate(`(() => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.background = 'var(--brand)';
      const brand = getComputedStyle(probe).backgroundColor;
      probe.remove();
      return { brand, badge: getComputedStyle(document.querySelector('[data-testid="notice-badge"]')).backgroundColor };
    })()`)) as { brand: string; badge: string };
    expect(colours.badge).toBe(colours.brand);
    expect(await seriousViolations(page)).toEqual([]);
    await badge.click();
    expect(await badge.count()).toBe(0);

    // Mute, reload: still muted; the stream replays from where it was and nothing sounds.
    await page.getByTestId('sound-toggle').click();
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status'), WAIT).toBe('live');
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('notice-badge').count()).toBe(0);

    // A held order while muted: the badge says so, the speaker stays silent.
    const [heldId] = await seedOrders(server.app, 1, { skus: ['SNK-2'] });
    await expect.poll(() => page.getByTestId('notice-badge').getAttribute('data-new-orders'), WAIT).toBe('1');
    server.app.station.orders.setHold(heldId!, 'presence_mismatch');
    await expect.poll(() => page.getByTestId('notice-badge').getAttribute('data-held'), WAIT).toBe('1');
    expect(await tones(page)).toBe(0);
    await page.getByTestId('sound-toggle').click();
    expect(await page.getByTestId('sound-toggle').getAttribute('aria-pressed')).toBe('false');
    await context.close();
  }, 90_000);

  for (const [locale, size, name] of [
    ['en', STAFF_PC, '1920'],
    ['ko', SMALL_PC, '1366'],
  ] as const) {
    it(`masks the contact until staff show it (audited), lists the trail, and undoes a hand-over (${locale}, ${name})`, async () => {
      const number = locale === 'en' ? 251 : 252;
      const id = ids[number - 1]!;
      const { context, page } = await openMonitor({ locale: locale === 'ko' ? 'ko-KR' : 'en-US', size: size as typeof STAFF_PC });
      await page.getByTestId('filter-search').fill(`#${number}`);
      await expect.poll(() => cardNumbers(page), WAIT).toEqual([number]);
      const card = placed(page).getByTestId('order-card');
      expect(await card.locator('.contact').textContent()).toMatch(/^010-\*\*\*\*-\d{4}$/);
      await card.locator('button.open').click();
      const detail = page.getByTestId('order-detail');
      await detail.waitFor();
      const contact = detail.getByTestId('detail-contact');
      expect(await contact.getAttribute('data-masked')).toBe('true');
      expect(await contact.textContent()).toMatch(/^010-\*\*\*\*-\d{4}$/);
      await expect.poll(() => detail.getByTestId('history-entry').first().getAttribute('data-kind'), WAIT).toBe('placed');

      const audited = (): unknown => server.station.db.prepare('SELECT count(*) AS n FROM order_audit WHERE order_id = ?').get(id);
      expect(audited()).toEqual({ n: 0 });
      await detail.getByTestId('reveal-contact').click();
      await expect.poll(() => contact.getAttribute('data-masked'), WAIT).toBe('false');
      expect(await contact.textContent()).toMatch(/^010-\d{4}-\d{4}$/);
      expect(audited()).toEqual({ n: 1 });
      await expect
        .poll(() => detail.getByTestId('history-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))), WAIT)
        .toContain('contact_viewed');

      // Hand over, then Undo within the grace period: the station never hears of it.
      await detail.getByTestId('hand-over').click();
      const pending = page.getByTestId('undo-pending');
      await pending.waitFor();
      expect(await detail.getByTestId('hand-over').isDisabled()).toBe(true);
      await screenshot(page, `monitor-detail-undo-${name}-${locale}`, { fullPage: false });
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByTestId('undo-hand-over').click();
      expect(await pending.count()).toBe(0);
      expect(server.app.station.orders.forStaff(id).state).toBe('placed');

      // Hand over and let it go: sent once the grace period ends (or at once, with "now").
      await detail.getByTestId('hand-over').click();
      await pending.waitFor();
      expect(server.app.station.orders.forStaff(id).state).toBe('placed');
      if (locale === 'ko') await page.getByTestId('hand-over-now').click();
      await expect.poll(() => server.app.station.orders.forStaff(id).state, { timeout: 20_000 }).toBe('handed_over');
      expect(await pending.count()).toBe(0);
      await expect
        .poll(() => detail.getByTestId('history-entry').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind'))), WAIT)
        .toContain('handed_over');
      await context.close();
    }, 90_000);
  }
});
