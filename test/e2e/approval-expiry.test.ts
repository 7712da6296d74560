// Runs in: node (tests). An abandoned identity dialogue in a real browser (issue 5 follow-up):
// an enrolled shopper's order waits for the questions, the shopper walks away, the station's
// clock (a fake one here) passes the timeout and the station's own timer expires the dialogue —
// no request about the order — so the phone shows the expiry and the monitor shows the order
// held for staff with "dialogue expired". The shopper starts over once and pays. Screenshots in
// Korean and English; axe-core on the new states.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../server/store/server.js';
import { labelPath } from '../../server/protocol/label.js';
import { startLiveCentral, type LiveCentral } from '../helpers/central.js';
import { FakeJudge, seededRandom } from '../helpers/approval.js';
import { createTestStation, startShopper, TEST_PIN, TEST_STORE_ID, type TestStation } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';

const CONTACT = '010-7777-8888';
const ANSWERS: Record<string, string> = { 'q.birth_city': '부산', 'q.first_pet': '초코', 'q.favourite_food': '김치찌개' };
const MINUTE = 60_000;

let central: LiveCentral;
let t: TestStation;
let url: string;
let browser: Browser;

beforeAll(async () => {
  central = await startLiveCentral();
  t = await createTestStation({
    central: await central.registerStore(TEST_STORE_ID),
    rendererDir: DEFAULT_RENDERER_DIR,
    // The approval gate alone (presence is tested with expiry in the route tests).
    presence: { gate: false },
    approval: { gate: true, judge: new FakeJudge(), random: seededRandom() },
  });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  // The profile is the contact's, whichever phone enrolled it.
  const enroller = await startShopper(t.app);
  const enrolled = await t.app.inject({
    method: 'POST',
    url: '/api/approval/profile',
    headers: enroller.headers,
    payload: { contact: CONTACT, lang: 'ko', questions: Object.entries(ANSWERS).map(([id, answer]) => ({ id, answer })) },
  });
  expect(enrolled.statusCode).toBe(201);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await central?.close();
});


async function currentQuestion(phone: Page): Promise<string> {
  await phone.getByTestId('approval-composer').waitFor();
  await expect.poll(() => phone.getByTestId('approval-typing').count()).toBe(0);
  return (await phone.getByTestId('chat-question').last().getAttribute('data-question-id'))!;
}

describe('an abandoned identity dialogue in the browser', () => {
  it('expires by the station timer: the phone shows it and starts over once, the monitor shows why it is held', { timeout: 120_000 }, async () => {
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'ko-KR' });
    const phone = await phoneContext.newPage();
    await phone.goto(`${url}${labelPath(t.station.labelKey, TEST_STORE_ID, 'SNK-2')}`);
    await phone.locator('[data-testid="cart-item"][data-sku="SNK-2"]').waitFor();
    await phone.getByTestId('go-checkout').click();
    await phone.getByTestId('orderer-name').fill('김민지');
    await phone.getByTestId('orderer-contact').fill(CONTACT);
    await phone.getByTestId('fulfilment-pickup').check();
    await phone.getByTestId('payment-card').check();
    await phone.getByTestId('place-order').click();
    await phone.waitForURL(/\/shop\/orders\/[^/]+\/approval$/);
    const orderId = phone.url().split('/').at(-2)!;
    const first = await currentQuestion(phone);
    expect(await phone.getByTestId('approval-time-limit').textContent()).toContain('10분');
    await screenshot(phone, 'approval-expiry-phone-asking-ko', { fullPage: false });

    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await monitorContext.newPage();
    await monitor.goto(`${url}/monitor/`);
    await monitor.getByTestId('pin-input').fill(TEST_PIN);
    await monitor.getByTestId('pin-submit').click();
    await expect.poll(() => monitor.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
    const card = monitor.locator(`[data-testid="order-card"][data-order-id="${orderId}"]`);
    await expect.poll(() => card.getAttribute('data-hold')).toBe('approval_pending');

    // The shopper walks away: 11 minutes on the station's clock, and nobody asks about the order.
    t.clock.advance(11 * MINUTE);
    // The station's own timer (every 15 s) expires it; both screens learn through their live feeds.
    await expect.poll(() => phone.getByTestId('approval-outcome').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('expired');
    const outcome = phone.getByTestId('approval-outcome');
    expect(await outcome.textContent()).toContain('10분');
    expect(await phone.getByTestId('approval-composer').count()).toBe(0);
    expect(await phone.getByTestId('approval-restart').isEnabled()).toBe(true);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-expiry-phone-expired-ko', { fullPage: false });
    await phone.getByTestId('lang-switch').click();
    expect(await outcome.textContent()).toMatch(/timed out.*does not count as a wrong answer/s);
    await screenshot(phone, 'approval-expiry-phone-expired-en', { fullPage: false });
    await phone.getByTestId('lang-switch').click();

    await expect.poll(() => card.getAttribute('data-hold')).toBe('step_up');
    // The card itself says why, not just "ID check needed".
    await expect.poll(() => card.getByTestId('hold-badge').textContent()).toMatch(/Questions expired: check ID/);
    await card.getByRole('button').first().click();
    await monitor.getByTestId('approval-expired').waitFor();
    expect(await monitor.getByTestId('approval-expired').textContent()).toMatch(/Dialogue expired.*start over once/s);
    await expect.poll(() => monitor.locator('[data-testid="approval-reason"][data-code="dialogue_expired"]').count()).toBe(1);
    expect(await monitor.locator('[data-testid="approval-reason"][data-code="dialogue_expired"]').textContent()).toMatch(/expired unanswered after 10 min.*not counted as a failure/);
    const expiredTurn = monitor.locator('[data-testid="approval-turn"][data-action="expire"]');
    expect(await expiredTurn.getAttribute('data-question-id')).toBe(first);
    expect(await expiredTurn.textContent()).toContain('Left unanswered');
    await expect.poll(() => monitor.getByTestId('approval-lockout').getAttribute('data-locked')).toBe('false');
    expect(await seriousViolations(monitor)).toEqual([]);
    await monitor.getByTestId('approval-section').scrollIntoViewIfNeeded();
    await screenshot(monitor, 'approval-expiry-monitor-en', { fullPage: false });
    await monitor.getByTestId('lang-switch').click();
    expect(await monitor.getByTestId('approval-expired').textContent()).toContain('질문 만료');
    await screenshot(monitor, 'approval-expiry-monitor-ko', { fullPage: false });

    // The shopper comes back and starts over: new questions, answered right, paid.
    await phone.getByTestId('approval-restart').click();
    for (let i = 0; i < 2; i++) {
      const id = await currentQuestion(phone);
      await phone.getByTestId('approval-answer').fill(ANSWERS[id]!);
      await phone.getByTestId('approval-send').click();
      await expect.poll(() => phone.getByTestId('chat-mine').count()).toBe(i + 1);
    }
    await expect.poll(() => phone.getByTestId('approval-outcome').getAttribute('data-outcome'), { timeout: 10_000 }).toBe('paid');
    await expect.poll(() => card.getAttribute('data-payment-state'), { timeout: 10_000 }).toBe('paid');
    await expect.poll(() => monitor.locator('[data-testid="approval-turn"][data-action="restart"]').count()).toBe(1);
    expect(await central.paymentsFor(orderId)).toMatchObject([{ state: 'captured' }]);

    await Promise.all([phoneContext.close(), monitorContext.close()]);
  });
});
