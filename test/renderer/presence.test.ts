// Runs in: node (vitest). Presence in the apps: the fetch-SSE parser and backoff, kiosk pairing
// URLs, the kiosk's rules and store (pairing, taps, idle reset, Done), the QR drawing, held
// orders (shopper and monitor rules), the shopper's live feed and the monitor's device panel.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { retryDelay, SseParser } from '../../renderer/shared/sse';
import { pairingTarget } from '../../renderer/shopper/pairing';
import { IDLE_MS, secondsLeft, tapFeedback, tokenFromHash } from '../../renderer/kiosk/logic';
import { qrShape } from '../../renderer/kiosk/qr';
import { useKioskStore } from '../../renderer/kiosk/stores/kiosk';
import { kioskApi } from '../../renderer/kiosk/api';
import { canPayAgain, handOverBlock, isHeld } from '../../renderer/shared/payment';
import { heldCount, parseReaderIds } from '../../renderer/monitor/board';
import { useDevicesStore, DEVICES_POLL_MS, EVENT_REFRESH_MS } from '../../renderer/monitor/stores/devices';
import { staffApi } from '../../renderer/monitor/api';
import { useLiveStore } from '../../renderer/shopper/stores/live';
import { useCartStore } from '../../renderer/shopper/stores/cart';
import { useOrdersStore } from '../../renderer/shopper/stores/orders';
import { usePresenceStore } from '../../renderer/shopper/stores/presence';
import type { Cart, DevicePanel, Order, StaffOrder } from '../../renderer/shared/types';

const NONCE = 'AbCdEfGhIjKlMnOpQrStUv';

function cart(lines: [string, number][]): Cart {
  const items = lines.map(([sku, quantity]) => ({
    sku,
    name: `상품 ${sku}`,
    nameEn: `Product ${sku}`,
    unitPrice: 1000,
    quantity,
    lineTotal: 1000 * quantity,
    currency: 'KRW',
  }));
  return { items, count: items.reduce((n, l) => n + l.quantity, 0), total: items.reduce((n, l) => n + l.lineTotal, 0), currency: items.length ? 'KRW' : null };
}

function order(overrides: Partial<StaffOrder> = {}): StaffOrder {
  const at = '2026-11-25T09:00:00.000Z';
  return {
    id: '00000000-0000-4000-8000-000000000001',
    number: 1,
    state: 'placed',
    items: [{ sku: 'A-1', name: '사과', unitPrice: 1500, quantity: 1, lineTotal: 1500 }],
    total: 1500,
    currency: 'KRW',
    orderer: { name: '김민수', contact: '010-1234-5678' },
    fulfilment: { type: 'pickup' },
    payment: { method: 'card' },
    paymentState: 'pending',
    createdAt: at,
    updatedAt: at,
    deviceId: 'device-0001',
    ...overrides,
  };
}

describe('SseParser', () => {
  it('reads events split anywhere across chunks, with CRLF, comments and multi-line data', () => {
    const parser = new SseParser();
    const text = ': heartbeat\r\nevent: cart\r\ndata: {"a":\r\ndata: 1}\r\nid: 7\r\n\r\nevent: order\ndata: {}\n\ndata: plain\n\n';
    const out = [];
    for (const ch of text) out.push(...parser.feed(ch));
    expect(out).toEqual([
      { event: 'cart', data: '{"a":\n1}', id: '7' },
      { event: 'order', data: '{}', id: '7' },
      { event: 'message', data: 'plain', id: '7' },
    ]);
  });

  it('ignores retry fields and blocks without data', () => {
    const parser = new SseParser();
    expect(parser.feed('retry: 2000\nevent: nothing\n\nevent: x\ndata:no-space\n\n')).toEqual([{ event: 'x', data: 'no-space' }]);
  });

  it('backs off 1, 2, 5, 10, then 20 s with ±20 % jitter', () => {
    expect(retryDelay(0, () => 0.5)).toBe(1000);
    expect(retryDelay(3, () => 0.5)).toBe(10_000);
    expect(retryDelay(50, () => 0.5)).toBe(20_000);
    expect(retryDelay(1, () => 0)).toBe(1600);
    expect(retryDelay(1, () => 1)).toBe(2400);
  });
});

