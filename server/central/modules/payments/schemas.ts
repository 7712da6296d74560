// Runs in: node. Request and response shapes of the payment routes.
import { Type, type Static } from 'typebox';
import { Amount, Currency, StoreId, Timestamp, Uuid } from '../../schemas.js';
import { PAYMENT_TOKEN_PATTERN } from '../../../protocol/payment-token.js';
import { KEY_PATTERN } from '../../plugins/idempotency.js';

export const CreatePaymentBody = Type.Object(
  {
    orderId: Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$' }),
    amount: Amount,
    currency: Currency,
    /** An acquirer token, never card data. */
    token: Type.String({ pattern: PAYMENT_TOKEN_PATTERN }),
    capture: Type.Boolean(),
    offline: Type.Optional(Type.Object({ acceptedAt: Timestamp }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const CaptureBody = Type.Object({ amount: Type.Optional(Amount) }, { additionalProperties: false });
export const CancelBody = Type.Object({}, { additionalProperties: false, description: 'empty; send {}' });
export const RefundBody = Type.Object({ amount: Amount }, { additionalProperties: false });
export const PaymentParams = Type.Object({ id: Uuid }, { additionalProperties: false });
/** The Idempotency-Key a create call was sent under, as the idempotency ledger accepts it. */
export const AttemptParams = Type.Object({ key: Type.String({ pattern: KEY_PATTERN.source }) }, { additionalProperties: false });

export const PaymentStateSchema = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('authorized'),
    Type.Literal('captured'),
    Type.Literal('declined'),
    Type.Literal('cancelled'),
    Type.Literal('refunded'),
    Type.Literal('partially_refunded'),
    Type.Literal('failed'),
  ],
  { description: 'pending and failed are seen only by GET: a call that ends in them answers 502/504' },
);

export const Payment = Type.Object(
  {
    id: Uuid,
    storeId: StoreId,
    orderId: Type.String(),
    amount: Amount,
    currency: Currency,
    state: PaymentStateSchema,
    amountCaptured: Type.Integer({ minimum: 0 }),
    amountRefunded: Type.Integer({ minimum: 0 }),
    brand: Type.Union([Type.String(), Type.Null()]),
    maskedPan: Type.Union([Type.String(), Type.Null()]),
    declineCode: Type.Optional(Type.String()),
    offlineAcceptedAt: Type.Optional(Timestamp),
    refunds: Type.Array(Type.Object({ id: Uuid, amount: Amount, createdAt: Timestamp })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Payment' },
);
export type Payment = Static<typeof Payment>;

export const PaymentAttempt = Type.Object(
  {
    key: Type.String(),
    state: Type.Union([Type.Literal('unknown'), Type.Literal('in_progress'), Type.Literal('done')], {
      description:
        'unknown: no request under this key reached central (or its key expired); in_progress: one is running; ' +
        'done: answered, with the payment it booked if it booked one',
    }),
    payment: Type.Optional(Type.Ref('Payment')),
  },
  { additionalProperties: false },
);
