// Runs in: node. Request schemas of the order routes.
import { Type, type Static } from 'typebox';
import { Uuid } from '../../schemas.js';
import { PAYMENT_TOKEN_PATTERN } from '../../../protocol/payment-token.js';

/** How the shopper pays: the method and the acquirer's token for it, never card data. */
export const PaymentInput = Type.Object(
  {
    method: Type.Union([Type.Literal('card'), Type.Literal('easy_pay')]),
    token: Type.String({ pattern: PAYMENT_TOKEN_PATTERN }),
  },
  { additionalProperties: false },
);
export type PaymentInput = Static<typeof PaymentInput>;

export const CheckoutBody = Type.Object(
  {
    orderId: Uuid,
    orderer: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 80 }),
        contact: Type.String({ minLength: 3, maxLength: 120 }),
      },
      { additionalProperties: false },
    ),
    fulfilment: Type.Union([
      Type.Object({ type: Type.Literal('pickup') }, { additionalProperties: false }),
      Type.Object(
        { type: Type.Literal('delivery'), address: Type.String({ minLength: 5, maxLength: 300 }) },
        { additionalProperties: false },
      ),
    ]),
    payment: PaymentInput,
  },
  { additionalProperties: false },
);
export type CheckoutBody = Static<typeof CheckoutBody>;

export const OrderIdParams = Type.Object({ id: Uuid });
export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);
export const OrderListQuery = Type.Object({
  state: Type.Optional(
    Type.Union([Type.Literal('placed'), Type.Literal('handed_over'), Type.Literal('cancelled')]),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 500 })),
});
