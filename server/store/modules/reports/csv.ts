// Runs in: node. The Z-report as one CSV sheet (RFC 4180, CRLF), behind a UTF-8 byte order mark
// so Excel reads Korean product names instead of mojibake. Stable codes in `section` and `item`
// for scripts, the reader's language in `label`; amounts in minor units of the report currency.
import { toCsv, type Cell } from '../../../central/modules/reports/csv.js';
import type { ZReport } from './schemas.js';
import { reportText, type ReportLang } from './text.js';

export const CSV_HEADER = ['section', 'item', 'label', 'count', 'amount', 'value'] as const;
const BOM = '\uFEFF';

export function zReportCsv(report: ZReport, lang: ReportLang | undefined): string {
  const t = reportText(lang);
  const rows: Cell[][] = [
    ['report', 'number', t.number, null, null, report.reportNumber],
    ['report', 'store', t.store, null, null, `${report.storeName} (${report.storeId})`],
    ['report', 'date', t.date, null, null, report.date],
    ['report', 'time_zone', t.timeZone, null, null, report.timeZone],
    ['report', 'currency', t.currency, null, null, report.currency],
    ['report', 'generated_at', t.generatedAt, null, null, report.generatedAt],
    ['report', 'closed', t.closed, null, null, report.closed ? 'yes' : 'no'],
    ['report', 'first_order_at', t.firstOrder, null, null, report.firstOrderAt],
    ['report', 'last_order_at', t.lastOrder, null, null, report.lastOrderAt],
    ['orders', 'total', t.ordersTotal, report.orders.total, null, null],
    ['orders', 'placed', t.placed, report.orders.placed, null, null],
    ['orders', 'handed_over', t.handedOver, report.orders.handedOver, null, null],
    ['orders', 'cancelled', t.cancelled, report.orders.cancelled, null, null],
    ['sales', 'gross', t.gross, report.gross.count, report.gross.amount, null],
    ['sales', 'refunds', t.refunds, report.refunds.count, report.refunds.amount, null],
    ['sales', 'cancellations', t.cancellations, report.cancellations.count, report.cancellations.amount, null],
    ['sales', 'net', t.net, null, report.net, null],
    ...report.byPaymentMethod.map((m): Cell[] => ['payment_method', m.method, t.method[m.method] ?? m.method, m.count, m.amount, null]),
    ...report.byPaymentState.map((s): Cell[] => ['payment_state', s.state, t.state[s.state] ?? s.state, s.count, s.amount, null]),
    ...report.byFulfilment.map((f): Cell[] => ['fulfilment', f.type, t.fulfilment[f.type] ?? f.type, f.count, f.amount, null]),
    ...report.topProducts.map((p): Cell[] => ['top_product', p.sku, p.name, p.quantity, p.amount, null]),
    ...report.hourly.map((h): Cell[] => {
      const hour = String(h.hour).padStart(2, '0');
      return ['hour', hour, `${hour}:00–${String(h.hour + 1).padStart(2, '0')}:00`, h.count, h.amount, null];
    }),
    ...report.otherCurrencies.flatMap((o): Cell[][] => [
      ['other_currency', `${o.currency}:gross`, `${t.otherCurrencies} ${o.currency} · ${t.gross}`, o.gross.count, o.gross.amount, o.currency],
      ['other_currency', `${o.currency}:refunds`, `${t.otherCurrencies} ${o.currency} · ${t.refunds}`, o.refunds.count, o.refunds.amount, o.currency],
    ]),
  ];
  return BOM + toCsv(CSV_HEADER, rows);
}
