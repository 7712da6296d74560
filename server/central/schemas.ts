// Runs in: node. Request and response shapes shared by several central route modules.
import { Type } from 'typebox';
import { STORE_ID_PATTERN } from '../protocol/label.js';

export const StoreId = Type.String({ pattern: STORE_ID_PATTERN.source, description: 'the store number, [A-Z0-9-]{4,32}' });
export const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
});
/** Integer minor units (won, cents); never a float. 10^13 keeps sums far inside 2^53. */
export const Amount = Type.Integer({ minimum: 1, maximum: 10_000_000_000_000, description: 'minor units (won, cents)' });
export const MoneyTotal = Type.Integer({ description: 'minor units' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
export const Timestamp = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$',
  description: 'ISO 8601 date-time with a zone',
});
export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (UTC day)' });

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