describe('pairingTarget', () => {
  it('reads the kiosk and code of a pairing URL from any station address', () => {
    expect(pairingTarget(`https://omnistation.local/shop/pair/K-1/${NONCE}`)).toEqual({ kioskId: 'K-1', nonce: NONCE });
    expect(pairingTarget(` http://10.0.0.5:8080/shop/pair/entrance/${NONCE}/ `)).toEqual({ kioskId: 'entrance', nonce: NONCE });
    expect(pairingTarget(`/shop/pair/K-1/${NONCE}`)).toEqual({ kioskId: 'K-1', nonce: NONCE });
  });

  it('refuses labels, other QR codes and malformed ids', () => {
    expect(pairingTarget('https://omnistation.local/q/TEST-001/MILK-1?s=abc')).toBeNull();
    expect(pairingTarget('WIFI:S:shop;T:WPA;P:secret;;')).toBeNull();
    expect(pairingTarget(`javascript:alert(1)//shop/pair/K-1/${NONCE}`)).toBeNull();
    expect(pairingTarget('https://x/shop/pair/K-1/short')).toBeNull();
    expect(pairingTarget(`https://x/shop/pair/K_1!/${NONCE}`)).toBeNull();
    expect(pairingTarget(`https://x/shop/pair/K-1/${NONCE}/extra`)).toBeNull();
  });
});

describe('kiosk rules', () => {
  it('takes the enrolment token from the link hash only', () => {
    const token = 'a'.repeat(43);
    expect(tokenFromHash(`#token=${token}`)).toBe(token);
    expect(tokenFromHash('#token=short')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash(`#other=${token}`)).toBeNull();
  });

  it('counts the pairing code down in whole seconds, never below zero', () => {
    const now = Date.parse('2026-11-25T09:00:00.000Z');
    expect(secondsLeft('2026-11-25T09:00:20.000Z', now)).toBe(20);
    expect(secondsLeft('2026-11-25T09:00:00.400Z', now)).toBe(1);
    expect(secondsLeft('2026-11-25T08:59:00.000Z', now)).toBe(0);
    expect(secondsLeft('nonsense', now)).toBe(0);
  });

  it('says what a tap did, success or error', () => {
    expect(tapFeedback({ result: 'added', sku: 'A', name: '사과' })).toEqual({ tone: 'success', key: 'kiosk.tap.added', name: '사과' });
    expect(tapFeedback({ result: 'loyalty' }).tone).toBe('success');
    expect(tapFeedback({ result: 'loyalty_linked' }).key).toBe('kiosk.tap.loyalty_linked');
    expect(tapFeedback({ result: 'not_paired' })).toEqual({ tone: 'error', key: 'kiosk.tap.not_paired' });
    expect(tapFeedback({ result: 'refused', code: 'cart_full' })).toEqual({ tone: 'error', key: 'kiosk.tap.refused', errorCode: 'cart_full' });
    expect(tapFeedback({ result: 'whatever' as 'unknown' }).tone).toBe('error');
  });

  it('draws a QR code as squares inside a 4-module quiet zone', () => {
    const shape = qrShape(`https://omnistation.local/shop/pair/K-1/${NONCE}`);
    expect(shape.size).toBeGreaterThanOrEqual(25);
    expect(shape.box).toBe(shape.size + 8);
    const squares = shape.path.match(/M\d+ \d+h1v1h-1z/g) ?? [];
    expect(squares.length).toBeGreaterThan(shape.size * 4);
    // The top-left finder pattern starts at the quiet zone's corner.
    expect(shape.path.startsWith('M4 4h1v1h-1z')).toBe(true);
  });
});

