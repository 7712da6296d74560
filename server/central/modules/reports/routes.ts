// Runs in: node. Back-office reports (admin token): JSON, and CSV where people open them in a
// spreadsheet (`format=csv`).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { CentralContext } from '../../context.js';
import { requireAdmin } from '../../plugins/auth.js';
import { Currency, Day, MoneyTotal, StoreId, Timestamp } from '../../schemas.js';
import { toCsv, type Cell } from './csv.js';

const RangeQuery = Type.Object(
  { storeId: StoreId, from: Day, to: Day, format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) },
  { additionalProperties: false },
);
const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

const Ledger = Type.Object({
  storeId: StoreId,
  from: Day,
  to: Day,
  days: Type.Array(
    Type.Object({
      date: Day,
      currency: Currency,
      payments: Type.Integer(),
      declined: Type.Integer(),
      authorized: MoneyTotal,
      captured: MoneyTotal,
      refunded: MoneyTotal,
      net: MoneyTotal,
    }),
  ),
  payments: Type.Array(
    Type.Object({
      date: Day,
      id: Type.String(),
      orderId: Type.String(),
      state: Type.String(),
      currency: Currency,
      amount: MoneyTotal,
      amountCaptured: MoneyTotal,
      amountRefunded: MoneyTotal,
      brand: Nullable(Type.String()),
      maskedPan: Nullable(Type.String()),
      declineCode: Nullable(Type.String()),
      offline: Type.Boolean(),
      createdAt: Timestamp,
    }),
  ),
});

const Refunds = Type.Object({
  storeId: StoreId,
  from: Day,
  to: Day,
  refunds: Type.Array(
    Type.Object({ date: Day, id: Type.String(), paymentId: Type.String(), orderId: Type.String(), currency: Currency, amount: MoneyTotal, createdAt: Timestamp }),
  ),
});

const Side = Type.Object({ captured: MoneyTotal, refunded: MoneyTotal });
const SideWithNet = Type.Object({ captured: MoneyTotal, refunded: MoneyTotal, net: MoneyTotal });
const Reconciliation = Type.Object({
  storeId: StoreId,
  date: Day,
  balanced: Type.Boolean(),
  totals: Type.Array(Type.Object({ currency: Currency, station: SideWithNet, central: SideWithNet })),
  mismatches: Type.Array(
    Type.Object({
      orderId: Type.String(),
      currency: Currency,
      reason: Type.Union([Type.Literal('missing_at_central'), Type.Literal('missing_at_station'), Type.Literal('amount_differs')]),
      station: Side,
      central: Side,
    }),
  ),
  unreadableEvents: Type.Array(Type.String()),
});

const csvResponse = Type.String({ description: 'text/csv' });

function sendCsv(reply: FastifyReply, name: string, header: readonly string[], rows: readonly (readonly Cell[])[]) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`)
    .send(toCsv(header, rows));
}

export const reportRoutes: FastifyPluginAsyncTypebox<{ ctx: CentralContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAdmin(ctx));
  const common = { tags: ['reports'], security: [{ admin: [] }] };

  app.get(
    '/admin/reports/ledger',
    { schema: { ...common, summary: 'Payments per store and day, with day totals per currency', querystring: RangeQuery, response: { 200: Type.Union([Ledger, csvResponse]) } } },
    async (request, reply) => {
      const { storeId, from, to, format } = request.query;
      const ledger = await ctx.reports.ledger(storeId, from, to);
      if (format !== 'csv') return ledger;
      return sendCsv(
        reply,
        `ledger-${storeId}-${from}-${to}`,
        ['date', 'payment_id', 'order_id', 'state', 'currency', 'amount', 'amount_captured', 'amount_refunded', 'brand', 'masked_pan', 'decline_code', 'offline', 'created_at'],
        ledger.payments.map((p) => [p.date, p.id, p.orderId, p.state, p.currency, p.amount, p.amountCaptured, p.amountRefunded, p.brand, p.maskedPan, p.declineCode, p.offline ? 'yes' : 'no', p.createdAt]),
      );
    },
  );

  app.get(
    '/admin/reports/refunds',
    { schema: { ...common, summary: 'Refunds per store and day', querystring: RangeQuery, response: { 200: Type.Union([Refunds, csvResponse]) } } },
    async (request, reply) => {
      const { storeId, from, to, format } = request.query;
      const report = await ctx.reports.refunds(storeId, from, to);
      if (format !== 'csv') return report;
      return sendCsv(
        reply,
        `refunds-${storeId}-${from}-${to}`,
        ['date', 'refund_id', 'payment_id', 'order_id', 'currency', 'amount', 'created_at'],
        report.refunds.map((r) => [r.date, r.id, r.paymentId, r.orderId, r.currency, r.amount, r.createdAt]),
      );
    },
  );

  app.get(
    '/admin/reports/reconciliation',
    {
      schema: {
        ...common,
        summary: "A day's station totals (synced payment events) against central's, mismatches listed per order",
        querystring: Type.Object({ storeId: StoreId, date: Day }, { additionalProperties: false }),
        response: { 200: Reconciliation },
      },
    },
    async (request) => ctx.reports.reconciliation(request.query.storeId, request.query.date),
  );
};
