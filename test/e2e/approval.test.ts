// Runs in: node (tests). The identity approval end to end in a real browser, with a live central,
// the presence and approval gates on and the real approval engine (the bundled model in its
// worker): a shopper enrols 3 questions on the phone, pays once (their purchase history), then
// pays again through the chat — one "ask me something else", the purchase-history question and
// an enrolled one — and is charged; an impostor with the same contact on another phone answers
// wrong, is denied, and the monitor shows why (reasons, audited turns) and lifts the hold after
// an ID check. Screenshots in Korean and English; axe-core on the new screens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { labelPath } from '../../server/protocol/label.js';
import { LazyEngineJudge } from '../../server/store/modules/approval/judge.js';
import { TEST_PIN, TEST_STORE_ID } from '../helpers/station.js';
import { launchBrowser, PHONE, screenshot, STAFF_PC } from './browser.js';
import { seriousViolations } from './axe.js';
import { startE2eStation, type E2eStation } from './station.js';

const CONTACT = '010-2222-3333';
/** What the shopper enrolled, by question id (the test's memory; the station keeps none of it). */
const ANSWERS: Record<string, string> = {
  'q.birth_city': '부산',
  'q.first_pet': '초코',
  'q.favourite_food': '김치찌개',
};
/** How the shopper answers at the till: loosely (particles, spacing), for the model to judge. */
const SAID: Record<string, string> = {
  'q.birth_city': '부산이요',
  'q.first_pet': '초코예요',
  'q.favourite_food': '김치 찌개',
};
const KIOSK = 'K-1';

let server: E2eStation;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eStation({ central: true, presence: { gate: true }, approval: { gate: true } });
  // The station warms the engine at start-up; enrolment needs it (503 until then).
  const judge = server.app.station.judge;
  expect(judge).toBeInstanceOf(LazyEngineJudge);
  expect(await (judge as LazyEngineJudge).warm()).toBe(true);
  server.app.station.kiosks.create(KIOSK, '입구 키오스크', []);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The kiosk's current pairing code, as its screen would show it (this test server's address). */
function pairUrl(): string {
  let url = '';
  const stop = server.app.station.kiosks.subscribe(KIOSK, (event) => {
    if (event.type === 'pairing') url = (event.data as { url: string }).url;
  });
  stop();
  const parsed = new URL(url);
  return `${server.url}${parsed.pathname}`;
}

/** The phone scans the kiosk's code: presence proven for 10 minutes. */
async function proveAtKiosk(phone: Page): Promise<void> {
  await phone.goto(pairUrl());
  await phone.getByTestId('paired-notice').waitFor();
}

async function addToCart(phone: Page, sku: string): Promise<void> {
  await phone.goto(`${server.url}${labelPath(server.station.labelKey, TEST_STORE_ID, sku)}`);
  await phone.locator(`[data-testid="cart-item"][data-sku="${sku}"]`).waitFor();
}

