// Runs in: node. Shapes of the station → central sync routes (docs/central-api.md "Sync").
import { Type, type Static } from 'typebox';
import { StoreId, Timestamp } from '../../schemas.js';

export const MAX_BATCH_EVENTS = 500;

export const SyncEvent = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$', description: 'UUIDv7, lower-case' }),
    seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    type: Type.String({
      pattern: '^[a-z][a-z_]*(\\.[a-z][a-z_]*)+$',
      maxLength: 64,
      description: 'order.placed, order.updated, payment.authorized, payment.captured, payment.offline_accepted, payment.declined, payment.refunded, …',
    }),
    occurredAt: Timestamp,
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type SyncEvent = Static<typeof SyncEvent>;

export const SyncBatchBody = Type.Object(
  { storeId: StoreId, events: Type.Array(SyncEvent, { maxItems: MAX_BATCH_EVENTS }) },
  { additionalProperties: false },
);
export type SyncBatchBody = Static<typeof SyncBatchBody>;

export const SyncAck = Type.Object({
  ackSeq: Type.Integer({ minimum: 0, description: 'every event 1..ackSeq of this store is stored at central' }),
});
