// Runs in: node. Response shapes shared by several route modules (OpenAPI components).
import { Type, type Static } from 'typebox';

// "." and ".." are dot segments a URL cannot carry (see isSku).
export const Sku = Type.String({ pattern: '^(?!\\.{1,2}$)[A-Za-z0-9._-]{1,64}$' });
export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
export const Money = Type.Integer({ minimum: 0, description: 'minor units (won, cents)' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

export const Product = Type.Object(
  {
    sku: Type.String(),
    name: Type.String(),
    nameEn: Type.Optional(Type.String()),
    price: Money,
    currency: Currency,
    image: Type.Optional(Type.String()),
    rfid: Type.Array(Type.String()),
  },
  { $id: 'Product' },
);
export type Product = Static<typeof Product>;

export const CartLine = Type.Object({
  sku: Type.String(),
  name: Type.String(),
  nameEn: Type.Optional(Type.String()),
  unitPrice: Money,
  quantity: Type.Integer({ minimum: 1 }),
  lineTotal: Money,
  currency: Currency,
});

export const Cart = Type.Object(
  {
    items: Type.Array(CartLine),
    count: Type.Integer({ minimum: 0 }),
    total: Money,
    currency: Type.Union([Currency, Type.Null()]),
  },
  { $id: 'Cart' },
);
export type Cart = Static<typeof Cart>;

export const OrderState = Type.Union([
  Type.Literal('placed'),
  Type.Literal('handed_over'),
  Type.Literal('cancelled'),
]);
export type OrderState = Static<typeof OrderState>;

export const PaymentState = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('paid'),
    Type.Literal('paid_offline'),
    Type.Literal('declined'),
    Type.Literal('failed'),
    Type.Literal('refunded'),
  ],
  {
    description:
      'pending: not charged yet (or no central to charge through); paid: captured at central; ' +
      'paid_offline: accepted while central was unreachable, forwarded later; declined: the card ' +
      'was declined (declineCode), another token may be tried; failed: not charged (declineCode, ' +
      'e.g. offline_limit); refunded: the order was cancelled and the money returned',
  },
);
export type PaymentState = Static<typeof PaymentState>;

export const OrderHold = Type.Union(
  [
    Type.Literal('presence_mismatch'),
    Type.Literal('approval_pending'),
    Type.Literal('step_up'),
    Type.Literal('approval_denied'),
    Type.Literal('approval_locked'),
  ],
  {
    description:
      'presence_mismatch: no presence proof from this store for the ordering device within the last ' +
      '10 minutes (DESIGN.md "Presence"); the payment waits until the shopper proves presence ' +
      '(kiosk pairing, loyalty tap, BLE) or staff override it. ' +
      'approval_pending: the shopper is enrolled and must answer the identity dialogue on the phone ' +
      '(DESIGN.md "Approval dialogue"). ' +
      'step_up: the risk decision wants staff to check an ID at the counter (e.g. an unenrolled ' +
      'shopper above the amount allowed on presence alone); staff override it once checked. ' +
      'approval_denied: the identity dialogue of this order failed. ' +
      'approval_locked: 2 failed dialogues within 24 h (in any store of the chain) lock approval ' +
      'for this shopper. Staff see the reasons at GET /api/staff/orders/:id/approval and may ' +
      'override any of these after checking ID',
  },
);
export type OrderHold = Static<typeof OrderHold>;

const OrderFields = {
  id: Type.String(),
  number: Type.Integer(),
  state: OrderState,
  items: Type.Array(
    Type.Object({
      sku: Type.String(),
      name: Type.String(),
      unitPrice: Money,
      quantity: Type.Integer(),
      lineTotal: Money,
    }),
  ),
  total: Money,
  currency: Currency,
  orderer: Type.Object({ name: Type.String(), contact: Type.String() }),
  fulfilment: Type.Object({
    type: Type.Union([Type.Literal('pickup'), Type.Literal('delivery')]),
    address: Type.Optional(Type.String()),
  }),
  payment: Type.Object({
    method: Type.String(),
    brand: Type.Optional(Type.String()),
    /** BIN + last 4 at most, as central reports it. */
    maskedPan: Type.Optional(Type.String()),
  }),
  paymentState: PaymentState,
  declineCode: Type.Optional(Type.String()),
  /** Why the payment was declined or failed, in words a shopper understands (English). */
  paymentMessage: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  cancelReason: Type.Optional(Type.String()),
  /** Why a placed order waits before it is charged; the shopper or staff can clear it. */
  hold: Type.Optional(OrderHold),
  heldAt: Type.Optional(Type.String({ format: 'date-time' })),
};

export const Order = Type.Object(OrderFields, { $id: 'Order' });
export type Order = Static<typeof Order>;

export const StaffOrder = Type.Object(
  {
    ...OrderFields,
    deviceId: Type.String(),
    /** Holds staff lifted on this order (audited in order_overrides), for the board's presence filter. */
    overrides: Type.Optional(Type.Array(OrderHold)),
    /** Why an ID-check hold is there when it is not the risk decision itself: the identity questions expired unanswered. */
    holdCause: Type.Optional(Type.Literal('dialogue_expired')),
  },
  { $id: 'StaffOrder' },
);
export type StaffOrder = Static<typeof StaffOrder>;
