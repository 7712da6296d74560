// Runs in: renderer (DOM); pure, also unit-tested in node. Payment alerts on the monitor
// (`alert.offline_declined`): the stream replays stored events after a reconnect or a reload,
// so an alert is keyed by its order and time and shown once, until staff dismiss it.
import type { OfflineDeclinedAlert } from '../shared/types';
import { isPaymentState } from '../shared/payment';

export interface AlertEntry {
  key: string;
  alert: OfflineDeclinedAlert;
}

export interface AlertState {
  /** Shown, oldest first. */
  active: AlertEntry[];
  /** Keys staff dismissed (or that a newer alert of the same order replaced), newest last. */
  dismissed: string[];
}

/** Enough to cover every alert a station's event retention can replay. */
export const MAX_DISMISSED = 500;

export const emptyAlerts = (): AlertState => ({ active: [], dismissed: [] });

/** The same alert, replayed, has the same order and time (and event id, which a new database reuses). */
export function alertKey(alert: Pick<OfflineDeclinedAlert, 'orderId' | 'at'>): string {
  return `${alert.orderId}@${alert.at}`;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** The payload of an `alert.offline_declined` event, or null when it is not one. */
export function parseAlert(data: unknown): OfflineDeclinedAlert | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (!isString(d.orderId) || !isNumber(d.number) || !isNumber(d.amount) || !isString(d.currency) || !isString(d.at)) return null;
  return {
    orderId: d.orderId,
    number: d.number,
    amount: d.amount,
    currency: d.currency,
    paymentState: isPaymentState(d.paymentState) ? d.paymentState : 'declined',
    declineCode: isString(d.declineCode) ? d.declineCode : null,
    message: isString(d.message) ? d.message : '',
    offlineAcceptedAt: isString(d.offlineAcceptedAt) ? d.offlineAcceptedAt : null,
    at: d.at,
  };
}

function remember(dismissed: string[], ...keys: string[]): string[] {
  const next = [...dismissed.filter((key) => !keys.includes(key)), ...keys];
  return next.length > MAX_DISMISSED ? next.slice(next.length - MAX_DISMISSED) : next;
}

/**
 * Adds an alert unless it is shown already or was dismissed; a newer alert of the same order
 * takes the place of the older one. Returns the new state, or null when nothing changed.
 */
export function addAlert(state: AlertState, alert: OfflineDeclinedAlert): AlertState | null {
  const key = alertKey(alert);
  if (state.dismissed.includes(key) || state.active.some((entry) => entry.key === key)) return null;
  const sameOrder = state.active.find((entry) => entry.alert.orderId === alert.orderId);
  if (sameOrder && sameOrder.alert.at > alert.at) {
    // An older alert replayed after a newer one of the same order: already superseded.
    return { active: state.active, dismissed: remember(state.dismissed, key) };
  }
  const active = state.active.filter((entry) => entry !== sameOrder);
  return {
    active: [...active, { key, alert }],
    dismissed: sameOrder ? remember(state.dismissed, sameOrder.key) : state.dismissed,
  };
}

export function dismissAlert(state: AlertState, key: string): AlertState {
  return { active: state.active.filter((entry) => entry.key !== key), dismissed: remember(state.dismissed, key) };
}

/** State read back from storage: anything malformed is dropped, never trusted. */
export function restoreAlerts(raw: string | null): AlertState {
  if (raw === null) return emptyAlerts();
  try {
    const parsed = JSON.parse(raw) as { active?: unknown; dismissed?: unknown };
    const dismissed = Array.isArray(parsed.dismissed) ? parsed.dismissed.filter(isString).slice(-MAX_DISMISSED) : [];
    let state: AlertState = { active: [], dismissed };
    for (const entry of Array.isArray(parsed.active) ? parsed.active : []) {
      const alert = parseAlert((entry as { alert?: unknown } | null)?.alert);
      if (alert) state = addAlert(state, alert) ?? state;
    }
    return state;
  } catch {
    return emptyAlerts();
  }
}