describe('kiosk store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('shows the paired cart, each tap, and goes back to attract after a minute without events', async () => {
    const unpair = vi.spyOn(kioskApi, 'unpair').mockResolvedValue(undefined);
    const kiosk = useKioskStore();
    kiosk.screen = 'attract';
    expect(kiosk.apply('pairing', { url: `https://s/shop/pair/K-1/${NONCE}`, expiresAt: '2026-11-25T09:00:20.000Z' })).toBe(true);
    expect(kiosk.pairing?.url).toContain('/shop/pair/K-1/');
    kiosk.apply('paired', { cart: cart([]), pairedAt: '2026-11-25T09:00:00.000Z' });
    expect(kiosk.screen).toBe('paired');

    vi.advanceTimersByTime(IDLE_MS - 1000);
    kiosk.apply('tap', { result: 'added', sku: 'A', name: '사과', at: '2026-11-25T09:00:59.000Z' });
    kiosk.apply('cart', { cart: cart([['A', 1]]) });
    expect(kiosk.tap?.result).toBe('added');
    const firstSeq = kiosk.tap?.seq;
    kiosk.apply('tap', { result: 'added', sku: 'A', name: '사과', at: '2026-11-25T09:01:00.000Z' });
    expect(kiosk.tap?.seq).not.toBe(firstSeq); // the same product twice still flashes twice
    expect(kiosk.cart?.count).toBe(1);

    vi.advanceTimersByTime(IDLE_MS - 1000);
    expect(kiosk.screen).toBe('paired'); // the taps reset the idle time
    vi.advanceTimersByTime(1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(kiosk.screen).toBe('attract');
    expect(kiosk.farewell).toBe('idle');
    expect(kiosk.cart).toBeNull();
    expect(unpair).toHaveBeenCalledTimes(1);
  });

  it('Done returns to attract at once and keeps its thank-you when the station confirms', async () => {
    const unpair = vi.spyOn(kioskApi, 'unpair').mockResolvedValue(undefined);
    const kiosk = useKioskStore();
    kiosk.apply('paired', { cart: cart([['A', 2]]), pairedAt: '2026-11-25T09:00:00.000Z' });
    await kiosk.finish('done');
    expect(kiosk.screen).toBe('attract');
    kiosk.apply('unpaired', { reason: 'idle' });
    expect(kiosk.farewell).toBe('done');
    expect(unpair).toHaveBeenCalledTimes(1);
  });

  it('goes back when the shopper pairs at another kiosk, and survives an unpairing that fails', async () => {
    vi.spyOn(kioskApi, 'unpair').mockRejectedValue(new Error('offline'));
    const kiosk = useKioskStore();
    kiosk.apply('paired', { cart: cart([]), pairedAt: '2026-11-25T09:00:00.000Z' });
    kiosk.apply('unpaired', { reason: 'other_kiosk' });
    expect(kiosk.screen).toBe('attract');
    expect(kiosk.farewell).toBe('other_kiosk');
    kiosk.apply('paired', { cart: cart([]), pairedAt: '2026-11-25T09:00:00.000Z' });
    await expect(kiosk.finish('done')).resolves.toBeUndefined();
    expect(kiosk.screen).toBe('attract');
  });
});

describe('held orders', () => {
  it('are placed, pending and held for presence', () => {
    expect(isHeld(order({ hold: 'presence_mismatch' }))).toBe(true);
    expect(isHeld(order())).toBe(false);
    expect(isHeld(order({ hold: 'presence_mismatch', paymentState: 'paid' }))).toBe(false);
    expect(isHeld(order({ hold: 'presence_mismatch', state: 'cancelled' }))).toBe(false);
  });

  it('cannot be paid again by the shopper or handed over, and say why', () => {
    const held = order({ hold: 'presence_mismatch' });
    expect(canPayAgain(held)).toBe(false);
    expect(canPayAgain(order())).toBe(true);
    expect(handOverBlock(held)).toBe('presence_mismatch');
    expect(handOverBlock(order())).toBe('pending');
  });

  it('are counted on the board', () => {
    expect(heldCount([order({ hold: 'presence_mismatch' }), order({ id: 'b' }), order({ id: 'c', hold: 'presence_mismatch', paymentState: 'paid' })])).toBe(1);
  });

  it('reads reader ids as staff type them', () => {
    expect(parseReaderIds(' r-1, r-2  r-1,,')).toEqual(['r-1', 'r-2']);
    expect(parseReaderIds('')).toEqual([]);
  });
});

