// Runs in: node. How checkout pays and how much the station may accept while central is away.
// Read from the station's settings table (keys below), so IT tunes them per store without a
// build; amounts are minor units of the store's currency.
import type { Db } from '../../db.js';
import { readSetting, StationError } from '../../station.js';

export interface PaymentSettings {
  /** How long checkout waits for central before it decides offline. */
  timeoutMs: number;
  /** The most one payment accepted offline may be. */
  offlineMaxPerPayment: number;
  /** The most all payments accepted offline and not yet forwarded may add up to. */
  offlineMaxOutstanding: number;
  /** An offline payment not forwarded within this is given up, as card networks refuse it after. */
  offlineExpiryMs: number;
}

// As Stripe Terminal and Square bound offline mode: a modest amount per payment and in total.
export const DEFAULT_PAYMENT_SETTINGS: PaymentSettings = {
  timeoutMs: 5_000,
  offlineMaxPerPayment: 50_000,
  offlineMaxOutstanding: 300_000,
  offlineExpiryMs: 24 * 60 * 60 * 1000,
};

export const PAYMENT_SETTING_KEYS: Record<keyof PaymentSettings, string> = {
  timeoutMs: 'payment_timeout_ms',
  offlineMaxPerPayment: 'offline_max_per_payment',
  offlineMaxOutstanding: 'offline_max_outstanding',
  offlineExpiryMs: 'offline_expiry_ms',
};

export function readPaymentSettings(db: Db, overrides: Partial<PaymentSettings> = {}): PaymentSettings {
  const settings = { ...DEFAULT_PAYMENT_SETTINGS };
  for (const [name, key] of Object.entries(PAYMENT_SETTING_KEYS) as [keyof PaymentSettings, string][]) {
    const text = readSetting(db, key);
    if (text === undefined) continue;
    const value = Number(text);
    // A typo here would silently take money offline without bounds: refuse to start instead.
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new StationError(`station setting ${key} must be a whole number ≥ 0, not "${text}"`);
    }
    settings[name] = value;
  }
  return { ...settings, ...overrides };
}
