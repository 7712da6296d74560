// Runs in: node. The Z-report's request and answer shapes (OpenAPI components of the reports routes).
import { Type, type Static } from 'typebox';

const Count = Type.Integer({ minimum: 0 });
const Amount = Type.Integer({ description: 'minor units of `currency` (won, cents)' });
const Instant = Type.String({ description: 'ISO 8601, UTC' });
const Figure = Type.Object({ count: Count, amount: Amount });

export const ReportQuery = Type.Object(
  {
    date: Type.Optional(Type.String({ maxLength: 32, description: 'YYYY-MM-DD, a business day in the station time zone; default today' })),
    lang: Type.Optional(Type.Union([Type.Literal('ko'), Type.Literal('en')], { description: 'labels of the CSV and PDF; default en' })),
  },
  { additionalProperties: false },
);
export type ReportQuery = Static<typeof ReportQuery>;

export const PaymentStateName = Type.Union([
  Type.Literal('pending'),
  Type.Literal('paid'),
  Type.Literal('paid_offline'),
  Type.Literal('declined'),
  Type.Literal('failed'),
  Type.Literal('refunded'),
]);

export const ZReport = Type.Object(
  {
    reportNumber: Type.String({ description: 'Z-<storeId>-<YYYYMMDD>: one per store and business day' }),
    storeId: Type.String(),
    storeName: Type.String(),
    date: Type.String({ description: 'the business day, YYYY-MM-DD' }),
    timeZone: Type.String({ description: 'IANA zone the day is counted in' }),
    from: Instant,
    to: Instant,
    closed: Type.Boolean({ description: 'the day is over: the figures of its orders no longer grow' }),
    generatedAt: Instant,
    currency: Type.String({ description: 'the store currency; every amount below is in it' }),
    orders: Type.Object(
      { total: Count, placed: Count, handedOver: Count, cancelled: Count },
      { description: 'orders placed this day (any currency), by their fulfilment state now' },
    ),
    gross: Type.Object({ ...Figure.properties }, { description: 'sales: orders placed this day whose payment was captured (paid, paid offline, later refunded)' }),
    refunds: Type.Object({ ...Figure.properties }, { description: 'refunds made this day (of orders of any day)' }),
    cancellations: Type.Object({ ...Figure.properties }, { description: 'orders cancelled this day (of any day), paid or not; amount is their totals' }),
    net: Amount,
    byPaymentMethod: Type.Array(Type.Object({ method: Type.String(), ...Figure.properties }), { description: 'sales by payment method' }),
    byPaymentState: Type.Array(Type.Object({ state: PaymentStateName, ...Figure.properties }), {
      description: 'orders placed this day by payment state now; every state, in a fixed order',
    }),
    byFulfilment: Type.Array(Type.Object({ type: Type.Union([Type.Literal('pickup'), Type.Literal('delivery')]), ...Figure.properties }), {
      description: 'sales by pick-up or delivery',
    }),
    topProducts: Type.Array(Type.Object({ sku: Type.String(), name: Type.String(), quantity: Count, amount: Amount }), {
      description: 'the ten products with the most sales, by amount',
    }),
    hourly: Type.Array(Type.Object({ hour: Type.Integer({ minimum: 0, maximum: 23 }), ...Figure.properties }), {
      description: 'sales by local hour of the order, 24 entries',
    }),
    firstOrderAt: Type.Union([Instant, Type.Null()]),
    lastOrderAt: Type.Union([Instant, Type.Null()]),
    otherCurrencies: Type.Array(
      Type.Object({ currency: Type.String(), gross: Figure, refunds: Figure }),
      { description: 'sales and refunds in currencies other than the store currency, kept apart' },
    ),
  },
  { title: 'ZReport' },
);
export type ZReport = Static<typeof ZReport>;
export type PaymentStateName = Static<typeof PaymentStateName>;