describe('shopper live feed', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('puts a kiosk tap in the cart and says what was added; its own changes stay quiet', () => {
    const live = useLiveStore();
    const carts = useCartStore();
    expect(live.apply({ event: 'stream.ready', data: JSON.stringify({ cart: cart([['A', 1]]) }) })).toBe(true);
    expect(live.status).toBe('live');
    expect(carts.count).toBe(1);
    expect(live.lastAdded).toBeNull();
    live.apply({ event: 'cart', data: JSON.stringify({ cart: cart([['A', 1], ['B', 1]]) }) });
    expect(live.lastAdded?.line.sku).toBe('B');
    live.apply({ event: 'cart', data: JSON.stringify({ cart: cart([['A', 2], ['B', 1]]) }) });
    expect(live.lastAdded?.line.sku).toBe('A');
    const seq = live.lastAdded?.seq;
    live.apply({ event: 'cart', data: JSON.stringify({ cart: cart([['A', 1]]) }) }); // removed: no news
    expect(live.lastAdded?.seq).toBe(seq);
  });

  it('turns a held order paid live and keeps the newest copy', () => {
    const live = useLiveStore();
    const orders = useOrdersStore();
    const held: Order = { ...order({ hold: 'presence_mismatch', heldAt: '2026-11-25T09:00:00.000Z' }) };
    live.apply({ event: 'order', data: JSON.stringify({ order: held }) });
    expect(orders.byId[held.id]?.hold).toBe('presence_mismatch');
    const paid: Order = { ...held, hold: undefined, heldAt: undefined, paymentState: 'paid', updatedAt: '2026-11-25T09:01:00.000Z' };
    live.apply({ event: 'order', data: JSON.stringify({ order: paid }) });
    expect(orders.byId[held.id]?.paymentState).toBe('paid');
    expect(live.lastReleased?.id).toBe(held.id);
    live.apply({ event: 'order', data: JSON.stringify({ order: held }) }); // late, older copy
    expect(orders.byId[held.id]?.paymentState).toBe('paid');
  });

  it('records presence proofs and ignores what it cannot read', () => {
    const live = useLiveStore();
    const presence = usePresenceStore();
    live.apply({ event: 'presence', data: JSON.stringify({ proven: true, lastProof: { kind: 'loyalty', at: '2026-11-25T09:00:00.000Z' } }) });
    expect(presence.proven).toBe(true);
    expect(presence.lastProof?.kind).toBe('loyalty');
    expect(live.apply({ event: 'cart', data: 'not json' })).toBe(false);
    expect(live.apply({ event: 'mystery', data: '{}' })).toBe(false);
  });
});

describe('monitor device panel', () => {
  const PANEL: DevicePanel = { radio: null, readers: [{ id: 'r-1', vendorId: 0xffff, productId: 1, mode: 'keyboard-wedge' }], lastTap: null, kiosks: [] };

  beforeEach(() => {
    setActivePinia(createPinia());
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('polls every 5 s only while open, and refreshes once for a burst of events', async () => {
    const devices = vi.spyOn(staffApi, 'devices').mockResolvedValue(PANEL);
    const store = useDevicesStore();
    store.noteEvent();
    await vi.advanceTimersByTimeAsync(DEVICES_POLL_MS * 2);
    expect(devices).not.toHaveBeenCalled();

    store.setOpen(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(devices).toHaveBeenCalledTimes(1);
    expect(store.panel?.readers[0]?.id).toBe('r-1');
    await vi.advanceTimersByTimeAsync(DEVICES_POLL_MS);
    expect(devices).toHaveBeenCalledTimes(2);

    store.noteEvent();
    store.noteEvent();
    store.noteEvent();
    await vi.advanceTimersByTimeAsync(EVENT_REFRESH_MS);
    expect(devices).toHaveBeenCalledTimes(3);

    store.setOpen(false);
    await vi.advanceTimersByTimeAsync(DEVICES_POLL_MS * 3);
    expect(devices).toHaveBeenCalledTimes(3);
  });

  it('keeps the last panel and marks it stale when the station does not answer', async () => {
    const devices = vi.spyOn(staffApi, 'devices').mockResolvedValueOnce(PANEL).mockRejectedValueOnce(new Error('down'));
    const store = useDevicesStore();
    await store.refresh();
    await store.refresh();
    expect(devices).toHaveBeenCalledTimes(2);
    expect(store.stale).toBe(true);
    expect(store.panel).toEqual(PANEL);
  });

  it('shows the link of a kiosk just added', async () => {
    vi.spyOn(staffApi, 'devices').mockResolvedValue(PANEL);
    const add = vi.spyOn(staffApi, 'addKiosk').mockResolvedValue({
      kiosk: { id: 'K-1', name: 'Entrance', readerIds: ['r-1'], paired: false },
      link: 'https://s/kiosk/#token=abc',
    });
    const store = useDevicesStore();
    await store.addKiosk('K-1', 'Entrance', ['r-1']);
    expect(add).toHaveBeenCalledWith('K-1', 'Entrance', ['r-1']);
    expect(store.link).toEqual({ kioskId: 'K-1', name: 'Entrance', link: 'https://s/kiosk/#token=abc' });
  });
});
