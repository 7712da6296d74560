// Runs in: node (bench process). The monitor's end-of-day report (issue 6): how long the Z-report
// of one busy business day takes in a station that has kept half a year of orders (500 a day,
// 90,000 in all, each with its items and payment). Baseline, same run and same day: reading that
// day's order rows alone through the same index with no joins or aggregation — the floor any
// report of the day sits on. Both are the median of alternating runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initStation } from '../store/station.js';
import { writeSetting } from '../store/station.js';
import { ManualClock } from '../store/clock.js';
import { ReportService } from '../store/modules/reports/service.js';
import { dayBounds } from '../store/modules/reports/zone.js';
import { seededRandom } from './load.js';
import { percentile, ratio } from './stats.js';
import type { Benchmark } from './types.js';

const DAYS = 180;
const PER_DAY = 500;
const GOAL_MS = 50;
const ZONE = 'Asia/Seoul';
const PRODUCTS = Array.from({ length: 200 }, (_, i) => ({ sku: `SKU-${i}`, name: `상품 ${i}`, price: 500 + ((i * 137) % 40) * 100 }));

export const benchmark: Benchmark = {
  group: 'z_report',
  baseline: "the same day's order rows read through the same index, no joins or sums, same run (median of alternating runs)",
  rows: [
    {
      name: 'z_report_ms',
      unit: 'ms',
      better: 'lower',
      goal: { text: `≤ ${GOAL_MS} ms for a ${PER_DAY}-order day among ${(DAYS * PER_DAY).toLocaleString('en')} orders`, met: (row) => row.value <= GOAL_MS },
    },
  ],
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), 'omni-bench-zreport-'));
    try {
      const { station } = initStation({ dataDir: join(dir, 'data'), storeId: 'BENCH-Z', pin: '123456' });
      writeSetting(station.db, 'time_zone', ZONE);
      const first = dayBounds('2026-05-01', ZONE).start;
      ctx.log(`z_report: filling ${DAYS * PER_DAY} orders over ${DAYS} days`);
      fill(station.db, first);
      const day = '2026-08-15';
      const clock = new ManualClock(dayBounds(day, ZONE).end + 3600_000);
      const reports = new ReportService(station.db, station.config, clock);
      const { start, end } = dayBounds(day, ZONE);
      const floor = station.db.prepare(
        "SELECT id, total, created_at FROM orders WHERE state IN ('placed', 'handed_over', 'cancelled') AND created_at >= ? AND created_at < ?",
      );
      const check = reports.zReport(day);
      if (check.orders.total !== PER_DAY) throw new Error(`z_report: expected ${PER_DAY} orders on ${day}, got ${check.orders.total}`);
      const runs = ctx.quick ? 10 : 60;
      const report: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        if (ctx.signal.aborted) break;
        const a = process.hrtime.bigint();
        reports.zReport(day);
        const b = process.hrtime.bigint();
        floor.all(start, end);
        const c = process.hrtime.bigint();
        // The first runs warm SQLite's page cache and V8: start-up, not the steady figure.
        if (i < 3) continue;
        report.push(Number(b - a) / 1e6);
        baseline.push(Number(c - b) / 1e6);
      }
      station.close();
      const value = percentile(report, 50);
      const base = percentile(baseline, 50);
      return [{ name: 'z_report_ms', value, unit: 'ms', baseline: base, ratio: ratio(value, base) }];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function fill(db: ReturnType<typeof initStation>['station']['db'], first: number): void {
  const random = seededRandom(6);
  const dayMs = 24 * 3600_000;
  db.prepare("INSERT INTO shopper_sessions (id, token_hash, device_id, created_at, last_seen_at) VALUES ('bench', 'bench', 'bench-device', 0, 0)").run();
  const order = db.prepare(
    `INSERT INTO orders (id, number, session_id, device_id, state, total, currency, orderer_name, orderer_contact,
       fulfilment, delivery_address, payment_method, payment_token, request_hash, created_at, updated_at)
     VALUES (?, ?, 'bench', 'bench-device', ?, ?, 'KRW', '김민지', '010-1234-5678', ?, ?, ?, 'tok_bench', 'h', ?, ?)`,
  );
  const item = db.prepare('INSERT INTO order_items (order_id, line, sku, name, unit_price, quantity) VALUES (?, ?, ?, ?, ?, ?)');
  const payment = db.prepare(
    `INSERT INTO payments (id, order_id, amount, currency, method, token_ref, state, created_at, updated_at)
     VALUES (?, ?, ?, 'KRW', ?, 'tok_bench', ?, ?, ?)`,
  );
  let number = 0;
  db.transaction(() => {
    for (let d = 0; d < DAYS; d++) {
      for (let n = 0; n < PER_DAY; n++) {
        number++;
        const id = `bench-${number}`;
        // Opening hours 09:00-21:00 local: the day's orders spread over twelve hours.
        const at = first + d * dayMs + 9 * 3600_000 + Math.floor(random() * 12 * 3600_000);
        const lines = [PRODUCTS[Math.floor(random() * PRODUCTS.length)]!, PRODUCTS[Math.floor(random() * PRODUCTS.length)]!];
        const quantities = [1 + Math.floor(random() * 3), 1];
        const total = lines.reduce((sum, p, i) => sum + p.price * quantities[i]!, 0);
        const roll = random();
        const [state, paid] = roll < 0.05 ? (['cancelled', 'refunded'] as const) : roll < 0.1 ? (['placed', 'declined'] as const) : (['handed_over', 'paid'] as const);
        const delivery = random() < 0.2;
        const method = random() < 0.7 ? 'card' : 'easy_pay';
        order.run(id, number, state, total, delivery ? 'delivery' : 'pickup', delivery ? '서울 중구 세종대로 110' : null, method, at, at + 60_000);
        lines.forEach((p, i) => item.run(id, i + 1, p.sku, p.name, p.price, quantities[i]!));
        payment.run(`pay-${number}`, id, total, method, paid, at, at + 60_000);
      }
    }
  })();
}
