// Runs in: node (vitest). The monitor's report store: the station decides "today", a picked day
// is asked by date, a slower answer for a day no longer chosen is dropped, and order events
// reload an open day once per burst but never a closed one; plus the business-day formatters.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { LIVE_RELOAD_MS, useReportsStore, type ZReport } from '../../renderer/monitor/stores/reports';
import { formatDateTimeIn, formatDay, formatTimeIn } from '../../renderer/shared/format';

function report(date: string, closed: boolean, gross = 0): ZReport {
  return {
    reportNumber: `Z-TEST-001-${date.replaceAll('-', '')}`,
    storeId: 'TEST-001',
    storeName: 'Test',
    date,
    timeZone: 'Asia/Seoul',
    from: `${date}T00:00:00.000Z`,
    to: `${date}T00:00:00.000Z`,
    closed,
    generatedAt: '2026-11-26T02:00:00.000Z',
    currency: 'KRW',
    orders: { total: 0, placed: 0, handedOver: 0, cancelled: 0 },
    gross: { count: gross > 0 ? 1 : 0, amount: gross },
    refunds: { count: 0, amount: 0 },
    cancellations: { count: 0, amount: 0 },
    net: gross,
    byPaymentMethod: [],
    byPaymentState: [],
    byFulfilment: [],
    topProducts: [],
    hourly: [],
    firstOrderAt: null,
    lastOrderAt: null,
    otherCurrencies: [],
  };
}

interface Pending {
  url: string;
  resolve(body: ZReport): void;
}

let pending: Pending[];

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers();
  pending = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(
      (url: string) =>
        new Promise<Response>((resolve) => {
          pending.push({ url, resolve: (body) => resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) });
        }),
    ),
  );
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function answer(index: number, body: ZReport): Promise<void> {
  pending[index]!.resolve(body);
  await vi.runAllTicks();
  await Promise.resolve();
  await vi.advanceTimersByTimeAsync(0);
}

describe('monitor reports store', () => {
  it('asks for today without a date, learns it, and asks a picked day by date', async () => {
    const reports = useReportsStore();
    const first = reports.load();
    expect(pending[0]!.url).toBe('/api/staff/reports/z');
    await answer(0, report('2026-11-26', false));
    await first;
    expect(reports.today).toBe('2026-11-26');

    const picked = reports.choose('2026-11-20');
    expect(pending[1]!.url).toBe('/api/staff/reports/z?date=2026-11-20');
    await answer(1, report('2026-11-20', true));
    await picked;
    expect(reports.report?.date).toBe('2026-11-20');

    // Picking today again follows the station's today (no date), so it rolls over at midnight.
    void reports.choose('2026-11-26');
    expect(reports.date).toBeNull();
    expect(pending[2]!.url).toBe('/api/staff/reports/z');
  });

  it('drops a slower answer for a day no longer chosen', async () => {
    const reports = useReportsStore();
    void reports.choose('2026-11-20');
    void reports.choose('2026-11-21');
    await answer(1, report('2026-11-21', true));
    await answer(0, report('2026-11-20', true));
    expect(reports.report?.date).toBe('2026-11-21');
    expect(reports.loading).toBe(false);
  });

  it('reloads an open day once after a burst of order events, and a closed day never', async () => {
    const reports = useReportsStore();
    void reports.load();
    await answer(0, report('2026-11-26', false, 1500));
    for (let i = 0; i < 5; i++) {
      reports.noteOrderEvent();
      await vi.advanceTimersByTimeAsync(LIVE_RELOAD_MS / 5);
    }
    expect(pending).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(LIVE_RELOAD_MS);
    expect(pending).toHaveLength(2);
    await answer(1, report('2026-11-26', false, 3000));
    expect(reports.report?.gross.amount).toBe(3000);

    void reports.choose('2026-11-20');
    await answer(2, report('2026-11-20', true));
    reports.noteOrderEvent();
    await vi.advanceTimersByTimeAsync(LIVE_RELOAD_MS * 3);
    expect(pending).toHaveLength(3);
  });
});

describe('business-day formatting', () => {
  it('writes a YYYY-MM-DD day as that calendar day in Korean and English, whatever the zone', () => {
    expect(formatDay('2026-11-26', 'ko-KR')).toBe('2026년 11월 26일 목요일');
    expect(formatDay('2026-11-26', 'en-US')).toBe('Thursday, November 26, 2026');
  });

  it('shows instants on the station’s wall clock', () => {
    // 15:00 UTC is midnight in Seoul.
    expect(formatTimeIn('2026-11-25T15:00:00.000Z', 'en-US', 'Asia/Seoul')).toBe('12:00 AM');
    expect(formatTimeIn('2026-11-25T15:00:00.000Z', 'en-US', 'UTC')).toBe('3:00 PM');
    expect(formatDateTimeIn('2026-11-25T15:00:00.000Z', 'en-US', 'Asia/Seoul')).toContain('Nov 26, 2026');
  });
});