async function checkout(phone: Page, name: string): Promise<void> {
  await phone.getByTestId('go-checkout').click();
  await phone.getByTestId('orderer-name').fill(name);
  await phone.getByTestId('orderer-contact').fill(CONTACT);
  await phone.getByTestId('fulfilment-pickup').check();
  await phone.getByTestId('payment-card').check();
  await phone.getByTestId('place-order').click();
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${server.url}/monitor/`);
  await page.getByTestId('pin-input').fill(TEST_PIN);
  await page.getByTestId('pin-submit').click();
  await expect.poll(() => page.getByTestId('live-indicator').getAttribute('data-status')).toBe('live');
}

/** The question the chat asks now (its id) once the composer is ready for it. */
async function currentQuestion(phone: Page): Promise<{ id: string; kind: string }> {
  const composer = phone.getByTestId('approval-composer');
  await composer.waitFor();
  await expect.poll(() => phone.getByTestId('approval-typing').count()).toBe(0);
  const id = (await phone.getByTestId('chat-question').last().getAttribute('data-question-id'))!;
  return { id, kind: (await composer.getAttribute('data-kind'))! };
}

async function answerText(phone: Page, text: string): Promise<void> {
  const asked = await phone.getByTestId('chat-question').count();
  const mine = await phone.getByTestId('chat-mine').count();
  await phone.getByTestId('approval-answer').fill(text);
  await phone.getByTestId('approval-send').click();
  await expect.poll(() => phone.getByTestId('chat-mine').count()).toBe(mine + 1);
  // Either the next question, or the outcome.
  await expect
    .poll(async () => (await phone.getByTestId('chat-question').count()) > asked || (await phone.getByTestId('approval-outcome').count()) > 0, { timeout: 10_000 })
    .toBe(true);
}


describe('approval: enrolment, the identity dialogue and the monitor', () => {
  it('enrols 3 questions, then pays through the chat with one "ask me something else"', { timeout: 60_000 }, async () => {
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'ko-KR' });
    const phone = await phoneContext.newPage();

    // A first purchase, before enrolling: paid on presence alone (small amount, not enrolled).
    await proveAtKiosk(phone);
    await addToCart(phone, 'MILK-1');
    await checkout(phone, '김민지');
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('paid');

    // Enrolment, reached from My orders; the contact of the last order is the start.
    await phone.getByRole('link', { name: '내 주문' }).first().click();
    await phone.getByTestId('enrol-link').click();
    await phone.getByTestId('enrol-form').waitFor();
    expect(await phone.getByTestId('enrol-contact').inputValue()).toBe(CONTACT);
    // Nothing chosen: the form says what is missing and stays.
    await phone.getByTestId('enrol-review').click();
    await phone.getByTestId('enrol-count-error').waitFor();
    for (const [id, answer] of Object.entries(ANSWERS)) {
      await phone.getByTestId(`enrol-pick-${id}`).check();
      await phone.getByTestId(`enrol-answer-${id}`).fill(answer);
    }
    expect(await phone.getByTestId('enrol-count').getAttribute('data-count')).toBe('3');
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-phone-enrol-ko');
    await phone.getByTestId('enrol-review').click();
    await phone.getByTestId('enrol-review-step').waitFor();
    // The review never shows the answers.
    expect(await phone.getByTestId('enrol-review-step').textContent()).not.toContain(ANSWERS['q.first_pet']);
    await screenshot(phone, 'approval-phone-enrol-review-ko');
    await phone.getByTestId('enrol-submit').click();
    await phone.getByTestId('enrol-done').waitFor({ timeout: 15_000 });
    // Nothing of the answers stays in the phone's storage.
    const stored = await phone.evaluate(() => {
      const page = globalThis as unknown as { localStorage: { [k: string]: string }; sessionStorage: { [k: string]: string } };
      return JSON.stringify({ ...page.localStorage, ...page.sessionStorage });
    });
    for (const answer of Object.values(ANSWERS)) expect(stored).not.toContain(answer);
    await screenshot(phone, 'approval-phone-enrol-done-ko', { fullPage: false });

    // Second purchase, enrolled: checkout goes straight into the chat.
    await addToCart(phone, 'SNK-2');
    await checkout(phone, '김민지');
    await phone.waitForURL(/\/shop\/orders\/[^/]+\/approval$/);
    const orderId = phone.url().split('/').at(-2)!;
    const first = await currentQuestion(phone);
    expect(first.kind).toBe('enrolled');
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('approval-answer');
    expect(await phone.getByTestId('approval-another').getAttribute('data-left')).toBe('2');

    // "Ask me something else": the purchase-history question, as large buttons.
    await phone.getByTestId('approval-another').click();
    await expect.poll(() => phone.getByTestId('approval-another').getAttribute('data-left')).toBe('1');
    const second = await currentQuestion(phone);
    expect(second).toEqual({ id: 'history.30d', kind: 'history' });
    expect(await phone.getByTestId('approval-choice').count()).toBeGreaterThanOrEqual(3);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-phone-chat-choices-ko', { fullPage: false });
    await phone.locator('[data-testid="approval-choice"][data-choice-id="MILK-1"]').click();

    const third = await currentQuestion(phone);
    expect(third.kind).toBe('enrolled');
    expect(third.id).not.toBe(first.id);
    await phone.getByTestId('approval-answer').fill(SAID[third.id]!);
    await screenshot(phone, 'approval-phone-chat-mid-ko', { fullPage: false });
    // The same chat in English: the questions follow the language switch.
    await phone.getByTestId('lang-switch').click();
    await screenshot(phone, 'approval-phone-chat-mid-en', { fullPage: false });
    await phone.getByTestId('lang-switch').click();
    await phone.getByTestId('approval-send').click();

    // Two right answers: approved and charged at once.
    await phone.getByTestId('approval-outcome').waitFor({ timeout: 10_000 });
    await expect.poll(() => phone.getByTestId('approval-outcome').getAttribute('data-outcome')).toBe('paid');
    expect(await phone.getByTestId('chat-mine').count()).toBe(3);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-phone-outcome-paid-ko', { fullPage: false });
    await phone.getByTestId('approval-receipt').click();
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state')).toBe('paid');

    // Staff see the decision and the audit: a re-ask and two passes, never an answer.
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'ko-KR' });
    const monitor = await monitorContext.newPage();
    await signIn(monitor);
    await monitor.locator(`[data-testid="order-card"][data-order-id="${orderId}"]`).getByRole('button').first().click();
    const section = monitor.getByTestId('approval-section');
    await section.waitFor();
    await expect.poll(() => monitor.getByTestId('approval-decision').getAttribute('data-outcome')).toBe('approve');
    await expect.poll(() => monitor.getByTestId('approval-turn').count()).toBe(3);
    expect(await monitor.locator('[data-testid="approval-turn"][data-action="reask"]').count()).toBe(1);
    expect(await monitor.locator('[data-testid="approval-turn"][data-verdict="pass"]').count()).toBe(2);
    expect(await monitor.locator('[data-testid="approval-reason"][data-code="dialogue_passed"]').textContent()).toContain('2');
    // The loose answer was the model's to judge (not the exact-answer hash).
    expect(await monitor.locator('[data-testid="approval-turn"][data-verdict="pass"]').last().textContent()).toMatch(/engine:/);
    const text = (await section.textContent())!;
    for (const answer of Object.values(ANSWERS)) expect(text).not.toContain(answer);
    await section.scrollIntoViewIfNeeded();
    await screenshot(monitor, 'approval-monitor-passed-ko', { fullPage: false });

    await Promise.all([phoneContext.close(), monitorContext.close()]);
  });

  it('denies an impostor with the same contact on another phone; staff see why and lift the hold after an ID check', { timeout: 45_000 }, async () => {
    const phoneContext = await browser.newContext({ ...PHONE, locale: 'en-US' });
    const phone = await phoneContext.newPage();

    // Taking the contact over by enrolling it again is refused.
    await phone.goto(`${server.url}/shop/approval/setup`);
    await phone.getByTestId('enrol-contact').fill(CONTACT);
    for (const id of Object.keys(ANSWERS)) {
      await phone.getByTestId(`enrol-pick-${id}`).check();
      await phone.getByTestId(`enrol-answer-${id}`).fill('guess');
    }
    await screenshot(phone, 'approval-phone-enrol-form-en', { fullPage: false });
    await phone.getByTestId('enrol-review').click();
    await phone.getByTestId('enrol-submit').click();
    await expect.poll(() => phone.getByTestId('error-banner').textContent()).toMatch(/already set up/);
    await screenshot(phone, 'approval-phone-enrol-exists-en', { fullPage: false });

    await proveAtKiosk(phone);
    await addToCart(phone, 'SNK-2');
    await checkout(phone, 'Kim Minji');
    await phone.waitForURL(/\/approval$/);
    const orderId = phone.url().split('/').at(-2)!;

    // Wrong answers (a near-miss city among them) until the dialogue fails.
    for (let i = 0; i < 3 && (await phone.getByTestId('approval-outcome').count()) === 0; i++) {
      const q = await currentQuestion(phone);
      if (q.kind === 'history') {
        const choices = await phone.getByTestId('approval-choice').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { choiceId: string } }).dataset.choiceId));
        const decoy = choices.find((id) => id !== 'MILK-1' && id !== 'SNK-2')!;
        await phone.locator(`[data-testid="approval-choice"][data-choice-id="${decoy}"]`).click();
        await expect.poll(async () => (await phone.getByTestId('approval-typing').count()) === 0).toBe(true);
      } else {
        if (i === 0) await screenshot(phone, 'approval-phone-impostor-chat-en', { fullPage: false });
        await answerText(phone, q.id === 'q.birth_city' ? 'Seoul' : 'I am not sure');
      }
    }
    await phone.getByTestId('approval-outcome').waitFor();
    await expect.poll(() => phone.getByTestId('approval-outcome').getAttribute('data-outcome')).toBe('denied');
    expect(await phone.getByTestId('approval-outcome').textContent()).toMatch(/staff at the counter/i);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-phone-outcome-denied-en', { fullPage: false });
    // The receipt says the same: held for staff, nothing to pay again here.
    await phone.getByTestId('approval-receipt').click();
    await expect.poll(() => phone.getByTestId('approval-hold').getAttribute('data-hold')).toBe('approval_denied');
    expect(await phone.getByTestId('pay-again').count()).toBe(0);
    expect(await seriousViolations(phone)).toEqual([]);
    await screenshot(phone, 'approval-phone-receipt-denied-en', { fullPage: false });

    // The monitor: the held order, its reasons and its audited turns.
    const monitorContext = await browser.newContext({ ...STAFF_PC, locale: 'en-US' });
    const monitor = await monitorContext.newPage();
    await signIn(monitor);
    const card = monitor.locator(`[data-testid="order-card"][data-order-id="${orderId}"]`);
    await expect.poll(() => card.getAttribute('data-hold')).toBe('approval_denied');
    expect(await card.getByTestId('hold-badge').textContent()).toMatch(/questions failed/i);
    expect(await monitor.getByTestId('count-approval').textContent()).toContain('1');
    await card.getByRole('button').first().click();
    await monitor.getByTestId('approval-held').waitFor();
    await expect.poll(() => monitor.getByTestId('approval-decision').getAttribute('data-outcome')).toBe('deny');
    const codes = await monitor.getByTestId('approval-reason').evaluateAll((nodes) => nodes.map((n) => (n as unknown as { dataset: { code: string } }).dataset.code));
    expect(codes).toEqual(expect.arrayContaining(['presence_proven', 'device_bound', 'dialogue_failed']));
    expect(await monitor.locator('[data-testid="approval-reason"][data-code="dialogue_failed"]').textContent()).toMatch(/failed \(2 wrong/);
    expect(await monitor.locator('[data-testid="approval-turn"][data-verdict="fail"]').count()).toBe(2);
    await expect.poll(() => monitor.getByTestId('approval-lockout').getAttribute('data-locked')).toBe('false');
    expect(await monitor.getByTestId('hand-over-blocked').getAttribute('data-reason')).toBe('approval_denied');
    expect(await seriousViolations(monitor)).toEqual([]);
    await monitor.getByTestId('approval-section').scrollIntoViewIfNeeded();
    await screenshot(monitor, 'approval-monitor-denied-en', { fullPage: false });
    await monitor.getByTestId('lang-switch').click();
    await screenshot(monitor, 'approval-monitor-denied-ko', { fullPage: false });
    await monitor.getByTestId('lang-switch').click();

    // Staff check the ID at the counter and lift the hold: charged at once, live on the phone.
    expect(await monitor.getByTestId('override-open').getAttribute('data-hold')).toBe('approval_denied');
    await monitor.getByTestId('override-open').click();
    await monitor.getByTestId('override-name').fill('Jiwoo Park');
    await monitor.getByTestId('override-reason').fill('Checked the ID card at the counter');
    await monitor.getByTestId('override-confirm').click();
    await monitor.locator(`[data-testid="order-card"][data-order-id="${orderId}"][data-payment-state="paid"]`).waitFor({ timeout: 10_000 });
    await expect.poll(() => phone.getByTestId('receipt-payment').getAttribute('data-payment-state'), { timeout: 5000 }).toBe('paid');
    expect(await phone.getByTestId('approval-hold').count()).toBe(0);

    await Promise.all([phoneContext.close(), monitorContext.close()]);
  });
});
